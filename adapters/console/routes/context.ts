// What every tab's routes share: the service, the signed-in agent of a request, the audit
// writer, route flags for the access hook, and the small body schemas several tabs use.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { ConsoleService } from "../service.ts";
import type { Role } from "../accounts.ts";
import { SESSION_COOKIE, type AuthSession } from "../auth.ts";
import { HttpError, parseCookies } from "../http.ts";

export interface RouteFlags {
  public?: boolean;
  admin?: boolean;
}
declare module "fastify" {
  // Route flags the console's access hook reads (route options' config).
  interface FastifyContextConfig {
    public?: boolean;
    admin?: boolean;
  }
}

export interface Agent {
  name: string;
  role: Role;
  displayName?: string;
  session: AuthSession;
  sessionId: string;
}

/** Route options: reachable without signing in (the route checks what it needs itself). */
export const pub = { config: { public: true } as RouteFlags };
/** Route options: admins only. */
export const admin = { config: { admin: true } as RouteFlags };

export const regionSchema = z.enum(["zaozhuang", "taian"]).nullish();
export const text = (max: number) => z.string().trim().min(1, "不能为空").max(max, `最多 ${max} 字`);

export interface ConsoleContext {
  svc: ConsoleService;
  now(): number;
  secure(req: FastifyRequest): boolean;
  /** The signed-in agent of a request, or null (an account disabled meanwhile signs out). */
  lookup(req: FastifyRequest): Agent | null;
  /** The agent the access hook found for this request (401 when none). */
  agentOf(req: FastifyRequest): Agent;
  /** Remembers the agent the access hook found. */
  setAgent(req: FastifyRequest, agent: Agent): void;
  audit(req: FastifyRequest, action: string, target?: string, detail?: string, ok?: boolean, who?: string): Promise<void>;
}

/** One tab's routes, registered by routes/index.ts behind the shared access hook. */
export type TabRoutes = (app: FastifyInstance, ctx: ConsoleContext) => void;

export function consoleContext(svc: ConsoleService): ConsoleContext {
  const agents = new WeakMap<FastifyRequest, Agent>();
  const now = () => svc.clock.now();
  function lookup(req: FastifyRequest): Agent | null {
    const id = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const session = svc.auth.lookup(id);
    if (!session || !id) return null;
    const acct = svc.accounts.get(session.name);
    // A password set since sign-in (here or with `helpdesk admin passwd`) ends older sessions.
    if (!acct || !acct.active || session.passwordVersion !== (acct.passwordVersion ?? 0)) {
      svc.auth.destroy(id).catch((err) => req.log.warn(err));
      return null;
    }
    return { name: acct.name, role: acct.role, displayName: acct.displayName, session, sessionId: id };
  }
  return {
    svc,
    now,
    lookup,
    secure: (req) => req.protocol === "https",
    agentOf: (req) => {
      const a = agents.get(req);
      if (!a) throw new HttpError(401, "未登录或登录已过期");
      return a;
    },
    setAgent: (req, agent) => {
      agents.set(req, agent);
    },
    audit: (req, action, target, detail, ok = true, who) =>
      svc.audit.write({ at: now(), who: who ?? agents.get(req)?.name ?? "-", action, target, detail, ip: req.ip, ok }),
  };
}
