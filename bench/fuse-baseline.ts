// Baseline for the note: fuse.js alone over our own phrasings (no normalisation, no bands beyond
// its own score threshold). Run: npx tsx bench/fuse-baseline.ts FILE
import { readFileSync } from "node:fs";
import Fuse from "fuse.js";
import { loadKnowledge } from "../knowledge/loader.ts";

const kb = loadKnowledge();
const items = kb.entries.flatMap((e) => e.phrasings.map((p) => ({ id: e.id, text: p })));
const fuse = new Fuse(items, { keys: ["text"], includeScore: true, threshold: 0.6, ignoreLocation: true });
const rows = readFileSync(process.argv[2], "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
let inS = 0,
  right = 0,
  wrong = 0,
  oos = 0,
  declined = 0;
for (const r of rows) {
  const hit = fuse.search(String(r.q))[0];
  const got = hit ? hit.item.id : null;
  if (r.expect === null) {
    oos++;
    if (!got) declined++;
    continue;
  }
  inS++;
  if (got === r.expect) right++;
  else if (got) wrong++;
}
const p = (a: number, b: number) => ((100 * a) / b).toFixed(1);
console.log(JSON.stringify({ fuse_only: true, answered_right_pct: p(right, inS), wrong_answer_pct: p(wrong, inS), oos_declined_pct: p(declined, oos) }));
