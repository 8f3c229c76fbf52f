// Turn tables for flows: a fake context (no engine, no tokenizer, no platform) and a runner that
// feeds each row's input to the flow and checks the step against the row's expectation. What a
// row does not state must be absent (no request, not unhandled, no held code …), so a table
// cannot pass by saying little.
import { expect } from "vitest";
import type { Expects, Region, Reply } from "../../bot/message.ts";
import type {
  FlowContext,
  FlowDef,
  FlowInput,
  FlowStatus,
  FlowStep,
  PlatformOp,
  PlatformOps,
  PlatformRequest,
  PlatformResult,
  PlatformResultFor,
} from "../../flows/types.ts";
import type { PlatformErrorCode } from "../../adapters/platform/types.ts";
import { maskIdNumber, validateIdNumber } from "../../adapters/platform/id-number.ts";

/** Answers are labelled stand-ins, so a table can tell which entry a flow said. */
export const answerOf = (id: string, region: Region | null = null) => `〔${id}${region ? `·${region}` : ""}〕`;

export function fakeContext(over: Partial<FlowContext> & { classifyAs?: Record<string, RegExp> } = {}): FlowContext {
  let keys = 0;
  const { classifyAs = {}, ...rest } = over;
  const ctx: FlowContext = {
    region: null,
    answer: (id) => answerOf(id, ctx.region),
    answerFor: (id, region) => answerOf(id, region),
    regionOf: (t) => (/枣庄|滕州|薛城/.test(t) ? "zaozhuang" : /泰安|新泰|肥城/.test(t) ? "taian" : /济南|青岛|潍坊/.test(t) ? "other" : null),
    classify: (t, ids) => ids.find((id) => classifyAs[id]?.test(t)) ?? null,
    isGroup: false,
    now: () => 0,
    newKey: () => `key-${++keys}`,
    findIdNumber: (t) => {
      const m = t
        .normalize("NFKC")
        .replace(/[\s-]/g, "")
        .match(/(?<!\d)\d{14,18}[\dXx]?(?!\d)/);
      if (!m) return null;
      const v = validateIdNumber(m[0]);
      return v.ok ? { ok: true, idNumber: v.idNumber, masked: maskIdNumber(v.idNumber) } : { ok: false, reason: `（${v.reason}）` };
    },
    ...rest,
  };
  return ctx;
}

/** A platform result as the core hands it back. */
export function ok<K extends PlatformOp>(op: K, data: PlatformOps[K]["data"]): { kind: "result"; result: PlatformResult } {
  // Built generically here; each call site's K makes it one concrete member of the union.
  return { kind: "result", result: { op, ok: true, data } as PlatformResultFor<K> };
}
export function err<K extends PlatformOp>(op: K, code: PlatformErrorCode, message = code): { kind: "result"; result: PlatformResult } {
  return { kind: "result", result: { op, ok: false, code, message } as PlatformResultFor<K> };
}

/** What the user does in a row: types text, picks the n-th choice (0-based) of the last question, or the platform answers. */
export type In = string | { pick: number } | { result: PlatformResult };

export interface Expect {
  status?: FlowStatus;
  step?: string;
  /** Matched against the state (toMatchObject). */
  state?: Record<string, unknown>;
  /** Each appears in the turn's replies. */
  say?: readonly (string | RegExp)[];
  notSay?: readonly (string | RegExp)[];
  /** Choices and expects of the turn's last reply. */
  choices?: readonly string[];
  expects?: Expects;
  topic?: string | null;
  request?: PlatformRequest;
  unhandled?: true;
  secretInput?: true;
  holdCode?: string;
  setRegion?: Region;
  next?: { flow: string; text: string };
  sensitiveInput?: true;
}

export type Row = [In, Expect];

const NUMBERED = /(^|\n)\s*\d+[.、．)]\s*\S/;

/** Every reply a flow gives, whatever the table says. */
function checkReply(r: Reply, where: string): void {
  expect(r.text.trim(), `${where}: empty reply`).not.toBe("");
  expect(r.text, `${where}: reply text asks for a number`).not.toMatch(/请回复序号|回复序号/);
  if (r.choices?.length) {
    expect(r.expects, `${where}: choices without expects`).toBeDefined();
    const lines = r.text.split("\n").map((l) => l.replace(/^\s*(\d+[.、．)]|[-•·])?\s*/, "").trim());
    for (const c of r.choices) expect(lines, `${where}: choice "${c}" listed in the text`).not.toContain(c);
    expect(r.text, `${where}: numbered lines in a reply with choices`).not.toMatch(NUMBERED);
  }
}

/**
 * Runs `rows` against `flow`: the first row's input (text) starts it, each later row's input is
 * a step on the state the previous row left. Returns the last step.
 */
export function runTable<S>(flow: FlowDef<S>, ctx: FlowContext, rows: Row[]): FlowStep<S> {
  let step: FlowStep<S> | undefined;
  let choices: string[] = [];
  rows.forEach(([input, want], i) => {
    const where = `row ${i + 1} (${JSON.stringify(input)})`;
    if (!step) {
      if (typeof input !== "string") throw new Error("the first row starts the flow with text");
      step = flow.start(ctx, { text: input });
    } else {
      let fi: FlowInput;
      if (typeof input === "string") fi = { kind: "text", text: input };
      else if ("pick" in input) {
        const label = choices[input.pick];
        if (label === undefined) throw new Error(`${where}: no choice ${input.pick} among ${JSON.stringify(choices)}`);
        fi = { kind: "text", text: String(input.pick + 1), choiceIndex: input.pick };
      } else fi = { kind: "result", result: input.result };
      step = flow.step(ctx, step.state, fi);
    }
    const s = step;
    s.replies.forEach((r, j) => checkReply(r, `${where} reply ${j + 1}`));
    const text = s.replies.map((r) => r.text).join("\n");
    const last = s.replies.at(-1);
    const state = s.state as { step?: string };
    expect(s.status, `${where}: status`).toBe(want.status ?? "waiting");
    if (want.step !== undefined) expect(state.step, `${where}: step`).toBe(want.step);
    if (want.state) expect(s.state, `${where}: state`).toMatchObject(want.state);
    for (const x of want.say ?? []) expect(text, `${where}: says`).toMatch(typeof x === "string" ? new RegExp(escape(x)) : x);
    for (const x of want.notSay ?? []) expect(text, `${where}: does not say`).not.toMatch(typeof x === "string" ? new RegExp(escape(x)) : x);
    if (want.choices !== undefined) expect(last?.choices, `${where}: choices`).toEqual(want.choices);
    if (want.expects !== undefined) expect(last?.expects, `${where}: expects`).toBe(want.expects);
    if (want.topic !== undefined) expect(s.topic ?? null, `${where}: topic`).toBe(want.topic);
    expect(s.request, `${where}: request`).toEqual(want.request);
    expect(!!s.unhandled, `${where}: unhandled`).toBe(!!want.unhandled);
    expect(!!s.secretInput, `${where}: secretInput`).toBe(!!want.secretInput);
    expect(s.holdCode, `${where}: holdCode`).toBe(want.holdCode);
    expect(s.setRegion, `${where}: setRegion`).toBe(want.setRegion);
    expect(s.next, `${where}: next`).toEqual(want.next);
    if (want.sensitiveInput)
      expect(
        s.replies.some((r) => r.sensitiveInput),
        `${where}: sensitiveInput`,
      ).toBe(true);
    if (want.unhandled) expect(s.replies, `${where}: unhandled says nothing`).toEqual([]);
    if (last?.choices?.length) choices = last.choices;
  });
  if (!step) throw new Error("empty table");
  return step;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
