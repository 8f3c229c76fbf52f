// The hand-off queue end to end over real HTTP: a widget conversation is handed off, an agent
// takes it and replies, the reply reaches the widget's conversation through the DeliveryHub,
// the bot stays quiet until the agent hands it back. Also working hours, feedback, figures,
// notices, retention and erasure.
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startConsole, Client, until, TUESDAY_10, type TestConsole } from "./helpers.ts";
import { zonedTime } from "../../bot/zoned.ts";
import { noticeBoard } from "../../adapters/console/notices.ts";
import { encodeKey } from "../../bot/conversation-key.ts";
import { activity } from "../channels/helpers.ts";

let t: TestConsole;
let agent: Client;

async function open(at = TUESDAY_10): Promise<void> {
  t = await startConsole({ at });
  await t.addAccount("wang", "agent-secret-01", "agent");
  await t.addAccount("li", "agent-secret-02", "agent");
  agent = new Client(t.base);
  expect((await agent.login("wang", "agent-secret-01")).status).toBe(200);
}
afterEach(async () => {
  await t?.close();
});

/** The widget's side: a conversation through the web channel, and what reached it later. */
async function widget(text: string, conversationId?: string) {
  return t.built.web.chat({ conversationId: conversationId ?? null, text });
}
const delivered = async (id: string) => ((await t.built.web.updates(id, 0)) ?? []).map((x) => x.text);

describe("hand-off queue", () => {
  beforeEach(() => open());

  it("queue → take → reply reaches the user's channel → the bot stays quiet → hand back", async () => {
    const first = await widget("我的身份证号是370402199001011234，登录提示您的账号不存在");
    const id = first.conversationId;
    expect(first.result.topic).toBe("login.account-not-found");
    const handed = await widget("转人工", id);
    expect(handed.result.replies.some((r) => r.handoff)).toBe(true);

    const q = await agent.get("/api/console/queue");
    expect(q.status).toBe(200);
    expect(q.body.tickets).toHaveLength(1);
    const row = q.body.tickets[0];
    expect(row).toMatchObject({ channel: "web", status: "waiting", offHours: false });
    expect(row.waitingMs).toBe(0);
    t.clock.advance(95_000);
    expect((await agent.get("/api/console/queue")).body.tickets[0].waitingMs).toBe(95_000);

    // The transcript is there, personal numbers masked.
    const view = await agent.get(`/api/console/tickets/${row.id}`);
    const transcript = view.body.transcript.map((x: { text: string }) => x.text).join("\n");
    expect(transcript).toContain("3704**********1234");
    expect(transcript).not.toContain("370402199001011234");
    expect(transcript).toContain("转人工");

    // Take: the session is marked taken, the user is told a person joined.
    const taken = await agent.post(`/api/console/tickets/${row.id}/take`);
    expect(taken.status).toBe(200);
    expect(taken.body.status).toBe("taken");
    const key = `web:${id}:${id}`;
    expect((await t.built.assistant.conversations.store.read(key))?.handoff).toMatchObject({ ticketId: row.id, state: "taken" });
    await until(async () => (await delivered(id)).some((x) => x.includes("人工客服已接入")), "join notice");

    // Another agent cannot take or answer it.
    const li = new Client(t.base);
    await li.login("li", "agent-secret-02");
    expect((await li.post(`/api/console/tickets/${row.id}/take`)).status).toBe(409);
    expect((await li.post(`/api/console/tickets/${row.id}/reply`, { text: "我来" })).status).toBe(409);

    // The user writes: the bot stays quiet, the agent sees it.
    const quiet = await widget("忘记密码了怎么办", id);
    expect(quiet.result.replies).toHaveLength(0);
    const seen = await agent.get(`/api/console/tickets/${row.id}`);
    expect(seen.body.transcript.at(-1)).toMatchObject({ role: "user", text: "忘记密码了怎么办" });

    // The agent replies: it reaches the widget's conversation.
    const reply = await agent.post(`/api/console/tickets/${row.id}/reply`, { text: "您好，请在登录页点“忘记登录密码”，用注册时的手机号重置。" });
    expect(reply.status).toBe(200);
    expect(reply.body.delivered).toBe(true);
    await until(async () => (await delivered(id)).some((x) => x.includes("忘记登录密码")), "agent reply");
    const history = await t.built.web.history(id);
    expect(history.messages.some((m) => m.role === "agent" && m.text.includes("忘记登录密码"))).toBe(true);

    // Hand back: the user is told, the bot answers again.
    const back = await agent.post(`/api/console/tickets/${row.id}/handback`);
    expect(back.body.status).toBe("closed");
    expect((await t.built.assistant.conversations.store.read(key))?.handoff).toBeUndefined();
    await until(async () => (await delivered(id)).some((x) => x.includes("人工客服已离开")), "leave notice");
    const again = await widget("忘记密码了怎么办", id);
    expect(again.result.topic).toBe("password.forgot");
    expect((await agent.get("/api/console/queue")).body.tickets).toHaveLength(0);

    // Every step is in the audit log.
    await t.svc.audit.flush();
    const audit = readFileSync(join(t.dataDir, "console", "audit.jsonl"), "utf8");
    for (const a of ["ticket-view", "ticket-take", "ticket-reply", "ticket-handback"]) expect(audit).toContain(`"action":"${a}"`);
  });

  it("closing ends the conversation with a goodbye and frees the bot", async () => {
    const { conversationId: id } = await widget("转人工");
    const row = (await agent.get("/api/console/queue")).body.tickets[0];
    await agent.post(`/api/console/tickets/${row.id}/take`);
    const closed = await agent.post(`/api/console/tickets/${row.id}/close`);
    expect(closed.body).toMatchObject({ status: "closed", ending: "close" });
    await until(async () => (await delivered(id)).some((x) => x.includes("已结束本次对话")), "goodbye");
    expect((await widget("怎么注册", id)).result.replies.length).toBeGreaterThan(0);
  });

  it("a reply needs the ticket taken first, and text", async () => {
    await widget("转人工");
    const row = (await agent.get("/api/console/queue")).body.tickets[0];
    expect((await agent.post(`/api/console/tickets/${row.id}/reply`, { text: "你好" })).status).toBe(409);
    await agent.post(`/api/console/tickets/${row.id}/take`);
    expect((await agent.post(`/api/console/tickets/${row.id}/reply`, { text: "  " })).status).toBe(400);
    expect((await agent.post(`/api/console/tickets/NOPE/take`)).status).toBe(404);
  });
});

