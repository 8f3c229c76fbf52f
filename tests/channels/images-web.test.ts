// Pictures through the widget: POST /api/chat/image over real HTTP (phone photos of the four
// login messages, limits with reasons), and in Chromium the attach button (accessible name
// 发送图片) and a pasted screenshot. The pictures are rendered by the test (./screenshots.ts).
import { mkdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import sharp from "sharp";
import { chromium, type Browser, type Page, type Response } from "playwright-core";
import { startServer, once, type TestServer } from "./helpers.ts";
import { Recognizer } from "../../bot/vision/recognizer.ts";
import { SCREEN_MESSAGES, screenshot, phonePhoto } from "./screenshots.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const SLOW = 180_000;

async function postImage(base: string, bytes: Buffer, type = "image/png", conversationId?: string): Promise<{ status: number; body: any }> {
  const url = `${base}/api/chat/image${conversationId ? `?conversationId=${conversationId}` : ""}`;
  const res = await fetch(url, { method: "POST", headers: { "content-type": type }, body: new Uint8Array(bytes) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

const reader = new Recognizer({ timeoutMs: 120_000 });
let s: TestServer;
const setUp = once(async () => {
  s = await startServer({ imageReader: reader });
  await reader.warm();
});
beforeEach(setUp, SLOW);
afterAll(async () => {
  await s?.stop();
  await reader.close();
});

describe("widget: POST /api/chat/image", () => {
  for (const m of SCREEN_MESSAGES) {
    it(
      `a phone photo of “${m.message.slice(0, 10)}…” answers ${m.topic}`,
      async () => {
        const r = await postImage(s.base, await phonePhoto(m.message, m.topic.endsWith("role") ? -3 : 3), "image/jpeg");
        expect(r.status).toBe(200);
        expect(r.body.topic).toBe(m.topic);
        expect(r.body.replies[0].text).toMatch(/^图片里的提示是：“/);
        expect(r.body.replies[0].text).toContain(m.message.split("，")[0]);
        expect(r.body.read).toContain(m.message.split("，")[0]);
        expect(r.body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
      },
      SLOW,
    );
  }

  it(
    "a webp screenshot sent as application/octet-stream continues the same conversation",
    async () => {
      const first = await postImage(s.base, await screenshot(SCREEN_MESSAGES[0].message));
      expect(first.status).toBe(200);
      const webp = await sharp(await screenshot(SCREEN_MESSAGES[2].message))
        .webp()
        .toBuffer();
      const r = await postImage(s.base, webp, "application/octet-stream", first.body.conversationId);
      expect(r.status).toBe(200);
      expect(r.body.conversationId).toBe(first.body.conversationId);
      expect(r.body.topic).toBe(SCREEN_MESSAGES[2].topic);
      // Only the text read reaches the log (masked there), never the image.
      const log = await s.assistant.log.read(`web:${first.body.conversationId}:${first.body.conversationId}`).catch(() => []);
      for (const e of log) expect(e.text.length).toBeLessThan(400);
    },
    SLOW,
  );

  it(
    "bad pictures get a 4xx with a reason",
    async () => {
      const gif = await postImage(s.base, Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "image/png");
      expect(gif.status).toBe(415);
      expect(gif.body.error).toMatch(/png, jpeg and webp/);
      const text = await fetch(`${s.base}/api/chat/image`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
      expect(text.status).toBe(415);
      const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0);
      const tooBig = await postImage(s.base, big);
      expect(tooBig.status).toBe(413);
      expect(typeof tooBig.body.error).toBe("string");
      const broken = await postImage(s.base, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1)]), "image/jpeg");
      expect(broken.status).toBe(422);
      const empty = await postImage(s.base, Buffer.alloc(0));
      expect(empty.status).toBeGreaterThanOrEqual(400);
      expect(empty.status).toBeLessThan(500);
      // The text route still takes only small bodies.
      const chat = await fetch(`${s.base}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "x".repeat(40_000) }),
      });
      expect(chat.status).toBe(413);
    },
    SLOW,
  );
});

describe("widget in Chromium: attach button and a pasted screenshot", () => {
  let browser: Browser;
  let page: Page;
  afterAll(async () => {
    await browser?.close();
  });
  const widget = () => page.locator("#sd-helpdesk-widget");

  it(
    "a pasted screenshot is answered: what it read first, then the answer",
    async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
      page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "zh-CN" })).newPage();
      page.setDefaultTimeout(SLOW);
      await page.goto(`${s.base}/`);
      await widget().getByRole("button", { name: "在线客服", exact: true }).click();
      const box = widget().getByRole("textbox", { name: "输入问题" });
      await box.waitFor({ state: "visible" });
      await expect(widget().getByRole("button", { name: "发送图片", exact: true }).count()).resolves.toBe(1);
      const b64 = (await screenshot(SCREEN_MESSAGES[1].message)).toString("base64");
      const answered = page.waitForResponse((r: Response) => r.url().includes("/api/chat/image") && r.request().method() === "POST");
      await box.focus();
      await box.evaluate((el, data) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], "screenshot.png", { type: "image/png" }));
        el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
      }, b64);
      const res = await answered;
      expect(res.status()).toBe(200);
      const body = await res.json();
      expect(body.topic).toBe(SCREEN_MESSAGES[1].topic);
      const items = widget().getByRole("log").getByRole("listitem");
      await items.filter({ hasText: "图片里的提示是" }).last().waitFor();
      await items.filter({ hasText: "［图片］" }).last().waitFor();
      mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
      const file = join(ROOT, "test-artifacts", "widget-image.png");
      await widget().locator("section").screenshot({ path: file });
      expect(statSync(file).size).toBeGreaterThan(5000);
    },
    SLOW,
  );

  it(
    "the attach button (发送图片) sends the chosen file",
    async () => {
      const answered = page.waitForResponse((r: Response) => r.url().includes("/api/chat/image") && r.request().method() === "POST");
      const chooser = page.waitForEvent("filechooser");
      await widget().getByRole("button", { name: "发送图片", exact: true }).click();
      await (await chooser).setFiles({ name: "shot.png", mimeType: "image/png", buffer: await screenshot(SCREEN_MESSAGES[3].message) });
      const res = await answered;
      expect(res.status()).toBe(200);
      expect((await res.json()).topic).toBe(SCREEN_MESSAGES[3].topic);
    },
    SLOW,
  );
});
