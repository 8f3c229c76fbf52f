// Screenshots through Bot Framework over real HTTP: image attachments as data: URIs (and, on an
// open endpoint, an http URL on the Activity's own loopback service), answered as the message
// read in them would be. The pictures are rendered by the test (./screenshots.ts); one
// recogniser (the real PaddleOCR worker) is shared by the file.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { startServer, postJson, activity, once, type TestServer } from "./helpers.ts";
import { Recognizer } from "../../bot/vision/recognizer.ts";
import { SCREEN_MESSAGES, screenshot, phonePhoto, blankPicture, dataUri } from "./screenshots.ts";

const SLOW = 180_000;

/** A channel stand-in that records Activities and serves files at its own origin. */
async function startService(files: Record<string, Buffer>): Promise<{ url: string; activities: any[]; close(): Promise<void> }> {
  const activities: any[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && files[req.url ?? ""]) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(files[req.url ?? ""]);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        activities.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        activities.push(null);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `sent-${activities.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    activities,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const imageActivity = (serviceUrl: string, contentUrl: string, conv: string, extra: Record<string, unknown> = {}) =>
  activity(serviceUrl, "", { conversation: { id: conv }, deliveryMode: "expectReplies", attachments: [{ contentType: "image/png", contentUrl }], ...extra });

describe("Bot Framework: a screenshot of the platform's message gets its answer", () => {
  let s: TestServer;
  const reader = new Recognizer({ timeoutMs: 120_000 });
  beforeEach(
    once(async () => {
      s = await startServer({ imageReader: reader });
      await reader.warm();
    }),
    SLOW,
  );
  afterAll(async () => {
    await s?.stop();
    await reader.close();
  });

  for (const [i, m] of SCREEN_MESSAGES.entries()) {
    it(
      `a login-page screenshot with “${m.message.slice(0, 10)}…” answers ${m.topic} (expectReplies)`,
      async () => {
        const r = await postJson(`${s.base}/api/messages`, imageActivity("http://127.0.0.1:9/", dataUri(await screenshot(m.message)), `img-${i}`));
        expect(r.status).toBe(200);
        const texts: string[] = r.body.activities.map((a: any) => a.text);
        expect(texts[0]).toMatch(/^图片里的提示是：“/);
        expect(texts[0]).toContain(m.message.split("，")[0]);
        const log = await s.assistant.log.read(`botframework:img-${i}:user-1`);
        expect(log.find((e) => e.role === "bot" && e.topic)?.topic).toBe(m.topic);
      },
      SLOW,
    );
  }

  it(
    "a phone photo (turned, lower contrast, JPEG) declared as png gets the answer, replies to the serviceUrl",
    async () => {
      const svc = await startService({});
      try {
        const photo = await phonePhoto(SCREEN_MESSAGES[1].message);
        const r = await postJson(`${s.base}/api/messages`, imageActivity(svc.url, dataUri(photo, "image/png"), "img-photo", { deliveryMode: undefined }));
        expect(r.status).toBe(200);
        const log = await s.assistant.log.read("botframework:img-photo:user-1");
        expect(log.find((e) => e.role === "bot" && e.topic)?.topic).toBe(SCREEN_MESSAGES[1].topic);
        expect(svc.activities[0].text).toMatch(/^图片里的提示是：“密码错误/);
      } finally {
        await svc.close();
      }
    },
    SLOW,
  );

  it(
    "an http contentUrl on the Activity's own loopback service is fetched; another origin is 403",
    async () => {
      const png = await screenshot(SCREEN_MESSAGES[3].message);
      const svc = await startService({ "/att/shot": png });
      const other = await startService({ "/att/shot": png });
      try {
        const r = await postJson(`${s.base}/api/messages`, imageActivity(svc.url, `${svc.url}att/shot`, "img-url"));
        expect(r.status).toBe(200);
        expect(r.body.activities[0].text).toContain("您的账号正在审核中");
        const log = await s.assistant.log.read("botframework:img-url:user-1");
        expect(log.find((e) => e.role === "bot" && e.topic)?.topic).toBe(SCREEN_MESSAGES[3].topic);
        const r2 = await postJson(`${s.base}/api/messages`, imageActivity(svc.url, `${other.url}att/shot`, "img-url2"));
        expect(r2.status).toBe(403);
        expect(r2.body.error).toMatch(/loopback/);
        const r3 = await postJson(`${s.base}/api/messages`, imageActivity(svc.url, "http://10.0.0.1/x.png", "img-url3"));
        expect(r3.status).toBe(403);
      } finally {
        await svc.close();
        await other.close();
      }
    },
    SLOW,
  );

  it(
    "a picture without text gets an honest reply and the way to type it or reach a person",
    async () => {
      const r = await postJson(`${s.base}/api/messages`, imageActivity("http://127.0.0.1:9/", dataUri(await blankPicture()), "img-blank"));
      expect(r.status).toBe(200);
      expect(r.body.activities[0].text).toContain("没有读到文字");
      expect(r.body.activities[0].text).toContain("转人工");
    },
    SLOW,
  );

  it(
    "bad image attachments get a 4xx with a reason, never a 5xx",
    async () => {
      const svc = "http://127.0.0.1:9/";
      const notImage = await postJson(
        `${s.base}/api/messages`,
        imageActivity(svc, `data:image/png;base64,${Buffer.from("%PDF-1.4 not a picture").toString("base64")}`, "bad-1"),
      );
      expect(notImage.status).toBe(415);
      expect(notImage.body.error).toMatch(/png, jpeg and webp/);
      const big = Buffer.alloc(5 * 1024 * 1024 + 10, 0);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(big);
      const tooBig = await postJson(`${s.base}/api/messages`, imageActivity(svc, dataUri(big), "bad-2"));
      expect(tooBig.status).toBe(413);
      const broken = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
      const undecodable = await postJson(`${s.base}/api/messages`, imageActivity(svc, dataUri(broken), "bad-3"));
      expect(undecodable.status).toBe(422);
      const badBase64 = await postJson(`${s.base}/api/messages`, imageActivity(svc, "data:image/png;base64,@@@@", "bad-4"));
      expect(badBase64.status).toBe(400);
      const over8 = await postJson(`${s.base}/api/messages`, imageActivity(svc, `data:image/png;base64,${"A".repeat(9 * 1024 * 1024)}`, "bad-5"));
      expect(over8.status).toBe(413);
      // Text turns still work alongside.
      const text = await postJson(
        `${s.base}/api/messages`,
        activity(svc, "忘记密码了怎么办", { deliveryMode: "expectReplies", conversation: { id: "bad-6" } }),
      );
      expect(text.status).toBe(200);
    },
    SLOW,
  );
});