describe("outside working hours", () => {
  it("the user is told when a person will answer, and the ticket waits", async () => {
    await open(zonedTime(2026, 11, 28, 20, 15)); // Saturday evening in Shanghai
    const r = await widget("转人工");
    // The notice is part of the hand-off turn's own reply, after the hand-off answer.
    const texts = r.result.replies.map((x: { text: string }) => x.text);
    const notice = texts.find((x: string) => x.includes("不是人工客服工作时间"))!;
    expect(texts.indexOf(notice)).toBe(texts.length - 1);
    expect(notice).toContain("周一至周五 08:30–17:30");
    expect(notice).toContain("11月30日（周一）08:30");
    const q = await agent.get("/api/console/queue");
    expect(q.body.hours.open).toBe(false);
    expect(q.body.tickets[0]).toMatchObject({ status: "waiting", offHours: true, promisedAt: zonedTime(2026, 11, 30, 8, 30) });
    expect(notice).toContain(q.body.tickets[0].id);
  });
  it("on a Sunday the opening is tomorrow", async () => {
    await open(zonedTime(2026, 11, 29, 9, 0));
    const r = await widget("我要人工客服");
    const notice = r.result.replies.map((x: { text: string }) => x.text).find((x: string) => x.includes("不是人工客服工作时间"));
    expect(notice).toContain("明天（周一）08:30");
  });
});

