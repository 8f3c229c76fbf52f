// The widget's HTTP API over real HTTP on loopback: answers, choices, page context, history,
// expiry, pushed messages (SSE and polling), bad input (always 4xx JSON), rate limit, CORS.
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { ManualClock } from "../../bot/clock.ts";
import { IDLE_MS } from "../../bot/conversations.ts";
import { startServer, postJson, getJson, waitFor, LOGIN_MESSAGES, ANSWER_TOPICS, type TestServer, once } from "./helpers.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("widget API", () => {
  let s: TestServer;
  const clock = new ManualClock();
  beforeEach(
    once(async () => {
      s = await startServer({ clock });
    }),
  );
  afterAll(async () => {
    await s?.stop();
  });

  it("serves the health check, the demo page and the widget script with charset=utf-8", async () => {
    const h = await getJson(`${s.base}/healthz`);
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ ok: true });
    const page = await fetch(`${s.base}/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    for (const w of ["专业技术人员", "用人单位", "主管部门", "人社部门", "身份证号", "密码", "忘记登录密码", "/widget.js"]) expect(html).toContain(w);
    for (const m of LOGIN_MESSAGES) expect(html).toContain(m.message);
    const js = await fetch(`${s.base}/widget.js`);
    expect(js.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    const src = await js.text();
    expect(src).toContain("attachShadow");
    expect(src).not.toContain("__WORDING__");
    expect(src).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it("answers a question, with choices as buttons and not as numbered lines", async () => {
    const r = await postJson(`${s.base}/api/chat`, { text: ANSWER_TOPICS.forgot.q });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(r.body.conversationId).toMatch(UUID);
    expect(r.body.topic).toBe("password.forgot");
    expect(r.body.replies[0].text).toContain("忘记登录密码");
    expect(r.body.replies[0].text).toMatch(/^1\. /m); // numbered steps keep their structure
    const ask = r.body.replies.at(-1);
    expect(ask.choices.length).toBe(2);
    for (const [i, c] of ask.choices.entries()) expect(ask.text).not.toContain(`${i + 1}. ${c}`);
    const pick = await postJson(`${s.base}/api/chat`, { conversationId: r.body.conversationId, choice: ask.choices[0] });
    expect(pick.status).toBe(200);
    expect(pick.body.conversationId).toBe(r.body.conversationId);
    expect(pick.body.topic).toBe("password.forgot");
    expect(pick.body.replies[0].text).toContain("方式一");
  });

  it.each(LOGIN_MESSAGES)("a generic 登不上 with the page's login message gets that message's answer ($topic)", async ({ message, topic }) => {
    const r = await postJson(`${s.base}/api/chat`, { text: "登不上", context: { loginError: message, loginRole: "专业技术人员" } });
    expect(r.status).toBe(200);
    expect(r.body.topic).toBe(topic);
    expect(r.body.replies[0].topic).toBe(topic);
    // Straight to that message's answer: no "did you also mean 无法登录" detour.
    expect(r.body.replies.flatMap((x: any) => x.choices).some((c: string) => c.includes("无法登录"))).toBe(false);
  });

  it("keeps a specific question when the page shows a login message, and a plain 登不上 without one", async () => {
    const specific = await postJson(`${s.base}/api/chat`, { text: ANSWER_TOPICS.register.q, context: { loginError: LOGIN_MESSAGES[1].message } });
    expect(specific.body.topic).toBe("register.no-response");
    const plain = await postJson(`${s.base}/api/chat`, { text: "登不上" });
    expect(plain.body.topic).toBe("login.cannot-login");
  });

  it("gives the history for a reload, and starts unknown or expired conversations afresh, silently", async () => {
    const a = await postJson(`${s.base}/api/chat`, { text: ANSWER_TOPICS.forgot.q });
    const id = a.body.conversationId;
    const h = await getJson(`${s.base}/api/chat/${id}/history`);
    expect(h.status).toBe(200);
    expect(h.body.conversationId).toBe(id);
    expect(h.body.messages[0]).toMatchObject({ role: "user", text: ANSWER_TOPICS.forgot.q });
    expect(h.body.messages.some((m: any) => m.role === "bot" && m.text.includes("忘记登录密码"))).toBe(true);
    expect(h.body.messages.at(-1).choices).toEqual(a.body.replies.at(-1).choices);

    const unknown = await getJson(`${s.base}/api/chat/00000000-0000-4000-8000-000000000000/history`);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ conversationId: null, messages: [], lastEventId: 0 });
    const junk = await postJson(`${s.base}/api/chat`, { conversationId: "not-a-conversation", text: "你好" });
    expect(junk.status).toBe(200);
    expect(junk.body.conversationId).toMatch(UUID);

    clock.advance(IDLE_MS + 1000);
    const again = await postJson(`${s.base}/api/chat`, { conversationId: id, text: ANSWER_TOPICS.register.q });
    expect(again.status).toBe(200);
    expect(again.body.conversationId).not.toBe(id);
    expect(again.body.topic).toBe("register.no-response");
    expect((await getJson(`${s.base}/api/chat/${id}/history`)).body.messages).toEqual([]);
  });

  it("pushes later messages over server-sent events, keeps them for polling and history, masked", async () => {
    const a = await postJson(`${s.base}/api/chat`, { text: "转人工" });
    const id = a.body.conversationId;
    const ctrl = new AbortController();
    const res = await fetch(`${s.base}/api/chat/${id}/events`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body!.getReader();
    let got = "";
    const dec = new TextDecoder();
    const delivered = s.hub.deliver(`web:${id}:${id}`, [{ text: "您好，我是人工客服。您的身份证号 370402199001011234 已核对。" }]);
    await waitFor(async () => {
      const { value } = await reader.read();
      got += dec.decode(value ?? new Uint8Array(), { stream: true });
      return got.includes("event: message");
    }, "pushed message");
    expect((await delivered).delivered).toBe(true);
    ctrl.abort();
    const frame = got.split("\n").find((l) => l.startsWith("data: "))!;
    const data = JSON.parse(frame.slice(6));
    expect(data.role).toBe("agent");
    expect(data.text).toContain("您好，我是人工客服");
    expect(data.text).not.toContain("370402199001011234");
    const poll = await getJson(`${s.base}/api/chat/${id}/updates?after=0`);
    expect(poll.body.messages.map((m: any) => m.text)).toEqual([data.text]);
    expect((await getJson(`${s.base}/api/chat/${id}/updates?after=${data.eventId}`)).body.messages).toEqual([]);
    const h = await getJson(`${s.base}/api/chat/${id}/history`);
    expect(h.body.messages.at(-1)).toMatchObject({ role: "agent", text: data.text });
    expect(h.body.lastEventId).toBe(data.eventId);
    expect((await getJson(`${s.base}/api/chat/00000000-0000-4000-8000-000000000000/events`)).status).toBe(404);
  });
});

describe("bad requests get a 4xx with a JSON reason, never a 5xx", () => {
  let s: TestServer;
  beforeEach(
    once(async () => {
      s = await startServer();
    }),
  );
  afterAll(async () => {
    await s?.stop();
  });

  const cases: [string, string, string, number][] = [
    ["not JSON", '{"text": ', "application/json", 400],
    ["an empty JSON body", "", "application/json", 400],
    ["an array", "[1,2]", "application/json", 400],
    ["a string", '"hi"', "application/json", 400],
    ["no text or choice", "{}", "application/json", 400],
    ["blank text", JSON.stringify({ text: "   \n " }), "application/json", 400],
    ["text of the wrong type", JSON.stringify({ text: 42 }), "application/json", 400],
    ["text over the limit", JSON.stringify({ text: "问".repeat(1001) }), "application/json", 400],
    ["an oversized body", JSON.stringify({ text: "x".repeat(40_000) }), "application/json", 413],
    ["a login message over the limit", JSON.stringify({ text: "登不上", context: { loginError: "错".repeat(300) } }), "application/json", 400],
    ["context of the wrong type", JSON.stringify({ text: "登不上", context: "x" }), "application/json", 400],
    ["plain text", "忘记密码", "text/plain", 400],
    ["XML", "<q>忘记密码</q>", "application/xml", 415],
    ["a prototype-pollution body", '{"__proto__": {"x": 1}, "text": "hi"}', "application/json", 400],
  ];
  it.each(cases)("%s", async (_name, body, type, status) => {
    const res = await fetch(`${s.base}/api/chat`, { method: "POST", headers: { "content-type": type }, body });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const json = await res.json();
    expect(typeof json.error).toBe("string");
  });

  it("bad ids and parameters on the other routes", async () => {
    for (const [path, status] of [
      [`/api/chat/${"a".repeat(300)}/history`, 414], // longer than any route parameter may be
      [`/api/chat/x/updates?after=-1`, 400],
      [`/api/chat/x/updates?after=abc`, 400],
      [`/api/chat/x/updates?after=0`, 404],
      [`/api/chat/%E0%A4%A/history`, 400],
      [`/api/nothing`, 404],
    ] as const) {
      const r = await getJson(`${s.base}${path}`);
      expect(r.status, path).toBe(status);
      expect(typeof r.body.error, path).toBe("string");
    }
  });

  it("garbage of every shape never causes a 5xx or a crash", async () => {
    const bodies: unknown[] = [
      null,
      true,
      1,
      [],
      [{}],
      { text: null },
      { text: {} },
      { choice: [] },
      { text: "a", conversationId: 5 },
      { text: "a", conversationId: "x".repeat(500) },
      { text: "\u0000\u0001" },
      { text: "\ud800" },
      { choice: "9".repeat(2000) },
      { text: "a", context: { loginError: 1 } },
      { text: "a", context: [] },
      { text: "<img src=x onerror=alert(1)>" },
      { text: "a".repeat(1000) },
      { text: "1" },
      { choice: "不存在的选项" },
      { text: "密码是abc12345" },
    ];
    for (const b of bodies) {
      const r = await postJson(`${s.base}/api/chat`, b);
      expect(r.status, JSON.stringify(b)).toBeLessThan(500);
      expect(r.body, JSON.stringify(b)).toBeTypeOf("object");
    }
    const bf = await postJson(`${s.base}/api/messages`, { nonsense: true });
    expect(bf.status).toBe(400);
    expect((await getJson(`${s.base}/healthz`)).status).toBe(200);
  });
});

describe("rate limit, CORS, proxies", () => {
  it("limits requests per client per minute on the API only, with a JSON 429", async () => {
    const s = await startServer({ rateLimit: 3 });
    try {
      for (let i = 0; i < 3; i++) expect((await postJson(`${s.base}/api/chat`, { text: "你好" })).status).toBe(200);
      const limited = await postJson(`${s.base}/api/chat`, { text: "你好" });
      expect(limited.status).toBe(429);
      expect(typeof limited.body.error).toBe("string");
      expect((await fetch(`${s.base}/`)).status).toBe(200);
      expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it("with a trusted proxy, clients are told apart by X-Forwarded-For", async () => {
    const s = await startServer({ rateLimit: 1, trustProxy: true });
    try {
      expect((await postJson(`${s.base}/api/chat`, { text: "你好" }, { "x-forwarded-for": "203.0.113.1" })).status).toBe(200);
      expect((await postJson(`${s.base}/api/chat`, { text: "你好" }, { "x-forwarded-for": "203.0.113.1" })).status).toBe(429);
      expect((await postJson(`${s.base}/api/chat`, { text: "你好" }, { "x-forwarded-for": "203.0.113.2" })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it("answers CORS only for the configured origins", async () => {
    const s = await startServer({ origins: ["https://platform.example.cn"] });
    try {
      const pre = (origin: string) =>
        fetch(`${s.base}/api/chat`, {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
        });
      const ok = await pre("https://platform.example.cn");
      expect(ok.status).toBeLessThan(300);
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://platform.example.cn");
      const evil = await pre("https://evil.example.com");
      expect(evil.headers.get("access-control-allow-origin")).toBeNull();
      const post = await postJson(`${s.base}/api/chat`, { text: "你好" }, { origin: "https://platform.example.cn" });
      expect(post.headers.get("access-control-allow-origin")).toBe("https://platform.example.cn");
      const hist = await getJson(`${s.base}/api/chat/${post.body.conversationId}/history`, { origin: "https://platform.example.cn" });
      expect(hist.headers.get("access-control-allow-origin")).toBe("https://platform.example.cn");
    } finally {
      await s.stop();
    }
    const closed = await startServer();
    try {
      const r = await postJson(`${closed.base}/api/chat`, { text: "你好" }, { origin: "https://platform.example.cn" });
      expect(r.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await closed.stop();
    }
  });
});
