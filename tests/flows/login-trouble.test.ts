import { describe, it } from "vitest";
import { loginTrouble } from "../../flows/login-trouble.ts";
import { answerOf, fakeContext, runTable } from "./table.ts";

const T = "login.cannot-login";
const LABELS = ["“您的账号不存在……”", "“您选择的登录角色未注册……”", "“您的账号正在审核中……”", "“密码错误请重新输入……”", "其他提示 / 没看清"];
const ctx = () => fakeContext({ classifyAs: { "login.wrong-password": /密码错误/, "login.under-review": /审核中/ } });
const begin = ["登录不上", { step: "which", say: [answerOf(T), "提示的是哪一条"], choices: LABELS, expects: "pick-or-text", topic: T }] as const;

describe("login-trouble flow", () => {
  it("a message picked → that message's entry", () => {
    runTable(loginTrouble, ctx(), [[...begin], [{ pick: 1 }, { status: "done", say: [answerOf("login.wrong-role")], topic: "login.wrong-role" }]]);
  });

  it("the message's words → classified among the four", () => {
    runTable(loginTrouble, ctx(), [[...begin], ["提示密码错误请重新输入", { status: "done", say: [answerOf("login.wrong-password")] }]]);
  });

  it("under review → offers to check progress; yes starts check-progress", () => {
    runTable(loginTrouble, ctx(), [
      [...begin],
      [{ pick: 2 }, { step: "progress", say: [answerOf("login.under-review"), "查询注册审核进度"], choices: ["帮我查询审核进度", "不用了"], expects: "pick" }],
      ["好的帮我查", { status: "done", next: { flow: "check-progress", text: "好的帮我查" } }],
    ]);
    runTable(loginTrouble, ctx(), [[...begin], ["账号正在审核中", { step: "progress" }], ["不用查了", { status: "done", say: ["还有其他问题"] }]]);
  });

  it("other → asks for the words; unrecognised words → suggests a person, done", () => {
    runTable(loginTrouble, ctx(), [
      [...begin],
      [{ pick: 4 }, { step: "other", say: ["提示原文"], expects: "text" }],
      ["系统繁忙", { status: "done", say: ["没能识别", "转人工"], topic: null }],
    ]);
  });

  it("unknown input at the first question, or a shrug at the offer → unhandled", () => {
    runTable(loginTrouble, ctx(), [
      [...begin],
      ["先不弄了", { step: "which", unhandled: true }],
      [{ pick: 2 }, { step: "progress" }],
      ["嗯嗯", { step: "progress", unhandled: true }],
    ]);
  });
});
