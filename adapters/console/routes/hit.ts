// 命中测试: how the bot would understand one question, with every score and the reason.
import { ALL_FLOWS } from "../../../flows/index.ts";
import { composeAnswer } from "../../../bot/compose.ts";
import { OOS_PREFIX } from "../../../bot/nlu/matcher.ts";
import type { Region } from "../../../bot/message.ts";
import { HttpError } from "../http.ts";
import { titleOf } from "./learning.ts";
import type { TabRoutes } from "./context.ts";

export const hitRoutes: TabRoutes = (app, { svc }) => {
  app.get<{ Querystring: { q?: string; region?: string } }>("/api/console/hit", async (req) => {
    const q = String(req.query.q ?? "").slice(0, 2000);
    if (!q.trim()) throw new HttpError(400, "请输入要测试的问题");
    const region: Region | null = req.query.region === "zaozhuang" || req.query.region === "taian" ? req.query.region : null;
    const m = svc.understanding.current;
    const r = m.match(q);
    const cfg = m.config;
    const inScope = r.candidates.filter((c) => !c.id.startsWith(OOS_PREFIX));
    const [first, second] = inScope;
    const margin = first ? first.score - (second?.score ?? 0) : 0;
    let why: string;
    if (r.outOfScope?.startsWith("other-system:")) why = `问题提到了其他系统（${r.outOfScope.slice(13)}），按超出范围拒答`;
    else if (r.outOfScope) why = `超出范围分组“${r.outOfScope}”得分接近或高于最佳条目，拒答`;
    else if (r.band === "answer")
      why = `最佳条目得分 ${first?.score.toFixed(3)} ≥ 回答阈值 ${cfg.answerMin}，领先第二名 ${margin.toFixed(3)}（一般需 ≥ ${cfg.answerMargin}）→ 直接回答`;
    else if (r.band === "clarify")
      why = `最佳得分 ${first?.score.toFixed(3)}：未达到回答条件，但 ≥ 澄清阈值 ${cfg.clarifyMin} → 列出得分相近（${cfg.clarifyWindow} 以内）的条目让用户选`;
    else why = `最佳得分 ${(first?.score ?? 0).toFixed(3)} < 澄清阈值 ${cfg.clarifyMin} → 拒答并提供人工`;
    const entry = r.id ? m.entry(r.id) : undefined;
    const numbers = (o: object) => Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (typeof v === "number" ? [[k, Number(v.toFixed(3))]] : [])));
    return {
      q,
      normalized: r.normalized,
      tokens: r.tokens,
      band: r.band,
      id: r.id,
      title: r.id ? titleOf(svc, r.id) : null,
      confidence: Number(r.confidence.toFixed(3)),
      offered: r.offered.map((id) => ({ id, title: titleOf(svc, id) })),
      outOfScope: r.outOfScope ?? null,
      place: r.place ?? null,
      secondary: r.secondary ? { id: r.secondary, title: titleOf(svc, r.secondary) } : null,
      why,
      // Whatever the matcher's configuration and signals are today, shown as they are.
      thresholds: numbers(cfg),
      candidates: r.candidates.map((c) => ({
        id: c.id,
        title: c.id.startsWith(OOS_PREFIX) ? `超出范围：${c.id.slice(OOS_PREFIX.length)}` : titleOf(svc, c.id),
        ...numbers(c),
      })),
      // A topic with a guided flow starts it after this answer.
      flow: r.id ? (ALL_FLOWS.find((f) => f.topic === r.id)?.name ?? null) : null,
      answer: entry ? composeAnswer(entry, { region: region ?? (r.place && r.place.region !== "other" ? r.place.region : null) }).text : null,
    };
  });
};
