// WeChat through wechaty with wechaty-puppet-mock: private chats, groups (mention or prefix),
// media, own and old messages, the allow-list, private continuation, delivery and the send rate.
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { types } from "wechaty";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { ManualClock } from "../../bot/clock.ts";
import type { TurnEvent } from "../../bot/ports.ts";
import { startServer, waitFor, ANSWER_TOPICS, type TestServer, once } from "./helpers.ts";
import type { WechatChannel } from "../../adapters/channels/wechat.ts";

let mediaN = 0;
/** An image (or voice, file) message from `from` to a contact or room, as the puppet reports it. */
function sendMedia(mocker: mock.Mocker, from: mock.ContactMock, to: { listenerId?: string; roomId?: string }, type = types.Message.Image): void {
  const msg = mocker.MessageMock.create({ id: `media-${++mediaN}`, talkerId: from.id, timestamp: Date.now(), type, ...to } as never);
  mocker.puppet.emit("message", { messageId: msg.id });
}

interface Env {
  s: TestServer;
  wx: WechatChannel;
  mocker: mock.Mocker;
  user: mock.ContactMock;
  /** What the bot said: conversation (room or contact id) and text. */
  said: { to: string; room?: string; text: string }[];
  turns: TurnEvent[];
  clock: ManualClock;
}

async function setUp(extra: Record<string, unknown> = {}): Promise<Env> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const turns: TurnEvent[] = [];
  const clock = new ManualClock(Date.now());
  const s = await startServer({ clock, onTurn: (e) => turns.push(e), wechat: { puppet, prefix: "客服", ...extra } });
  const wx = s.wechat!;
  const said: Env["said"] = [];
  wx.bot.on("message", (m) => {
    if (!m.self()) return;
    const room = m.room();
    said.push({ to: room ? room.id : (m.listener()?.id ?? ""), room: room?.id, text: m.text() });
  });
  const loggedIn = new Promise<void>((r) => wx.bot.once("login", () => r()));
  const user = mocker.createContact({ name: "客服助手" });
  mocker.login(user);
  await loggedIn; // bot.ready() never resolves with the mock
  return { s, wx, mocker, user, said, turns, clock };
}

describe("WeChat (wechaty-puppet-mock)", () => {
  let e: Env;
  let zhang: mock.ContactMock;
  let li: mock.ContactMock;
  let room: mock.RoomMock;
  beforeEach(
    once(async () => {
      e = await setUp({ sendBurst: 100, sendIntervalMs: 10, roomBurst: 100, roomIntervalMs: 10 });
      zhang = e.mocker.createContact({ name: "张三" });
      li = e.mocker.createContact({ name: "李四" });
      room = e.mocker.createRoom({ topic: "继续教育交流群", memberIdList: [e.user.id, zhang.id, li.id] });
    }),
  );
  afterAll(async () => {
    await e?.s.stop();
  });

  const next = async (n: number, what: string) => {
    await e.wx.idle();
    return waitFor(() => e.said.length >= n && e.said.slice(n - 1), what);
  };

  it("answers every private message, numbered choices as text", async () => {
    const n = e.said.length;
    zhang.say(ANSWER_TOPICS.forgot.q).to(e.user);
    const [r] = await next(n + 1, "private answer");
    expect(r.to).toBe(zhang.id);
    expect(r.room).toBeUndefined();
    expect(r.text).toContain("忘记登录密码");
    expect(r.text).toMatch(/^1\. 能，用注册时的邮箱或手机号找回$/m);
    expect(r.text).toContain("回复 1 / 2");
    zhang.say("1").to(e.user);
    const [r2] = await next(n + 2, "answer to the number");
    expect(r2.text).toContain("方式一");
  });

  it("ignores its own messages (no turn is run for what the bot says)", async () => {
    await e.wx.idle();
    const own = e.turns.filter((t) => t.channel === "wechat").length;
    const n = e.said.length;
    e.user.say("我自己发的消息").to(zhang);
    zhang.say(ANSWER_TOPICS.register.q).to(e.user);
    await next(n + 2, "own message and the answer");
    await e.wx.idle();
    expect(e.turns.filter((t) => t.channel === "wechat").length).toBe(own + 1);
  });

  it("ignores messages from before it started", async () => {
    await e.wx.idle();
    const n = e.said.length;
    const turns = e.turns.length;
    const old = e.mocker.MessageMock.create({
      id: "old-message-1",
      talkerId: li.id,
      listenerId: e.user.id,
      timestamp: e.clock.now() - 3_600_000,
      type: types.Message.Text,
      text: ANSWER_TOPICS.forgot.q,
    } as never);
    e.mocker.puppet.emit("message", { messageId: old.id });
    li.say(ANSWER_TOPICS.register.q).to(e.user);
    const [r] = await next(n + 1, "answer to the new message");
    expect(r.text).toContain("浏览器");
    await e.wx.idle();
    expect(e.said.length).toBe(n + 1);
    expect(e.turns.length).toBe(turns + 1);
  });

  it("asks for text when it gets an image or a file", async () => {
    const n = e.said.length;
    sendMedia(e.mocker, li, { listenerId: e.user.id });
    const [r] = await next(n + 1, "media reply");
    expect(r.to).toBe(li.id);
    expect(r.text).toContain("文字");
    sendMedia(e.mocker, li, { listenerId: e.user.id }, types.Message.Audio);
    sendMedia(e.mocker, li, { listenerId: e.user.id }, types.Message.Attachment);
    await next(n + 3, "voice and file replies");
    expect(e.said.slice(n).map((x) => x.to)).toEqual([li.id, li.id, li.id]);
    for (const x of e.said.slice(n)) expect(x.text).toContain("文字");
  });

  it("in a group answers only when @-mentioned or with the prefix, and @-mentions the asker", async () => {
    await e.wx.idle();
    const n = e.said.length;
    zhang.say(ANSWER_TOPICS.forgot.q).to(room); // not addressed to the bot
    zhang.say(`@客服助手 ${ANSWER_TOPICS.forgot.q}`, [e.user]).to(room);
    const [r] = await next(n + 1, "group answer");
    expect(r.room).toBe(room.id);
    expect(r.text.startsWith("@张三")).toBe(true);
    expect(r.text).toContain("忘记登录密码");
    li.say(`客服 ${ANSWER_TOPICS.register.q}`).to(room);
    const [r2] = await next(n + 2, "prefix answer");
    expect(r2.text.startsWith("@李四")).toBe(true);
    expect(r2.text).toContain("浏览器");
    await e.wx.idle();
    expect(e.said.length).toBe(n + 2);
    sendMedia(e.mocker, li, { roomId: room.id }); // media in a group addresses nobody
    await e.wx.idle();
    expect(e.said.length).toBe(n + 2);
  });

  it("never takes personal data in a group: the flow continues in the private chat", async () => {
    const n = e.said.length;
    li.say("@客服助手 帮我查一下审核进度", [e.user]).to(room);
    const [r] = await next(n + 1, "group refusal");
    expect(r.room).toBe(room.id);
    expect(r.text).toContain("私聊");
    li.say("你好，我私聊你了").to(e.user);
    const [p] = await next(n + 2, "private continuation");
    expect(p.to).toBe(li.id);
    expect(p.room).toBeUndefined();
    expect(p.text).toMatch(/身份证/);
    expect(p.text).not.toContain("私聊");
  });

  it("masks personal numbers in group messages, and delivers later replies to the contact or room", async () => {
    await e.wx.idle();
    const n = e.said.length;
    expect((await e.s.hub.deliver(`wechat:${room.id}:${zhang.id}`, [{ text: "人工客服：已为您核对身份证号 370402199001011234" }])).delivered).toBe(true);
    const [g] = await next(n + 1, "group delivery");
    expect(g.room).toBe(room.id);
    expect(g.text).not.toContain("370402199001011234");
    expect(g.text).toContain("3704**********1234");
    expect((await e.s.hub.deliver(`wechat:${zhang.id}:${zhang.id}`, [{ text: "人工客服：您好，请问还有什么问题？" }])).delivered).toBe(true);
    const [p] = await next(n + 2, "private delivery");
    expect(p.to).toBe(zhang.id);
    expect(p.text).toBe("人工客服：您好，请问还有什么问题？");
  });
});

