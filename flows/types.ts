// Guided flows are data-in, data-out: a step takes the flow's state and the user's input and
// returns replies, the next state, a status, and optionally a platform request for the core
// to make. The core feeds the request's result back as the next step's input.
import type { Expects, Region, Reply } from "../bot/message.ts";
import type { CodeGrant, PlatformErrorCode, RegistrationInfo, TransferInfo, UnitRef } from "../adapters/platform/types.ts";

/**
 * - `waiting`: the flow asked something and waits for the next input;
 * - `done`: the flow said what it had to (including "nothing was changed" after a no);
 * - `failed`: the platform could not do what was asked (an error result): nothing was changed,
 *   and the reply says so; the core may offer a person.
 */
export type FlowStatus = "waiting" | "done" | "failed";

/** Stands for the one-time code the core holds in memory (never in the stored state). */
export const HELD_CODE = "<held-code>";

/** Each platform operation a flow may ask for: its request fields and the data it returns. */
export interface PlatformOps {
  getRegistration: { request: { idNumber: string; name: string }; data: RegistrationInfo | null };
  sendCode: { request: { idNumber: string; purpose: "withdraw" | "transfer" }; data: { maskedPhone: string } };
  withdraw: { request: { idNumber: string; code: string; idempotencyKey: string }; data: RegistrationInfo };
  findUnits: { request: { query: string }; data: UnitRef[] };
  startTransfer: { request: { idNumber: string; toUnitId: string; code: string; idempotencyKey: string }; data: TransferInfo };
  getTransfer: { request: { idNumber: string }; data: TransferInfo | null };
  /** `code` is always HELD_CODE: the core puts in the code it holds in memory. */
  verifyCode: { request: { idNumber: string; purpose: "withdraw" | "transfer"; code: string }; data: CodeGrant };
}
export type PlatformOp = keyof PlatformOps;

/** A request for one operation, keyed by `op`. */
export type PlatformRequestFor<K extends PlatformOp> = { op: K } & PlatformOps[K]["request"];
/** Requests a flow may ask the core to make on the platform. */
export type PlatformRequest = { [K in PlatformOp]: PlatformRequestFor<K> }[PlatformOp];

type ResultOf<K extends PlatformOp> = { op: K; ok: true; data: PlatformOps[K]["data"] } | { op: K; ok: false; code: PlatformErrorCode; message: string };
/** What the core hands back: the request's op with its data, or an error code and message. */
export type PlatformResult = { [K in PlatformOp]: ResultOf<K> }[PlatformOp];
/** The result of one operation, e.g. PlatformResultFor<"getRegistration">. */
export type PlatformResultFor<K extends PlatformOp> = Extract<PlatformResult, { op: K }>;

export type FlowInput = { kind: "start"; text: string } | { kind: "text"; text: string; choiceIndex?: number } | { kind: "result"; result: PlatformResult };

export interface FlowContext {
  region: Region | null;
  /** The entry's answer composed for the known region. */
  answer(id: string): string;
  /** The entry's answer for a given region. */
  answerFor(id: string, region: Region): string;
  /** The city a text names: a region, "other" for another Shandong city, or null. */
  regionOf(text: string): Region | "other" | null;
  /** Best entry among `ids` for a text, or null when none fits. */
  classify(text: string, ids: string[]): string | null;
  isGroup: boolean;
  now(): number;
  /** A fresh idempotency key for a confirmed action. */
  newKey(): string;
  /** The person identified earlier in this conversation (held in memory by the core), if any:
   * a later acting flow does not ask again. */
  identified?: { idNumber: string; masked: string; name: string };
  /** Finds and validates an ID number in a text (check digit for the 18-digit resident ID). */
  findIdNumber(text: string): { ok: true; idNumber: string; masked: string } | { ok: false; reason: string } | null;
}

export interface FlowStep<S> {
  /** What to say. A reply's text never carries its choices; `expects` says what it waits for
   * (the last reply's `expects` is what the next input is: `secret` means a one-time code). */
  replies: Reply[];
  state: S;
  status: FlowStatus;
  /** Knowledge id the turn's reply is about. */
  topic?: string | null;
  request?: PlatformRequest;
  /** Another flow to start with the same input (e.g. login → check progress). */
  next?: { flow: string; text: string };
  /** Input the flow did not understand: the core may treat it as a new question. */
  unhandled?: boolean;
  /** This step took a one-time code from the input: the input must not be kept in any log or
   * transcript (the core can also tell beforehand: the previous reply expected `secret`). */
  secretInput?: boolean;
  /** A one-time code for the core to hold in memory until a request uses HELD_CODE. */
  holdCode?: string;
  /** The user told the flow their city: remember it for the conversation. */
  setRegion?: Region;
}

export interface FlowDef<S> {
  name: string;
  /** Needs personal data: never run in a group chat. */
  personal?: boolean;
  /** Bumped when the state shape changes; stored state of another version restarts politely. */
  version: number;
  /** Knowledge id that starts the flow (and that its replies are about). */
  topic: string;
  /** Started by name only (a status question), never for its topic. */
  byName?: true;
  start(ctx: FlowContext, input: { text: string }): FlowStep<S>;
  step(ctx: FlowContext, state: S, input: FlowInput): FlowStep<S>;
}

/**
 * A flow of any state, as the core's registry holds it. The core stores the state as JSON and
 * hands back exactly what the flow returned (same name and version), so `unknown` here is the
 * stored JSON; the flow's own step is typed by its state union.
 */
// Method parameters are bivariant, so every FlowDef<S> is a FlowDef<unknown>.
export type AnyFlow = FlowDef<unknown>;

export interface StoredFlow {
  name: string;
  version: number;
  state: unknown;
  /** Choice labels of the flow's last question, for numbered picks. */
  choices?: string[];
  /** What the flow's last question expects: `secret` means the next input is a one-time code,
   * never to be logged. */
  expects?: Expects;
  /** The texts of the flow's last replies (to repeat them on 返回上一步). */
  lastReplies?: string[];
  /** Earlier steps, for 返回上一步. */
  back?: { state: unknown; choices?: string[]; expects?: Expects; replies: string[] }[];
}
