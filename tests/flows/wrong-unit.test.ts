import { describe, it } from "vitest";
import { wrongUnit } from "../../flows/wrong-unit.ts";
import { answerOf, fakeContext, runTable } from "./table.ts";

const T = "register.wrong-unit";
const begin = [
  "注册选错单位了",
  { step: "status", say: [answerOf(T)], choices: ["还在审核中（待审核）", "已经审核通过了"], expects: "pick-or-text", topic: T },
] as const;

describe("wrong-unit flow", () => {
  it("pending, remembers the password → how to withdraw, then offers to do it; yes starts withdraw", () => {
    runTable(wrongUnit, fakeContext(), [
      [...begin],
      ["还在审核中", { step: "password", choices: ["记得注册时的密码", "密码忘了"] }],
      [{ pick: 0 }, { step: "offer", say: ["综合查询—注册审核进度查询", "撤回申请"], choices: ["帮我撤回", "我自己来"], expects: "pick" }],
      ["帮我撤回", { status: "done", next: { flow: "withdraw", text: "" } }],
    ]);
  });

  it("pending, forgot the password → ask the unit to reject; no thanks → done", () => {
    runTable(wrongUnit, fakeContext(), [
      [...begin],
      [{ pick: 0 }, { step: "password" }],
      ["不记得了", { step: "offer", say: ["请他驳回您的注册信息"] }],
      ["不用你帮我", { status: "done", say: ["重新注册"] }],
    ]);
  });

  it("approved → the transfer entry, labelled as such", () => {
    runTable(wrongUnit, fakeContext(), [
      [...begin],
      ["已经通过了", { status: "done", say: ["不能再撤回", answerOf("staff.transfer-unit")], topic: "staff.transfer-unit" }],
    ]);
  });

  it("anything else at each question → unhandled", () => {
    runTable(wrongUnit, fakeContext(), [
      [...begin],
      ["怎么办啊", { step: "status", unhandled: true }],
      [{ pick: 0 }, { step: "password" }],
      ["嗯", { step: "password", unhandled: true }],
      [{ pick: 1 }, { step: "offer" }],
      ["再说吧", { step: "offer", unhandled: true }],
    ]);
  });
});
