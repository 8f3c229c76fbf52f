// The project's regression set (knowledge/regression.jsonl: {q, expect, region?} per line) and
// the figures a knowledge change is judged by: the leave-one-out outcome of every phrasing and
// the outcome of every regression question. Both are kept per item so a change can be refused
// with the items it breaks named.
import { readFileSync } from "node:fs";
import type { Knowledge } from "../../knowledge/loader.ts";
import { Matcher } from "../../bot/nlu/matcher.ts";
import { leaveOneOutByEntry, type Outcome } from "../../bot/nlu/evaluate.ts";
import { createAssistant } from "../../bot/assistant.ts";
import type { Region } from "../../bot/message.ts";

export type { Outcome };

/** Texts compared as the loader compares phrasings: width, case and punctuation aside. */
const textKey = (s: string) =>
  s
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, "")
    .toLowerCase();

export interface RegressionLine {
  q: string;
  expect: string | null;
  region: Region | null;
  line: number;
}

export function readRegression(file: string): { lines: RegressionLine[]; problems: string[] } {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { lines: [], problems: [`${file}: missing`] };
  }
  const lines: RegressionLine[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((l, i) => {
    if (!l.trim()) return;
    try {
      const v = JSON.parse(l) as { q?: unknown; expect?: unknown; region?: unknown };
      if (typeof v.q !== "string" || !v.q.trim()) throw new Error("q must be a non-empty string");
      if (v.expect !== null && typeof v.expect !== "string") throw new Error("expect must be an id or null");
      const region = v.region === "zaozhuang" || v.region === "taian" ? v.region : null;
      lines.push({ q: v.q, expect: v.expect, region, line: i + 1 });
    } catch (err) {
      problems.push(`${file}:${i + 1}: ${(err as Error).message}`);
    }
  });
  return { lines, problems };
}

export interface Tally {
  total: number;
  right: number;
  clarified: number;
  wrong: number;
  declined: number;
}
const tally = (os: Iterable<Outcome>): Tally => {
  const t: Tally = { total: 0, right: 0, clarified: 0, wrong: 0, declined: 0 };
  for (const o of os) {
    t.total++;
    t[o]++;
  }
  return t;
};

export interface FigureSet {
  loo: Tally;
  regression: Tally;
  /** Outcome per phrasing, keyed "id\u0000phrasing". */
  looItems: Map<string, Outcome>;
  regressionItems: { line: RegressionLine; outcome: Outcome; got: string | null }[];
}

const yieldToOthers = () => new Promise<void>((r) => setImmediate(r));

/**
 * The leave-one-out outcome of every phrasing (bot/nlu/evaluate.ts, the one `kb check` reports).
 * It takes seconds: it yields between entries so the server keeps answering meanwhile.
 */
export async function looOutcomes(knowledge: Knowledge, matcher: Matcher): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  for (const items of leaveOneOutByEntry(knowledge, matcher)) {
    for (const it of items) out.set(`${it.id}\u0000${it.phrasing}`, it.outcome);
    await yieldToOthers();
  }
  return out;
}

/** Each regression question in a fresh conversation of an assistant with no listeners attached, understood as the live one understands. */
export async function regressionOutcomes(lines: RegressionLine[], matcher: Matcher): Promise<FigureSet["regressionItems"]> {
  const assistant = createAssistant({ matcher }); // in-memory sessions and log, no onTurn, no tickets
  // Which entry lists each text as a phrasing: a regression question written into another entry
  // is wrong knowledge, whichever way the decision happens to go.
  const listedBy = new Map<string, string>();
  for (const e of matcher.knowledge.entries) for (const p of e.phrasings) listedBy.set(textKey(p), e.id);
  const out: FigureSet["regressionItems"] = [];
  for (const [i, line] of lines.entries()) {
    const listed = listedBy.get(textKey(line.q));
    if (listed && listed !== line.expect) {
      out.push({ line, outcome: "wrong", got: listed });
      continue;
    }
    const r = await assistant.handle({ key: { channel: "eval", conversationId: `regression-${i}`, userId: "regression" }, text: line.q, region: line.region });
    let outcome: Outcome;
    if (line.expect === null) outcome = r.topic === null ? (r.offered.length ? "clarified" : "right") : "wrong";
    else if (r.topic === line.expect) outcome = "right";
    else if (r.topic) outcome = "wrong";
    else if (r.offered.includes(line.expect)) outcome = "clarified";
    else outcome = "declined";
    out.push({ line, outcome, got: r.topic });
  }
  return out;
}

