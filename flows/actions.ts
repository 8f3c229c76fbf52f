// Flows that act on the platform: check progress, withdraw a pending registration, start a transfer.
// Anything that changes data identifies the person, states what will happen, sends a one-time code
// to the registered phone, asks for the code and an explicit yes, and carries an idempotency key
// kept in the state so a resumed conversation never acts twice. The code itself is held by the
// engine in memory only (HELD_CODE stands for it in a request) and never enters the stored state.
import { HELD_CODE, type FlowContext, type FlowDef, type FlowInput, type FlowStep, type PlatformResult } from "./types.ts";
import { ask, picked, inputText, yesOrNo } from "./common.ts";
import {
  identifyStep, startIdentify, resultOf, describeRegistration, NOT_FOUND, UNAVAILABLE,
  type IdentifyState, type Registration,
} from "./identify.ts";

const YES = /^(确认|是|是的|对|好|好的|确定|提交|撤回|yes)/i;
const NO = /^(不|否|先不|no)/i;

/** The code was sent: say what will happen, where the code went (masked), and ask for it. */
function askForCode<S extends IdentifyState>(res: PlatformResult, state: S, T: string, lead: string): FlowStep<S> {
  if (!res.ok) return failed(state, T);
  const phone = (res.data as { maskedPhone: string }).maskedPhone;
  return { replies: [{ text: `${lead}\n验证码已发送到您注册时的手机 ${phone}，请输入收到的6位验证码。（我不会要您的登录密码，请勿发送密码。）`, topic: T, sensitiveInput: true }], state: { ...state, step: "code", expectSecret: true }, status: "waiting", topic: T };
}

const BAD_CODE = "验证码不正确，没有办理。请重新输入收到的6位验证码；不想继续可以回复“取消”。";
const EXPIRED = "验证码已过期或已失效，没有办理。需要的话请重新发起，我会再发一次验证码。";

/** Reads a 6-digit code, or asks again. */
function readCode<S>(text: string, state: S, T: string): string | FlowStep<S> {
  const m = text.normalize("NFKC").match(/^\D*(\d{6})\D*$/);
  if (m) return m[1];
  return { replies: [{ text: "请输入6位数字验证码；不想继续可以回复“取消”。", topic: T }], state, status: "waiting", topic: T, secretInput: true };
}

/** The looked-up registration in the state the action needs, or the step that ends the flow. */
function registrationIn<S>(res: PlatformResult | null, state: S, T: string, wanted: Registration["state"], refuse: string): Registration | FlowStep<S> | null {
  if (!res) return null;
  if (!res.ok) return failed(state, T);
  const r = res.data as Registration | null;
  if (!r) return { replies: [{ text: NOT_FOUND, topic: T }], state, status: "done", topic: T };
  if (r.state !== wanted) return { replies: [{ text: `${refuse}${describeRegistration(r)}`, topic: T }], state, status: "done", topic: T };
  return r;
}

const failed = <S>(state: S, topic: string, text = UNAVAILABLE): FlowStep<S> => ({ replies: [{ text, topic }], state, status: "done", topic });
const isUnavailable = (code: string) => code === "unavailable";

/** What an acting flow's own steps get once the person is identified. */
interface Turn<S> { ctx: FlowContext; state: S; input: FlowInput; res: PlatformResult | null; text: string; T: string }

/** An acting flow: personal, starts with the entry's answer and identification (ID number, name,
 * the platform's record); `after` handles every later step and returns undefined for input it
 * does not understand. */
function actingFlow<S extends IdentifyState>(name: string, version: number, topic: string, after: (t: Turn<S>) => FlowStep<S> | undefined): FlowDef<S> {
  return {
    name, version, personal: true, topic,
    start(ctx, { text }) {
      return startIdentify(ctx, ctx.answer(topic), { step: "id" } as S, text, topic);
    },
    step(ctx, state, input) {
      const s = identifyStep(ctx, state, input, topic);
      if (s !== "need-record" && s !== null) return s;
      const out = after({ ctx, state, input, res: resultOf(input), text: inputText(input).trim(), T: topic });
      return out ?? { replies: [], state, status: "waiting", unhandled: true };
    },
  };
}

// ---------------------------------------------------------------- check progress
export const checkProgress = actingFlow<IdentifyState>("check-progress", 1, "action.check-progress", ({ state, res, T }) => {
    if (!res) return undefined;
    if (!res.ok) return failed(state, T, isUnavailable(res.code) ? UNAVAILABLE : `查询没有成功：${res.message}`);
    const r = res.data as Registration | null;
    if (!r) return { replies: [{ text: NOT_FOUND, topic: T }], state, status: "done", topic: T };
    return { replies: [{ text: describeRegistration(r), topic: T }], state, status: "done", topic: T };
});

