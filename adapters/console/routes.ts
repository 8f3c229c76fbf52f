// The agents' console as a fastify plugin: GET /console (the page, or the sign-in page) and
// its API under /api/console/. The service is built by the composition root (bot/server.ts):
//   app.register(consoleRoutes, { service })
// Every /api/console/ route but csrf and login needs a signed-in session (401); every change
// needs the session's CSRF token in x-csrf-token and a same-site origin (403).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { KNOWN_IDS } from "../../knowledge/schema.ts";
import { ALL_FLOWS } from "../../flows/index.ts";
import { composeAnswer } from "../../bot/compose.ts";
import { OOS_PREFIX } from "../../bot/nlu/matcher.ts";
import type { Region } from "../../bot/message.ts";
import type { ConsoleService } from "./service.ts";
import { AccountError, publicAccount, type Account, type Role } from "./accounts.ts";
import { PRE_COOKIE, SESSION_COOKIE, newToken, sameToken, type AuthSession } from "./auth.ts";
import { HttpError, addCookie, cookie, parseBody, parseCookies, sameSite } from "./http.ts";
import { QueueError, queueRow, type TicketView } from "./handoff.ts";
import { triage } from "./triage.ts";
import { computeFigures, figuresCsv } from "./figures.ts";
import { changeRow, type ChangeOutcome } from "./knowledge-ops.ts";
import { describeHours, describeOpening, isOpen, nextOpening } from "../../bot/working-hours.ts";
import { dayKey, isDayKey, nextDay } from "../../bot/zoned.ts";

export interface ConsolePluginOptions { service: ConsoleService }

interface RouteFlags { public?: boolean; admin?: boolean }
declare module "fastify" {
  // Route flags the console's access hook reads (route options' config).
  interface FastifyContextConfig { public?: boolean; admin?: boolean }
}
interface Agent { name: string; role: Role; displayName?: string; session: AuthSession; sessionId: string }

const ASSETS_DIR = fileURLToPath(new URL("./assets/", import.meta.url));
const ASSETS: Record<string, { type: string; public: boolean }> = {
  "console.css": { type: "text/css; charset=utf-8", public: true },
  "login.js": { type: "text/javascript; charset=utf-8", public: true },
  "console.js": { type: "text/javascript; charset=utf-8", public: false },
};
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const regionSchema = z.enum(["zaozhuang", "taian"]).nullish();
const text = (max: number) => z.string().trim().min(1, "不能为空").max(max, `最多 ${max} 字`);
const phrasingList = z.array(z.string().trim().min(1).max(200)).min(1, "至少选择一个问法").max(30);
const when = z.union([z.number().int().positive(), z.string().min(1)]).transform((v, ctx) => {
  const t = typeof v === "number" ? v : Date.parse(v);
  if (!Number.isFinite(t)) { ctx.addIssue({ code: "custom", message: "时间格式不正确" }); return z.NEVER; }
  return t;
});

