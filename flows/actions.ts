// Flows that act on the platform: check progress, withdraw a pending registration, start a transfer,
// and the status of a withdrawal or a transfer afterwards.
// Anything that changes data identifies the person, states what will happen, sends a one-time code
// to the registered phone, asks for the code and an explicit yes, and carries an idempotency key
// kept in the state so a resumed conversation never acts twice. The code is checked on the
// platform as soon as it is typed (verifyCode): the core holds it in memory for that one request
// only (HELD_CODE stands for it), and the platform's grant, which stands for the checked code in
// this one action for the code's lifetime, is what the state keeps until the yes. So a restart
// between the code and the yes loses nothing, and the code itself is never written anywhere.
import type { RegistrationInfo, RegistrationState, TransferInfo, TransferState as TransferProgress, UnitRef } from "../adapters/platform/types.ts";
import { HELD_CODE, type FlowContext, type FlowDef, type FlowInput, type FlowStep, type PlatformResultFor } from "./types.ts";
import { ask, askText, choose, finish, inputText, resultFor, say, unhandled, waitFor, yesNo } from "./kit.ts";
import {
  identifyStep,
  isIdentifying,
  startIdentify,
  describeRegistration,
  NOT_FOUND,
  UNAVAILABLE,
  type IdentifyState,
  type Person,
  type Said,
} from "./identify.ts";
import { findTargetUnit } from "./slots.ts";

/** The platform said no (an error result): nothing was changed, and the reply says so. */
const failed = <S>(state: S, topic: string, text = UNAVAILABLE): FlowStep<S> => ({ replies: [say(text, topic)], state, status: "failed", topic });

/** The code was sent: say what will happen, where the code went (masked), and ask for it. */
function askForCode<S>(res: PlatformResultFor<"sendCode">, next: S, topic: string, lead: string): FlowStep<S> {
  if (!res.ok) return failed(next, topic);
  return waitFor(next, topic, {
    text: `${lead}\n验证码已发送到您注册时的手机 ${res.data.maskedPhone}，请输入收到的6位验证码。（我不会要您的登录密码，请勿发送密码。）`,
    topic,
    expects: "secret",
    sensitiveInput: true,
  });
}

/** Wrong codes in a row before the flow stops and offers a person. */
export const MAX_WRONG_CODES = 3;
const WRONG_CODE = "验证码不正确，请核对短信后重新输入6位验证码；不想继续可以回复“取消”。";
const TOO_MANY_WRONG = `验证码连续${MAX_WRONG_CODES}次不正确，为安全起见这次没有办理，也没有做任何更改。可以稍后重新发起，或回复“转人工”由人工客服帮您处理。`;
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

/** What the code steps keep: the person, how many wrong codes so far, and the grant once checked. */
interface CodeSlots {
  person: Person;
  wrong?: number;
  grant?: string;
}

/** Asks the platform to check a typed code at once; `then` says what follows a right one. */
function verify<S extends CodeSlots & { step: string }>(state: S, code: string, purpose: "withdraw" | "transfer", topic: string): FlowStep<S> {
  return {
    replies: [],
    state: { ...state, step: "verifying" },
    status: "waiting",
    topic,
    secretInput: true,
    holdCode: code,
    request: { op: "verifyCode", idNumber: state.person.idNumber, purpose, code: HELD_CODE },
  };
}

/** The verifyCode result: the grant, or the step that says the code was wrong (or ends the flow). */
function verified<S extends CodeSlots & { step: string }>(
  res: PlatformResultFor<"verifyCode">,
  state: S,
  topic: string,
): { ok: true; state: S } | { ok: false; step: FlowStep<S> } {
  if (res.ok) return { ok: true, state: { ...state, grant: res.data.grant, wrong: 0 } };
  if (res.code === "bad_code") {
    const wrong = (state.wrong ?? 0) + 1;
    if (wrong >= MAX_WRONG_CODES) return { ok: false, step: failed({ ...state, wrong }, topic, TOO_MANY_WRONG) };
    return { ok: false, step: waitFor({ ...state, step: "code", wrong }, topic, askText(WRONG_CODE, topic, "secret")) };
  }
  if (res.code === "code_expired") return { ok: false, step: failed(state, topic, EXPIRED) };
  return { ok: false, step: failed(state, topic) };
}

