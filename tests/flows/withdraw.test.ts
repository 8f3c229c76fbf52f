import { describe, it, expect } from "vitest";
import { HELD_CODE } from "../../flows/types.ts";
import { withdraw } from "../../flows/actions.ts";
import { err, fakeContext, ok, runTable, type Row } from "./table.ts";
import { ID, registration } from "./fixtures.ts";

const CONFIRM = ["确认撤回", "不撤回"];
const act = { op: "withdraw", idNumber: ID, code: HELD_CODE, idempotencyKey: "key-1" } as const;
const toCode: Row[] = [
  ["帮我撤回注册", { step: "id" }],
  [ID, { step: "name" }],
  ["张明", { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" } }],
  [ok("getRegistration", registration("pending")), { step: "send-code", request: { op: "sendCode", idNumber: ID, purpose: "withdraw" }, state: { key: "key-1", unitName: "枣庄市示例第一中学" } }],
  [ok("sendCode", { maskedPhone: "138****0001" }), { step: "code", say: ["将要撤回的是", "枣庄市示例第一中学", "138****0001", "6位验证码"], expects: "secret", sensitiveInput: true }],
];
const toConfirm: Row[] = [
  ...toCode,
  ["000000", { step: "confirm", say: ["最后确认"], choices: CONFIRM, expects: "pick", secretInput: true, holdCode: "000000" }],
];

describe("withdraw flow", () => {
  it("states what will happen, takes the code (held, never in the state), asks for a yes, then withdraws once", () => {
    const last = runTable(withdraw, fakeContext(), [
      ...toConfirm,
      [{ pick: 0 }, { step: "withdrawing", request: act }],
      [ok("withdraw", registration("withdrawn")), { status: "done", say: ["已撤回"] }],
    ]);
    expect(JSON.stringify(last.state)).not.toContain("000000");
  });

  it("no → nothing withdrawn", () => {
    runTable(withdraw, fakeContext(), [...toConfirm, ["不了", { status: "done", say: ["没有撤回"] }]]);
  });

  it("a wrong code is asked for again (secret) and the corrected one is used at once with the same key", () => {
    runTable(withdraw, fakeContext(), [
      ...toConfirm,
      ["确认", { step: "withdrawing", request: act }],
      [err("withdraw", "bad_code"), { step: "code-retry", say: ["验证码不正确", "没有办理"], expects: "secret" }],
      ["123456", { step: "withdrawing", request: act, secretInput: true, holdCode: "123456" }],
      [ok("withdraw", registration("withdrawn")), { status: "done", say: ["已撤回"] }],
    ]);
  });

  it("five digits are asked again without logging; words are not a code (unhandled)", () => {
    runTable(withdraw, fakeContext(), [
      ...toCode,
      ["12345", { step: "code", say: ["请输入6位数字验证码"], expects: "secret", secretInput: true }],
      ["我不想弄了", { step: "code", unhandled: true }],
      ["验证码是 654321", { step: "confirm", secretInput: true, holdCode: "654321" }],
      ["嗯…再想想", { step: "confirm", unhandled: true }],
    ]);
  });

  it("only a pending registration can be withdrawn", () => {
    runTable(withdraw, fakeContext(), [
      ...toCode.slice(0, 3),
      [ok("getRegistration", registration("approved")), { status: "done", say: ["只有待审核的注册才能撤回", "已审核通过"] }],
    ]);
  });

  it.each([
    ["unavailable", "暂时无法连接"],
    ["code_expired", "验证码已过期"],
    ["not_pending", "已经不是待审核状态"],
  ] as const)("withdraw fails with %s → failed, nothing changed", (code, said) => {
    runTable(withdraw, fakeContext(), [...toConfirm, [{ pick: 0 }, { step: "withdrawing", request: act }], [err("withdraw", code), { status: "failed", say: [said] }]]);
  });

  it("sending the code fails → failed", () => {
    runTable(withdraw, fakeContext(), [...toCode.slice(0, 4), [err("sendCode", "unavailable"), { status: "failed", say: ["没有做任何更改"] }]]);
  });
});
