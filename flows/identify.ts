// Identifying a person for the acting flows: ID number and name (from any message that holds
// them, the first included), then the platform's record.
// Only the state and the reviewing unit are disclosed on ID number + name.
import type { RegistrationInfo, Role } from "../adapters/platform/types.ts";
import type { FlowContext, FlowInput, FlowStep } from "./types.ts";
import { askText, inputText, unhandled, waitFor } from "./kit.ts";
import { findName } from "./slots.ts";

/** Who the acting flow is for, once identified. */
export interface Person {
  idNumber: string;
  masked: string;
  name: string;
}

/** What the first message said besides who the person is (e.g. the unit to move to). */
export interface Said {
  toUnit?: string;
}

export type IdentifyState =
  | { step: "id"; name?: string; said?: Said }
  | { step: "name"; idNumber: string; masked: string; said?: Said }
  /** Waiting for the getRegistration result. */
  | { step: "lookup"; person: Person; said?: Said };

const IDENTIFY_STEPS: ReadonlySet<string> = new Set<IdentifyState["step"]>(["id", "name", "lookup"]);
export const isIdentifying = <A extends { step: string }>(s: IdentifyState | A): s is IdentifyState => IDENTIFY_STEPS.has(s.step);

export const ROLE_NAME: Record<Role, string> = { professional: "专业技术人员", employer: "用人单位", supervisor: "主管部门", hrss: "人社部门" };
export const ASK_ID = "请输入您的身份证号（仅用于本次查询和办理，我不会保存完整号码）。";
export const ASK_NAME = "请输入您注册时填写的姓名。";
export const UNAVAILABLE = "平台现在响应缓慢或暂时无法连接，这一步没有办成，也没有做任何更改。请稍后再试，或回复“转人工”由人工客服帮您处理。";
export const NOT_FOUND =
  "没有查到与这个身份证号和姓名对应的注册信息。请核对号码和姓名；如果还没有注册，请先在省平台（http://117.73.255.69:9080/）注册，审核通过后才可登录。";
const NAME_RE = /^[\u4e00-\u9fa5·•]{2,20}$/;

/** What was understood, masked: "好的，王芳，身份证 3704**********4527。" */
export const understood = (p: Person): string => `好的，${p.name}，身份证 ${p.masked}。`;

const lookup = (person: Person, said: Said | undefined, topic: string, ...lead: string[]): FlowStep<IdentifyState> => ({
  replies: [{ text: [...lead.filter(Boolean), `${understood(person)}我来查一下。`].join("\n\n"), topic }],
  state: { step: "lookup", person, ...(said ? { said } : {}) },
  status: "waiting",
  topic,
  request: { op: "getRegistration", idNumber: person.idNumber, name: person.name },
});

/**
 * First turn of an acting flow: the lead (the entry's answer), then whatever the message already
 * holds: an ID number and a name go straight to the lookup, one of them asks for the other. A
 * person identified earlier in the conversation (ctx.identified) is not asked again.
 */
export function startIdentify(ctx: FlowContext, lead: string, text: string, topic: string, said?: Said): FlowStep<IdentifyState> {
  const found = ctx.findIdNumber(text);
  const name = findName(text.replace(/\d{6,}[\dXx]?/g, " "));
  const keep = said && Object.keys(said).length ? { said } : {};
  if (found?.ok) {
    if (name) return lookup({ idNumber: found.idNumber, masked: found.masked, name }, said, topic, lead);
    return waitFor(
      { step: "name", idNumber: found.idNumber, masked: found.masked, ...keep },
      topic,
      askText(`${lead}\n\n已收到身份证号 ${found.masked}。${ASK_NAME}`, topic, "text", true),
    );
  }
  if (!found && ctx.identified) return lookup(ctx.identified, said, topic, lead);
  const bad = found && !found.ok ? `这个身份证号${found.reason}，请核对后重新输入。` : ASK_ID;
  const heard = name ? `好的，${name}。` : "";
  return waitFor({ step: "id", ...(name ? { name } : {}), ...keep }, topic, askText(`${lead}\n\n${heard}${bad}`, topic, "text", true));
}

/** The ID and name steps shared by the acting flows; the lookup step's result is the flow's own.
 * Either answer may come with the other ("370481199202084527 王芳"). */
export function identifyStep(ctx: FlowContext, state: Exclude<IdentifyState, { step: "lookup" }>, input: FlowInput, topic: string): FlowStep<IdentifyState> {
  const text = inputText(input).trim();
  const said = state.said;
  const keep = said ? { said } : {};
  if (state.step === "id") {
    const found = ctx.findIdNumber(text);
    if (!found) {
      // A name alone, where the ID number was asked: keep it, ask for the number again.
      const name = findName(text);
      if (name && !state.name) return waitFor({ ...state, name }, topic, askText(`好的，${name}。${ASK_ID}`, topic, "text", true));
      return unhandled(state);
    }
    if (!found.ok) return waitFor(state, topic, askText(`这个身份证号${found.reason}，请核对后重新输入。`, topic, "text", true));
    const name = findName(text.replace(/\d{6,}[\dXx]?/g, " ")) ?? state.name;
    if (name) return lookup({ idNumber: found.idNumber, masked: found.masked, name }, said, topic, "");
    return waitFor(
      { step: "name", idNumber: found.idNumber, masked: found.masked, ...keep },
      topic,
      askText(`已收到身份证号 ${found.masked}。${ASK_NAME}`, topic, "text", true),
    );
  }
  const plain = text.replace(/^(我叫|姓名|名字)[:：是]?/, "").trim();
  const name = NAME_RE.test(plain) ? plain : findName(text);
  if (!name) return unhandled(state);
  return lookup({ idNumber: state.idNumber, masked: state.masked, name }, said, topic, "");
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
