import { describe, it, expect } from "vitest";
import { HELD_CODE } from "../../flows/types.ts";
import { transfer } from "../../flows/actions.ts";
import { err, fakeContext, ok, runTable, type Row } from "./table.ts";
import { HOSPITAL, HOSPITAL_TAIAN, ID, registration, transferInfo } from "./fixtures.ts";

const start = { op: "startTransfer", idNumber: ID, toUnitId: HOSPITAL.id, code: HELD_CODE, idempotencyKey: "key-1" } as const;
const toUnit: Row[] = [
  ["帮我办单位调转", { step: "id" }],
  [ID, { step: "name" }],
  ["张明", { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" } }],
  [ok("getRegistration", registration("approved")), { step: "existing", request: { op: "getTransfer", idNumber: ID } }],
  [ok("getTransfer", null), { step: "send-code", request: { op: "sendCode", idNumber: ID, purpose: "transfer" } }],
  [ok("sendCode", { maskedPhone: "138****0001" }), { step: "code", say: ["当前单位：枣庄市示例第一中学", "138****0001"], expects: "secret" }],
  ["000000", { step: "unit", say: ["调往哪个单位"], expects: "text", secretInput: true, holdCode: "000000" }],
];
const toConfirm: Row[] = [
  ...toUnit,
  ["第二人民医院", { step: "units", request: { op: "findUnits", query: "第二人民医院" } }],
  [ok("findUnits", [HOSPITAL, HOSPITAL_TAIAN]), { step: "pick", choices: [HOSPITAL.name, HOSPITAL_TAIAN.name], expects: "pick-or-text" }],
  [{ pick: 0 }, { step: "confirm", say: ["从“枣庄市示例第一中学”调往“枣庄市第二人民医院”", "原单位管理员先审核同意转出"], choices: ["确认提交", "先不提交"], expects: "pick", state: { to: HOSPITAL } }],
];

describe("transfer flow", () => {
  it("identifies, checks for an open transfer, takes the code, finds the unit, asks for a yes, starts once", () => {
    const last = runTable(transfer, fakeContext(), [
      ...toConfirm,
      ["确认提交", { step: "starting", request: start }],
      [ok("startTransfer", transferInfo("pending_out")), { status: "done", say: ["调转申请已提交", "等待原单位管理员审核同意转出"] }],
    ]);
    expect(JSON.stringify(last.state)).not.toContain("000000");
  });

  it("a label typed picks that unit; other text searches again", () => {
    runTable(transfer, fakeContext(), [
      ...toConfirm.slice(0, -1),
      ["泰安市第二人民医院", { step: "confirm", state: { to: HOSPITAL_TAIAN } }], // the label typed picks it
    ]);
    runTable(transfer, fakeContext(), [
      ...toConfirm.slice(0, -1),
      ["人民医院新院区", { step: "units", request: { op: "findUnits", query: "人民医院新院区" } }],
      [ok("findUnits", []), { step: "unit", say: ["没有找到名称相近的单位"], expects: "text" }],
    ]);
  });

  it("an open transfer is described and nothing new is started", () => {
    runTable(transfer, fakeContext(), [
      ...toUnit.slice(0, 4),
      [ok("getTransfer", transferInfo("pending_in")), { status: "done", say: ["您已有一条调转申请", "等待新单位管理员审核同意转入"] }],
    ]);
  });

  it("not yet approved → cannot transfer", () => {
    runTable(transfer, fakeContext(), [
      ...toUnit.slice(0, 3),
      [ok("getRegistration", registration("pending")), { status: "done", say: ["注册审核通过后才能调转单位"] }],
    ]);
  });

  it("pending items → failed with the reason; a wrong code → asked again", () => {
    runTable(transfer, fakeContext(), [...toUnit.slice(0, 5), [err("sendCode", "has_pending"), { status: "failed", say: ["无待审核信息的情况下才能调转单位"] }]]);
    runTable(transfer, fakeContext(), [
      ...toConfirm,
      [{ pick: 0 }, { step: "starting", request: start }],
      [err("startTransfer", "bad_code"), { step: "code-retry", expects: "secret", say: ["验证码不正确"] }],
      ["111111", { step: "starting", request: start, secretInput: true, holdCode: "111111" }],
      [err("startTransfer", "unavailable"), { status: "failed", say: ["没有做任何更改"] }],
    ]);
  });

  it("no → nothing submitted; a shrug is unhandled", () => {
    runTable(transfer, fakeContext(), [...toConfirm, ["嗯", { step: "confirm", unhandled: true }], ["先不提交", { status: "done", say: ["没有提交调转申请"] }]]);
  });
});
