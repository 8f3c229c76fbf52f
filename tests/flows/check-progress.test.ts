import { describe, it } from "vitest";
import { checkProgress } from "../../flows/actions.ts";
import { answerOf, err, fakeContext, ok, runTable, type Row } from "./table.ts";
import { ID, ID_BAD_DIGIT, ID_MASKED, registration } from "./fixtures.ts";

const T = "action.check-progress";
const lookup = { op: "getRegistration", idNumber: ID, name: "张明" } as const;
const identified: Row[] = [
  ["帮我查查审核到哪了", { step: "id", say: [answerOf(T), "请输入您的身份证号"], expects: "text", sensitiveInput: true, topic: T }],
  [ID, { step: "name", say: ["请输入您注册时填写的姓名"], expects: "text", sensitiveInput: true }],
  ["我叫张明", { step: "lookup", request: lookup }],
];

describe("check-progress flow", () => {
  it("pending: says since when and who reviews, and ends", () => {
    runTable(checkProgress, fakeContext(), [
      ...identified,
      [ok("getRegistration", registration("pending")), { status: "done", say: ["2026-11-10", "枣庄市示例第一中学（用人单位）"], notSay: [ID] }],
    ]);
  });

  it("an ID number in the first message is taken (masked in the reply), the name is asked", () => {
    runTable(checkProgress, fakeContext(), [
      [`查下审核进度 身份证${ID}`, { step: "name", say: [`已收到身份证号 ${ID_MASKED}`], notSay: [ID], state: { idNumber: ID, masked: ID_MASKED } }],
      ["张明", { step: "lookup", request: lookup }],
      [ok("getRegistration", registration("rejected", { rejectReason: "所学专业填写有误" })), { status: "done", say: ["已被驳回", "所学专业填写有误"] }],
    ]);
  });

  it("a bad check digit is named and asked again; text that is no ID number is unhandled", () => {
    runTable(checkProgress, fakeContext(), [
      identified[0],
      [ID_BAD_DIGIT, { step: "id", say: ["这个身份证号", "请核对后重新输入"], expects: "text" }],
      ["不查了吧", { step: "id", unhandled: true }],
      [ID, { step: "name" }],
      ["hello", { step: "name", unhandled: true }],
    ]);
  });

  it("not registered → says so and where to register", () => {
    runTable(checkProgress, fakeContext(), [...identified, [ok("getRegistration", null), { status: "done", say: ["没有查到", "先在省平台"] }]]);
  });

  it("platform unavailable → failed, nothing changed, a person offered", () => {
    runTable(checkProgress, fakeContext(), [
      ...identified,
      [err("getRegistration", "unavailable"), { status: "failed", say: ["暂时无法连接", "没有做任何更改", "转人工"] }],
    ]);
  });

  it("text while waiting for the lookup, or another op's result, is unhandled", () => {
    runTable(checkProgress, fakeContext(), [
      ...identified,
      ["还在吗", { step: "lookup", unhandled: true }],
      [ok("getTransfer", null), { step: "lookup", unhandled: true }],
    ]);
  });
});
