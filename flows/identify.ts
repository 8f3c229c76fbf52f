// Identifying a person for the acting flows: ID number, then name, then the platform's record.
// Only the state and the reviewing unit are disclosed on ID number + name.
import type { RegistrationInfo, Role } from "../adapters/platform/types.ts";
import type { FlowContext, FlowInput, FlowStep } from "./types.ts";
import { askText, inputText, unhandled, waitFor } from "./kit.ts";

/** Who the acting flow is for, once identified. */
export interface Person { idNumber: string; masked: string; name: string }

export type IdentifyState =
  | { step: "id" }
  | { step: "name"; idNumber: string; masked: string }
  /** Waiting for the getRegistration result. */
  | { step: "lookup"; person: Person };

const IDENTIFY_STEPS: ReadonlySet<string> = new Set<IdentifyState["step"]>(["id", "name", "lookup"]);
export const isIdentifying = <A extends { step: string }>(s: IdentifyState | A): s is IdentifyState => IDENTIFY_STEPS.has(s.step);

export const ROLE_NAME: Record<Role, string> = { professional: "专业技术人员", employer: "用人单位", supervisor: "主管部门", hrss: "人社部门" };
export const ASK_ID = "请输入您的身份证号（仅用于本次查询和办理，我不会保存完整号码）。";
export const ASK_NAME = "请输入您注册时填写的姓名。";
export const UNAVAILABLE = "平台现在响应缓慢或暂时无法连接，这一步没有办成，也没有做任何更改。请稍后再试，或回复“转人工”由人工客服帮您处理。";
export const NOT_FOUND = "没有查到与这个身份证号和姓名对应的注册信息。请核对号码和姓名；如果还没有注册，请先在省平台（http://117.73.255.69:9080/）注册，审核通过后才可登录。";
const NAME_RE = /^[\u4e00-\u9fa5·•]{2,20}$/;

/** First turn of an acting flow: the entry's answer, then take an ID number already in the message, else ask for it. */
export function startIdentify(ctx: FlowContext, lead: string, text: string, topic: string): FlowStep<IdentifyState> {
  const found = ctx.findIdNumber(text);
  if (found?.ok) {
    return waitFor({ step: "name", idNumber: found.idNumber, masked: found.masked }, topic,
      askText(`${lead}\n\n已收到身份证号 ${found.masked}。${ASK_NAME}`, topic, "text", true));
  }
  return waitFor({ step: "id" }, topic, askText(`${lead}\n\n${ASK_ID}`, topic, "text", true));
}

/** The ID and name steps shared by the acting flows; the lookup step's result is the flow's own. */
export function identifyStep(ctx: FlowContext, state: Exclude<IdentifyState, { step: "lookup" }>, input: FlowInput, topic: string): FlowStep<IdentifyState> {
  const text = inputText(input).trim();
  if (state.step === "id") {
    const found = ctx.findIdNumber(text);
    if (!found) return unhandled(state);
    if (!found.ok) return waitFor(state, topic, askText(`这个身份证号${found.reason}，请核对后重新输入。`, topic, "text", true));
    return waitFor({ step: "name", idNumber: found.idNumber, masked: found.masked }, topic, askText(ASK_NAME, topic, "text", true));
  }
  const name = text.replace(/^(我叫|姓名|名字)[:：是]?/, "").trim();
  if (!NAME_RE.test(name)) return unhandled(state);
  const person = { idNumber: state.idNumber, masked: state.masked, name };
  return { replies: [], state: { step: "lookup", person }, status: "waiting", request: { op: "getRegistration", idNumber: person.idNumber, name } };
}

export function describeRegistration(r: RegistrationInfo): string {
  const unit = `${r.unit.name}（${ROLE_NAME[r.unit.role]}）`;
  const day = (iso?: string) => (iso ? iso.slice(0, 10) : "");
  switch (r.state) {
    case "pending": {
      const reviewer = r.reviewer ?? r.unit;
      return `您以“${ROLE_NAME[r.role]}”身份的注册申请自 ${day(r.submittedAt)} 起在等待审核，审核单位是：${reviewer.name}（${ROLE_NAME[reviewer.role]}）。\n注册信息由注册时选择的上级单位管理员人工审核，如果比较着急，建议联系该单位管理员帮您尽快处理。`;
    }
    case "approved":
      return `您的注册已审核通过（单位：${unit}）。请在登录页选择注册时的角色“${ROLE_NAME[r.role]}”，用身份证号登录。`;
    case "rejected":
      return `您的注册已被驳回${r.rejectReason ? `，原因：${r.rejectReason}` : ""}。请按原因修改后重新注册。`;
    case "withdrawn":
      return "您的注册申请已撤回。如需继续使用平台，请重新注册。";
  }
}
