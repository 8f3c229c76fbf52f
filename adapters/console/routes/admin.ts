// 管理 (admins only): agent accounts, the audit log, erasure on request, the retention sweep.
import { z } from "zod";
import { HttpError, parseBody } from "../http.ts";
import { publicAccount, type Account } from "../accounts.ts";
import { admin, type TabRoutes } from "./context.ts";

const createBody = z.object({
  name: z.string().trim().min(1).max(32),
  password: z.string().min(1).max(200),
  role: z.enum(["agent", "admin"]),
  displayName: z.string().trim().max(20).optional(),
});
const updateBody = z.object({ active: z.boolean().optional(), role: z.enum(["agent", "admin"]).optional(), displayName: z.string().trim().max(20).optional() });
const resetBody = z.object({ password: z.string().min(1).max(200) });
const eraseBody = z
  .object({
    sessionKey: z.string().max(300).optional(),
    channel: z.string().max(40).optional(),
    userId: z.string().max(200).optional(),
    conversationId: z.string().max(200).optional(),
    dryRun: z.boolean().default(true),
  })
  .refine((b) => b.sessionKey || b.userId || b.conversationId, "请给出会话标识、用户标识或对话标识之一");

export const adminRoutes: TabRoutes = (app, { svc, now, audit, agentOf }) => {
  app.get("/api/console/admin/agents", admin, async () => svc.accounts.all().map(publicAccount));
  app.post("/api/console/admin/agents", admin, async (req) => {
    const a = agentOf(req);
    const b = parseBody(createBody, req.body);
    const acct: Account = await svc.accounts.create({ ...b, by: a.name, now: now() });
    void audit(req, "account-create", acct.name, acct.role);
    return publicAccount(acct);
  });
  app.post<{ Params: { name: string } }>("/api/console/admin/agents/:name/update", admin, async (req) => {
    const b = parseBody(updateBody, req.body);
    const acct = await svc.accounts.update(req.params.name, b);
    if (b.active === false) await svc.auth.destroyAllFor(acct.name);
    void audit(req, "account-update", acct.name, JSON.stringify(b));
    return publicAccount(acct);
  });
  app.post<{ Params: { name: string } }>("/api/console/admin/agents/:name/password", admin, async (req) => {
    const b = parseBody(resetBody, req.body);
    if (!svc.accounts.get(req.params.name)) throw new HttpError(404, "没有这个账号");
    await svc.accounts.setPassword(req.params.name, b.password, now());
    await svc.auth.destroyAllFor(req.params.name);
    void audit(req, "account-password-reset", req.params.name);
    return { ok: true };
  });

  app.get<{ Querystring: { limit?: string; who?: string; action?: string } }>("/api/console/admin/audit", admin, async (req) => {
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit) || 200));
    return svc.audit.recent(limit, { who: req.query.who || undefined, action: req.query.action || undefined });
  });

  app.post("/api/console/admin/erase", admin, async (req) => {
    const b = parseBody(eraseBody, req.body);
    const r = await svc.erase(b, b.dryRun);
    void audit(
      req,
      b.dryRun ? "erase-preview" : "erase",
      b.sessionKey ?? `${b.channel ?? "*"}:${b.conversationId ?? "*"}:${b.userId ?? "*"}`,
      `会话 ${r.sessions}，工单 ${r.tickets}，记录 ${r.events}`,
    );
    return { ...r, dryRun: b.dryRun };
  });
  app.post("/api/console/admin/sweep", admin, async (req) => {
    const r = await svc.sweep();
    void audit(req, "retention-sweep", undefined, JSON.stringify(r));
    return { ...r, retentionDays: svc.retentionDays };
  });
  app.get("/api/console/admin/settings", admin, async () => ({ retentionDays: svc.retentionDays, hours: svc.hours, knowledgeDir: svc.knowledge.dir }));
};
