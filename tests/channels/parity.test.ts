// One table of questions through every channel: the widget API over HTTP, Bot Framework over
// HTTP (replies caught by a recorder), WeChat private and group (mock puppet), and the core
// directly as the CLI does. Each gives the same topic and the same answer body, framing aside,
// and shows a reply's choices exactly once, in its own way.
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { createAssistant } from "../../bot/assistant.ts";
import type { TurnEvent } from "../../bot/ports.ts";
import { renderAllText } from "../../bot/render.ts";
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
  const cli = createAssistant(); // in-memory sessions, as `helpdesk ask` runs it

  beforeEach(
    once(async () => {
      mocker = new mock.Mocker();
      s = await startServer({
        onTurn: (e) => turns.push(e),
        wechat: { puppet: new PuppetMock({ mocker }), sendBurst: 1000, sendIntervalMs: 1, roomBurst: 1000, roomIntervalMs: 1 },
      });
      rec = await startRecorder();
      s.wechat!.bot.on("message", (m) => {
        if (m.self()) said.push({ to: m.room()?.id ?? m.listener()?.id ?? "", room: m.room()?.id, text: m.text() });
      });
      const loggedIn = new Promise<void>((r) => s.wechat!.bot.once("login", () => r()));
      self = mocker.createContact({ name: "客服助手" });
      mocker.login(self);
      await loggedIn;
      room = mocker.createRoom({ topic: "继续教育交流群", memberIdList: [self.id] });
    }),
  );
  afterAll(async () => {
    await rec?.close();
    await s?.stop();
    await cli.close();
  });

  const topicOf = async (channel: string, from: number) => (await waitFor(() => turns.slice(from).find((t) => t.channel === channel), `${channel} turn`)).topic;

  it.each(TABLE.map((row, i) => ({ ...row, i })))("$q → $topic", async ({ q, topic, i }) => {
    // CLI: the core directly.
    const direct = await cli.handle({ key: { channel: "cli", conversationId: `parity-${i}`, userId: "cli" }, text: q });
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

  it("shows a question's choices once in every channel, each in its own way", async () => {
    const q = "忘记密码了怎么办"; // the answer, then a question with two choices
    let labels: string[] = [];
    // Lines that list a choice ("1. 能，用注册时的邮箱…"); the answer's own numbered steps do not count.
    const lines = (t: string) => t.split("\n").filter((l) => labels.some((c, i) => l.trim() === `${i + 1}. ${c}`)).length;

    // CLI and replay: numbered lines once, with the hint to reply with a number.
    const direct = await cli.handle({ key: { channel: "cli", conversationId: "choices-cli", userId: "cli" }, text: q });
    const asked = direct.replies.find((r) => r.choices?.length);
    expect(asked?.choices?.length).toBe(2);
    labels = asked!.choices!;
    expect(lines(asked!.text)).toBe(0); // the core never writes the list into the text
    const cliText = renderAllText(direct.replies);
    expect(lines(cliText)).toBe(2);
    expect(cliText.match(/回复序号/g)?.length).toBe(1);

    // Widget: buttons, and no numbered lines in the text.
    const web = await postJson(`${s.base}/api/chat`, { text: q });
    const webAsk = web.body.replies.find((r: { choices: string[] }) => r.choices.length);
    expect(webAsk.choices).toEqual(asked!.choices);
    expect(lines(web.body.replies.map((r: { text: string }) => r.text).join("\n"))).toBe(0);
    expect(webAsk.text).toContain("按钮");

    // Bot Framework: suggested actions once, no numbered list in the text.
    const n = rec.activities.length;
    await postJson(`${s.base}/api/messages`, activity(rec.url, q, { conversation: { id: "choices-bf" }, from: { id: "bf-choices" } }));
    const bfAsk = await waitFor(() => rec.activities.slice(n).find((a) => a.path.includes("choices-bf") && a.body.suggestedActions), "Bot Framework choices");
    expect(bfAsk.body.suggestedActions.actions.map((a: { title: string }) => a.title)).toEqual(asked!.choices);
    expect(
      lines(
        rec.activities
          .slice(n)
          .filter((a) => a.path.includes("choices-bf"))
          .map((a) => a.body.text ?? "")
          .join("\n"),
      ),
    ).toBe(0);

    // WeChat: numbered lines once, with WeChat's own hint.
    const person = mocker.createContact({ name: "选项用户" });
    const m = said.length;
    person.say(q).to(self);
    await s.wechat!.idle();
    const priv = await waitFor(() => said.slice(m).find((x) => x.to === person.id && !x.room), "WeChat reply with choices");
    expect(lines(priv.text)).toBe(2);
    expect(priv.text).toContain("回复 1 / 2");
  });
});
