// The recogniser's limits with the real worker: one image at a time, a short queue that refuses
// more (busy), a timeout that replaces the worker, and nothing written to disk.
import { describe, it, expect, afterAll } from "vitest";
import { Recognizer, RecognizerBusy, RecognizerTimeout } from "../../bot/vision/recognizer.ts";
import { screenshot, SCREEN_MESSAGES } from "../channels/screenshots.ts";

const SLOW = 180_000;

describe("recogniser limits", () => {
  const made: Recognizer[] = [];
  afterAll(async () => {
    await Promise.all(made.map((r) => r.close()));
  });

  it(
    "reads one image at a time and refuses beyond the queue (busy), then reads again",
    async () => {
      const r = new Recognizer({ queueLimit: 1, timeoutMs: 120_000 });
      made.push(r);
      const png = await screenshot(SCREEN_MESSAGES[3].message);
      const first = r.read(png);
      await new Promise((res) => setTimeout(res, 0));
      const second = r.read(png);
      await expect(r.read(png)).rejects.toBeInstanceOf(RecognizerBusy);
      const [a, b] = await Promise.all([first, second]);
      expect(a.map((l) => l.text).join("")).toContain("您的账号正在审核中");
      expect(b.length).toBe(a.length);
      expect(r.stats.busy).toBe(1);
      expect(r.pending).toBe(0);
    },
    SLOW,
  );

  it(
    "an idle worker stops and gives its memory back; the next image loads it again",
    async () => {
      const r = new Recognizer({ idleMs: 50, timeoutMs: 120_000 });
      made.push(r);
      const png = await screenshot(SCREEN_MESSAGES[1].message);
      await r.read(png);
      await new Promise((res) => setTimeout(res, 300));
      expect(r.started).toBe(false);
      expect((await r.read(png)).map((l) => l.text).join("")).toContain("密码错误");
      expect(r.stats.loads).toBe(2);
    },
    SLOW,
  );

  it(
    "an image that takes too long fails with a timeout; the next image gets a fresh worker",
    async () => {
      const r = new Recognizer({ timeoutMs: 1 });
      made.push(r);
      const png = await screenshot(SCREEN_MESSAGES[0].message);
      await expect(r.read(png)).rejects.toBeInstanceOf(RecognizerTimeout);
      expect(r.stats.timeouts).toBe(1);
      expect(r.started).toBe(false);
    },
    SLOW,
  );
});
