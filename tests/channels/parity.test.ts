// One table of questions through every channel: the widget API over HTTP, Bot Framework over
// HTTP (replies caught by a recorder), WeChat private and group (mock puppet), and engine.turn
// directly as the CLI does. Each gives the same topic and the same answer body, framing aside.
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { createEngine } from "../../bot/assistant.ts";
import type { TurnEvent } from "../../bot/engine.ts";
import { maskPersonal } from "../../bot/mask.ts";
import { startServer, startRecorder, postJson, waitFor, activity, type TestServer, type Recorder, once } from "./helpers.ts";

const TABLE: { q: string; topic: string }[] = [
  { q: "忘记密码了怎么办", topic: "password.forgot" },
  { q: "点注册没反应", topic: "register.no-response" },
  { q: "单位管理员怎么给员工重置密码", topic: "password.forgot" },
  { q: "注册推荐用哪个浏览器", topic: "register.no-response" },
  { q: "登录提示您选择的登录角色未注册", topic: "login.wrong-role" },
  { q: "没有统一社会信用代码怎么注册", topic: "register.no-credit-code" },
  { q: "怎么删除账号", topic: "staff.delete-account" },
];

describe("the same answer through every channel", () => {
  let s: TestServer;
  let rec: Recorder;
  let mocker: mock.Mocker;
  let self: mock.ContactMock;
  let room: mock.RoomMock;
  const turns: TurnEvent[] = [];
  const said: { to: string; room?: string; text: string }[] = [];
  const cli = createEngine(); // in-memory sessions, as `helpdesk ask` runs it

  beforeEach(once(async () => {
    mocker = new mock.Mocker();
    s = await startServer({ onTurn: (e) => turns.push(e), wechat: { puppet: new PuppetMock({ mocker }), sendBurst: 1000, sendIntervalMs: 1, roomBurst: 1000, roomIntervalMs: 1 } });
    rec = await startRecorder();
    s.wechat!.bot.on("message", (m) => { if (m.self()) said.push({ to: m.room()?.id ?? m.listener()?.id ?? "", room: m.room()?.id, text: m.text() }); });
    const loggedIn = new Promise<void>((r) => s.wechat!.bot.once("login", () => r()));
    self = mocker.createContact({ name: "客服助手" });
    mocker.login(self);
    await loggedIn;
    room = mocker.createRoom({ topic: "继续教育交流群", memberIdList: [self.id] });
  }));
  afterAll(async () => { await rec?.close(); await s?.stop(); await cli.close(); });

  const topicOf = async (channel: string, from: number) => (await waitFor(() => turns.slice(from).find((t) => t.channel === channel), `${channel} turn`)).topic;

  it.each(TABLE.map((row, i) => ({ ...row, i })))("$q → $topic", async ({ q, topic, i }) => {
    // CLI: engine.turn directly.
    const direct = await cli.turn({ channel: "cli", conversationId: `parity-${i}`, userId: "cli", text: q });
    expect(direct.topic).toBe(topic);
    const body = direct.replies[0].text;
    expect(body.length).toBeGreaterThan(10);

    // Widget API over HTTP.
    const web = await postJson(`${s.base}/api/chat`, { text: q });
    expect(web.status).toBe(200);
    expect(web.body.topic).toBe(topic);
    expect(web.body.replies[0].text).toBe(body);

    // Bot Framework over HTTP; the replies arrive at the recorder.
    let from = turns.length;
    let n = rec.activities.length;
    const bf = await postJson(`${s.base}/api/messages`, activity(rec.url, q, { conversation: { id: `parity-bf-${i}` }, from: { id: `bf-user-${i}` } }));
    expect(bf.status).toBe(200);
    expect(await topicOf("botframework", from)).toBe(topic);
    const bfFirst = await waitFor(() => rec.activities.slice(n).find((a) => a.path.includes(`parity-bf-${i}`)), "Bot Framework reply");
    expect(bfFirst.body.text).toBe(body);

    // WeChat, private chat.
    const person = mocker.createContact({ name: `用户${i}` });
    from = turns.length;
    n = said.length;
    person.say(q).to(self);
    expect(await topicOf("wechat", from)).toBe(topic);
    await s.wechat!.idle();
    const priv = await waitFor(() => said.slice(n).find((x) => x.to === person.id && !x.room), "WeChat private reply");
    expect(priv.text === body || priv.text.startsWith(`${body}\n\n`)).toBe(true);

    // WeChat, group chat (@-mentioned).
    const member = mocker.createContact({ name: `群友${i}` });
    mocker.roomPayload(room.id, { ...mocker.roomPayload(room.id), memberIdList: [...mocker.roomPayload(room.id).memberIdList, member.id] });
    from = turns.length;
    n = said.length;
    member.say(`@客服助手 ${q}`, [self]).to(room);
    expect(await topicOf("wechat", from)).toBe(topic);
    await s.wechat!.idle();
    const group = await waitFor(() => said.slice(n).find((x) => x.room === room.id && x.text.startsWith(`@群友${i}`)), "WeChat group reply");
    const groupBody = group.text.slice(`@群友${i}`.length).replace(/^[\u2005 ]/, "");
    const masked = maskPersonal(body);
    expect(groupBody === masked || groupBody.startsWith(`${masked}\n\n`)).toBe(true);
  });
});
