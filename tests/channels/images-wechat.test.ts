// WeChat pictures through wechaty's file box (wechaty-puppet-mock): a private chat's screenshot
// of a login message gets that message's answer, what was read first; a file that is not a
// picture gets an honest reply. The pictures are rendered by the test (./screenshots.ts).
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { FileBox } from "file-box";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { startServer, waitFor, once, type TestServer } from "./helpers.ts";
import type { WechatChannel } from "../../adapters/channels/wechat.ts";
import { Recognizer } from "../../bot/vision/recognizer.ts";
import { SCREEN_MESSAGES, screenshot, phonePhoto } from "./screenshots.ts";

const SLOW = 180_000;

describe("WeChat: a picture of the platform's message", () => {
  const reader = new Recognizer({ timeoutMs: 120_000 });
  let s: TestServer;
  let wx: WechatChannel;
  let mocker: mock.Mocker;
  let bot: mock.ContactMock;
  const said: { to: string; text: string }[] = [];
  beforeEach(
    once(async () => {
      mocker = new mock.Mocker();
      const puppet = new PuppetMock({ mocker });
      s = await startServer({ imageReader: reader, wechat: { puppet, sendBurst: 100, sendIntervalMs: 10 } });
      const channel = s.wechat;
      if (!channel) throw new Error("no WeChat channel");
      wx = channel;
      wx.bot.on("message", (m) => {
        if (m.self()) said.push({ to: m.listener()?.id ?? "", text: m.text() });
      });
      const loggedIn = new Promise<void>((r) => wx.bot.once("login", () => r()));
      bot = mocker.createContact({ name: "客服助手" });
      mocker.login(bot);
      await loggedIn;
      await reader.warm();
    }),
    SLOW,
  );
  afterAll(async () => {
    await s?.stop();
    await reader.close();
  });

  const reply = async (from: mock.ContactMock, n: number) => {
    await wx.idle();
    return waitFor(() => said.filter((x) => x.to === from.id).length >= n && said.filter((x) => x.to === from.id)[n - 1], "a reply", 120_000);
  };

  it(
    "a screenshot sent in a private chat gets its entry's answer, what was read first",
    async () => {
      const zhang = mocker.createContact({ name: "张三" });
      zhang.say(FileBox.fromBase64((await screenshot(SCREEN_MESSAGES[2].message)).toString("base64"), "截图.png")).to(bot);
      const r = await reply(zhang, 1);
      expect(r.text).toMatch(/^图片里的提示是：“您选择的登录角色未注册/);
      const log = await s.assistant.log.read(`wechat:${zhang.id}:${zhang.id}`);
      expect(log.find((e) => e.role === "bot" && e.topic)?.topic).toBe(SCREEN_MESSAGES[2].topic);
    },
    SLOW,
  );

  it(
    "a phone photo (jpeg) too",
    async () => {
      const li = mocker.createContact({ name: "李四" });
      li.say(FileBox.fromBase64((await phonePhoto(SCREEN_MESSAGES[0].message)).toString("base64"), "photo.jpg")).to(bot);
      const r = await reply(li, 1);
      expect(r.text).toContain("您的账号不存在");
      const log = await s.assistant.log.read(`wechat:${li.id}:${li.id}`);
      expect(log.find((e) => e.role === "bot" && e.topic)?.topic).toBe(SCREEN_MESSAGES[0].topic);
    },
    SLOW,
  );

  it(
    "a file that is not a picture, named .png, gets an honest reply",
    async () => {
      const wang = mocker.createContact({ name: "王五" });
      wang.say(FileBox.fromBase64(Buffer.from("%PDF-1.4 not a picture").toString("base64"), "fake.png")).to(bot);
      const r = await reply(wang, 1);
      expect(r.text).toContain("用文字");
    },
    SLOW,
  );
});
