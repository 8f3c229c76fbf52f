// Bot Framework over real HTTP: a test posts Activities to /api/messages, a recorder on another
// loopback port plays the channel's service URL and receives the bot's replies.
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { startServer, startRecorder, postJson, waitFor, activity, ANSWER_TOPICS, type TestServer, type Recorder, once } from "./helpers.ts";
import { isLoopbackUrl } from "../../adapters/channels/common.ts";

describe("Bot Framework endpoint (no app id: open for local testing)", () => {
  let s: TestServer;
  let rec: Recorder;
  beforeEach(
    once(async () => {
      s = await startServer();
      rec = await startRecorder();
    }),
  );
  afterAll(async () => {
    await rec?.close();
    await s?.stop();
  });

  it("replies to the Activity's serviceUrl, choices as suggested actions", async () => {
    const before = rec.activities.length;
    const r = await postJson(`${s.base}/api/messages`, activity(rec.url, ANSWER_TOPICS.forgot.q, { conversation: { id: "conv-a" } }));
    expect(r.status).toBe(200);
    const got = await waitFor(() => rec.activities.length >= before + 2 && rec.activities.slice(before), "two replies");
    expect(got[0].path).toMatch(/^\/v3\/conversations\/conv-a\/activities/);
    expect(got[0].body.type).toBe("message");
    expect(got[0].body.text).toContain("忘记登录密码");
    expect(got[0].body.conversation.id).toBe("conv-a");
    expect(got[0].body.recipient.id).toBe("user-1");
    const ask = got[1].body;
    expect(ask.suggestedActions.actions.map((a: any) => a.title)).toHaveLength(2);
    expect(ask.suggestedActions.actions[0].type).toBe("imBack");
    // The user clicks a suggested action: its value comes back as text.
    const before2 = rec.activities.length;
    await postJson(`${s.base}/api/messages`, activity(rec.url, ask.suggestedActions.actions[0].value, { conversation: { id: "conv-a" } }));
    const pick = await waitFor(() => rec.activities.length > before2 && rec.activities[before2], "reply to the choice");
    expect(pick.body.text).toContain("方式一");
  });

  it("returns the replies in the response body with deliveryMode expectReplies", async () => {
    const before = rec.activities.length;
    const r = await postJson(
      `${s.base}/api/messages`,
      activity(rec.url, ANSWER_TOPICS.register.q, { deliveryMode: "expectReplies", conversation: { id: "conv-b" } }),
    );
    expect(r.status).toBe(200);
    expect(r.body.activities[0].text).toContain("浏览器");
    expect(rec.activities.length).toBe(before);
  });

  it("continues a conversation proactively from its stored reference (an agent's reply)", async () => {
    await postJson(`${s.base}/api/messages`, activity(rec.url, "转人工", { conversation: { id: "conv-c" }, deliveryMode: "expectReplies" }));
    const before = rec.activities.length;
    expect((await s.hub.deliver("botframework:conv-c:user-1", [{ text: "您好，我是人工客服小王。" }])).delivered).toBe(true);
    const got = await waitFor(() => rec.activities.length > before && rec.activities[before], "proactive message");
    expect(got.path).toMatch(/^\/v3\/conversations\/conv-c\/activities/);
    expect(got.body.text).toBe("您好，我是人工客服小王。");
    // No stored reference: the hub reports it undelivered (and the log says so).
    expect((await s.hub.deliver("botframework:never-seen:user-1", [{ text: "x" }])).delivered).toBe(false);
  });

  it("masks personal numbers in group conversations", async () => {
    const r = await postJson(
      `${s.base}/api/messages`,
      activity(rec.url, "转人工", { conversation: { id: "conv-g", isGroup: true }, deliveryMode: "expectReplies" }),
    );
    expect(r.status).toBe(200);
    const before = rec.activities.length;
    await s.hub.deliver("botframework:conv-g:user-1", [{ text: "身份证号 370402199001011234 已核对" }]);
    const got = await waitFor(() => rec.activities.length > before && rec.activities[before], "group delivery");
    expect(got.body.text).not.toContain("370402199001011234");
  });

  it("refuses service URLs other than loopback with 403 (it cannot be used to send requests elsewhere)", async () => {
    for (const url of [
      "https://smba.trafficmanager.net/amer/",
      "http://10.0.0.5/",
      "http://169.254.169.254/",
      "http://127.0.0.1.evil.example/",
      "file:///etc/passwd",
      "http://user:pw@127.0.0.1/",
    ]) {
      const r = await postJson(`${s.base}/api/messages`, activity(url, "你好"));
      expect(r.status, url).toBe(403);
      expect(typeof r.body.error).toBe("string");
    }
    expect(isLoopbackUrl("http://localhost:3978/")).toBe(true);
    expect(isLoopbackUrl("http://[::1]:9/")).toBe(true);
  });

  it("bad Activities get a 4xx with a JSON reason", async () => {
    const cases: [unknown, number][] = [
      ["{not json", 400],
      [[], 400],
      [{ text: "hi" }, 400],
      [{ type: "message", text: "hi" }, 400],
      [{ ...activity(rec.url, "hi"), conversation: undefined }, 400],
      [{ ...activity(rec.url, "hi"), from: { id: 5 } }, 400],
      [{ ...activity(rec.url, "hi"), text: 7 }, 400],
      [activity(rec.url, "问".repeat(1500)), 400],
    ];
    for (const [body, status] of cases) {
      const r = await postJson(`${s.base}/api/messages`, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(typeof r.body.error).toBe("string");
    }
    const typing = await postJson(`${s.base}/api/messages`, { ...activity(rec.url, ""), type: "typing" });
    expect(typing.status).toBe(200);
  });
});

describe("Bot Framework endpoint with an app id", () => {
  it("requires the channel's token (401 JSON without it), whatever the service URL", async () => {
    const s = await startServer({ botFramework: { MicrosoftAppId: "00000000-0000-0000-0000-000000000001", MicrosoftAppPassword: "not-a-real-secret" } });
    try {
      const r = await postJson(`${s.base}/api/messages`, activity("https://smba.trafficmanager.net/amer/", "你好"));
      expect(r.status).toBe(401);
      expect(typeof r.body.error).toBe("string");
    } finally {
      await s.stop();
    }
  });
});