/** The looked-up registration when it is in the state the action needs, else the step that ends the flow. */
function registrationIn<S>(
  res: PlatformResultFor<"getRegistration">,
  state: S,
  topic: string,
  wanted: RegistrationState,
  refuse: string,
): { ok: true; registration: RegistrationInfo } | { ok: false; step: FlowStep<S> } {
  if (!res.ok) return { ok: false, step: failed(state, topic) };
  const r = res.data;
  if (!r) return { ok: false, step: finish(state, topic, NOT_FOUND) };
  if (r.state !== wanted) return { ok: false, step: finish(state, topic, `${refuse}${describeRegistration(r)}`) };
  return { ok: true, registration: r };
}

type Lookup = Extract<IdentifyState, { step: "lookup" }>;

/** What an acting flow's own steps get once the person is identified. */
interface Turn<A> {
  ctx: FlowContext;
  state: A;
  input: FlowInput;
  text: string;
  topic: string;
}

interface Acting<A> {
  /** What else the first message says that the flow uses later (e.g. the unit to move to). */
  said?(text: string): Said;
  /** The lead of the first reply; the entry's answer unless given. */
  lead?(ctx: FlowContext, topic: string): string;
  /** The platform's record for the person identified: the flow's first own step. */
  found(ctx: FlowContext, state: Lookup, res: PlatformResultFor<"getRegistration">, topic: string): FlowStep<IdentifyState | A>;
  /** Every later step; undefined for input it does not understand. */
  after(t: Turn<A>): FlowStep<A> | undefined;
}

/** An acting flow: personal, starts with the entry's answer and identification (ID number, name,
 * the platform's record), then its own steps. */
