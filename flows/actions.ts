// Flows that act on the platform: check progress, withdraw a pending registration, start a transfer.
// Anything that changes data identifies the person, states what will happen, sends a one-time code
// to the registered phone, asks for the code and an explicit yes, and carries an idempotency key
// kept in the state so a resumed conversation never acts twice. The code itself is held by the
// core in memory only (HELD_CODE stands for it in a request) and never enters the stored state.
import type { RegistrationInfo, RegistrationState, TransferState as TransferProgress, UnitRef } from "../adapters/platform/types.ts";
import { HELD_CODE, type FlowContext, type FlowDef, type FlowInput, type FlowStep, type PlatformResultFor } from "./types.ts";
import { ask, askText, choose, finish, inputText, resultFor, say, unhandled, waitFor, yesNo } from "./kit.ts";
import {
  identifyStep, isIdentifying, startIdentify, describeRegistration, NOT_FOUND, UNAVAILABLE,
  type IdentifyState, type Person,
} from "./identify.ts";

/** The platform said no (an error result): nothing was changed, and the reply says so. */
const failed = <S>(state: S, topic: string, text = UNAVAILABLE): FlowStep<S> => ({ replies: [say(text, topic)], state, status: "failed", topic });

/** The code was sent: say what will happen, where the code went (masked), and ask for it. */
function askForCode<S>(res: PlatformResultFor<"sendCode">, next: S, topic: string, lead: string): FlowStep<S> {
  if (!res.ok) return failed(next, topic);
  return waitFor(next, topic, {
    text: `${lead}\n验证码已发送到您注册时的手机 ${res.data.maskedPhone}，请输入收到的6位验证码。（我不会要您的登录密码，请勿发送密码。）`,
    topic, expects: "secret", sensitiveInput: true,
  });
}

const BAD_CODE = "验证码不正确，没有办理。请重新输入收到的6位验证码；不想继续可以回复“取消”。";
const EXPIRED = "验证码已过期或已失效，没有办理。需要的话请重新发起，我会再发一次验证码。";

/**
 * Reads a 6-digit code. Digits that are not one (a mistyped code) are asked for again, and the
 * input is kept out of the logs; text without a digit is not a code at all (undefined: unhandled).
 */
function readCode<S>(text: string, state: S, topic: string): string | FlowStep<S> | undefined {
  const t = text.normalize("NFKC");
  const m = t.match(/^\D*(\d{6})\D*$/);
  if (m) return m[1];
  if (!/\d/.test(t)) return undefined;
  return { ...waitFor(state, topic, askText("请输入6位数字验证码；不想继续可以回复“取消”。", topic, "secret")), secretInput: true };
}

/** The looked-up registration when it is in the state the action needs, else the step that ends the flow. */
function registrationIn<S>(res: PlatformResultFor<"getRegistration">, state: S, topic: string, wanted: RegistrationState, refuse: string):
  { ok: true; registration: RegistrationInfo } | { ok: false; step: FlowStep<S> } {
  if (!res.ok) return { ok: false, step: failed(state, topic) };
  const r = res.data;
  if (!r) return { ok: false, step: finish(state, topic, NOT_FOUND) };
  if (r.state !== wanted) return { ok: false, step: finish(state, topic, `${refuse}${describeRegistration(r)}`) };
  return { ok: true, registration: r };
}

type Lookup = Extract<IdentifyState, { step: "lookup" }>;

/** What an acting flow's own steps get once the person is identified. */
interface Turn<A> { ctx: FlowContext; state: A; input: FlowInput; text: string; topic: string }

interface Acting<A> {
  /** The platform's record for the person identified: the flow's first own step. */
  found(ctx: FlowContext, state: Lookup, res: PlatformResultFor<"getRegistration">, topic: string): FlowStep<IdentifyState | A>;
  /** Every later step; undefined for input it does not understand. */
  after(t: Turn<A>): FlowStep<A> | undefined;
}

/** An acting flow: personal, starts with the entry's answer and identification (ID number, name,
 * the platform's record), then its own steps. */
function actingFlow<A extends { step: string }>(name: string, version: number, topic: string, acting: Acting<A>): FlowDef<IdentifyState | A> {
  return {
    name, version, personal: true, topic,
    start(ctx, { text }) {
      return startIdentify(ctx, ctx.answer(topic), text, topic);
    },
    step(ctx, state, input) {
      if (isIdentifying(state)) {
        if (state.step !== "lookup") return identifyStep(ctx, state, input, topic);
        const res = resultFor(input, "getRegistration");
        return res ? acting.found(ctx, state, res, topic) : unhandled(state);
      }
      return acting.after({ ctx, state, input, text: inputText(input).trim(), topic }) ?? unhandled(state);
    },
  };
}

// ---------------------------------------------------------------- check progress
export const checkProgress = actingFlow<never>("check-progress", 2, "action.check-progress", {
  found(_ctx, state, res, topic) {
    if (!res.ok) return failed(state, topic, res.code === "unavailable" ? UNAVAILABLE : `查询没有成功：${res.message}`);
    return finish(state, topic, res.data ? describeRegistration(res.data) : NOT_FOUND);
  },
  after: () => undefined,
});

