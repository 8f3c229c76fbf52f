// The agents' console as a fastify plugin: GET /console (the page, or the sign-in page) and
// its API under /api/console/, one file per tab. The service is built by the composition root
// (bot/server.ts):
//   app.register(consoleRoutes, { service })
// Every /api/console/ route but csrf and login needs a signed-in session (401); every change
// needs the session's CSRF token in x-csrf-token and a same-site origin (403); admin routes
// need the admin role (403). One hook here checks all three for every tab.
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { ConsoleService } from "../service.ts";
import { AccountError } from "../accounts.ts";
import { HashBusyError, sameToken } from "../auth.ts";
import { HttpError, sameSite } from "../http.ts";
import { QueueError } from "../handoff.ts";
import { consoleContext, type RouteFlags, type TabRoutes } from "./context.ts";
import { authRoutes } from "./auth.ts";
import { triageRoutes } from "./triage.ts";
import { queueRoutes } from "./queue.ts";
import { learningRoutes } from "./learning.ts";
import { hitRoutes } from "./hit.ts";
import { knowledgeRoutes } from "./knowledge.ts";
import { figuresRoutes } from "./figures.ts";
import { adminRoutes } from "./admin.ts";

export interface ConsolePluginOptions {
  service: ConsoleService;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const TABS: TabRoutes[] = [authRoutes, triageRoutes, queueRoutes, learningRoutes, hitRoutes, knowledgeRoutes, figuresRoutes, adminRoutes];

export const consoleRoutes: FastifyPluginAsync<ConsolePluginOptions> = async (app: FastifyInstance, opts: ConsolePluginOptions) => {
  const ctx = consoleContext(opts.service);

  app.addHook("onRequest", async (req, reply) => {
    const flags: RouteFlags = req.routeOptions.config ?? {};
    if (flags.public) return;
    const agent = ctx.lookup(req);
    if (!agent) return reply.code(401).header("cache-control", "no-store").send({ error: "未登录或登录已过期" });
    ctx.setAgent(req, agent);
    if (!SAFE_METHODS.has(req.method)) {
      const token = req.headers["x-csrf-token"];
      if (!sameSite(req) || typeof token !== "string" || !sameToken(token, agent.session.csrf)) {
        void ctx.audit(req, "csrf-refused", req.url, undefined, false);
        return reply.code(403).send({ error: "缺少或错误的 CSRF 令牌，请刷新页面后重试" });
      }
    }
    if (flags.admin && agent.role !== "admin") {
      void ctx.audit(req, "admin-refused", req.url, undefined, false);
      return reply.code(403).send({ error: "需要管理员权限" });
    }
  });

  app.addHook("onSend", async (req, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    if (req.url.startsWith("/api/")) reply.header("cache-control", "no-store");
    return payload;
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    const e = err as { statusCode?: number; message?: string };
    let status = 500;
    let message = "服务器内部错误";
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (err instanceof AccountError || err instanceof QueueError) {
      status = err.status;
      message = err.message;
    } else if (err instanceof HashBusyError) {
      status = 429;
      message = err.message;
    } else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      status = e.statusCode;
      message = e.message ?? "请求不正确";
    }
    if (status >= 500) req.log.error(err);
    void reply.code(status).send({ error: message, ...(err instanceof HttpError ? err.extra : {}) });
  });

  for (const tab of TABS) tab(app, ctx);
};