export async function computeFigures(knowledge: Knowledge, regression: RegressionLine[], matcher = new Matcher(knowledge)): Promise<FigureSet> {
  const looItems = await looOutcomes(knowledge, matcher);
  const regressionItems = await regressionOutcomes(regression, matcher);
  return { loo: tally(looItems.values()), regression: tally(regressionItems.map((x) => x.outcome)), looItems, regressionItems };
}

export interface FigureSummary {
  loo: Tally & { rightPct: number };
  regression: Tally & { rightPct: number };
}
const pct = (n: number, d: number) => (d ? Math.round((1000 * n) / d) / 10 : 0);
export const summarize = (f: FigureSet): FigureSummary => ({
  loo: { ...f.loo, rightPct: pct(f.loo.right, f.loo.total) },
  regression: { ...f.regression, rightPct: pct(f.regression.right, f.regression.total) },
});

export interface Verdict {
  ok: boolean;
  /** Why it was refused, in the words the console shows. */
  reasons: string[];
  /** Leave-one-out over the phrasings that existed before the change. */
  existing: { before: { right: number; wrong: number }; after: { right: number; wrong: number } };
  /** Items that were right before and are not after. */
  broken: { kind: "phrasing" | "regression"; text: string; expect: string | null; was: Outcome; now: Outcome; got?: string | null }[];
}

/**
 * A change may not lower the figures. Leave-one-out is compared over the phrasings that existed
 * before, so a new phrasing that is hard to recover when left out does not count against the
 * change; the regression set is compared line by line and strictly.
 *
 * Leave-one-out: no fewer phrasings reached (answered, or offered as a choice), and at most one
 * more wrong answer. Any change of the index (even one phrasing) moves the word statistics a
 * little: a borderline phrasing elsewhere can tip into a clarifying question or, rarely, onto a
 * neighbouring entry. So "answered" may drop by at most `tolerance` phrasings that are still
 * reached, and one phrasing may tip wrong; each such one is listed for staff to see. The
 * regression set, the staff's own truth, is compared strictly.
 */
export function judge(before: FigureSet, after: FigureSet, tolerance = 3): Verdict {
  const reasons: string[] = [];
  const broken: Verdict["broken"] = [];
  let rb = 0,
    ra = 0,
    wb = 0,
    wa = 0,
    reachedB = 0,
    reachedA = 0;
  const reached = (o: Outcome) => o === "right" || o === "clarified";
  for (const [k, was] of before.looItems) {
    const now = after.looItems.get(k);
    if (!now) continue;
    if (was === "right") rb++;
    if (now === "right") ra++;
    if (was === "wrong") wb++;
    if (now === "wrong") wa++;
    if (reached(was)) reachedB++;
    if (reached(now)) reachedA++;
    if (was !== "wrong" && now === "wrong" && was !== "right") {
      const [id, text] = k.split("\u0000");
      broken.push({ kind: "phrasing", text, expect: id, was, now });
    }
    if (was === "right" && now !== "right") {
      const [id, text] = k.split("\u0000");
      broken.push({ kind: "phrasing", text, expect: id, was, now });
    }
  }
  if (wa > wb + 1) reasons.push(`留一法：原有问法答错的数量从 ${wb} 升到 ${wa}（最多允许增加 1 个）`);
  // The one phrasing allowed to tip wrong is no longer reached either.
  if (reachedA < reachedB - Math.min(1, Math.max(0, wa - wb))) reasons.push(`留一法：原有问法能答对或列为选项的数量从 ${reachedB} 降到 ${reachedA}`);
  if (rb - ra > tolerance) reasons.push(`留一法：原有问法直接答对的数量从 ${rb} 降到 ${ra}（最多允许减少 ${tolerance} 个）`);
  const n = Math.min(before.regressionItems.length, after.regressionItems.length);
  for (let i = 0; i < n; i++) {
    const b = before.regressionItems[i],
      a = after.regressionItems[i];
    if (b.outcome === "right" && a.outcome !== "right")
      broken.push({ kind: "regression", text: a.line.q, expect: a.line.expect, was: b.outcome, now: a.outcome, got: a.got });
  }
  if (after.regression.right < before.regression.right)
    reasons.push(`回归集：答对 ${before.regression.right} → ${after.regression.right}（共 ${after.regression.total} 条）`);
  if (after.regression.wrong > before.regression.wrong) reasons.push(`回归集：答错 ${before.regression.wrong} → ${after.regression.wrong}`);
  return { ok: reasons.length === 0, reasons, existing: { before: { right: rb, wrong: wb }, after: { right: ra, wrong: wa } }, broken: broken.slice(0, 30) };
}