// ---------------------------------------------------------------- withdraw
/** The registration to withdraw and the key that makes the withdrawal happen once. */
interface WithdrawTarget { person: Person; unitName: string; key: string }
type WithdrawState =
  /** Waiting for the sendCode result. */
  | (WithdrawTarget & { step: "send-code" })
  /** Asked for the one-time code. */
  | (WithdrawTarget & { step: "code" })
  /** Code held; asked for the explicit yes. */
  | (WithdrawTarget & { step: "confirm" })
  /** The code was wrong after the yes: a corrected code is used at once. */
  | (WithdrawTarget & { step: "code-retry" })
  /** Waiting for the withdraw result. */
  | (WithdrawTarget & { step: "withdrawing" });

const CONFIRM_WITHDRAW = ["确认撤回", "不撤回"] as const;

export const withdraw = actingFlow<WithdrawState>("withdraw", 3, "action.withdraw", {
  found(ctx, state, res, topic) {
    const r = registrationIn(res, state, topic, "pending", "只有待审核的注册才能撤回。");
    if (!r.ok) return r.step;
    const next: WithdrawState = { step: "send-code", person: state.person, unitName: r.registration.unit.name, key: ctx.newKey() };
    return { replies: [], state: next, status: "waiting", request: { op: "sendCode", idNumber: state.person.idNumber, purpose: "withdraw" } };
  },
  after({ state, input, text, topic }) {
    const act = (s: WithdrawTarget): FlowStep<WithdrawState> => ({
      replies: [], state: { ...s, step: "withdrawing" }, status: "waiting",
      request: { op: "withdraw", idNumber: s.person.idNumber, code: HELD_CODE, idempotencyKey: s.key },
    });
    switch (state.step) {
      case "send-code": {
        const res = resultFor(input, "sendCode");
        if (!res) return undefined;
        return askForCode(res, { ...state, step: "code" }, topic, `将要撤回的是：您在“${state.unitName}”的待审核注册申请。撤回后需要选择正确的单位重新注册。`);
      }
      case "code": {
        const code = readCode(text, state, topic);
        if (typeof code !== "string") return code;
        return {
          ...waitFor({ ...state, step: "confirm" }, topic, ask(`最后确认：撤回您在“${state.unitName}”的待审核注册申请吗？`, CONFIRM_WITHDRAW, topic, "pick")),
          secretInput: true, holdCode: code,
        };
      }
      case "confirm": {
        const yes = yesNo(input, CONFIRM_WITHDRAW);
        if (yes === false) return finish(state, topic, "好的，没有撤回，您的注册申请保持不变。");
        return yes ? act(state) : undefined;
      }
      case "code-retry": {
        // The yes was given already: a corrected code is used at once.
        const code = readCode(text, state, topic);
        if (typeof code !== "string") return code;
        return { ...act(state), secretInput: true, holdCode: code };
      }
      case "withdrawing": {
        const res = resultFor(input, "withdraw");
        if (!res) return undefined;
        if (res.ok) return finish(state, topic, "已撤回您的待审核注册申请。现在可以在省平台选择正确的单位重新注册。");
        switch (res.code) {
          case "bad_code": return waitFor({ ...state, step: "code-retry" }, topic, askText(BAD_CODE, topic, "secret"));
          case "code_expired": return failed(state, topic, EXPIRED);
          case "not_pending": return failed(state, topic, "这条注册已经不是待审核状态（可能刚被审核或撤回），没有撤回。需要的话可以让我查询一下审核进度。");
          default: return failed(state, topic);
        }
      }
    }
  },
});

// ---------------------------------------------------------------- transfer
interface TransferFrom { person: Person; from: string }
/** With the key that makes the transfer start once. */
interface TransferKeyed extends TransferFrom { key: string }
type TransferState =
  /** Waiting for the getTransfer result (an open transfer ends the flow). */
  | (TransferFrom & { step: "existing" })
  /** send-code: waiting for sendCode; code: asked for the code; unit: asked for the new unit;
   * units: waiting for findUnits. */
  | (TransferKeyed & { step: "send-code" | "code" | "unit" | "units" })
  /** Offered the units found. */
  | (TransferKeyed & { step: "pick"; units: UnitRef[] })
  /** confirm: asked for the explicit yes; code-retry: the code was wrong after the yes;
   * starting: waiting for the startTransfer result. */
  | (TransferKeyed & { step: "confirm" | "code-retry" | "starting"; to: UnitRef });

const CONFIRM_TRANSFER = ["确认提交", "先不提交"] as const;
const HAS_PENDING = "您还有待审核的信息（如学时申报待审核、信息变更待审核等），无待审核信息的情况下才能调转单位。请等这些事项审核完成后再申请。";
const PROGRESS_TEXT: Record<TransferProgress, string> = {
  pending_out: "等待原单位管理员审核同意转出",
  pending_in: "原单位已同意转出，等待新单位管理员审核同意转入",
  completed: "调转已完成",
  rejected: "调转被驳回",
  withdrawn: "调转已撤回",
};

