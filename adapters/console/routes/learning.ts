// 待学习问题: questions the bot declined, clarified or got a 👎 for, and what an agent does
// with them (new phrasings of an entry, out of scope, dismissed).
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { KNOWN_IDS } from "../../../knowledge/schema.ts";
import { HttpError, parseBody } from "../http.ts";
import { changeRow, type ChangeOutcome } from "../knowledge-ops.ts";
import type { ConsoleService } from "../service.ts";
import { text, type TabRoutes } from "./context.ts";

const phrasingList = z.array(z.string().trim().min(1).max(200)).min(1, "至少选择一个问法").max(30);

/** A knowledge change's outcome as the console shows it (also used by the knowledge tab). */
export const changeReply = (reply: FastifyReply, out: ChangeOutcome) => {
  if (out.ok) return { ok: true, change: changeRow(out.change), verdict: out.verdict };
  return reply.code(out.status).send({ ok: false, error: out.error, problems: out.problems ?? [], figures: out.figures ?? null, verdict: out.verdict ?? null });
};

export const titleOf = (svc: ConsoleService, id: string) => svc.understanding.current.entry(id)?.title ?? id;

const assignBody = z.object({ groupId: z.string().max(40).optional(), topic: z.enum(KNOWN_IDS), phrasings: phrasingList });
const oosBody = z.object({ groupId: z.string().max(40).optional(), group: text(40), hint: z.string().trim().max(300).optional(), phrasings: phrasingList });
const dismissBody = z.object({ groupId: z.string().min(1).max(40) });

export const learningRoutes: TabRoutes = (app, { svc, now, audit, agentOf }) => {
  const entryList = () => svc.understanding.current.knowledge.entries.map((e) => ({ id: e.id, title: e.title, kind: e.kind }));

  app.get("/api/console/learning", async () => {
    // Someone is looking at the unanswered list: a change may follow, so measure today's figures now.
    svc.knowledge.prewarm();
    return {
      groups: svc
        .unansweredGroups()
        .slice(0, 200)
        .map((g) => ({ ...g, suggestions: g.suggestions.map((s) => ({ ...s, title: titleOf(svc, s.id) })) })),
      entries: entryList(),
      outOfScopeGroups: svc.understanding.current.knowledge.outOfScope.groups.map((g) => ({ name: g.name, hint: g.hint ?? null })),
    };
  });

  app.post("/api/console/learning/assign", { bodyLimit: 64 * 1024 }, async (req, reply) => {
    const a = agentOf(req);
    const b = parseBody(assignBody, req.body);
    const out = await svc.knowledge.addPhrasings({ topic: b.topic, phrasings: b.phrasings, who: a.name });
    void audit(req, "knowledge-add-phrasings", b.topic, out.ok ? out.change.summary : `未采纳：${out.error}`, out.ok);
    if (out.ok) await svc.resolve(b.groupId, b.phrasings, { at: now(), by: a.name, action: "assigned", changeId: out.change.id, topic: b.topic });
    return changeReply(reply, out);
  });

  app.post("/api/console/learning/out-of-scope", { bodyLimit: 64 * 1024 }, async (req, reply) => {
    const a = agentOf(req);
    const b = parseBody(oosBody, req.body);
    const out = await svc.knowledge.addOutOfScope({ group: b.group, hint: b.hint, phrasings: b.phrasings, who: a.name });
    void audit(req, "knowledge-out-of-scope", b.group, out.ok ? out.change.summary : `未采纳：${out.error}`, out.ok);
    if (out.ok) await svc.resolve(b.groupId, b.phrasings, { at: now(), by: a.name, action: "out-of-scope", changeId: out.change.id });
    return changeReply(reply, out);
  });

  app.post("/api/console/learning/dismiss", async (req) => {
    const a = agentOf(req);
    const b = parseBody(dismissBody, req.body);
    const g = svc.unansweredGroups().find((x) => x.id === b.groupId);
    if (!g) throw new HttpError(404, "没有这个问题分组（可能已处理）");
    await svc.resolve(g.id, [], { at: now(), by: a.name, action: "dismissed" });
    void audit(req, "learning-dismiss", g.representative, `${g.count} 条`);
    return { ok: true };
  });
};
