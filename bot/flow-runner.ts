// Runs guided flows: builds their context, feeds them input, makes the platform requests they
// ask for and feeds the results back, and keeps the session's record of the active flow.
// One-time codes typed by users are held in memory here only, never in a session or the log.
import { randomUUID } from "node:crypto";
import type { Reply, Region } from "./message.ts";
import type { Session } from "./session.ts";
import type { Clock, PlatformAdapter } from "./ports.ts";
import type { Matcher } from "./nlu/matcher.ts";
import { composeAnswer } from "./compose.ts";
import { maskPersonal } from "./mask.ts";
import { W } from "./wording.ts";
import { findIdNumber } from "./id-number-in-text.ts";
import { HELD_CODE, type AnyFlow, type FlowContext, type FlowInput, type FlowStep, type PlatformRequest, type PlatformResult } from "../flows/types.ts";
import { PlatformError } from "../adapters/platform/types.ts";
import { maskIdNumber } from "../adapters/platform/id-number.ts";

/** How long a typed one-time code is held in memory for the action it confirms. */
export const CODE_HOLD_MS = 10 * 60 * 1000;
/** How long a person identified in a conversation is remembered (in memory) for later questions. */
const IDENTIFIED_MS = 30 * 60 * 1000;
/** Steps one turn may chain (requests, hand-overs to another flow) before it stops. */
const MAX_CHAIN = 8;

export type { AnyFlow };

export interface FlowOutcome {
  replies: Reply[];
  topic: string | null;
  /** The platform could not do what the flow asked: nothing was changed. */
  failed: boolean;
  flowName: string;
}

export class FlowRunner {
  private byName: Map<string, AnyFlow>;
  private byTopic: Map<string, AnyFlow>;
  private heldCodes = new Map<string, { code: string; at: number }>();
  /** Who was identified in each conversation (found on the platform by ID number and name), in
   * memory only: a status question later in the conversation need not ask again. */
  private identified = new Map<string, { person: { idNumber: string; masked: string; name: string }; at: number }>();

  constructor(
    flows: AnyFlow[],
    private deps: { matcher: () => Matcher; clock: Clock; platform?: PlatformAdapter; log?: (line: string) => void },
  ) {
    this.byName = new Map(flows.map((f) => [f.name, f]));
    this.byTopic = new Map(flows.filter((f) => !f.byName).map((f) => [f.topic, f]));
  }

  forTopic(id: string): AnyFlow | undefined {
    return this.byTopic.get(id);
  }
  byNameOf(name: string): AnyFlow | undefined {
    return this.byName.get(name);
  }
  /** Is the active flow's stored state one the current definition can read? */
  current(session: Session): AnyFlow | null {
    const f = session.flow && this.byName.get(session.flow.name);
    return f && session.flow && f.version === session.flow.version ? f : null;
  }
  forget(key: string): void {
    this.heldCodes.delete(key);
  }

  private identifiedIn(key: string): { idNumber: string; masked: string; name: string } | undefined {
    const i = this.identified.get(key);
    if (!i) return undefined;
    if (this.deps.clock.now() - i.at > IDENTIFIED_MS) {
      this.identified.delete(key);
      return undefined;
    }
    return i.person;
  }

  context(session: Session, isGroup: boolean): FlowContext {
    const m = this.deps.matcher();
    return {
      region: session.region,
      answer: (id) => {
        const e = m.entry(id);
        return e ? composeAnswer(e, { region: session.region, otherCity: session.otherCity, noCityQuestion: true }).text : "";
      },
      answerFor: (id: string, region: Region) => {
        const e = m.entry(id);
        return e ? composeAnswer(e, { region }).text : "";
      },
      regionOf: (t) => m.findPlace(t)?.region ?? null,
      classify: (t, ids) => {
        const { candidates } = m.score(t);
        const best = candidates.find((c) => ids.includes(c.id));
        const top = candidates[0];
        if (!best || best.score < m.config.clarifyMin) return null;
        // Only when the restricted best is (nearly) the overall best: otherwise it is another question.
        if (top && top.id !== best.id && top.score - best.score > 0.15) return null;
        return best.id;
      },
      isGroup,
      identified: this.identifiedIn(session.key),
      now: () => this.deps.clock.now(),
      newKey: () => randomUUID(),
      findIdNumber,
    };
  }

  /** Starts a flow with the message that asked for it. */
  async start(session: Session, flow: AnyFlow, text: string, isGroup: boolean): Promise<FlowOutcome> {
    const step = flow.start(this.context(session, isGroup), { text });
    session.flow = { name: flow.name, version: flow.version, state: step.state, back: [] };
    return this.apply(session, flow, step, isGroup);
  }

  /** Feeds the active flow one input; null when the flow did not understand it. */
  async step(session: Session, flow: AnyFlow, input: FlowInput, isGroup: boolean): Promise<FlowOutcome | null> {
    const stored = session.flow;
    if (!stored) return null;
    const step = flow.step(this.context(session, isGroup), stored.state, input);
    if (step.unhandled) return null;
    return this.apply(session, flow, step, isGroup);
  }

