// `npm run bench`: match latency over the dev set, start-up to first answer, resident memory.
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function runBench(): Promise<void> {
  const devPath = join(root, "..", "shared", "eval", "dev.jsonl");
  const regression = join(root, "knowledge", "regression.jsonl");
  const file = existsSync(devPath) ? devPath : regression;
  const qs = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => String(JSON.parse(l).q));

  // Start-up: a fresh process loads knowledge and tokenizer and answers one question.
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [join(root, "bot", "bin.js"), "ask", "忘记密码了怎么办"], { stdio: "ignore" });
    starts.push(performance.now() - t0);
  }

  const t0 = performance.now();
  const { sharedMatcher } = await import("../bot/assistant.ts");
  const matcher = sharedMatcher();
  const loadMs = performance.now() - t0;
  for (const q of qs.slice(0, 20)) matcher.match(q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of qs) {
      const s = performance.now();
      matcher.match(q);
      times.push(performance.now() - s);
    }
  }
  const mem = process.memoryUsage();
  const fmt = (n: number) => n.toFixed(3);
  console.log(`questions: ${qs.length} from ${file} (x5 rounds)`);
  console.log(`match latency in process: p50 ${fmt(percentile(times, 50))} ms, p99 ${fmt(percentile(times, 99))} ms, max ${fmt(Math.max(...times))} ms`);
  console.log(`knowledge + tokenizer load in process: ${loadMs.toFixed(0)} ms`);
  console.log(
    `process start to first answer (node bot/bin.js ask, tsx): median ${percentile(starts, 50).toFixed(0)} ms of ${starts.map((s) => s.toFixed(0)).join(", ")}`,
  );
  console.log(`resident memory: ${(mem.rss / 1048576).toFixed(1)} MiB (heap used ${(mem.heapUsed / 1048576).toFixed(1)} MiB)`);
  // Understanding (the learned decision, with the semantic step when lexical evidence does not decide), in its own process.
  execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "understand-bench.ts"), file], { stdio: "inherit", cwd: root });
  // Reading pictures (bot/vision/): recognition time per image, memory, text latency meanwhile.
  execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "vision-bench.ts")], { stdio: "inherit", cwd: root });
}
