// `helpdesk kb check`: schema and cross-file checks (file:line), then the leave-one-out figure:
// each phrasing matched with itself removed from the index.
import { readKnowledge, formatProblem, type Knowledge } from "../../knowledge/loader.ts";
import { Matcher } from "./matcher.ts";

export interface LooReport {
  total: number;
  right: number;
  clarifiedRight: number;
  wrong: { id: string; phrasing: string; got: string; file: string; line: number }[];
  declined: number;
}

export function leaveOneOut(knowledge: Knowledge, matcher = new Matcher(knowledge)): LooReport {
  const rep: LooReport = { total: 0, right: 0, clarifiedRight: 0, wrong: [], declined: 0 };
  for (const e of knowledge.entries) {
    e.phrasings.forEach((p, i) => {
      rep.total++;
      const m = matcher.match(p, { id: e.id, phrasingIndex: i });
      if (m.band === "answer" && m.id === e.id) rep.right++;
      else if (m.band === "answer" && m.id) rep.wrong.push({ id: e.id, phrasing: p, got: m.id, file: e.file, line: e.phrasingLines[i] });
      else if (m.band === "clarify" && m.offered.includes(e.id)) rep.clarifiedRight++;
      else rep.declined++;
    });
  }
  return rep;
}

export function runKbCheck(opts: { quiet?: boolean; dir?: string } = {}): number {
  const { knowledge, problems } = readKnowledge(opts.dir);
  for (const p of problems) console.error(formatProblem(p));
  if (!knowledge) {
    console.error(`kb check: ${problems.length} problem(s)`);
    return 1;
  }
  const rep = leaveOneOut(knowledge);
  const pct = (n: number) => ((100 * n) / rep.total).toFixed(1);
  if (!opts.quiet) {
    for (const w of rep.wrong) console.log(`${w.file}:${w.line}: phrasing "${w.phrasing}" of ${w.id} lands on ${w.got} when left out`);
  }
  console.log(`kb check: ${knowledge.entries.length} entries, ${rep.total} phrasings, ${knowledge.outOfScope.groups.length} out-of-scope groups; no errors`);
  console.log(`leave-one-out: answered right ${pct(rep.right)}%, clarified with the right one ${pct(rep.clarifiedRight)}%, wrong ${pct(rep.wrong.length)}% (${rep.wrong.length}), declined ${pct(rep.declined)}%`);
  return 0;
}
