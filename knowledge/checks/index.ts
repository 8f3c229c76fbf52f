// The knowledge checks, in the order their findings are reported: the file-level ones first, so
// the first line printed is usually the cause. Checks that need the matcher (leave-one-out, a
// phrasing the matcher sends elsewhere) are in bot/nlu/evaluate.ts: knowledge/ stays pure data.
import type { Check, CheckContext } from "./check.ts";
import type { Problem } from "../problem.ts";
import { yamlSyntax } from "./yaml-syntax.ts";
import { layout } from "./layout.ts";
import { schema } from "./schema.ts";
import { ids } from "./ids.ts";
import { duplicatePhrasings } from "./duplicate-phrasings.ts";
import { outOfScope } from "./out-of-scope.ts";
import { dictionary } from "./dictionary.ts";
import { variants } from "./variants.ts";
import { confirmed } from "./confirmed.ts";
import { source } from "./source.ts";

export type { Check, CheckContext };

export const CHECKS: readonly Check[] = [yamlSyntax, layout, schema, ids, duplicatePhrasings, outOfScope, dictionary, variants, confirmed, source];

/** Runs every check. `strict` (CI) turns warnings into errors. */
export function runChecks(k: CheckContext, opts: { strict?: boolean; checks?: readonly Check[] } = {}): Problem[] {
  const out: Problem[] = [];
  for (const c of opts.checks ?? CHECKS) out.push(...c.run(k));
  return opts.strict ? out.map(({ severity: _, ...p }) => p) : out;
}
