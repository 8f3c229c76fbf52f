// 知识与通知: entries and their last check, knowledge figures and reload, the change history
// with rollback, staff notices.
import { z } from "zod";
import { KNOWN_IDS } from "../../../knowledge/schema.ts";
import { dayKey } from "../../../bot/zoned.ts";
import { HttpError, parseBody } from "../http.ts";
import { changeRow } from "../knowledge-ops.ts";
import type { Notice } from "../notices.ts";
import { admin, text, type TabRoutes } from "./context.ts";
import { changeReply } from "./learning.ts";

const when = z.union([z.number().int().positive(), z.string().min(1)]).transform((v, ctx) => {
  const t = typeof v === "number" ? v : Date.parse(v);
  if (!Number.isFinite(t)) {
    ctx.addIssue({ code: "custom", message: "时间格式不正确" });
    return z.NEVER;
  }
  return t;
});
const noticeBody = z.object({
  text: text(500),
  topics: z
    .array(z.union([z.enum(KNOWN_IDS), z.literal("*")]))
    .min(1, "至少选择一个相关主题")
    .max(40),
  startsAt: when.optional(),
  expiresAt: when,
});

export const knowledgeRoutes: TabRoutes = (app, { svc, now, audit, agentOf }) => {
  app.get("/api/console/entries", async () => {
    const t = now();
    const today = dayKey(t, svc.hours.timeZone);
    return svc.understanding.current.knowledge.entries.map((e) => ({
      id: e.id,
      title: e.title,
      kind: e.kind,
      confirmed: e.confirmed,
      daysSinceConfirmed: Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${e.confirmed}T00:00:00Z`)) / 86_400_000),
      phrasings: e.phrasings.length,
      regions: Object.keys(e.variants ?? {}),
      notices: svc.notices.noticesFor(e.id, t).length,
    }));
  });
  app.get<{ Params: { id: string } }>("/api/console/entries/:id", async (req) => {
    const e = svc.understanding.current.entry(req.params.id);
    if (!e) throw new HttpError(404, "没有这个知识条目");
    return {
      id: e.id,
      title: e.title,
      kind: e.kind,
      confirmed: e.confirmed,
      answer: e.answer,
      variants: e.variants ?? {},
      phrasings: e.phrasings,
      platform_messages: e.platform_messages,
      related: e.related,
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

  const noticeRow = (n: Notice) => {
    const t = now();
    const state = n.withdrawnAt ? "withdrawn" : t < n.startsAt ? "scheduled" : t >= n.expiresAt ? "expired" : "active";
    return { ...n, state };
  };
  app.get("/api/console/notices", async () => svc.notices.all().slice().reverse().slice(0, 200).map(noticeRow));
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
};
