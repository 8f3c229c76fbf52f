import { describe, it, expect } from "vitest";
import { HELD_CODE } from "../../flows/types.ts";
import { withdraw, withdrawStatus } from "../../flows/actions.ts";
import { err, fakeContext, ok, runTable, type Row } from "./table.ts";
import { ID, ID_MASKED, registration } from "./fixtures.ts";

const CONFIRM = ["确认撤回", "不撤回"];
const GRANT = "g".repeat(32);
const act = { op: "withdraw", idNumber: ID, code: GRANT, idempotencyKey: "key-1" } as const;
const check = { op: "verifyCode", idNumber: ID, purpose: "withdraw", code: HELD_CODE } as const;
const toCode: Row[] = [
  ["帮我撤回注册", { step: "id" }],
  [ID, { step: "name" }],
  ["张明", { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" }, say: [`好的，张明，身份证 ${ID_MASKED}`], notSay: [ID] }],
  [
    ok("getRegistration", registration("pending")),
    { step: "send-code", request: { op: "sendCode", idNumber: ID, purpose: "withdraw" }, state: { key: "key-1", unitName: "枣庄市示例第一中学" } },
  ],
  [
    ok("sendCode", { maskedPhone: "138****0001" }),
    { step: "code", say: ["将要撤回的是", "枣庄市示例第一中学", "138****0001", "6位验证码"], expects: "secret", sensitiveInput: true },
  ],
];
const toConfirm: Row[] = [
  ...toCode,
  ["000000", { step: "verifying", request: check, secretInput: true, holdCode: "000000" }],
  [
    ok("verifyCode", { grant: GRANT, expiresAt: "2026-11-20T08:10:00Z" }),
    { step: "confirm", say: ["验证码正确", "最后确认"], choices: CONFIRM, expects: "pick", state: { grant: GRANT } },
  ],
];

describe("withdraw flow", () => {
  it("states what will happen, checks the code when typed (held, never in the state), asks for a yes, then withdraws once with the grant", () => {
    const last = runTable(withdraw, fakeContext(), [
      ...toConfirm,
      [{ pick: 0 }, { step: "withdrawing", request: act }],
      [ok("withdraw", registration("withdrawn")), { status: "done", say: ["已撤回"] }],
    ]);
    expect(JSON.stringify(last.state)).not.toContain("000000");
  });

  it("ID number and name in the first message: no question asked again, what was understood said masked", () => {
    runTable(withdraw, fakeContext(), [
      [
        `帮我撤回注册 ${ID} 张明`,
        {
          step: "lookup",
          request: { op: "getRegistration", idNumber: ID, name: "张明" },
          say: [`好的，张明，身份证 ${ID_MASKED}`],
          notSay: [ID, "请输入您的身份证号", "请输入您注册时填写的姓名"],
        },
      ],
    ]);
  });

  it("no → nothing withdrawn", () => {
    runTable(withdraw, fakeContext(), [...toConfirm, ["不了", { status: "done", say: ["没有撤回"] }]]);
  });

  it("a wrong code is said at once, before the yes, and asked again; three wrong stop and offer a person", () => {
    runTable(withdraw, fakeContext(), [
      ...toCode,
      ["111111", { step: "verifying", request: check, secretInput: true, holdCode: "111111" }],
      [err("verifyCode", "bad_code"), { step: "code", say: ["验证码不正确"], notSay: ["最后确认"], expects: "secret", state: { wrong: 1 } }],
      ["222222", { step: "verifying", request: check, secretInput: true, holdCode: "222222" }],
      [err("verifyCode", "bad_code"), { step: "code", state: { wrong: 2 } }],
      ["333333", { step: "verifying", request: check, secretInput: true, holdCode: "333333" }],
      [err("verifyCode", "bad_code"), { status: "failed", say: ["连续3次不正确", "没有做任何更改", "转人工"] }],
    ]);
  });

  it("a right code typed where the yes is asked is checked and taken as the yes", () => {
    runTable(withdraw, fakeContext(), [
      ...toConfirm,
      ["000000", { step: "verifying", request: check, secretInput: true, holdCode: "000000", state: { then: "act" } }],
      [ok("verifyCode", { grant: "h".repeat(32), expiresAt: "x" }), { step: "withdrawing", request: { ...act, code: "h".repeat(32) } }],
      [ok("withdraw", registration("withdrawn")), { status: "done", say: ["已撤回"] }],
    ]);
  });

  it("five digits are asked again without logging; words are not a code (unhandled)", () => {
    runTable(withdraw, fakeContext(), [
      ...toCode,
      ["12345", { step: "code", say: ["请输入6位数字验证码"], expects: "secret", secretInput: true }],
      ["我不想弄了", { step: "code", unhandled: true }],
      ["验证码是 654321", { step: "verifying", request: check, secretInput: true, holdCode: "654321" }],
      [ok("verifyCode", { grant: GRANT, expiresAt: "x" }), { step: "confirm" }],
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
    ["bad_code", "验证码已过期"],
    ["not_pending", "已经不是待审核状态"],
  ] as const)("withdraw fails with %s → failed, nothing changed", (code, said) => {
    runTable(withdraw, fakeContext(), [
      ...toConfirm,
      [{ pick: 0 }, { step: "withdrawing", request: act }],
      [err("withdraw", code), { status: "failed", say: [said] }],
    ]);
  });

  it("an expired code at the check → failed", () => {
    runTable(withdraw, fakeContext(), [
      ...toCode,
      ["000000", { step: "verifying", request: check, secretInput: true, holdCode: "000000" }],
      [err("verifyCode", "code_expired"), { status: "failed", say: ["验证码已过期"] }],
    ]);
  });

  it("sending the code fails → failed", () => {
    runTable(withdraw, fakeContext(), [...toCode.slice(0, 4), [err("sendCode", "unavailable"), { status: "failed", say: ["没有做任何更改"] }]]);
  });
});

describe("withdraw status", () => {
  it("“撤回成功了吗” for the person identified earlier: looked up without asking, said as the answer", () => {
    const ctx = fakeContext({ identified: { idNumber: ID, masked: ID_MASKED, name: "张明" } });
    runTable(withdrawStatus, ctx, [
      [
        "撤回成功了吗",
        { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" }, say: [`好的，张明，身份证 ${ID_MASKED}`], topic: "action.withdraw" },
      ],
      [ok("getRegistration", registration("withdrawn")), { status: "done", say: ["撤回已成功"], topic: "action.withdraw" }],
    ]);
  });
  it("nobody identified yet: asks for the ID number first; still pending is said plainly", () => {
    runTable(withdrawStatus, fakeContext(), [
      ["撤回成功了吗", { step: "id", say: ["请输入您的身份证号"] }],
      [`${ID} 张明`, { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" } }],
      [ok("getRegistration", registration("pending")), { status: "done", say: ["还没有撤回"] }],
    ]);
  });
});