// ---------------------------------------------------------------- withdraw
interface WithdrawState extends IdentifyState { key?: string; unitName?: string }
const CONFIRM = ["确认撤回", "不撤回"];

export const withdraw = actingFlow<WithdrawState>("withdraw", 2, "action.withdraw", ({ ctx, state, input, res, text, T }) => {
    switch (state.step) {
      case "lookup": {
        const r = registrationIn(res, state, T, "pending", "只有待审核的注册才能撤回。");
        if (!r) break;
        if (!("unit" in r)) return r;
        return { replies: [], state: { ...state, step: "send-code", unitName: r.unit.name, key: ctx.newKey() }, status: "waiting", request: { op: "sendCode", idNumber: state.idNumber!, purpose: "withdraw" } };
      }
      case "send-code": {
        if (!res) break;
        return askForCode(res, state, T, `将要撤回的是：您在“${state.unitName}”的待审核注册申请。撤回后需要选择正确的单位重新注册。`);
      }
      case "code": {
        const code = readCode(text, state, T);
        if (typeof code !== "string") return code;
        return { replies: [ask(`最后确认：撤回您在“${state.unitName}”的待审核注册申请吗？`, CONFIRM, T)], state: { ...state, step: "confirm", expectSecret: false }, status: "waiting", topic: T, secretInput: true, holdCode: code };
      }
      case "confirm": {
        const i = yesOrNo(input, CONFIRM, YES, NO);
        if (i === 1) return { replies: [{ text: "好的，没有撤回，您的注册申请保持不变。", topic: T }], state, status: "done", topic: T };
        if (i !== 0) break;
        return { replies: [], state: { ...state, step: "withdrawing" }, status: "waiting", request: { op: "withdraw", idNumber: state.idNumber!, code: HELD_CODE, idempotencyKey: state.key! } };
      }
      case "code-retry": {
        // The yes was given already: a corrected code is used at once.
        const code = readCode(text, state, T);
        if (typeof code !== "string") return code;
        return { replies: [], state: { ...state, step: "withdrawing", expectSecret: false }, status: "waiting", secretInput: true, holdCode: code, request: { op: "withdraw", idNumber: state.idNumber!, code: HELD_CODE, idempotencyKey: state.key! } };
      }
      case "withdrawing": {
        if (!res) break;
        if (!res.ok) {
          if (res.code === "bad_code") return { replies: [{ text: BAD_CODE, topic: T }], state: { ...state, step: "code-retry", expectSecret: true }, status: "waiting", topic: T };
          if (res.code === "code_expired") return failed(state, T, EXPIRED);
          if (res.code === "not_pending") return failed(state, T, "这条注册已经不是待审核状态（可能刚被审核或撤回），没有撤回。需要的话可以让我查询一下审核进度。");
          return failed(state, T);
        }
        return { replies: [{ text: "已撤回您的待审核注册申请。现在可以在省平台选择正确的单位重新注册。", topic: T }], state, status: "done", topic: T };
      }
    }
    return undefined;
});

// ---------------------------------------------------------------- transfer
interface Unit { id: string; name: string; role: string }
interface TransferState extends IdentifyState { key?: string; from?: string; units?: Unit[]; to?: Unit }
const YESNO = ["确认提交", "先不提交"];
const HAS_PENDING = "您还有待审核的信息（如学时申报待审核、信息变更待审核等），无待审核信息的情况下才能调转单位。请等这些事项审核完成后再申请。";
const STATE_TEXT: Record<string, string> = {
  pending_out: "等待原单位管理员审核同意转出",
  pending_in: "原单位已同意转出，等待新单位管理员审核同意转入",
  completed: "调转已完成",
  rejected: "调转被驳回",
  withdrawn: "调转已撤回",
};

