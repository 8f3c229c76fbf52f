import { describe, it } from "vitest";
import { passwordForgotFlow } from "../../flows/password-forgot.ts";
import { loadFlowRules } from "../../knowledge/flow-rules.ts";
import { answerOf, fakeContext, runTable } from "./table.ts";

const rules = loadFlowRules().password;
const flow = passwordForgotFlow(rules);
const T = "password.forgot";
const CHOICES = ["能，用注册时的邮箱或手机号找回", "邮箱和手机号都用不了了"];
const begin = ["忘了密码", { step: "contact", say: [answerOf(T), "邮箱或手机号现在还能用吗"], choices: CHOICES, expects: "pick-or-text", topic: T }] as const;

describe("password-forgot flow", () => {
  it.each([
    ["by number", { pick: 0 }],
    ["in words", "邮箱还能用"],
  ] as const)("email or phone still works (%s) → way one, from the rules file", (_n, input) => {
    runTable(flow, fakeContext(), [[...begin], [input, { status: "done", say: [rules.self_reset, "忘记登录密码"], notSay: ["身份证后六位"] }]]);
  });

  it.each([
    ["by label", "邮箱和手机号都用不了了"],
    ["lost phone in words (before 手机)", "手机号换了"],
  ] as const)("neither works (%s) → way two: the unit admin resets it to the ID's last six", (_n, input) => {
    runTable(flow, fakeContext(), [[...begin], [input, { status: "done", say: ["查询统计-专技人员信息查询", "身份证后六位", rules.admin_reset_tips] }]]);
  });

  it("an edit to the rules file reaches what the flow says", () => {
    const f = passwordForgotFlow({ ...rules, self_reset: "（已修改）请在登录页点“找回密码”。" });
    runTable(f, fakeContext(), [[...begin], [{ pick: 0 }, { status: "done", say: ["（已修改）请在登录页点“找回密码”。"] }]]);
  });

  it("anything else → unhandled, still waiting", () => {
    runTable(flow, fakeContext(), [[...begin], ["怎么注册", { step: "contact", unhandled: true }]]);
  });
});
