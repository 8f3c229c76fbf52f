// How well the matcher serves the knowledge: the one leave-one-out (used by `helpdesk kb check`
// and the console's change verdict) and the checks that need the matcher. The data checks
// (schema, ids, duplicates, …) are in knowledge/checks/ and import nothing from here.
import { readKnowledge, formatProblem, isError, type Knowledge, type Problem } from "../../knowledge/loader.ts";
import { Matcher } from "./matcher.ts";
import { readFlowRules } from "../../knowledge/flow-rules.ts";

/** What became of one question: answered with its own entry, offered among choices, answered with another, or not. */
export type Outcome = "right" | "clarified" | "wrong" | "declined";

export interface PhrasingOutcome {
  id: string;
  /** Index in the entry's phrasings. */
  index: number;
  phrasing: string;
  file: string;
  line: number;
  outcome: Outcome;
  /** The entry answered, when the matcher answered. */
  got: string | null;
}

/**
 * Leave-one-out, one entry at a time: each phrasing matched with itself removed from the index.
 * A generator so the console can yield to other work between entries (it takes seconds).
 */
export function* leaveOneOutByEntry(knowledge: Knowledge, matcher: Matcher = new Matcher(knowledge)): Generator<PhrasingOutcome[]> {
  for (const e of knowledge.entries) {
    yield e.phrasings.map((p, i) => {
      const m = matcher.match(p, { id: e.id, phrasingIndex: i });
      let outcome: Outcome;
      if (m.band === "answer" && m.id === e.id) outcome = "right";
      else if (m.band === "answer" && m.id) outcome = "wrong";
      else if (m.band === "clarify" && m.offered.includes(e.id)) outcome = "clarified";
      else outcome = "declined";
      return { id: e.id, index: i, phrasing: p, file: e.file, line: e.phrasingLines[i] ?? 1, outcome, got: m.band === "answer" ? m.id : null };
    });
  }
}

export interface LooReport {
  total: number;
  right: number;
  clarifiedRight: number;
  wrong: { id: string; phrasing: string; got: string; file: string; line: number }[];
  declined: number;
  items: PhrasingOutcome[];
}

export function leaveOneOut(knowledge: Knowledge, matcher: Matcher = new Matcher(knowledge)): LooReport {
  const rep: LooReport = { total: 0, right: 0, clarifiedRight: 0, wrong: [], declined: 0, items: [] };
  for (const items of leaveOneOutByEntry(knowledge, matcher)) {
    for (const it of items) {
      rep.total++;
      rep.items.push(it);
      if (it.outcome === "right") rep.right++;
      else if (it.outcome === "wrong") rep.wrong.push({ id: it.id, phrasing: it.phrasing, got: it.got ?? "", file: it.file, line: it.line });
      else if (it.outcome === "clarified") rep.clarifiedRight++;
      else rep.declined++;
    }
  }
  return rep;
}

/**
 * Problems only the matcher can see: a phrasing answered with another entry even with itself in
 * the index, and phrasings of two entries that the normaliser makes equal (a typo variant, a
 * synonym, traditional characters). Both make the matcher's choice for that question arbitrary.
 */
export function matcherProblems(knowledge: Knowledge, matcher: Matcher = new Matcher(knowledge)): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, { id: string; phrasing: string; file: string; line: number }>();
  for (const e of knowledge.entries) {
    e.phrasings.forEach((p, i) => {
      const line = e.phrasingLines[i] ?? 1;
      const m = matcher.match(p);
      if (m.band === "answer" && m.id && m.id !== e.id) out.push({ file: e.file, line, message: `phrasing "${p}" of ${e.id} is answered with ${m.id}` });
      const n = m.normalized.replace(/\s+/g, "");
      const prev = n ? seen.get(n) : undefined;
      if (!prev) {
        if (n) seen.set(n, { id: e.id, phrasing: p, file: e.file, line });
      } else if (prev.id !== e.id)
        out.push({
          file: e.file,
          line,
          message: `phrasing "${p}" reads the same to the matcher as "${prev.phrasing}" in ${prev.file}:${prev.line} (${prev.id})`,
        });
    });
  }
  return out;
}

export interface KbCheckOptions {
  dir?: string;
  /** Warnings become errors (CI). */
  strict?: boolean;
  /** Leave out the per-phrasing leave-one-out lines. */
  quiet?: boolean;
  today?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** `helpdesk kb check`: 0 when the knowledge has no error, 1 otherwise; every finding as `file:line: message`. */
export function runKbCheck(opts: KbCheckOptions = {}): number {
  const out = opts.out ?? ((l: string) => console.log(l));
  const err = opts.err ?? ((l: string) => console.error(l));
  const { knowledge, problems } = readKnowledge(opts.dir, { strict: opts.strict, today: opts.today });
  const all = [...problems];
  // The rules the flows state (knowledge/flows/*.yaml), checked against the entries they restate.
  if (knowledge) all.push(...readFlowRules(knowledge.dir, knowledge.byId).problems);
  let rep: LooReport | null = null;
  if (knowledge) {
    const matcher = new Matcher(knowledge);
    all.push(...matcherProblems(knowledge, matcher));
    rep = leaveOneOut(knowledge, matcher);
  }
  for (const p of all) err(formatProblem(p));
  const errors = all.filter(isError).length;
  const warnings = all.length - errors;
  if (!knowledge || !rep || errors) {
    err(`kb check: ${errors} error(s), ${warnings} warning(s)`);
    return 1;
  }
  const pct = (n: number) => ((100 * n) / (rep.total || 1)).toFixed(1);
  // Leave-one-out misses are figures, not errors: a phrasing hard to recover alone is still useful.
  if (!opts.quiet) for (const w of rep.wrong) out(`${w.file}:${w.line}: phrasing "${w.phrasing}" of ${w.id} lands on ${w.got} when left out`);
  out(
    `kb check: ${knowledge.entries.length} entries, ${rep.total} phrasings, ${knowledge.outOfScope.groups.length} out-of-scope groups; no errors${warnings ? `, ${warnings} warning(s)` : ""}`,
  );
  out(
    `leave-one-out: answered right ${pct(rep.right)}%, clarified with the right one ${pct(rep.clarifiedRight)}%, wrong ${pct(rep.wrong.length)}% (${rep.wrong.length}), declined ${pct(rep.declined)}%`,
  );
  return 0;
}