describe("feedback, figures, notices", () => {
  beforeEach(() => open());

  it("a 👎 from a channel lands in the figures and in the unanswered list", async () => {
    const { conversationId: id } = await widget("学分在哪里查");
    const fb = await new Client(t.base).post("/api/feedback", { conversationId: id, helpful: false });
    expect(fb.status).toBe(200);
    expect((await new Client(t.base).post("/api/feedback", { conversationId: "nope", helpful: true })).status).toBe(404);
    expect((await new Client(t.base).post("/api/feedback", { helpful: true })).status).toBe(400);
    const f = await agent.get("/api/console/figures");
    expect(f.body.total.negative).toBe(1);
    const groups = (await agent.get("/api/console/learning")).body.groups;
    expect(groups.some((g: { representative: string; sources: { negative: number } }) => g.representative === "学分在哪里查" && g.sources.negative >= 1)).toBe(
      true,
    );
  });

  it("counts per Shanghai day, by channel and region, with top topics and CSV", async () => {
    // 23:59 on the 24th and 00:01 on the 25th in Shanghai fall on different days.
    t.clock.set(zonedTime(2026, 11, 24, 23, 59));
    await widget("忘记密码了怎么办");
    await widget("今天天气怎么样");
    t.clock.set(zonedTime(2026, 11, 25, 0, 1));
    await widget("我是泰安的，忘记密码了怎么办");
    await widget("转人工");
    await agent.login("wang", "agent-secret-01"); // the clock jumped past the session's idle limit
    const f = await agent.get("/api/console/figures?from=2026-11-24&to=2026-11-25");
    const [d24, d25] = f.body.days;
    expect(d24).toMatchObject({ day: "2026-11-24", questions: 2, answered: 1, declined: 1 });
    expect(d25).toMatchObject({ day: "2026-11-25", questions: 2, answered: 1, handedOff: 1 });
    expect(d25.byRegion.taian.answered).toBe(1);
    expect(f.body.byChannel.web.questions).toBe(4);
    expect(f.body.topTopics[0]).toMatchObject({ id: "password.forgot", count: 2 });
    const csv = await agent.get("/api/console/figures.csv?from=2026-11-24&to=2026-11-25");
    expect(csv.headers.get("content-type")).toMatch(/text\/csv; charset=utf-8/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment/);
    const lines = csv.text
      .replace(/^\ufeff/, "")
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe("日期,范围,取值,提问数,已解答,反问澄清,拒答,转人工,差评,好评");
    expect(lines).toContain("2026-11-24,全部,,2,1,0,1,0,0,0");
    expect(lines).toContain("2026-11-25,地区,taian,1,1,0,0,0,0,0");
    expect(lines).toContain("2026-11-25,地区,none,1,0,0,0,1,0,0");
  });

  it("a notice goes with its topics' answers until it expires", async () => {
    const expiresAt = t.clock.now() + 2 * 86_400_000;
    const r = await agent.post("/api/console/notices", {
      text: "11月30日晚 20:00–22:00 平台维护，期间无法登录。",
      topics: ["password.forgot", "login.cannot-login"],
      expiresAt,
    });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe("active");
    const board = noticeBoard(t.dataDir);
    expect(board.noticesFor("password.forgot", t.clock.now())).toHaveLength(1);
    expect(board.noticesFor("register.how", t.clock.now())).toHaveLength(0);
    // The core shows the notice with the answer itself, after the answer and before its question.
    const turn = await t.built.assistant.handle({ key: { channel: "cli", conversationId: "n1", userId: "u" }, text: "忘记密码了怎么办" });
    const texts = turn.replies.map((x) => x.text);
    const at = texts.findIndex((x) => x.includes("【通知】11月30日晚 20:00–22:00 平台维护"));
    expect(at).toBeGreaterThan(0);
    expect(turn.replies.at(-1)!.choices?.length).toBeGreaterThan(0);
    t.clock.advance(2 * 86_400_000 + 1);
    expect(board.noticesFor("password.forgot", t.clock.now())).toHaveLength(0);
    const later = await t.built.assistant.handle({ key: { channel: "cli", conversationId: "n2", userId: "u" }, text: "忘记密码了怎么办" });
    expect(later.replies.map((x) => x.text).join("\n")).not.toContain("【通知】");
    await agent.login("wang", "agent-secret-01");
    expect((await agent.post("/api/console/notices", { text: "x", topics: ["no.such"], expiresAt: t.clock.now() + 1000 })).status).toBe(400);
    expect((await agent.post("/api/console/notices", { text: "已过期", topics: ["*"], expiresAt: t.clock.now() - 1000 })).status).toBe(400);
  });
});