  /** Goes one step back; null when there is nothing to go back to. */
  back(session: Session): Reply[] | null {
    const f = session.flow;
    const prev = f?.back?.pop();
    if (!f || !prev) return null;
    f.state = prev.state;
    f.choices = prev.choices;
    f.expects = prev.expects;
    f.lastReplies = prev.replies;
    return prev.replies;
  }

  private async apply(session: Session, flow: AnyFlow, first: FlowStep<unknown>, isGroup: boolean): Promise<FlowOutcome> {
    const replies: Reply[] = [];
    let step = first;
    let current = flow;
    let topic: string | null = step.topic ?? null;
    for (let guard = 0; guard < MAX_CHAIN; guard++) {
      replies.push(...step.replies);
      if (step.topic !== undefined && step.topic !== null) topic = step.topic;
      if (step.setRegion) {
        session.region = step.setRegion;
        session.otherCity = undefined;
      }
      if (step.holdCode) this.heldCodes.set(session.key, { code: step.holdCode, at: this.deps.clock.now() });
      if (step.request && session.flow) {
        session.flow.state = step.state;
        const result = await this.execute(step.request, session.key);
        step = current.step(this.context(session, isGroup), step.state, { kind: "result", result });
        continue;
      }
      if (step.next) {
        const next = this.byName.get(step.next.flow);
        session.flow = null;
        if (!next) break;
        if (next.personal && isGroup) {
          replies.push({ text: W.groupPersonal, sensitiveInput: true });
          break;
        }
        current = next;
        step = next.start(this.context(session, isGroup), { text: step.next.text });
        session.flow = { name: next.name, version: next.version, state: step.state, back: [] };
        continue;
      }
      break;
    }
    const asking = [...replies].reverse().find((r) => r.choices?.length || r.expects);
    if (step.status === "waiting" && session.flow) {
      const f = session.flow;
      if (f.choices !== undefined || f.state !== step.state) {
        f.back = [...(f.back ?? []), { state: f.state, choices: f.choices, expects: f.expects, replies: f.lastReplies ?? [] }].slice(-5);
      }
      f.state = step.state;
      if (replies.length) {
        f.choices = asking?.choices;
        f.expects = asking?.expects;
      }
      f.lastReplies = replies;
    } else {
      session.flow = null;
    }
    if (!session.flow) this.heldCodes.delete(session.key);
    return { replies, topic, failed: step.status === "failed", flowName: current.name };
  }

  private async execute(req: PlatformRequest, sessionKey: string): Promise<PlatformResult> {
    const p = this.deps.platform;
    if (!p) return { op: req.op, ok: false, code: "unavailable", message: "no platform" };
    if ("code" in req && req.code === HELD_CODE) {
      // The code is used once: a wrong one is asked for again, an old one (or one lost in a restart) expired.
      const held = this.heldCodes.get(sessionKey);
      this.heldCodes.delete(sessionKey);
      if (!held || this.deps.clock.now() - held.at > CODE_HOLD_MS) return { op: req.op, ok: false, code: "code_expired", message: "no code held" };
      req = { ...req, code: held.code };
    }
    try {
      switch (req.op) {
        case "getRegistration": {
          const data = await p.getRegistration(req.idNumber, req.name);
          if (data)
            this.identified.set(sessionKey, {
              person: { idNumber: req.idNumber, masked: maskIdNumber(req.idNumber), name: req.name },
              at: this.deps.clock.now(),
            });
          return { op: req.op, ok: true, data };
        }
        case "sendCode":
          return { op: req.op, ok: true, data: await p.sendCode(req.idNumber, req.purpose) };
        case "withdraw":
          return { op: req.op, ok: true, data: await p.withdrawRegistration(req.idNumber, req.code, req.idempotencyKey) };
        case "findUnits":
          return { op: req.op, ok: true, data: await p.findUnits(req.query) };
        case "startTransfer":
          return { op: req.op, ok: true, data: await p.startTransfer(req.idNumber, req.toUnitId, req.code, req.idempotencyKey) };
        case "getTransfer":
          return { op: req.op, ok: true, data: await p.getTransfer(req.idNumber) };
        case "verifyCode":
          return { op: req.op, ok: true, data: await p.verifyCode(req.idNumber, req.purpose, req.code) };
      }
    } catch (err) {
      const code = err instanceof PlatformError ? err.code : "unavailable";
      const why = err instanceof Error ? err.message.split("\n")[0].slice(0, 120) : "";
      this.deps.log?.(maskPersonal(`platform ${req.op} failed: ${code}${why ? ` (${why})` : ""}`));
      return { op: req.op, ok: false, code, message: err instanceof Error ? err.message : "" };
    }
  }
}
