// Understanding speed and memory: npx tsx bench/understand-bench.ts [FILE]
// Latency of understand() per question (after one warm-up pass), split by the path that decided
// (lexical evidence alone, or with the semantic step); time to build the phrasing vectors from an
// empty cache; resident memory with the model loaded. Default questions: the dev set.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedMatcher } from "../bot/assistant.ts";
import { Understander } from "../bot/nlu/understand.ts";
import { SemanticIndex, VectorCache, loadEmbedder } from "../bot/nlu/semantic.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const file = process.argv[2] ?? join(root, "..", "shared", "eval", "dev.jsonl");
const qs = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => String(JSON.parse(l).q));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const rss = () => (process.memoryUsage().rss / 1048576).toFixed(0);

const rss0 = rss();
const matcher = sharedMatcher();
const rssLex = rss();
// Cold start: the model and every phrasing vector from an empty cache.
const empty = mkdtempSync(join(tmpdir(), "vec-cold-"));
let t0 = performance.now();
const embedder = await loadEmbedder();
const tLoad = performance.now() - t0;
t0 = performance.now();
await SemanticIndex.build(matcher.knowledge, embedder, new VectorCache(embedder.modelId, empty));
const tCold = performance.now() - t0;
t0 = performance.now();
await SemanticIndex.build(matcher.knowledge, embedder, new VectorCache(embedder.modelId, empty));
const tWarm = performance.now() - t0;
rmSync(empty, { recursive: true, force: true });

const u = new Understander(matcher, undefined, async () => embedder);
await u.warm();
for (const q of qs) await u.understand(q); // warm-up
const lexical: number[] = [],
  semantic: number[] = [];
for (let round = 0; round < 3; round++) {
  for (const q of qs) {
    const text = round === 0 ? `${q} ` : `${q}${"？".repeat(round)}`; // new text each round: no query-vector cache hit
    const s = performance.now();
    const r = await u.understand(text);
    (r.path === "semantic" ? semantic : lexical).push(performance.now() - s);
  }
}
const f = (n: number) => n.toFixed(2);
console.log(`questions: ${qs.length} from ${file} (x3, fresh text each round)`);
console.log(`understand, lexical evidence decides (${lexical.length}): p50 ${f(pct(lexical, 50))} ms, p99 ${f(pct(lexical, 99))} ms`);
console.log(`understand, with the semantic step (${semantic.length}): p50 ${f(pct(semantic, 50))} ms, p99 ${f(pct(semantic, 99))} ms`);
console.log(`model load ${tLoad.toFixed(0)} ms; phrasing vectors from an empty cache ${tCold.toFixed(0)} ms (1 thread), from the cache ${tWarm.toFixed(0)} ms`);
console.log(`resident memory: start ${rss0} MiB, with matcher ${rssLex} MiB, with the semantic model and vectors ${rss()} MiB`);