export const consoleRoutes: FastifyPluginAsync<ConsolePluginOptions> = async (app: FastifyInstance, opts: ConsolePluginOptions) => {
  const svc = opts.service;

  const assets = new Map<string, string>();
  for (const f of [...Object.keys(ASSETS), "login.html", "console.html"]) assets.set(f, readFileSync(ASSETS_DIR + f, "utf8"));

  const agents = new WeakMap<FastifyRequest, Agent>();
  const agentOf = (req: FastifyRequest): Agent => {
    const a = agents.get(req);
    if (!a) throw new HttpError(401, "未登录或登录已过期");
    return a;
  };
  const secure = (req: FastifyRequest) => req.protocol === "https";
  const now = () => svc.clock.now();

  /** The signed-in agent of a request, or null (an account disabled meanwhile signs out). */
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

  const audit = (req: FastifyRequest, action: string, target?: string, detail?: string, ok = true, who?: string) =>
    svc.audit.write({ at: now(), who: who ?? agents.get(req)?.name ?? "-", action, target, detail, ip: req.ip, ok });

  app.addHook("onRequest", async (req, reply) => {
    const flags = (req.routeOptions.config ?? {}) as RouteFlags;
    if (flags.public) return;
    const agent = lookup(req);
    if (!agent) return reply.code(401).header("cache-control", "no-store").send({ error: "未登录或登录已过期" });
    agents.set(req, agent);
    if (!SAFE_METHODS.has(req.method)) {
      const token = req.headers["x-csrf-token"];
      if (!sameSite(req) || typeof token !== "string" || !sameToken(token, agent.session.csrf)) {
        void audit(req, "csrf-refused", req.url, undefined, false);
        return reply.code(403).send({ error: "缺少或错误的 CSRF 令牌，请刷新页面后重试" });
      }
    }
    if (flags.admin && agent.role !== "admin") {
      void audit(req, "admin-refused", req.url, undefined, false);
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
    const e = err as { statusCode?: number; message?: string; extra?: Record<string, unknown>; validation?: unknown };
    let status = 500;
    let message = "服务器内部错误";
    if (err instanceof HttpError) { status = err.status; message = err.message; }
    else if (err instanceof AccountError || err instanceof QueueError) { status = err.status; message = err.message; }
    else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) { status = e.statusCode; message = e.message ?? "请求不正确"; }
    if (status >= 500) req.log.error(err);
    void reply.code(status).send({ error: message, ...(err instanceof HttpError ? err.extra : {}) });
  });

  const pub = { config: { public: true } as RouteFlags };
  const admin = { config: { admin: true } as RouteFlags };

  // ---- the page ----

  const page = (reply: FastifyReply, name: string) => reply
    .header("content-type", "text/html; charset=utf-8").header("content-security-policy", CSP)
    .header("x-frame-options", "DENY").header("cache-control", "no-store").send(assets.get(name));

  app.get("/console", pub, async (req, reply) => page(reply, lookup(req) ? "console.html" : "login.html"));
  app.get<{ Params: { name: string } }>("/console/assets/:name", pub, async (req, reply) => {
    const a = ASSETS[req.params.name];
    if (!a) throw new HttpError(404, "没有这个文件");
    if (!a.public && !lookup(req)) throw new HttpError(401, "未登录或登录已过期");
    return reply.header("content-type", a.type).header("cache-control", "no-cache").send(assets.get(req.params.name));
  });

  // ---- signing in ----

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
    const wait = svc.throttle.retryAfter(name, req.ip);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      void audit(req, "login-locked", name, undefined, false, name);
      reply.header("retry-after", String(Math.ceil(wait / 1000)));
      throw new HttpError(429, `登录失败次数过多，请 ${minutes} 分钟后再试`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    const acct = await svc.accounts.verify(name, password);
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
    if (!(await svc.accounts.verify(a.name, b.current))) { void audit(req, "password-change", a.name, "当前密码错误", false); throw new HttpError(403, "当前密码不正确"); }
    await svc.accounts.setPassword(a.name, b.next, now());
    // Every session of the account ends; this browser gets a new one.
    await svc.auth.destroyAllFor(a.name);
    const { id, session } = await svc.auth.create(a.name, svc.accounts.get(a.name)?.passwordVersion ?? 0);
    addCookie(reply, cookie(SESSION_COOKIE, id, { secure: secure(req) }));
    void audit(req, "password-change", a.name);
    return { ok: true, csrf: session.csrf };
  });

  // ---- triage ----

  const triageBody = z.object({ text: z.string().max(20000, "最多 20000 字"), region: regionSchema });
  app.post("/api/console/triage", { bodyLimit: 256 * 1024 }, async (req) => {
    const b = parseBody(triageBody, req.body);
    const r = triage(b.text, svc.understanding.current, { region: b.region ?? null });
    void audit(req, "triage", undefined, `${r.topics.map((t) => t.id).join(",") || "无匹配"} · ${b.text.slice(0, 60)}`);
    return r;
  });

  // ---- hand-off queue ----

  const hoursInfo = () => {
    const t = now();
    const next = nextOpening(t, svc.hours);
    return { open: isOpen(t, svc.hours), description: describeHours(svc.hours), nextOpening: next, nextOpeningText: next === null ? null : describeOpening(next, t, svc.hours), timeZone: svc.hours.timeZone };
  };
  app.get("/api/console/hours", async () => hoursInfo());

  app.get("/api/console/queue", async () => {
    const tickets = await svc.queue.list();
    const t = now();
    return { now: t, version: svc.queue.version, hours: hoursInfo(), tickets: tickets.map((x) => queueRow(x, t)) };
  });

  const viewed = new Set<string>();
  const ticketView = (t: TicketView) => ({ ...queueRow(t, now()), now: now(), closedAt: t.closedAt ?? null, ending: t.ending ?? null, transcript: t.transcript });
  app.get<{ Params: { id: string } }>("/api/console/tickets/:id", async (req) => {
    const a = agentOf(req);
    const t = await svc.queue.view(req.params.id, a.name);
    // Reading a transcript is access to personal data: audited once per agent and ticket.
    const key = `${a.name}|${t.id}`;
    if (!viewed.has(key)) { viewed.add(key); void audit(req, "ticket-view", t.id); }
    return ticketView(t);
  });
  app.post<{ Params: { id: string } }>("/api/console/tickets/:id/take", async (req) => {
    const a = agentOf(req);
    const t = await svc.queue.take(req.params.id, a.name, a.displayName);
    void audit(req, "ticket-take", t.id);
    return ticketView(t);
  });
  const replyBody = z.object({ text: text(2000) });
  app.post<{ Params: { id: string } }>("/api/console/tickets/:id/reply", async (req) => {
    const a = agentOf(req);
    const b = parseBody(replyBody, req.body);
    const r = await svc.queue.reply(req.params.id, a.name, a.role === "admin", b.text);
    void audit(req, "ticket-reply", r.ticket.id, `${r.delivered ? "" : "[未送达] "}${b.text.slice(0, 100)}`);
    return { ...ticketView(r.ticket), delivered: r.delivered };
  });
  for (const how of ["handback", "close"] as const) {
    app.post<{ Params: { id: string } }>(`/api/console/tickets/:id/${how}`, async (req) => {
      const a = agentOf(req);
      const t = await svc.queue.end(req.params.id, a.name, a.role === "admin", how);
      void audit(req, `ticket-${how}`, t.id);
      return ticketView(t);
    });
  }

  // ---- learning loop ----

  const entryList = () => svc.understanding.current.knowledge.entries.map((e) => ({ id: e.id, title: e.title, kind: e.kind }));
  const titleOf = (id: string) => svc.understanding.current.entry(id)?.title ?? id;

  app.get("/api/console/learning", async () => {
    // Someone is looking at the unanswered list: a change may follow, so measure today's figures now.
    svc.knowledge.prewarm();
    return {
    groups: svc.unansweredGroups().slice(0, 200).map((g) => ({ ...g, suggestions: g.suggestions.map((s) => ({ ...s, title: titleOf(s.id) })) })),
    entries: entryList(),
    outOfScopeGroups: svc.understanding.current.knowledge.outOfScope.groups.map((g) => ({ name: g.name, hint: g.hint ?? null })),
    };
  });

  const changeReply = (reply: FastifyReply, out: ChangeOutcome) => {
    if (out.ok) return { ok: true, change: changeRow(out.change), verdict: out.verdict };
    return reply.code(out.status).send({ ok: false, error: out.error, problems: out.problems ?? [], figures: out.figures ?? null, verdict: out.verdict ?? null });
  };

  const assignBody = z.object({ groupId: z.string().max(40).optional(), topic: z.enum(KNOWN_IDS), phrasings: phrasingList });
  app.post("/api/console/learning/assign", { bodyLimit: 64 * 1024 }, async (req, reply) => {
    const a = agentOf(req);
    const b = parseBody(assignBody, req.body);
    const out = await svc.knowledge.addPhrasings({ topic: b.topic, phrasings: b.phrasings, who: a.name });
    void audit(req, "knowledge-add-phrasings", b.topic, out.ok ? out.change.summary : `未采纳：${out.error}`, out.ok);
    if (out.ok) await svc.resolve(b.groupId, b.phrasings, { at: now(), by: a.name, action: "assigned", changeId: out.change.id, topic: b.topic });
    return changeReply(reply, out);
  });

  const oosBody = z.object({ groupId: z.string().max(40).optional(), group: text(40), hint: z.string().trim().max(300).optional(), phrasings: phrasingList });
  app.post("/api/console/learning/out-of-scope", { bodyLimit: 64 * 1024 }, async (req, reply) => {
    const a = agentOf(req);
    const b = parseBody(oosBody, req.body);
    const out = await svc.knowledge.addOutOfScope({ group: b.group, hint: b.hint, phrasings: b.phrasings, who: a.name });
    void audit(req, "knowledge-out-of-scope", b.group, out.ok ? out.change.summary : `未采纳：${out.error}`, out.ok);
    if (out.ok) await svc.resolve(b.groupId, b.phrasings, { at: now(), by: a.name, action: "out-of-scope", changeId: out.change.id });
    return changeReply(reply, out);
  });

  const dismissBody = z.object({ groupId: z.string().min(1).max(40) });
  app.post("/api/console/learning/dismiss", async (req) => {
    const a = agentOf(req);
    const b = parseBody(dismissBody, req.body);
    const g = svc.unansweredGroups().find((x) => x.id === b.groupId);
    if (!g) throw new HttpError(404, "没有这个问题分组（可能已处理）");
    await svc.resolve(g.id, [], { at: now(), by: a.name, action: "dismissed" });
    void audit(req, "learning-dismiss", g.representative, `${g.count} 条`);
    return { ok: true };
  });

  // ---- hit test ----

  app.get<{ Querystring: { q?: string; region?: string } }>("/api/console/hit", async (req) => {
    const q = String(req.query.q ?? "").slice(0, 2000);
    if (!q.trim()) throw new HttpError(400, "请输入要测试的问题");
    const region = req.query.region === "zaozhuang" || req.query.region === "taian" ? (req.query.region as Region) : null;
    const m = svc.understanding.current;
    const r = m.match(q);
    const cfg = m.config;
    const inScope = r.candidates.filter((c) => !c.id.startsWith(OOS_PREFIX));
    const [first, second] = inScope;
    const margin = first ? first.score - (second?.score ?? 0) : 0;
    let why: string;
    if (r.outOfScope?.startsWith("other-system:")) why = `问题提到了其他系统（${r.outOfScope.slice(13)}），按超出范围拒答`;
    else if (r.outOfScope) why = `超出范围分组“${r.outOfScope}”得分接近或高于最佳条目，拒答`;
    else if (r.band === "answer") why = `最佳条目得分 ${first?.score.toFixed(3)} ≥ 回答阈值 ${cfg.answerMin}，领先第二名 ${margin.toFixed(3)}（一般需 ≥ ${cfg.answerMargin}）→ 直接回答`;
    else if (r.band === "clarify") why = `最佳得分 ${first?.score.toFixed(3)}：未达到回答条件，但 ≥ 澄清阈值 ${cfg.clarifyMin} → 列出得分相近（${cfg.clarifyWindow} 以内）的条目让用户选`;
    else why = `最佳得分 ${(first?.score ?? 0).toFixed(3)} < 澄清阈值 ${cfg.clarifyMin} → 拒答并提供人工`;
    const entry = r.id ? m.entry(r.id) : undefined;
    const numbers = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === "number").map(([k, v]) => [k, Number((v as number).toFixed(3))]));
    return {
      q, normalized: r.normalized, tokens: r.tokens, band: r.band, id: r.id, title: r.id ? titleOf(r.id) : null,
      confidence: Number(r.confidence.toFixed(3)), offered: r.offered.map((id) => ({ id, title: titleOf(id) })), outOfScope: r.outOfScope ?? null,
      place: r.place ?? null, secondary: r.secondary ? { id: r.secondary, title: titleOf(r.secondary) } : null, why,
      // Whatever the matcher's configuration and signals are today, shown as they are.
      thresholds: numbers(cfg),
      candidates: r.candidates.map((c) => ({
        id: c.id, title: c.id.startsWith(OOS_PREFIX) ? `超出范围：${c.id.slice(OOS_PREFIX.length)}` : titleOf(c.id),
        ...numbers(c),
      })),
      // A topic with a guided flow starts it after this answer.
      flow: r.id ? ALL_FLOWS.find((f) => f.topic === r.id)?.name ?? null : null,
      answer: entry ? composeAnswer(entry, { region: region ?? (r.place && r.place.region !== "other" ? r.place.region : null) }).text : null,
    };
  });

  // ---- knowledge: entries, notices, history ----

  app.get("/api/console/entries", async () => {
    const t = now();
    const today = dayKey(t, svc.hours.timeZone);
    return svc.understanding.current.knowledge.entries.map((e) => ({
      id: e.id, title: e.title, kind: e.kind, confirmed: e.confirmed,
      daysSinceConfirmed: Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${e.confirmed}T00:00:00Z`)) / 86_400_000),
      phrasings: e.phrasings.length, regions: Object.keys(e.variants ?? {}),
      notices: svc.notices.noticesFor(e.id, t).length,
    }));
  });
  app.get<{ Params: { id: string } }>("/api/console/entries/:id", async (req) => {
    const e = svc.understanding.current.entry(req.params.id);
    if (!e) throw new HttpError(404, "没有这个知识条目");
    return {
      id: e.id, title: e.title, kind: e.kind, confirmed: e.confirmed, answer: e.answer, variants: e.variants ?? {},
      phrasings: e.phrasings, platform_messages: e.platform_messages, related: e.related,
      sources: e.source.map((s) => ({ edition: s.edition, section: s.section })),
    };
  });
  app.post<{ Params: { id: string } }>("/api/console/entries/:id/confirm", async (req, reply) => {
    const a = agentOf(req);
    if (!svc.understanding.current.entry(req.params.id)) throw new HttpError(404, "没有这个知识条目");
    const out = await svc.knowledge.confirm({ topic: req.params.id, day: dayKey(now(), svc.hours.timeZone), who: a.name });
    void audit(req, "knowledge-confirm", req.params.id, out.ok ? out.change.summary : `未确认：${out.error}`, out.ok);
    return changeReply(reply, out);
  });
  app.get("/api/console/knowledge/figures", async () => ({ figures: await svc.knowledge.currentFigures() }));
  app.post("/api/console/knowledge/reload", admin, async (req, reply) => {
    const r = svc.knowledge.reload();
    void audit(req, "knowledge-reload", undefined, r.ok ? "ok" : r.problems.slice(0, 3).join(" | "), r.ok);
    if (!r.ok) return reply.code(422).send({ ok: false, error: "知识文件有错误，继续使用原来的知识", problems: r.problems });
    return { ok: true, entries: r.matcher.knowledge.entries.length };
  });

  app.get("/api/console/history", async () => svc.knowledge.history().slice(0, 200).map(changeRow));
  app.post<{ Params: { id: string } }>("/api/console/history/:id/rollback", async (req, reply) => {
    const a = agentOf(req);
    const c = svc.knowledge.change(req.params.id);
    if (!c) throw new HttpError(404, "没有这条修改记录");
    if (c.who !== a.name && a.role !== "admin") throw new HttpError(403, "只能回滚自己的修改；其他人的修改请找管理员回滚");
    const out = await svc.knowledge.rollback(c.id, a.name);
    void audit(req, "knowledge-rollback", c.id, out.ok ? out.change.summary : `未回滚：${out.error}`, out.ok);
    if (out.ok && c.action !== "rollback") await svc.resolutions.undoChange(c.id);
    return changeReply(reply, out);
  });

  const noticeRow = (n: ReturnType<typeof svc.notices.all>[number]) => {
    const t = now();
    const state = n.withdrawnAt ? "withdrawn" : t < n.startsAt ? "scheduled" : t >= n.expiresAt ? "expired" : "active";
    return { ...n, state };
  };
  app.get("/api/console/notices", async () => svc.notices.all().slice().reverse().slice(0, 200).map(noticeRow));
  const noticeBody = z.object({
    text: text(500), topics: z.array(z.union([z.enum(KNOWN_IDS), z.literal("*")])).min(1, "至少选择一个相关主题").max(40),
    startsAt: when.optional(), expiresAt: when,
  });
  app.post("/api/console/notices", async (req) => {
    const a = agentOf(req);
    const b = parseBody(noticeBody, req.body);
    const t = now();
    const startsAt = b.startsAt ?? t;
    if (b.expiresAt <= Math.max(t, startsAt)) throw new HttpError(400, "到期时间必须晚于现在和开始时间");
    if (b.expiresAt - startsAt > 366 * 86_400_000) throw new HttpError(400, "通知最长显示一年");
    const n = await svc.notices.post({ text: b.text, topics: b.topics, startsAt, expiresAt: b.expiresAt, by: a.name, now: t });
    void audit(req, "notice-post", n.id, `${b.topics.join(",")}：${b.text}`);
    return noticeRow(n);
  });
  app.post<{ Params: { id: string } }>("/api/console/notices/:id/withdraw", async (req) => {
    const a = agentOf(req);
    const n = await svc.notices.withdraw(req.params.id, a.name, now());
    if (!n) throw new HttpError(404, "没有这条通知");
    void audit(req, "notice-withdraw", n.id);
    return noticeRow(n);
  });

  // ---- figures ----

  function range(q: { from?: string; to?: string }): { from: string; to: string } {
    const today = dayKey(now(), svc.hours.timeZone);
    let to = q.to && isDayKey(q.to) ? q.to : today;
    let from = q.from && isDayKey(q.from) ? q.from : "";
    if (!from) { from = to; for (let i = 0; i < 13; i++) from = dayKey(Date.parse(`${from}T12:00:00Z`) - 86_400_000, "UTC"); }
    if (from > to) [from, to] = [to, from];
    let n = 0;
    for (let d = from; d <= to; d = nextDay(d)) if (++n > 366) throw new HttpError(400, "一次最多统计 366 天");
    return { from, to };
  }
  app.get<{ Querystring: { from?: string; to?: string } }>("/api/console/figures", async (req) => {
    const { from, to } = range(req.query);
    const f = computeFigures(svc.events.all(), from, to, svc.hours.timeZone);
    return { ...f, topTopics: f.topTopics.map((t) => ({ ...t, title: titleOf(t.id) })) };
  });
  app.get<{ Querystring: { from?: string; to?: string } }>("/api/console/figures.csv", async (req, reply) => {
    const { from, to } = range(req.query);
    void audit(req, "figures-export", `${from}..${to}`);
    return reply.header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="helpdesk-figures-${from}-${to}.csv"`)
      .send(figuresCsv(computeFigures(svc.events.all(), from, to, svc.hours.timeZone)));
  });

  // ---- admin ----

  app.get("/api/console/admin/agents", admin, async () => svc.accounts.all().map(publicAccount));
  const createBody = z.object({
    name: z.string().trim().min(1).max(32), password: z.string().min(1).max(200), role: z.enum(["agent", "admin"]),
    displayName: z.string().trim().max(20).optional(),
  });
  app.post("/api/console/admin/agents", admin, async (req) => {
    const a = agentOf(req);
    const b = parseBody(createBody, req.body);
    const acct: Account = await svc.accounts.create({ ...b, by: a.name, now: now() });
    void audit(req, "account-create", acct.name, acct.role);
    return publicAccount(acct);
  });
  const updateBody = z.object({ active: z.boolean().optional(), role: z.enum(["agent", "admin"]).optional(), displayName: z.string().trim().max(20).optional() });
  app.post<{ Params: { name: string } }>("/api/console/admin/agents/:name/update", admin, async (req) => {
    const b = parseBody(updateBody, req.body);
    const acct = await svc.accounts.update(req.params.name, b);
    if (b.active === false) await svc.auth.destroyAllFor(acct.name);
    void audit(req, "account-update", acct.name, JSON.stringify(b));
    return publicAccount(acct);
  });
  const resetBody = z.object({ password: z.string().min(1).max(200) });
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

  const eraseBody = z.object({
    sessionKey: z.string().max(300).optional(), channel: z.string().max(40).optional(), userId: z.string().max(200).optional(),
    conversationId: z.string().max(200).optional(), dryRun: z.boolean().default(true),
  }).refine((b) => b.sessionKey || b.userId || b.conversationId, "请给出会话标识、用户标识或对话标识之一");
  app.post("/api/console/admin/erase", admin, async (req) => {
    const b = parseBody(eraseBody, req.body);
    const r = await svc.erase(b, b.dryRun);
    void audit(req, b.dryRun ? "erase-preview" : "erase", b.sessionKey ?? `${b.channel ?? "*"}:${b.conversationId ?? "*"}:${b.userId ?? "*"}`, `会话 ${r.sessions}，工单 ${r.tickets}，记录 ${r.events}`);
    return { ...r, dryRun: b.dryRun };
  });
  app.post("/api/console/admin/sweep", admin, async (req) => {
    const r = await svc.sweep();
    void audit(req, "retention-sweep", undefined, JSON.stringify(r));
    return { ...r, retentionDays: svc.retentionDays };
  });
  app.get("/api/console/admin/settings", admin, async () => ({ retentionDays: svc.retentionDays, hours: svc.hours, knowledgeDir: svc.knowledge.dir }));

};
