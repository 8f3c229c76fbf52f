// Turn tables through the real core (lowdb sessions and log in a temp dir, real sandbox platform).
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync, rmSync, readdirSync, writeFileSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAssistant } from "../../bot/assistant.ts";
import { createPlatform } from "../../adapters/platform/index.ts";
import type { Assistant } from "../../bot/turn.ts";
import { renderAllText } from "../../bot/render.ts";
import { ManualClock } from "../../bot/clock.ts";

let dir: string;
let engine: Assistant;
let clock: ManualClock;
const text = (r: { replies: { text: string; choices?: string[] }[] }) => renderAllText(r.replies);

async function open(): Promise<Assistant> {
  const platform = await createPlatform({ HELPDESK_SANDBOX_DIR: join(dir, "sandbox"), HELPDESK_SANDBOX_FIXED_CODE: "1" } as NodeJS.ProcessEnv);
  return createAssistant({ dataDir: join(dir, "data"), platform, clock });
}
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "turns-"));
  clock = new ManualClock();
  engine = await open();
});
afterEach(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});
const say = (t: string, extra: Record<string, unknown> = {}) =>
  engine.handle({ key: { channel: "cli", conversationId: "c1", userId: "u1" }, text: t, ...extra });

describe("login trouble flow", () => {
  it("answers first, asks which message, then gives that message's answer", async () => {
    const r1 = await say("我登录不上去");
    expect(r1.topic).toBe("login.cannot-login");
    expect(r1.flow).toBe("login-trouble");
    expect(r1.replies.at(-1)!.choices!.length).toBeGreaterThanOrEqual(4);
    const r2 = await say("4");
    expect(r2.topic).toBe("login.wrong-password");
    expect(text(r2)).toContain("忘记登录密码");
    expect(r2.flow).toBeNull();
  });
  it("takes the typed message instead of a number", async () => {
    await say("登录不了");
    const r = await say("它说您选择的登录角色未注册");
    expect(r.topic).toBe("login.wrong-role");
  });
  it("cancels on a whole-message 算了, but not on a sentence containing it", async () => {
    await say("登录不上");
    const r = await say("算了");
    expect(r.flow).toBeNull();
    await say("登录不上");
    const r2 = await say("我算了一下学时");
    expect(text(r2)).not.toContain("已取消");
  });
});

describe("title date helper", () => {
  it("Tai'an, reviewed after 2021-05-01 → 评审通过之日", async () => {
    await say("我是泰安的");
    await say("职称评审通过时间怎么填");
    await say("评审");
    const r = await say("2023年6月");
    expect(text(r)).toContain("评审通过之日");
  });
  it("Tai'an, reviewed before → 公布之日; May 2021 without a day asks for the day", async () => {
    await say("泰安的 职称评审通过时间填哪天");
    await say("1");
    const r = await say("2021年5月");
    expect(text(r)).toContain("哪一天");
    const r2 = await say("2021.4.30");
    expect(text(r2)).toContain("公布之日");
  });
  it("exam → 考试最后一天", async () => {
    await say("枣庄的，职称评审通过时间写哪天");
    const r = await say("考试");
    expect(text(r)).toContain("考试最后一天");
  });
});

describe("region", () => {
  it("a place name alone is acknowledged and sets the region", async () => {
    const r = await say("我是滕州的");
    expect(r.topic).toBeNull();
    expect(text(r)).toContain("枣庄市");
    const r2 = await say("注册后去哪学习");
    expect(r2.topic).toBe("hours.where-to-study");
    expect(text(r2)).toContain("zzzj.yxlearning.com");
    expect(text(r2)).not.toContain("sdta.yxlearning.com");
  });
  it("a place named in the question wins over the region known before", async () => {
    await say("我是滕州的");
    let r = await say("我爱人在泰安上班 她注册完在哪学");
    // Understood, or offered among the choices: either way the answer is Tai'an's.
    if (r.offered.includes("hours.where-to-study")) r = await say(String(r.offered.indexOf("hours.where-to-study") + 1));
    expect(r.topic).toBe("hours.where-to-study");
    expect(text(r)).toContain("sdta.yxlearning.com");
    expect(text(r)).not.toContain("zzzj.yxlearning.com");
  });
  it("no region: both cities' variants and a question which city", async () => {
    const r = await say("注册完在哪学习");
    expect(text(r)).toContain("zzzj.yxlearning.com");
    expect(text(r)).toContain("sdta.yxlearning.com");
    expect(text(r)).toContain("哪个城市");
    const r2 = await say("泰安");
    expect(r2.topic).toBe("hours.where-to-study");
    expect(text(r2)).not.toContain("zzzj.yxlearning.com");
  });
  it("Tai'an-only content reaches a Zaozhuang user, labelled", async () => {
    await say("我是枣庄的");
    const r = await say("没有主管部门的单位由谁托底管理");
    expect(r.topic).toBe("special.responsibilities");
    expect(text(r)).toContain("泰安市的说明");
  });
});

