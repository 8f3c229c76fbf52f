// Threshold study: scores the matcher alone on a labelled file and leave-one-out, for a grid of
// answer thresholds. Run: npx tsx bench/tune.ts FILE [FILE…] [--dump]
import { readFileSync } from "node:fs";
import { sharedMatcher } from "../bot/assistant.ts";
import { OOS_PREFIX, type MatcherConfig } from "../bot/nlu/matcher.ts";

const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const dump = process.argv.includes("--dump");
const m = sharedMatcher();
if (process.env.CFG) Object.assign(m.config, JSON.parse(process.env.CFG));
type Row = { q: string; expect: string | null; cands: { id: string; score: number }[] };
const rows: Row[] = [];
for (const f of files) {
  for (const l of readFileSync(f, "utf8").split("\n")) {
    if (!l.trim()) continue;
    const o = JSON.parse(l);
    const { candidates } = m.score(o.q);
    rows.push({ q: o.q, expect: o.expect ?? null, cands: candidates.slice(0, 6).map((c) => ({ id: c.id, score: c.score })) });
  }
}
const loo: Row[] = [];
for (const e of m.knowledge.entries)
  e.phrasings.forEach((p, i) => {
    const { candidates } = m.score(p, { id: e.id, phrasingIndex: i });
    loo.push({ q: p, expect: e.id, cands: candidates.slice(0, 6).map((c) => ({ id: c.id, score: c.score })) });
  });

function decide(cands: Row["cands"], c: Pick<MatcherConfig, "answerMin" | "answerMargin" | "clarifyMin" | "clarifyWindow" | "oosMargin">) {
  const top = cands[0];
  if (!top || top.score < c.clarifyMin) return { band: "decline", id: null as string | null, offered: [] as string[] };
  const ins = cands.filter((x) => !x.id.startsWith(OOS_PREFIX));
  const oos = cands.find((x) => x.id.startsWith(OOS_PREFIX));
  if (!ins[0] || (oos && oos.score + c.oosMargin >= ins[0].score)) return { band: "decline", id: null, offered: [] };
  const margin = ins[0].score - (ins[1]?.score ?? 0);
  if (ins[0].score >= c.answerMin && margin >= c.answerMargin) return { band: "answer", id: ins[0].id, offered: [] };
  const offered = ins
    .filter((x) => x.score >= ins[0].score - c.clarifyWindow && x.score >= c.clarifyMin)
    .slice(0, 3)
    .map((x) => x.id);
  if (offered.length === 1 && ins[0].score >= c.answerMin) return { band: "answer", id: ins[0].id, offered: [] };
  return { band: "clarify", id: null, offered };
}
function evaluate(rs: Row[], c: Parameters<typeof decide>[1]) {
  let inS = 0,
    right = 0,
    offered = 0,
    wrong = 0,
    oos = 0,
    declined = 0;
  for (const r of rs) {
    const d = decide(r.cands, c);
    if (r.expect === null) {
      oos++;
      if (d.id === null || d.id === "handoff.human") declined++;
      continue;
    }
    inS++;
    if (d.id === r.expect) right++;
    else if (d.id === null && d.offered.includes(r.expect)) offered++;
    else if (d.id !== null) wrong++;
  }
  const p = (a: number, b: number) => (b ? (100 * a) / b : 0).toFixed(1);
  return { right: p(right, inS), resolved: p(right + offered, inS), wrong: p(wrong, inS), oos: p(declined, oos), wrongN: wrong };
}
const base = m.config;
if (process.env.DUMP_BANDS) {
  for (const r of rows) {
    const d = decide(r.cands, base);
    const ok = d.id === r.expect ? "OK " : d.id === null && (r.expect === null || d.offered.includes(r.expect)) ? "CL " : "XX ";
    if (ok !== "OK ")
      console.log(
        ok,
        r.expect,
        "|",
        r.cands
          .slice(0, 3)
          .map((c) => `${c.id}:${c.score.toFixed(3)}`)
          .join(" "),
        "|",
        r.q,
      );
  }
}
// The real decision (other systems, several questions in one) for the current configuration.
{
  let inS = 0,
    right = 0,
    offered = 0,
    wrong = 0,
    oos = 0,
    declined = 0;
  for (const f of files)
    for (const l of readFileSync(f, "utf8").split("\n")) {
      if (!l.trim()) continue;
      const o = JSON.parse(l);
      const r = m.match(o.q);
      const exp = o.expect ?? null;
      if (exp === null) {
        oos++;
        if (r.id === null || r.id === "handoff.human") declined++;
        else if (dump) console.log("OOS-ANSWERED", r.id, "|", o.q);
        continue;
      }
      inS++;
      if (r.id === exp) right++;
      else if (r.id === null && r.offered.includes(exp)) offered++;
      else if (r.id !== null) {
        wrong++;
        if (dump) console.log("WRONG", exp, "got", r.id, "|", o.q);
      } else if (dump) console.log(r.offered.length ? "CLARIFY-MISS" : "DECLINED", exp, r.offered.join(","), "|", o.q);
    }
  const p = (a: number, b: number) => (b ? (100 * a) / b : 0).toFixed(1);
  console.log("REAL", JSON.stringify({ right: p(right, inS), resolved: p(right + offered, inS), wrong: p(wrong, inS), oos: p(declined, oos) }));
}
console.log("current", JSON.stringify(evaluate(rows, base)), "loo", JSON.stringify(evaluate(loo, base)));
const grid = process.env.GRID ? JSON.parse(process.env.GRID) : { answerMin: [0.3, 0.34, 0.38, 0.42], answerMargin: [0.06, 0.08, 0.1, 0.12] };
for (const answerMin of grid.answerMin)
  for (const answerMargin of grid.answerMargin) {
    const c = { ...base, answerMin, answerMargin };
    console.log(answerMin, answerMargin, JSON.stringify(evaluate(rows, c)), "loo", JSON.stringify(evaluate(loo, c)));
  }