export const transfer = actingFlow<TransferState>("transfer", 2, "action.transfer", ({ ctx, state, input, res, text, T }) => {
    switch (state.step) {
      case "lookup": {
        const r = registrationIn(res, state, T, "approved", "注册审核通过后才能调转单位。");
        if (!r) break;
        if (!("unit" in r)) return r;
        return { replies: [], state: { ...state, step: "existing", from: r.unit.name }, status: "waiting", request: { op: "getTransfer", idNumber: state.idNumber! } };
      }
      case "existing": {
        if (!res) break;
        if (!res.ok) return failed(state, T);
        const t = res.data as { state: string; from: Unit; to: Unit; startedAt: string } | null;
        if (t && (t.state === "pending_out" || t.state === "pending_in")) {
          return { replies: [{ text: `您已有一条调转申请：从“${t.from.name}”调往“${t.to.name}”，提交于 ${t.startedAt.slice(0, 10)}，当前状态：${STATE_TEXT[t.state]}。需待原单位管理员先审核同意转出，而后新单位管理员再审核同意转入。`, topic: T }], state, status: "done", topic: T };
        }
        return { replies: [], state: { ...state, step: "send-code", key: ctx.newKey() }, status: "waiting", request: { op: "sendCode", idNumber: state.idNumber!, purpose: "transfer" } };
      }
      case "send-code": {
        if (!res) break;
        if (!res.ok && res.code === "has_pending") return failed(state, T, HAS_PENDING);
        return askForCode(res, state, T, `为确认是您本人办理单位调转（当前单位：${state.from}）。`);
      }
      case "code": {
        const code = readCode(text, state, T);
        if (typeof code !== "string") return code;
        return { replies: [{ text: `好的。请问要调往哪个单位？请输入新单位的名称（如“某某市第二人民医院”）。`, topic: T }], state: { ...state, step: "unit", expectSecret: false }, status: "waiting", topic: T, secretInput: true, holdCode: code };
      }
      case "unit": {
        if (!text) break;
        return { replies: [], state: { ...state, step: "units" }, status: "waiting", request: { op: "findUnits", query: text } };
      }
      case "units": {
        if (!res) break;
        if (!res.ok) return failed(state, T);
        const units = (res.data as Unit[]).slice(0, 5);
        if (!units.length) return { replies: [{ text: "没有找到名称相近的单位，请换个写法再输入新单位名称（写全称更容易找到）。", topic: T }], state: { ...state, step: "unit" }, status: "waiting", topic: T };
        return { replies: [ask("找到这些单位，请选择新单位：", units.map((u) => u.name), T)], state: { ...state, step: "pick", units }, status: "waiting", topic: T };
      }
      case "pick": {
        const i = picked(input, (state.units ?? []).map((u) => u.name));
        if (i === undefined) {
          if (text.length >= 2) return { replies: [], state: { ...state, step: "units" }, status: "waiting", request: { op: "findUnits", query: text } };
          break;
        }
        const to = state.units![i];
        return {
          replies: [ask(`请确认：从“${state.from}”调往“${to.name}”。提交后需要原单位管理员先审核同意转出，然后新单位管理员审核同意转入，才能调转成功。确认提交吗？`, YESNO, T)],
          state: { ...state, step: "confirm", to }, status: "waiting", topic: T,
        };
      }
      case "confirm": {
        const i = yesOrNo(input, YESNO, YES, NO);
        if (i === 1) return { replies: [{ text: "好的，没有提交调转申请。", topic: T }], state, status: "done", topic: T };
        if (i !== 0) break;
        return { replies: [], state: { ...state, step: "starting" }, status: "waiting", request: { op: "startTransfer", idNumber: state.idNumber!, toUnitId: state.to!.id, code: HELD_CODE, idempotencyKey: state.key! } };
      }
      case "code-retry": {
        const code = readCode(text, state, T);
        if (typeof code !== "string") return code;
        return { replies: [], state: { ...state, step: "starting", expectSecret: false }, status: "waiting", secretInput: true, holdCode: code, request: { op: "startTransfer", idNumber: state.idNumber!, toUnitId: state.to!.id, code: HELD_CODE, idempotencyKey: state.key! } };
      }
      case "starting": {
        if (!res) break;
        if (!res.ok) {
          if (res.code === "has_pending") return failed(state, T, HAS_PENDING);
          if (res.code === "bad_code") return { replies: [{ text: BAD_CODE, topic: T }], state: { ...state, step: "code-retry", expectSecret: true }, status: "waiting", topic: T };
          if (res.code === "code_expired") return failed(state, T, EXPIRED);
          return failed(state, T);
        }
        const t = res.data as { state: string };
        return { replies: [{ text: `调转申请已提交，当前状态：${STATE_TEXT[t.state] ?? t.state}。您也可以登录平台在【单位调转】里点击“详情”查看原单位及新单位的审核情况；想知道进度时再问我“我的调转到哪一步了”。`, topic: T }], state, status: "done", topic: T };
      }
    }
    return undefined;
});