describe("bands", () => {
  it("declines out-of-scope questions and offers a person", async () => {
    const r = await say("住房公积金怎么提取");
    expect(r.topic).toBeNull();
    expect(r.replies[0].choices).toEqual(["转人工"]);
    const r2 = await say("1");
    expect(r2.topic).toBe("handoff.human");
  });
  it("a number is ordinary input when no choices are pending", async () => {
    const r = await say("3");
    expect(r.topic).toBeNull();
    expect(text(r)).not.toContain("已取消");
  });
});

describe("acting flows", () => {
  it("checks progress: a bad check digit is refused at once; 张明 is pending at his unit", async () => {
    const r1 = await say("帮我查一下注册审核到哪了");
    expect(r1.topic).toBe("action.check-progress");
    const r2 = await say("370402198503122015");
    expect(text(r2)).toContain("校验码");
    await say("370402198503122013");
    const r3 = await say("张明");
    expect(text(r3)).toContain("枣庄市示例第一中学");
    expect(text(r3)).toContain("2026-11-10");
    expect(text(r3)).not.toMatch(/1380000000\d/);
  });
  it("withdraws with a code and an explicit yes, and the platform state changes once", async () => {
    await say("帮我把注册申请撤回");
    await say("370402198503122013");
    const r = await say("张明");
    expect(text(r)).toContain("枣庄市示例第一中学");
    expect(text(r)).toContain("138****0001");
    const r1 = await say("000000");
    expect(r1.replies.at(-1)!.choices).toEqual(["确认撤回", "不撤回"]);
    const r2 = await say("确认撤回");
    expect(text(r2)).toContain("已撤回");
    // The person identified in this conversation is not asked again.
    const r3 = await say("帮我查一下审核进度");
    expect(text(r3)).toContain("3704**********2013");
    expect(text(r3)).toContain("撤回");
    expect(r3.flow).toBeNull();
  });
  it("never keeps the one-time code or a typed password in the session", async () => {
    await say("帮我撤回注册");
    await say("370402198503122013");
    await say("张明");
    await say("我的密码是Abc12345");
    await say("000000");
    await say("1");
    await engine.close();
    // Neither the sessions nor the conversation log.
    const all = ["sessions", "log"].flatMap((d) => readdirSync(join(dir, "data", d)).map((f) => readFileSync(join(dir, "data", d, f), "utf8"))).join("");
    expect(all).toContain("[验证码]");
    expect(all).not.toContain("000000");
    expect(all).not.toContain("Abc12345");
    expect(all).not.toContain("370402198503122013");
    engine = await open();
  });
  it("in a group chat asks to continue privately", async () => {
    const r = await say("帮我查一下审核进度", { isGroup: true, mentioned: true });
    expect(text(r)).toContain("私聊");
    expect(r.flow).toBeNull();
  });
});