describe("retention and erasure", () => {
  beforeEach(() => open());

  it("deletes tickets, transcripts and the turn log after the retention period", async () => {
    const { conversationId: id } = await widget("转人工");
    await widget("今天天气怎么样");
    expect(t.svc.events.all().length).toBeGreaterThan(0);
    await t.addAccount("boss", "admin-secret-01", "admin");
    const admin = new Client(t.base);
    await admin.login("boss", "admin-secret-01");
    const early = await admin.post("/api/console/admin/sweep");
    expect(early.body).toMatchObject({ tickets: 0, sessions: 0, retentionDays: 180 });
    t.clock.advance(181 * 86_400_000);
    await admin.login("boss", "admin-secret-01"); // the old session has expired meanwhile
    const swept = await admin.post("/api/console/admin/sweep");
    expect(swept.body.tickets).toBe(1);
    expect(swept.body.sessions).toBeGreaterThanOrEqual(2);
    expect(swept.body.events).toBeGreaterThan(0);
    expect(t.svc.queue.all()).toHaveLength(0);
    expect(await t.built.assistant.conversations.store.read(`web:${id}:${id}`)).toBeNull();
    expect(readFileSync(join(t.dataDir, "console", "events.jsonl"), "utf8").trim()).toBe("");
  });

  it("the sweep also runs on its own, on the clock", async () => {
    await widget("转人工");
    t.clock.advance(200 * 86_400_000);
    const r = await t.svc.sweep();
    expect(r.tickets).toBe(1);
  });

  it("an admin deletes one person's conversations on request", async () => {
    const a = await widget("我的手机号13912345678收不到验证码");
    await widget("转人工", a.conversationId);
    const b = await widget("怎么注册");
    await t.addAccount("boss", "admin-secret-01", "admin");
    const admin = new Client(t.base);
    await admin.login("boss", "admin-secret-01");
    const preview = await admin.post("/api/console/admin/erase", { conversationId: a.conversationId, dryRun: true });
    expect(preview.body).toMatchObject({ sessions: 1, tickets: 1, dryRun: true });
    expect(preview.body.events).toBeGreaterThanOrEqual(2);
    const done = await admin.post("/api/console/admin/erase", { conversationId: a.conversationId, dryRun: false });
    expect(done.body.sessions).toBe(1);
    expect(await t.built.assistant.conversations.store.read(`web:${a.conversationId}:${a.conversationId}`)).toBeNull();
    expect(t.svc.queue.all()).toHaveLength(0);
    expect(t.svc.events.all().some((e) => e.kind === "turn" && e.text.includes("收不到验证码"))).toBe(false);
    // Someone else's conversation stays.
    expect(await t.built.assistant.conversations.store.read(`web:${b.conversationId}:${b.conversationId}`)).not.toBeNull();
    expect(existsSync(join(t.dataDir, "console", "audit.jsonl"))).toBe(true);
    await t.svc.audit.flush();
    expect(readFileSync(join(t.dataDir, "console", "audit.jsonl"), "utf8")).toContain('"action":"erase"');
  });

  it("rates and erases a conversation whose ids contain ':' (Bot Framework / Teams)", async () => {
    const conv = "19:meeting_abc:thread.v2";
    const user = "29:1Ab-cD";
    const key = encodeKey({ channel: "botframework", conversationId: conv, userId: user });
    const act = activity("http://127.0.0.1:9", "忘记密码了怎么办", { conversation: { id: conv }, from: { id: user }, deliveryMode: "expectReplies" });
    expect((await new Client(t.base).post("/api/messages", act)).status).toBe(200);
    const fb = await new Client(t.base).post("/api/feedback", { sessionKey: key, helpful: false });
    expect(fb.status).toBe(200);
    expect(fb.body.topic).toBe("password.forgot");
    expect(t.svc.events.all().find((e) => e.kind === "feedback")).toMatchObject({ sessionKey: key, channel: "botframework", helpful: false });
    await t.addAccount("boss2", "admin-secret-02", "admin");
    const admin = new Client(t.base);
    await admin.login("boss2", "admin-secret-02");
    const done = await admin.post("/api/console/admin/erase", { channel: "botframework", conversationId: conv, dryRun: false });
    expect(done.body).toMatchObject({ keys: [key], sessions: 1 });
    expect(await t.built.assistant.conversations.store.read(key)).toBeNull();
    expect(await t.built.assistant.log.read(key)).toEqual([]);
    expect(t.svc.events.all().some((e) => e.sessionKey === key)).toBe(false);
  });
});
