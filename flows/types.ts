// Guided flows are data-in, data-out: a step takes the flow's state and the user's input and
// returns replies, the next state, a status, and optionally a platform request for the engine
// to make. The engine feeds the request's result back as the next step's input.
import type { Region, Reply } from "../bot/message.ts";

export type FlowStatus = "waiting" | "done" | "handoff" | "failed";

/** Stands for the one-time code the engine holds in memory (never in the stored state). */
export const HELD_CODE = "<held-code>";

/** Requests a flow may ask the engine to make on the platform. */
export type PlatformRequest =
  | { op: "getRegistration"; idNumber: string; name: string }
  | { op: "sendCode"; idNumber: string; purpose: "withdraw" | "transfer" }
  | { op: "withdraw"; idNumber: string; code: string; idempotencyKey: string }
  | { op: "findUnits"; query: string }
  | { op: "startTransfer"; idNumber: string; toUnitId: string; code: string; idempotencyKey: string }
  | { op: "getTransfer"; idNumber: string };

/** What the engine hands back: the request's data, or an error code and message. */
export type PlatformResult = { ok: true; data: unknown } | { ok: false; code: string; message: string };

export type FlowInput =
  | { kind: "start"; text: string }
  | { kind: "text"; text: string; choiceIndex?: number }
  | { kind: "result"; result: PlatformResult };

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
  /** Finds and validates an ID number in a text (check digit for the 18-digit resident ID). */
  findIdNumber(text: string): { ok: true; idNumber: string; masked: string } | { ok: false; reason: string } | null;
}

export interface FlowStep<S> {
  replies: Reply[];
  state: S;
  status: FlowStatus;
  /** Knowledge id the turn's reply is about. */
  topic?: string | null;
  request?: PlatformRequest;
  /** Another flow to start with the same input (e.g. login → check progress). */
  next?: { flow: string; text: string };
  /** Input the flow did not understand: the engine may treat it as a new question. */
  unhandled?: boolean;
  /** Do not keep the user's input in the transcript (a one-time code). */
  secretInput?: boolean;
  /** A one-time code for the engine to hold in memory until a request uses HELD_CODE. */
  holdCode?: string;
  /** The user told the flow their city: remember it for the conversation. */
  setRegion?: Region;
}

export interface FlowDef<S = unknown> {
  name: string;
  /** Needs personal data: never run in a group chat. */
  personal?: boolean;
  /** Bumped when the state shape changes; stored state of another version restarts politely. */
  version: number;
  /** Knowledge id that starts the flow. */
  topic: string;
  start(ctx: FlowContext, input: { text: string }): FlowStep<S>;
  step(ctx: FlowContext, state: S, input: FlowInput): FlowStep<S>;
}

export interface StoredFlow {
  name: string;
  version: number;
  state: unknown;
  /** Choice labels of the flow's last question, for numbered picks. */
  choices?: string[];
  /** The texts of the flow's last replies (to repeat them on 返回上一步). */
  lastReplies?: string[];
  /** Earlier steps, for 返回上一步. */
  back?: { state: unknown; choices?: string[]; replies: string[] }[];
}