describe("sessions", () => {
  it("a flow survives a restart of the process", async () => {
    await say("职称评审通过时间怎么填");
    await engine.close();
    engine = await open();
    const r = await say("考试");
    expect(text(r)).toContain("考试最后一天");
  });
  it("an idle conversation expires and starts fresh without an error", async () => {
    await say("登录不上");
    clock.advance(31 * 60 * 1000);
    const r = await say("2");
    expect(r.flow).toBeNull();
    expect(r.topic).toBeNull();
  });
  it("a corrupt session file affects only that conversation", async () => {
    await say("你好");
    await engine.handle({ key: { channel: "cli", conversationId: "c2", userId: "u2" }, text: "登录不上" });
    await engine.close();
    const sessDir = join(dir, "data", "sessions");
    // Break c1's file; the other conversation must keep its flow.
    const a = createHash("sha256").update("cli:c1:u1").digest("hex").slice(0, 32) + ".json";
    writeFileSync(join(sessDir, a), "{not json");
    engine = await open();
    const r1 = await say("你好");
    expect(r1.replies.length).toBeGreaterThan(0);
    const r2 = await engine.handle({ key: { channel: "cli", conversationId: "c2", userId: "u2" }, text: "4" });
    expect(readdirSync(sessDir).some((f) => f.includes(".corrupt-"))).toBe(true);
    expect(r2.topic).toBe("login.wrong-password");
  });
  it("turns of one conversation run one at a time", async () => {
    const [a, b] = await Promise.all([say("登录不上"), say("4")]);
    expect(a.flow).toBe("login-trouble");
    expect(b.topic).toBe("login.wrong-password");
  });
});

describe("special registration guide", () => {
  it("offers the special cases after the how-to and asks the city where the editions differ", async () => {
    const r1 = await say("第一次用平台怎么注册");
    expect(r1.topic).toBe("register.how");
    expect(r1.replies.at(-1)!.choices).toContain("乡镇人社所");
    const r2 = await say("2");
    expect(r2.replies.at(-1)!.choices).toEqual(["枣庄", "泰安", "其他城市"]);
    const r3 = await say("泰安");
    expect(r3.topic).toBe("special.township");
    expect(text(r3)).toContain("泰安市**县（市、区）人力资源和社会保障局");
    expect(text(r3)).not.toContain("枣庄市**区");
    // The city is remembered for the conversation.
    const r4 = await say("注册完了在哪学习");
    expect(text(r4)).toContain("sdta.yxlearning.com");
    expect(text(r4)).not.toContain("zzzj.yxlearning.com");
  });
  it("a case that does not differ by city is answered at once", async () => {
    await say("怎么注册");
    const r = await say("第五个");
    expect(r.topic).toBe("special.freelancer");
    expect(text(r)).toContain("户籍所在地");
  });
});

describe("interruptions inside a flow", () => {
  it("返回上一步 goes back to the previous question", async () => {
    await say("职称评审通过时间怎么填");
    const r1 = await say("评审");
    expect(text(r1)).toContain("哪个城市");
    const r2 = await say("返回上一步");
    expect(r2.flow).toBe("title-date");
    expect(r2.replies.at(-1)!.choices).toEqual(["评审取得", "考试取得", "大、中专毕业生转正定职取得"]);
    const r3 = await say("2");
    expect(text(r3)).toContain("考试最后一天");
  });
  it("转人工 inside a flow hands off and ends the flow", async () => {
    await say("登录不上");
    const r = await say("转人工");
    expect(r.topic).toBe("handoff.human");
    expect(r.flow).toBeNull();
  });
  it("重新开始 clears the flow and the city", async () => {
    await say("我是泰安的");
    await say("登录不上");
    const r = await say("重新开始");
    expect(r.flow).toBeNull();
    const r2 = await say("注册完在哪学习");
    expect(text(r2)).toContain("zzzj.yxlearning.com");
  });
  it("a new question inside a flow is answered and ends the flow", async () => {
    await say("登录不上");
    const r = await say("单位没有统一社会信用代码怎么注册");
    expect(r.topic).toBe("register.no-credit-code");
    expect(r.flow).toBeNull();
  });
  it("a number out of range is ordinary input", async () => {
    await say("登录不上");
    const r = await say("9");
    expect(r.flow).toBe("login-trouble");
    expect(text(r)).toContain("没能理解");
  });
});

describe("wrong unit flow", () => {
  it("pending and the password forgotten: ask the unit to reject, or let the bot withdraw with a code", async () => {
    await say("注册选错单位了");
    await say("还没审核");
    const r = await say("密码也忘了");
    expect(text(r)).toContain("驳回");
    const r2 = await say("1");
    expect(r2.flow).toBe("withdraw");
    expect(text(r2)).toContain("身份证号");
  });
  it("already approved leads to the transfer procedure", async () => {
    await say("注册时单位选错了");
    const r = await say("已经审核通过了");
    expect(r.topic).toBe("staff.transfer-unit");
    expect(text(r)).toContain("单位调转");
  });
});