export const transfer = actingFlow<TransferState>("transfer", 3, "action.transfer", {
  found(_ctx, state, res, topic) {
    const r = registrationIn(res, state, topic, "approved", "注册审核通过后才能调转单位。");
    if (!r.ok) return r.step;
    const next: TransferState = { step: "existing", person: state.person, from: r.registration.unit.name };
    return { replies: [], state: next, status: "waiting", request: { op: "getTransfer", idNumber: state.person.idNumber } };
  },
  after({ ctx, state, input, text, topic }) {
    const start = (s: TransferKeyed & { to: UnitRef }): FlowStep<TransferState> => ({
      replies: [], state: { ...s, step: "starting" }, status: "waiting",
      request: { op: "startTransfer", idNumber: s.person.idNumber, toUnitId: s.to.id, code: HELD_CODE, idempotencyKey: s.key },
    });
    const search = (s: TransferKeyed, query: string): FlowStep<TransferState> => ({
      replies: [], state: { person: s.person, from: s.from, key: s.key, step: "units" }, status: "waiting", request: { op: "findUnits", query },
    });
    switch (state.step) {
      case "existing": {
        const res = resultFor(input, "getTransfer");
        if (!res) return undefined;
        if (!res.ok) return failed(state, topic);
        const t = res.data;
        if (t && (t.state === "pending_out" || t.state === "pending_in")) {
          return finish(state, topic, `您已有一条调转申请：从“${t.from.name}”调往“${t.to.name}”，提交于 ${t.startedAt.slice(0, 10)}，当前状态：${PROGRESS_TEXT[t.state]}。需待原单位管理员先审核同意转出，而后新单位管理员再审核同意转入。`);
        }
        return { replies: [], state: { ...state, step: "send-code", key: ctx.newKey() }, status: "waiting", request: { op: "sendCode", idNumber: state.person.idNumber, purpose: "transfer" } };
      }
      case "send-code": {
        const res = resultFor(input, "sendCode");
        if (!res) return undefined;
        if (!res.ok && res.code === "has_pending") return failed(state, topic, HAS_PENDING);
        return askForCode(res, { ...state, step: "code" }, topic, `为确认是您本人办理单位调转（当前单位：${state.from}）。`);
      }
      case "code": {
        const code = readCode(text, state, topic);
        if (typeof code !== "string") return code;
        return {
          ...waitFor({ ...state, step: "unit" }, topic, askText("好的。请问要调往哪个单位？请输入新单位的名称（如“某某市第二人民医院”）。", topic)),
          secretInput: true, holdCode: code,
        };
      }
      case "unit":
        return text ? search(state, text) : undefined;
      case "units": {
        const res = resultFor(input, "findUnits");
        if (!res) return undefined;
        if (!res.ok) return failed(state, topic);
        const units = res.data.slice(0, 5);
        if (!units.length) return waitFor({ ...state, step: "unit" }, topic, askText("没有找到名称相近的单位，请换个写法再输入新单位名称（写全称更容易找到）。", topic));
        return waitFor({ ...state, step: "pick", units }, topic, ask("找到这些单位，请选择新单位：", units.map((u) => u.name), topic));
      }
      case "pick": {
        const to = choose(input, state.units.map((u) => ({ label: u.name, value: u })));
        if (!to) return text.length >= 2 ? search(state, text) : undefined;
        return waitFor({ person: state.person, from: state.from, key: state.key, step: "confirm", to }, topic,
          ask(`请确认：从“${state.from}”调往“${to.name}”。提交后需要原单位管理员先审核同意转出，然后新单位管理员审核同意转入，才能调转成功。确认提交吗？`, CONFIRM_TRANSFER, topic, "pick"));
      }
      case "confirm": {
        const yes = yesNo(input, CONFIRM_TRANSFER);
        if (yes === false) return finish(state, topic, "好的，没有提交调转申请。");
        return yes ? start(state) : undefined;
      }
      case "code-retry": {
        const code = readCode(text, state, topic);
        if (typeof code !== "string") return code;
        return { ...start(state), secretInput: true, holdCode: code };
      }
      case "starting": {
        const res = resultFor(input, "startTransfer");
        if (!res) return undefined;
        if (res.ok) {
          return finish(state, topic, `调转申请已提交，当前状态：${PROGRESS_TEXT[res.data.state]}。您也可以登录平台在【单位调转】里点击“详情”查看原单位及新单位的审核情况；想知道进度时再问我“我的调转到哪一步了”。`);
        }
        switch (res.code) {
          case "has_pending": return failed(state, topic, HAS_PENDING);
          case "bad_code": return waitFor({ ...state, step: "code-retry" }, topic, askText(BAD_CODE, topic, "secret"));
          case "code_expired": return failed(state, topic, EXPIRED);
          default: return failed(state, topic);
        }
      }
    }
  },
});
