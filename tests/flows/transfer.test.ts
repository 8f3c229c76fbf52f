import { describe, it, expect } from "vitest";
import { HELD_CODE } from "../../flows/types.ts";
import { transfer, transferStatus } from "../../flows/actions.ts";
import { err, fakeContext, ok, runTable, type Row } from "./table.ts";
import { HOSPITAL, HOSPITAL_TAIAN, ID, ID_MASKED, registration, transferInfo } from "./fixtures.ts";

const GRANT = "g".repeat(32);
const start = { op: "startTransfer", idNumber: ID, toUnitId: HOSPITAL.id, code: GRANT, idempotencyKey: "key-1" } as const;
const check = { op: "verifyCode", idNumber: ID, purpose: "transfer", code: HELD_CODE } as const;
const toCode: Row[] = [
  ["帮我办单位调转", { step: "id" }],
  [ID, { step: "name" }],
  ["张明", { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" } }],
  [ok("getRegistration", registration("approved")), { step: "existing", request: { op: "getTransfer", idNumber: ID } }],
  [ok("getTransfer", null), { step: "send-code", request: { op: "sendCode", idNumber: ID, purpose: "transfer" } }],
  [ok("sendCode", { maskedPhone: "138****0001" }), { step: "code", say: ["当前单位：枣庄市示例第一中学", "138****0001"], expects: "secret" }],
];
const toUnit: Row[] = [
  ...toCode,
  ["000000", { step: "verifying", request: check, secretInput: true, holdCode: "000000" }],
  [ok("verifyCode", { grant: GRANT, expiresAt: "x" }), { step: "unit", say: ["验证码正确", "调往哪个单位"], expects: "text", state: { grant: GRANT } }],
];
const toConfirm: Row[] = [
  ...toUnit,
  ["第二人民医院", { step: "units", request: { op: "findUnits", query: "第二人民医院" } }],
  [ok("findUnits", [HOSPITAL, HOSPITAL_TAIAN]), { step: "pick", choices: [HOSPITAL.name, HOSPITAL_TAIAN.name], expects: "pick-or-text" }],
  [
    { pick: 0 },
    {
      step: "confirm",
      say: ["从“枣庄市示例第一中学”调往“枣庄市第二人民医院”", "原单位管理员先审核同意转出"],
      choices: ["确认提交", "先不提交"],
      expects: "pick",
      state: { to: HOSPITAL, grant: GRANT },
    },
  ],
];

describe("transfer flow", () => {
  it("identifies, checks for an open transfer, checks the code when typed, finds the unit, asks for a yes, starts once", () => {
    const last = runTable(transfer, fakeContext(), [
      ...toConfirm,
      ["确认提交", { step: "starting", request: start }],
      [ok("startTransfer", transferInfo("pending_out")), { status: "done", say: ["调转申请已提交", "等待原单位管理员审核同意转出"] }],
    ]);
    expect(JSON.stringify(last.state)).not.toContain("000000");
  });

  it("“我要从A单位调到B单位” with ID and name: nothing asked again, the named unit searched right after the code", () => {
    runTable(transfer, fakeContext(), [
      [
        `我要从枣庄市示例第一中学调到第二人民医院 ${ID} 张明`,
        {
          step: "lookup",
          request: { op: "getRegistration", idNumber: ID, name: "张明" },
          say: [`好的，张明，身份证 ${ID_MASKED}`],
          state: { said: { toUnit: "第二人民医院" } },
        },
      ],
      [ok("getRegistration", registration("approved")), { step: "existing", request: { op: "getTransfer", idNumber: ID }, state: { toQuery: "第二人民医院" } }],
      [ok("getTransfer", null), { step: "send-code", request: { op: "sendCode", idNumber: ID, purpose: "transfer" } }],
      [ok("sendCode", { maskedPhone: "138****0001" }), { step: "code", expects: "secret" }],
      ["000000", { step: "verifying", request: check, secretInput: true, holdCode: "000000" }],
      [
        ok("verifyCode", { grant: GRANT, expiresAt: "x" }),
        { step: "units", request: { op: "findUnits", query: "第二人民医院" }, say: ["您要调往“第二人民医院”"], notSay: ["请问要调往哪个单位"] },
      ],
    ]);
  });

  it("a wrong code is said at once and asked again; the right code at the yes is the yes", () => {
    runTable(transfer, fakeContext(), [
      ...toCode,
      ["111111", { step: "verifying", request: check, secretInput: true, holdCode: "111111" }],
      [err("verifyCode", "bad_code"), { step: "code", say: ["验证码不正确"], expects: "secret" }],
    ]);
    runTable(transfer, fakeContext(), [...toConfirm, ["000000", { step: "starting", request: start, secretInput: true }]]);
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
      ...toCode.slice(0, 4),
      [ok("getTransfer", transferInfo("pending_in")), { status: "done", say: ["已有一条调转申请", "等待新单位管理员审核同意转入"] }],
    ]);
  });

  it("not yet approved → cannot transfer", () => {
    runTable(transfer, fakeContext(), [
      ...toCode.slice(0, 3),
      [ok("getRegistration", registration("pending")), { status: "done", say: ["注册审核通过后才能调转单位"] }],
    ]);
  });

  it("pending items → failed with the reason; the platform down at the start → failed", () => {
    runTable(transfer, fakeContext(), [
      ...toCode.slice(0, 5),
      [err("sendCode", "has_pending"), { status: "failed", say: ["无待审核信息的情况下才能调转单位"] }],
    ]);
    runTable(transfer, fakeContext(), [
      ...toConfirm,
      [{ pick: 0 }, { step: "starting", request: start }],
      [err("startTransfer", "unavailable"), { status: "failed", say: ["没有做任何更改"] }],
    ]);
  });

  it("no → nothing submitted; a shrug is unhandled", () => {
    runTable(transfer, fakeContext(), [
      ...toConfirm,
      ["嗯", { step: "confirm", unhandled: true }],
      ["先不提交", { status: "done", say: ["没有提交调转申请"] }],
    ]);
  });
});

describe("transfer status", () => {
  it("“我的调转到哪一步了” for the person identified earlier: the latest transfer and who acts next", () => {
    const ctx = fakeContext({ identified: { idNumber: ID, masked: ID_MASKED, name: "张明" } });
    runTable(transferStatus, ctx, [
      ["我的调转到哪一步了", { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" }, topic: "action.transfer" }],
      [ok("getRegistration", registration("approved")), { step: "status", request: { op: "getTransfer", idNumber: ID } }],
      [
        ok("getTransfer", transferInfo("pending_out")),
        { status: "done", say: ["调往“枣庄市第二人民医院”", "等待原单位管理员审核同意转出", "联系原单位管理员"], topic: "action.transfer" },
      ],
    ]);
  });
  it("no transfer yet says so", () => {
    runTable(transferStatus, fakeContext(), [
      [`调转进度 ${ID} 张明`, { step: "lookup", request: { op: "getRegistration", idNumber: ID, name: "张明" } }],
      [ok("getRegistration", registration("approved")), { step: "status", request: { op: "getTransfer", idNumber: ID } }],
      [ok("getTransfer", null), { status: "done", say: ["没有查到您的调转申请"] }],
    ]);
  });
});