describe("platform down", () => {
  it("tells the user plainly, changes nothing and offers a person", async () => {
    const { HttpPlatform } = await import("../../adapters/platform/http-client.ts");
    // Port 9 on loopback: nothing listens there, so every request fails at once.
    const down = new HttpPlatform({ baseUrl: "http://127.0.0.1:9", timeoutMs: 500, retries: 0, clock });
    const e = createAssistant({ dataDir: join(dir, "data-down"), platform: down, clock });
    const t = (s: string) => e.handle({ key: { channel: "cli", conversationId: "d", userId: "u" }, text: s });
    expect((await t("帮我查查审核到哪了")).flow).toBe("check-progress");
    await t("370402198503122013");
    const r = await t("张明");
    expect(text(r)).toContain("暂时无法连接");
    expect(text(r)).toContain("没有做任何更改");
    expect(text(r)).toContain("转人工");
    expect(r.flow).toBeNull();
    await e.close();
  });
});

describe("follow-ups", () => {
  it("“那泰安呢” after an answer that differs by city answers it again for Tai'an", async () => {
    await say("我是枣庄的");
    const r1 = await say("注册完了在哪学习");
    expect(text(r1)).toContain("zzzj.yxlearning.com");
    const r2 = await say("那泰安的呢");
    expect(r2.topic).toBe("hours.where-to-study");
    expect(text(r2)).toContain("sdta.yxlearning.com");
    expect(text(r2)).not.toContain("zzzj.yxlearning.com");
  });
});