function actingFlow<A extends { step: string }>(
  name: string,
  version: number,
  topic: string,
  acting: Acting<A>,
  opts: { byName?: true } = {},
): FlowDef<IdentifyState | A> {
  return {
    name,
    version,
    personal: true,
    topic,
    ...opts,
    start(ctx, { text }) {
      return startIdentify(ctx, acting.lead ? acting.lead(ctx, topic) : ctx.answer(topic), text, topic, acting.said?.(text));
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
export const checkProgress = actingFlow<never>("check-progress", 3, "action.check-progress", {
  found(_ctx, state, res, topic) {
    if (!res.ok) return failed(state, topic, res.code === "unavailable" ? UNAVAILABLE : `查询没有成功：${res.message}`);
    return finish(state, topic, res.data ? describeRegistration(res.data) : NOT_FOUND);
  },
  after: () => undefined,
});

/** "撤回成功了吗": the registration's state, said as the answer to whether the withdrawal went through. */
export const withdrawStatus = actingFlow<never>(
  "withdraw-status",
  1,
  "action.withdraw",
  {
    lead: () => "我帮您查一下撤回的结果。",
    found(_ctx, state, res, topic) {
      if (!res.ok) return failed(state, topic);
      const r = res.data;
      if (!r) return finish(state, topic, NOT_FOUND);
      const lead = r.state === "withdrawn" ? "撤回已成功。" : r.state === "pending" ? "还没有撤回：" : "";
      return finish(state, topic, `${lead}${describeRegistration(r)}`);
    },
    after: () => undefined,
  },
  { byName: true },
);

// ---------------------------------------------------------------- withdraw
/** The registration to withdraw and the key that makes the withdrawal happen once. */
interface WithdrawTarget extends CodeSlots {
  unitName: string;
  key: string;
}
type WithdrawState =
  /** Waiting for the sendCode result. */
  | (WithdrawTarget & { step: "send-code" })
  /** Asked for the one-time code. */
  | (WithdrawTarget & { step: "code" })
  /** Waiting for verifyCode; `then: "act"` when the code was typed where the yes was asked. */
  | (WithdrawTarget & { step: "verifying"; then?: "act" })
  /** Code checked (grant kept); asked for the explicit yes. */
  | (WithdrawTarget & { step: "confirm" })
  /** Waiting for the withdraw result. */
  | (WithdrawTarget & { step: "withdrawing" });

const CONFIRM_WITHDRAW = ["确认撤回", "不撤回"] as const;

export const withdraw = actingFlow<WithdrawState>("withdraw", 4, "action.withdraw", {
  found(ctx, state, res, topic) {
    const r = registrationIn(res, state, topic, "pending", "只有待审核的注册才能撤回。");
    if (!r.ok) return r.step;
    const next: WithdrawState = { step: "send-code", person: state.person, unitName: r.registration.unit.name, key: ctx.newKey() };
    return { replies: [], state: next, status: "waiting", request: { op: "sendCode", idNumber: state.person.idNumber, purpose: "withdraw" } };
  },
  after({ state, input, text, topic }) {
    const act = (s: WithdrawTarget): FlowStep<WithdrawState> => ({
      replies: [],
      state: { ...s, step: "withdrawing" },
      status: "waiting",
      request: { op: "withdraw", idNumber: s.person.idNumber, code: s.grant ?? "", idempotencyKey: s.key },
    });
    const confirm = (s: WithdrawTarget): FlowStep<WithdrawState> =>
      waitFor({ ...s, step: "confirm" }, topic, ask(`验证码正确。最后确认：撤回您在“${s.unitName}”的待审核注册申请吗？`, CONFIRM_WITHDRAW, topic, "pick"));
    switch (state.step) {
      case "send-code": {
        const res = resultFor(input, "sendCode");
        if (!res) return undefined;
        return askForCode(res, { ...state, step: "code" }, topic, `将要撤回的是：您在“${state.unitName}”的待审核注册申请。撤回后需要选择正确的单位重新注册。`);
      }
      case "code": {
        const code = readCode(text, state, topic);
        return typeof code === "string" ? verify(state, code, "withdraw", topic) : code;
      }
      case "verifying": {
        const res = resultFor(input, "verifyCode");
        if (!res) return undefined;
        const v = verified(res, state, topic);
        if (!v.ok) return v.step;
        const { then: _then, ...s } = v.state;
        return state.then === "act" ? act(s) : confirm(s);
      }
      case "confirm": {
        // The code typed again where the yes is asked: checked, and taken as the yes.
        if (/^\D*\d{6}\D*$/.test(text.normalize("NFKC"))) {
          const code = readCode(text, state, topic);
          if (typeof code === "string") return { ...verify(state, code, "withdraw", topic), state: { ...state, step: "verifying", then: "act" } };
        }
        const yes = yesNo(input, CONFIRM_WITHDRAW);
        if (yes === false) return finish(state, topic, "好的，没有撤回，您的注册申请保持不变。");
        return yes ? act(state) : undefined;
      }
      case "withdrawing": {
        const res = resultFor(input, "withdraw");
        if (!res) return undefined;
        if (res.ok) return finish(state, topic, "已撤回您的待审核注册申请。现在可以在省平台选择正确的单位重新注册。想确认时可以问我“撤回成功了吗”。");
        switch (res.code) {
          // The grant expired with its code (a long pause before the yes): a new code is needed.
          case "bad_code":
          case "code_expired":
            return failed(state, topic, EXPIRED);
          case "not_pending":
            return failed(state, topic, "这条注册已经不是待审核状态（可能刚被审核或撤回），没有撤回。需要的话可以让我查询一下审核进度。");
          default:
            return failed(state, topic);
        }
      }
    }
  },
});

// ---------------------------------------------------------------- transfer
interface TransferFrom extends CodeSlots {
  from: string;
  toQuery?: string;
}
/** With the key that makes the transfer start once. */
interface TransferKeyed extends TransferFrom {
  key: string;
}
type TransferState =
  /** Waiting for the getTransfer result (an open transfer ends the flow). */
  | (TransferFrom & { step: "existing" })
  /** send-code: waiting for sendCode; code: asked for the code; verifying: waiting for verifyCode;
   * unit: asked for the new unit; units: waiting for findUnits. */
  | (TransferKeyed & { step: "send-code" | "code" | "verifying" | "unit" | "units" })
  /** Offered the units found. */
  | (TransferKeyed & { step: "pick"; units: UnitRef[] })
  /** confirm: asked for the explicit yes; starting: waiting for the startTransfer result. */
  | (TransferKeyed & { step: "confirm" | "starting"; to: UnitRef });

const CONFIRM_TRANSFER = ["确认提交", "先不提交"] as const;
const HAS_PENDING = "您还有待审核的信息（如学时申报待审核、信息变更待审核等），无待审核信息的情况下才能调转单位。请等这些事项审核完成后再申请。";
const PROGRESS_TEXT: Record<TransferProgress, string> = {
  pending_out: "等待原单位管理员审核同意转出",
  pending_in: "原单位已同意转出，等待新单位管理员审核同意转入",
  completed: "调转已完成",
  rejected: "调转被驳回",
  withdrawn: "调转已撤回",
};

/** One transfer, as the status and the "already open" answers say it. */
export function describeTransfer(t: TransferInfo): string {
  const reason = t.state === "rejected" && t.rejectReason ? `，原因：${t.rejectReason}` : "";
  return `您的调转申请：从“${t.from.name}”调往“${t.to.name}”，提交于 ${t.startedAt.slice(0, 10)}，当前状态：${PROGRESS_TEXT[t.state]}${reason}。`;
}

export const transfer = actingFlow<TransferState>("transfer", 4, "action.transfer", {
  said: (text) => {
    const toUnit = findTargetUnit(text);
    return toUnit ? { toUnit } : {};
  },
  found(_ctx, state, res, topic) {
    const r = registrationIn(res, state, topic, "approved", "注册审核通过后才能调转单位。");
    if (!r.ok) return r.step;
    const next: TransferState = {
      step: "existing",
      person: state.person,
      from: r.registration.unit.name,
      ...(state.said?.toUnit ? { toQuery: state.said.toUnit } : {}),
    };
    return { replies: [], state: next, status: "waiting", request: { op: "getTransfer", idNumber: state.person.idNumber } };
  },
  after({ ctx, state, input, text, topic }) {
    const start = (s: TransferKeyed & { to: UnitRef }): FlowStep<TransferState> => ({
      replies: [],
      state: { ...s, step: "starting" },
      status: "waiting",
      request: { op: "startTransfer", idNumber: s.person.idNumber, toUnitId: s.to.id, code: s.grant ?? "", idempotencyKey: s.key },
    });
    const search = (s: TransferKeyed, query: string): FlowStep<TransferState> => ({
      replies: [],
      state: { person: s.person, from: s.from, key: s.key, grant: s.grant, step: "units" },
      status: "waiting",
      request: { op: "findUnits", query },
    });
    switch (state.step) {
      case "existing": {
        const res = resultFor(input, "getTransfer");
        if (!res) return undefined;
        if (!res.ok) return failed(state, topic);
        const t = res.data;
        if (t && (t.state === "pending_out" || t.state === "pending_in")) {
          return finish(state, topic, `您已有一条调转申请在办理中。${describeTransfer(t)}需待原单位管理员先审核同意转出，而后新单位管理员再审核同意转入。`);
        }
        return {
          replies: [],
          state: { ...state, step: "send-code", key: ctx.newKey() },
          status: "waiting",
          request: { op: "sendCode", idNumber: state.person.idNumber, purpose: "transfer" },
        };
      }
      case "send-code": {
        const res = resultFor(input, "sendCode");
        if (!res) return undefined;
        if (!res.ok && res.code === "has_pending") return failed(state, topic, HAS_PENDING);
        return askForCode(res, { ...state, step: "code" }, topic, `为确认是您本人办理单位调转（当前单位：${state.from}）。`);
      }
      case "code": {
        const code = readCode(text, state, topic);
        return typeof code === "string" ? verify(state, code, "transfer", topic) : code;
      }
      case "verifying": {
        const res = resultFor(input, "verifyCode");
        if (!res) return undefined;
        const v = verified(res, state, topic);
        if (!v.ok) return v.step;
        const { toQuery, ...s } = v.state;
        // The unit named in the first message is looked up at once.
        if (toQuery) return { ...search(s, toQuery), replies: [say(`验证码正确。您要调往“${toQuery}”，我来找一下这个单位。`, topic)] };
        return waitFor({ ...s, step: "unit" }, topic, askText("验证码正确。请问要调往哪个单位？请输入新单位的名称（如“某某市第二人民医院”）。", topic));
      }
      case "unit":
        return text ? search(state, findTargetUnit(text) ?? text) : undefined;
      case "units": {
        const res = resultFor(input, "findUnits");
        if (!res) return undefined;
        if (!res.ok) return failed(state, topic);
        const units = res.data.slice(0, 5);
        if (!units.length)
          return waitFor({ ...state, step: "unit" }, topic, askText("没有找到名称相近的单位，请换个写法再输入新单位名称（写全称更容易找到）。", topic));
        return waitFor(
          { ...state, step: "pick", units },
          topic,
          ask(
            "找到这些单位，请选择新单位：",
            units.map((u) => u.name),
            topic,
          ),
        );
      }
      case "pick": {
        const to = choose(
          input,
          state.units.map((u) => ({ label: u.name, value: u })),
        );
        if (!to) return text.length >= 2 ? search(state, text) : undefined;
        return waitFor(
          { person: state.person, from: state.from, key: state.key, grant: state.grant, step: "confirm", to },
          topic,
          ask(
            `请确认：从“${state.from}”调往“${to.name}”。提交后需要原单位管理员先审核同意转出，然后新单位管理员审核同意转入，才能调转成功。确认提交吗？`,
            CONFIRM_TRANSFER,
            topic,
            "pick",
          ),
        );
      }
      case "confirm": {
        // The code typed again where the yes is asked: the check was done already; take it as the yes.
        if (/^\D*\d{6}\D*$/.test(text.normalize("NFKC"))) return { ...start(state), secretInput: true };
        const yes = yesNo(input, CONFIRM_TRANSFER);
        if (yes === false) return finish(state, topic, "好的，没有提交调转申请。");
        return yes ? start(state) : undefined;
      }
      case "starting": {
        const res = resultFor(input, "startTransfer");
        if (!res) return undefined;
        if (res.ok) {
          return finish(
            state,
            topic,
            `调转申请已提交，当前状态：${PROGRESS_TEXT[res.data.state]}。您也可以登录平台在【单位调转】里点击“详情”查看原单位及新单位的审核情况；想知道进度时再问我“我的调转到哪一步了”。`,
          );
        }
        switch (res.code) {
          case "has_pending":
            return failed(state, topic, HAS_PENDING);
          case "bad_code":
          case "code_expired":
            return failed(state, topic, EXPIRED);
          default:
            return failed(state, topic);
        }
      }
    }
  },
});

/** "我的调转到哪一步了": the person's latest transfer. */
type TransferStatusState = { step: "status"; person: Person };
export const transferStatus = actingFlow<TransferStatusState>(
  "transfer-status",
  1,
  "action.transfer",
  {
    lead: () => "我帮您查一下调转的进度。",
    found(_ctx, state, res, topic) {
      if (!res.ok) return failed(state, topic);
      if (!res.data) return finish(state, topic, NOT_FOUND);
      return {
        replies: [],
        state: { step: "status", person: state.person },
        status: "waiting",
        topic,
        request: { op: "getTransfer", idNumber: state.person.idNumber },
      };
    },
    after({ state, input, topic }) {
      const res = resultFor(input, "getTransfer");
      if (!res) return undefined;
      if (!res.ok) return failed(state, topic);
      if (!res.data) return finish(state, topic, "没有查到您的调转申请。需要办理的话，可以对我说“帮我办单位调转”。");
      const next =
        res.data.state === "pending_out" ? "请联系原单位管理员审核同意转出。" : res.data.state === "pending_in" ? "请联系新单位管理员审核同意转入。" : "";
      return finish(state, topic, `${describeTransfer(res.data)}${next}`);
    },
  },
  { byName: true },
);
