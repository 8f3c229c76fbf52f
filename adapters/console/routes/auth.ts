// Signing in and out, the page and its scripts, one's own password (the 我的账号 tab).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { HashBusyError, PRE_COOKIE, SESSION_COOKIE, newToken, sameToken } from "../auth.ts";
import type { Account } from "../accounts.ts";
import { HttpError, addCookie, cookie, parseBody, parseCookies, sameSite } from "../http.ts";
import { pub, type TabRoutes } from "./context.ts";

const ASSETS_DIR = fileURLToPath(new URL("../assets/", import.meta.url));
const JS = "text/javascript; charset=utf-8";
/** What /console/assets/ serves; the console's own scripts only to a signed-in agent. */
const ASSETS: Record<string, { type: string; public: boolean }> = {
  "console.css": { type: "text/css; charset=utf-8", public: true },
  "login.js": { type: JS, public: true },
  // The console's ES modules: the entry, what the tabs share, one module per tab.
  ...Object.fromEntries(
    [
      "console.js",
      "console-common.js",
      "console-changes.js",
      ...["triage", "queue", "learning", "hit", "knowledge", "figures", "admin", "account"].map((tab) => `tab-${tab}.js`),
    ].map((name) => [name, { type: JS, public: false }]),
  ),
};
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const authRoutes: TabRoutes = (app, ctx) => {
  const { svc, now, secure, audit, agentOf, lookup } = ctx;
  const assets = new Map<string, string>();
  for (const f of [...Object.keys(ASSETS), "login.html", "console.html"]) assets.set(f, readFileSync(ASSETS_DIR + f, "utf8"));

  const page = (reply: FastifyReply, name: string) =>
    reply
      .header("content-type", "text/html; charset=utf-8")
      .header("content-security-policy", CSP)
      .header("x-frame-options", "DENY")
      .header("cache-control", "no-store")
      .send(assets.get(name));

  app.get("/console", pub, async (req, reply) => page(reply, lookup(req) ? "console.html" : "login.html"));
  app.get<{ Params: { name: string } }>("/console/assets/:name", pub, async (req, reply) => {
    const a = ASSETS[req.params.name];
    if (!a) throw new HttpError(404, "没有这个文件");
    if (!a.public && !lookup(req)) throw new HttpError(401, "未登录或登录已过期");
    return reply.header("content-type", a.type).header("cache-control", "no-cache").send(assets.get(req.params.name));
  });

  // Before sign-in there is no session to hold a CSRF token: a double-submit cookie stands in.
  app.get("/api/console/csrf", pub, async (req, reply) => {
    let pre = parseCookies(req.headers.cookie)[PRE_COOKIE];
    if (!pre || pre.length < 30 || pre.length > 100) {
      pre = newToken();
      addCookie(reply, cookie(PRE_COOKIE, pre, { secure: secure(req), path: "/api/console", maxAgeSeconds: 3600 }));
    }
    return { token: pre };
  });

  const loginBody = z.object({ name: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
  app.post("/api/console/login", { ...pub, bodyLimit: 4096 }, async (req, reply) => {
    const pre = parseCookies(req.headers.cookie)[PRE_COOKIE];
    const token = req.headers["x-csrf-token"];
    if (!sameSite(req) || typeof token !== "string" || !sameToken(token, pre)) {
      void audit(req, "csrf-refused", "/api/console/login", undefined, false);
      throw new HttpError(403, "缺少或错误的 CSRF 令牌，请刷新页面后重试");
    }
    const { name, password } = parseBody(loginBody, req.body);
    // Admitted per address and per account before any hash is computed; the hash work itself is
    // bounded, so a flood of wrong sign-ins cannot take the thread pool from everyone else.
    const wait = svc.throttle.admit(name, req.ip);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      void audit(req, "login-locked", name, undefined, false, name);
      reply.header("retry-after", String(Math.ceil(wait / 1000)));
      throw new HttpError(429, `登录失败次数过多，请 ${minutes} 分钟后再试`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    let acct: Account | null;
    try {
      acct = await svc.hashGate.run(() => svc.accounts.verify(name, password));
    } catch (err) {
      if (!(err instanceof HashBusyError)) throw err;
      reply.header("retry-after", "5");
      throw new HttpError(429, err.message, { retryAfterSeconds: 5 });
    } finally {
      svc.throttle.done(req.ip);
    }
    if (!acct) {
      svc.throttle.fail(name, req.ip);
      void audit(req, "login-failed", name, undefined, false, name);
      throw new HttpError(401, "账号或密码错误");
    }
    svc.throttle.succeed(name, req.ip);
    const { id, session } = await svc.auth.create(acct.name, acct.passwordVersion ?? 0);
    addCookie(reply, cookie(SESSION_COOKIE, id, { secure: secure(req) }));
    addCookie(reply, cookie(PRE_COOKIE, "", { secure: secure(req), path: "/api/console", maxAgeSeconds: 0 }));
    void audit(req, "login", acct.name, undefined, true, acct.name);
    return { name: acct.name, role: acct.role, displayName: acct.displayName ?? null, csrf: session.csrf };
  });

  app.get("/api/console/me", async (req) => {
    const a = agentOf(req);
    return { name: a.name, role: a.role, displayName: a.displayName ?? null, csrf: a.session.csrf };
  });

  app.post("/api/console/logout", async (req, reply) => {
    const a = agentOf(req);
    await svc.auth.destroy(a.sessionId);
    addCookie(reply, cookie(SESSION_COOKIE, "", { secure: secure(req), maxAgeSeconds: 0 }));
    void audit(req, "logout");
    return { ok: true };
  });

  const passwordBody = z.object({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) });
  app.post("/api/console/password", async (req, reply) => {
    const a = agentOf(req);
    const b = parseBody(passwordBody, req.body);
    if (!(await svc.hashGate.run(() => svc.accounts.verify(a.name, b.current)))) {
      void audit(req, "password-change", a.name, "当前密码错误", false);
      throw new HttpError(403, "当前密码不正确");
    }
    await svc.accounts.setPassword(a.name, b.next, now());
    // Every session of the account ends; this browser gets a new one.
    await svc.auth.destroyAllFor(a.name);
    const { id, session } = await svc.auth.create(a.name, svc.accounts.get(a.name)?.passwordVersion ?? 0);
    addCookie(reply, cookie(SESSION_COOKIE, id, { secure: secure(req) }));
    void audit(req, "password-change", a.name);
    return { ok: true, csrf: session.csrf };
  });
};
