// Recognition figures (part of `npm run bench`, in its own process): model load, time per image
// (p50 / p99) on rendered login-page screenshots and phone photos, the process's memory with
// the recogniser loaded, and a text question's latency while images are being read (the
// recogniser runs in a worker thread, so text turns should not notice).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sharedMatcher } from "../bot/assistant.ts";
import { Recognizer } from "../bot/vision/recognizer.ts";
import { questionFromLines } from "../bot/vision/read.ts";
import { SCREEN_MESSAGES, screenshot, phonePhoto } from "../tests/channels/screenshots.ts";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

const ROUNDS = Number(process.env.VISION_BENCH_ROUNDS ?? 3);
const images: { name: string; bytes: Buffer; topic: string }[] = [];
for (const m of SCREEN_MESSAGES) {
  images.push({ name: `screenshot ${m.topic}`, bytes: await screenshot(m.message), topic: m.topic });
  images.push({ name: `photo ${m.topic}`, bytes: await phonePhoto(m.message), topic: m.topic });
}
const matcher = sharedMatcher();
const questions = ["忘记密码了怎么办", "点注册没反应", "我的账号不存在怎么办", "审核要多久", "单位没有信用代码", "怎么修改个人信息"];
const textTimes = (n: number) => {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    matcher.match(questions[i % questions.length]);
    t.push(performance.now() - s);
  }
  return t;
};
textTimes(30);

const rssBefore = process.memoryUsage().rss;
const r = new Recognizer({ timeoutMs: 120_000, queueLimit: 1000 });
const t0 = performance.now();
await r.warm();
const loadMs = performance.now() - t0;
const rssLoaded = process.memoryUsage().rss;

let right = 0;
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const img of images) {
    const s = performance.now();
    const lines = await r.read(img.bytes);
    times.push(performance.now() - s);
    if (round === 0 && questionFromLines(lines, matcher)?.messageOf === img.topic) right++;
  }
}
const rssAfter = process.memoryUsage().rss;

// Text questions on the main thread: idle, then while a burst of images is being read.
const idle: number[] = [];
for (let i = 0; i < 200; i++) {
  idle.push(...textTimes(1));
  await new Promise((res) => setTimeout(res, 5));
}
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const burst = Promise.all(images.map((img) => r.read(img.bytes)));
let done = false;
void burst.then(() => {
  done = true;
});
const busy: number[] = [];
while (!done) {
  busy.push(...textTimes(1));
  await new Promise((res) => setTimeout(res, 5));
}
loop.disable();
await r.close();

console.log(
  `recognition (PaddleOCR v4 ONNX in one worker thread, 1 ONNX thread): ${images.length} images (login-page screenshots 900x600 png, phone photos jpeg) x ${ROUNDS} rounds`,
);
console.log(
  `  model load: ${loadMs.toFixed(0)} ms; per image p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`,
);
console.log(`  message read and matched to its entry: ${right}/${images.length}`);
console.log(`  resident memory: ${mib(rssBefore)} before, ${mib(rssLoaded)} with the recogniser loaded, ${mib(rssAfter)} after ${times.length} images`);
console.log(
  `  text question (matcher) while idle: p50 ${pct(idle, 50).toFixed(2)} ms, p99 ${pct(idle, 99).toFixed(2)} ms; while ${images.length} images are read: p50 ${pct(busy, 50).toFixed(2)} ms, p99 ${pct(busy, 99).toFixed(2)} ms (${busy.length} questions); event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`,
);
