// `helpdesk eval` with understand() in place of the matcher's own decision, for score.mjs:
//   npx tsx bench/understand-eval.ts FILE [--lexical] > out.jsonl && node ../shared/tools/score.mjs FILE out.jsonl
// Same output as `helpdesk eval` (one {q, got, offered, confidence, reply} line per input line),
// through the real engine, so replies (must / must-not) are what a user would read. The engine
// still calls matcher.match synchronously; here each question's understanding is computed first
// and handed to it, which is what the core gets by awaiting understand() instead.
import { readFileSync } from "node:fs";
import { sharedMatcher, createEngine } from "../bot/assistant.ts";
import { Understander } from "../bot/nlu/understand.ts";
import type { MatchResult } from "../bot/nlu/matcher.ts";

const file = process.argv[2];
if (!file) { console.error("usage: understand-eval FILE [--lexical]"); process.exit(2); }
const lexicalOnly = process.argv.includes("--lexical");
const rows = readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as { q: unknown; region?: string | null });

const matcher = sharedMatcher();
const u = new Understander(matcher);
const pre = new Map<string, MatchResult>();
let semantic = 0;
for (const r of rows) {
  const q = String(r.q ?? "");
  const m = await u.understand(q, { semantic: lexicalOnly ? false : undefined });
  if (m.path === "semantic") semantic++;
  pre.set(q, m);
}
const original = matcher.match.bind(matcher);
let fallback = 0;
matcher.match = (text, exclude) => {
  if (exclude) return original(text, exclude);
  const m = pre.get(text);
  if (m) return m;
  fallback++;
  return u.understandLexical(text);
};
const engine = createEngine();
for (const [i, r] of rows.entries()) {
  const q = String(r.q ?? "");
  const region = r.region === "zaozhuang" || r.region === "taian" ? r.region : null;
  const t = await engine.turn({ channel: "eval", conversationId: `eval-${i}`, userId: "eval", text: q }, { region });
  const reply = t.replies.map((x) => x.text).join("\n");
  process.stdout.write(JSON.stringify({ q: r.q, got: t.topic, offered: t.offered, confidence: Number((t.confidence ?? 0).toFixed(3)), reply }) + "\n");
}
console.error(`understand-eval: ${rows.length} questions, ${semantic} needed the semantic signal, ${fallback} engine calls on other texts`);
await engine.close();