describe("WeChat group allow-list and send rate", () => {
  it("answers only in allowed groups", async () => {
    const e = await setUp({ rooms: ["允许的群"] });
    try {
      const a = e.mocker.createContact({ name: "王五" });
      const allowed = e.mocker.createRoom({ topic: "允许的群", memberIdList: [e.user.id, a.id] });
      const other = e.mocker.createRoom({ topic: "别的群", memberIdList: [e.user.id, a.id] });
      a.say(`@客服助手 ${ANSWER_TOPICS.forgot.q}`, [e.user]).to(other);
      a.say(`@客服助手 ${ANSWER_TOPICS.register.q}`, [e.user]).to(allowed);
      await e.wx.idle();
      await waitFor(() => e.said.length >= 1, "answer in the allowed group");
      await e.wx.idle();
      expect(e.said.map((x) => x.room)).toEqual([allowed.id]);
    } finally {
      await e.s.stop();
    }
  });

  it("sends through a token bucket on the clock: a burst, then one per interval", async () => {
    const e = await setUp({ sendBurst: 2, sendIntervalMs: 10_000, roomBurst: 5, roomIntervalMs: 1000 });
    try {
      const people = ["甲", "乙", "丙", "丁"].map((name) => e.mocker.createContact({ name }));
      for (const p of people) p.say(ANSWER_TOPICS.register.q).to(e.user);
      await waitFor(() => e.turns.length >= 4, "four turns");
      await e.wx.idle();
      const sent = () => e.wx.sent.length;
      expect(sent()).toBe(2);
      expect(e.wx.queued).toBe(2);
      e.clock.advance(10_000);
      await e.wx.pump();
      await e.wx.idle();
      expect(sent()).toBe(3);
      e.clock.advance(9_999);
      await e.wx.pump();
      await e.wx.idle();
      expect(sent()).toBe(3);
      e.clock.advance(1);
      await e.wx.pump();
      await e.wx.idle();
      expect(sent()).toBe(4);
      expect(e.wx.queued).toBe(0);
      // Each person got exactly one answer, through WeChat.
      await waitFor(() => e.said.length >= 4, "four messages seen by WeChat");
      expect(new Set(e.said.map((x) => x.to))).toEqual(new Set(people.map((p) => p.id)));
    } finally {
      await e.s.stop();
    }
  });
});