describe("conversations that listen", () => {
  it("ID number and name in the first message: not asked again, understood said back masked", async () => {
    const r = await say("帮我查一下注册进度 370481199202084527 王芳");
    expect(r.topic).toBe("action.check-progress");
    expect(text(r)).toContain("好的，王芳，身份证 3704**********4527");
    expect(text(r)).toContain("所学专业填写有误");
    expect(text(r)).not.toContain("请输入您注册时填写的姓名");
    expect(r.flow).toBeNull();
  });
  it("“370481199202084527 王芳” alone, then the action picked: the flow starts with them", async () => {
    const r1 = await say("370481199202084527 王芳");
    const i = r1.offered.indexOf("action.check-progress");
    expect(i).toBeGreaterThanOrEqual(0);
    const r2 = await say(String(i + 1));
    expect(text(r2)).toContain("好的，王芳，身份证 3704**********4527");
    expect(text(r2)).toContain("驳回");
  });
  it("a name typed where the ID number is asked is kept; ID number and name in one answer", async () => {
    await say("帮我查一下审核进度");
    const r = await say("370402198503122013 张明");
    expect(text(r)).toContain("好的，张明，身份证 3704**********2013");
    expect(text(r)).toContain("2026-11-10");
  });
  it("a wrong code is said at once, before the yes; the right code typed at the yes is accepted", async () => {
    await say("帮我撤回注册 370402198503122013 张明");
    const r1 = await say("123456");
    expect(text(r1)).toContain("验证码不正确");
    expect(text(r1)).not.toContain("最后确认");
    expect(r1.flow).toBe("withdraw");
    const r2 = await say("000000");
    expect(text(r2)).toContain("最后确认");
    const r3 = await say("000000");
    expect(text(r3)).toContain("已撤回");
  });
  it("a restart between the code and the yes loses nothing, and the code is written nowhere", async () => {
    await say("帮我撤回注册 370402198503122013 张明");
    await say("000000");
    await engine.close();
    engine = await open();
    const r = await say("确认撤回");
    expect(text(r)).toContain("已撤回");
    await engine.close();
    const all = ["sessions", "log"].flatMap((d) => readdirSync(join(dir, "data", d)).map((f) => readFileSync(join(dir, "data", d, f), "utf8"))).join("");
    expect(all).not.toContain("000000");
    engine = await open();
  });
  it("a second engine over the same store carries on after the code", async () => {
    await say("帮我撤回注册 370402198503122013 张明");
    await say("000000");
    await engine.close();
    const platform = await createPlatform({ HELPDESK_SANDBOX_DIR: join(dir, "sandbox"), HELPDESK_SANDBOX_FIXED_CODE: "1" } as NodeJS.ProcessEnv);
    const second = createAssistant({ dataDir: join(dir, "data"), platform, clock });
    const r = await second.handle({ key: { channel: "cli", conversationId: "c1", userId: "u1" }, text: "确认" });
    expect(text(r)).toContain("已撤回");
    await second.close();
    engine = await open();
  });
  it.each(["算了，不调了", "不想调了", "不办了"])("“%s” inside the transfer flow cancels it", async (stop) => {
    await say("帮我办单位调转");
    const r = await say(stop);
    expect(r.flow).toBeNull();
    expect(text(r)).toMatch(/不办了|已取消/);
  });
  it("“等等，我密码忘了” inside a flow switches to the new question", async () => {
    await say("帮我办单位调转 370405198709051264 陈静");
    const r = await say("等等，我密码忘了");
    expect(r.flow).not.toBe("transfer");
    expect(r.topic).toMatch(/^password\./);
  });
  it("a question in the middle of an acting flow is answered and the flow continues", async () => {
    await say("帮我撤回注册 370402198503122013 张明");
    const r = await say("注册后去哪学习");
    expect(r.topic).toBe("hours.where-to-study");
    expect(r.flow).toBe("withdraw");
    expect(text(r)).toContain("我们继续刚才的撤回注册申请");
    const r2 = await say("000000");
    expect(text(r2)).toContain("最后确认");
  });
  it("after acting, “我的调转到哪一步了” reaches the transfer's state, not the FAQ", async () => {
    await say("我要调到枣庄市示例第一中学 370405198709051264 陈静");
    const r1 = await say("000000");
    expect(text(r1)).toContain("枣庄市示例第一中学");
    const r2 = await say("1");
    expect(text(r2)).toContain("确认提交");
    const r3 = await say("确认提交");
    expect(text(r3)).toContain("调转申请已提交");
    const r4 = await say("我的调转到哪一步了");
    expect(r4.topic).toBe("action.transfer");
    expect(text(r4)).toContain("等待原单位管理员审核同意转出");
    expect(text(r4)).toContain("3704**********1264");
  });
  it("“撤回成功了吗” after the withdrawal", async () => {
    await say("帮我撤回注册 370402198503122013 张明");
    await say("000000");
    await say("确认撤回");
    const r = await say("撤回成功了吗");
    expect(r.topic).toBe("action.withdraw");
    expect(text(r)).toContain("撤回已成功");
  });
});

describe("waiting for a person", () => {
  it("after 转人工, what the user writes is passed on (no 您是想问, no second offer); a sure question is answered", async () => {
    const passed: string[] = [];
    const tickets = {
      open: async () => "T-1",
      userMessage: async (_id: string, t: string) => {
        passed.push(t);
      },
    };
    const e = createAssistant({ dataDir: join(dir, "data-wait"), clock, tickets });
    const t = (s: string) => e.handle({ key: { channel: "web", conversationId: "w", userId: "u" }, text: s });
    expect((await t("转人工")).topic).toBe("handoff.human");
    const r1 = await t("我上周注册的，一直没人审核，单位也联系不上");
    expect(text(r1)).toContain("T-1");
    expect(text(r1)).not.toContain("您是想问");
    expect(text(r1)).not.toContain("转人工");
    expect(r1.topic).toBe("handoff.human");
    expect(r1.flow).toBeNull();
    expect(passed).toEqual(["我上周注册的，一直没人审核，单位也联系不上"]);
    const r2 = await t("注册完在哪学习");
    expect(r2.topic).toBe("hours.where-to-study");
    await e.close();
  });
});

describe("a covered and an uncovered question in one message", () => {
  it("answers the covered one and says plainly what the FAQ does not cover, offering a person", async () => {
    const r = await say("点注册没反应 另外社保断缴了怎么补");
    expect(r.topic).toBe("register.no-response");
    const note = r.replies.at(-1);
    expect(note?.text).toContain("没有这方面的内容");
    expect(note?.choices).toEqual(["转人工"]);
    const h = await say("1");
    expect(h.topic).toBe("handoff.human");
  });
});
