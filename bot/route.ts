// Where a message goes once interruptions are out of the way, in this order:
//   1. a question left over from a group chat, continued in the private chat;
//   2. a pending choice: the active flow's question, else the choices the last reply offered;
//   3. the active flow (input it does not understand may be a new question);
//   4. the page's context (a login message on screen turns "登不上" into that message);
//   5. understanding: answer, clarify with choices, or decline and offer a person.
import type { Inbound, Reply, TurnResult } from "./message.ts";
import type { Session, ChoiceTarget } from "./session.ts";
import type { Tickets, TurnEvent } from "./ports.ts";
import type { Matcher, MatchResult } from "./nlu/matcher.ts";
import type { FlowRunner, FlowOutcome, AnyFlow } from "./flow-runner.ts";
import type { Conversations } from "./conversations.ts";
import { IDLE_MS } from "./conversations.ts";
import { composeAnswer } from "./compose.ts";
import { W, CITY_NAME } from "./wording.ts";
import { findIdNumber } from "./id-number-in-text.ts";
import { pickedIndex } from "./pipeline/interruptions.ts";
import { isGenericLoginQuestion, loginErrorQuestion } from "./page-context.ts";
import { encodeKey, parseKey } from "./conversation-key.ts";
import { IDS, ACTION_IDS } from "../knowledge/ids.ts";

/** A turn's outcome before it is logged: the result plus what the figures record. */
export interface Outcome extends TurnResult {
  kind: TurnEvent["band"];
  outOfScope?: string;
}

export interface Turn {
  inbound: Inbound;
  key: string;
  session: Session;
  /** What the user said (a clicked choice's label, or the text). */
  text: string;
  isGroup: boolean;
}

export interface RouteDeps {
  /** Entries, places and the normaliser. */
  matcher: () => Matcher;
  /** What a new question asks (answer, clarify or decline), with all the evidence. */
  understand: (text: string) => Promise<MatchResult>;
  runner: FlowRunner;
  conversations: Conversations;
  tickets?: Tickets;
  now: () => number;
}

const outcome = (kind: Outcome["kind"], replies: Reply[], session: Session, extra: Partial<Outcome> = {}): Outcome =>
  ({ kind, replies, topic: null, offered: [], flow: session.flow?.name ?? null, ...extra });

export class Router {
  constructor(private d: RouteDeps) {}

  private get m(): Matcher { return this.d.matcher(); }

  /** 1–5 above. */
  async route(t: Turn): Promise<Outcome> {
    const cont = await this.continuation(t);
    if (cont) return cont;
    const { session } = t;
    if (session.flow) return this.activeFlow(t);
    if (session.choices) {
      const c = session.choices;
      session.choices = null; // whatever the answer, the offer is used up
      const i = pickedIndex(t.text, c.labels, t.inbound.choice);
      if (i !== undefined) return this.choose(t, c.targets[i]);
    }
    return this.understand(t, t.text);
  }

  /** A question asked in a group that needs personal data continues here, in the private chat. */
  private async continuation(t: Turn): Promise<Outcome | null> {
    const c = t.session.continuation;
    if (!c || t.isGroup) return null;
    delete t.session.continuation;
    if (this.d.now() - c.at > IDLE_MS || (await this.d.understand(t.text)).band === "answer") return null;
    const first = await this.understand(t, c.text);
    // A number sent along is the continued question's first answer.
    if (!/\d{6,}/.test(t.text.replace(/\s+/g, "")) || !t.session.flow) return first;
    const next = await this.activeFlow(t);
    return { ...next, replies: [...first.replies, ...next.replies], topic: next.topic ?? first.topic };
  }

  private async choose(t: Turn, target: ChoiceTarget): Promise<Outcome> {
    if (target.type === "handoff") return this.handoff(t, "拒答后用户要求转人工");
    return this.answerTopic(t, target.id, { band: "answer", id: target.id, offered: [], confidence: 1, candidates: [], normalized: t.text, tokens: [] } as unknown as MatchResult);
  }

  private async activeFlow(t: Turn): Promise<Outcome> {
    const { session } = t;
    const stored = session.flow;
    const flow = this.d.runner.current(session);
    if (!stored || !flow) {
      // Stored under another definition: restart politely.
      session.flow = null;
      const r = await this.understand(t, t.text);
      return { ...r, replies: [{ text: W.flowUpdated }, ...r.replies] };
    }
    const labels = stored.choices ?? [];
    const choiceIndex = pickedIndex(t.text, labels, t.inbound.choice);
    const done = await this.d.runner.step(session, flow, { kind: "text", text: t.text, choiceIndex }, t.isGroup);
    if (done) return this.fromFlow(t, done);
    // Not an answer to the flow's question: maybe a new question.
    const m = await this.d.understand(t.text);
    if (m.band === "answer" || m.outOfScope || (m.band === "clarify" && [...t.text].length > 6)) {
      session.flow = null;
      this.d.runner.forget(t.key);
      return this.handleMatch(t, t.text, m);
    }
    const again: Reply = { text: W.notUnderstood, ...(labels.length ? { choices: labels } : {}), ...(stored.expects ? { expects: stored.expects } : {}) };
    return outcome("flow", [again], session, { flow: stored.name });
  }

  private async fromFlow(t: Turn, o: FlowOutcome, m?: MatchResult): Promise<Outcome> {
    const replies = [...o.replies];
    const offered = m?.secondary ? [m.secondary] : [];
    if (m?.secondary && !t.session.flow) this.offerSecondary(t.session, replies, m.secondary);
    return outcome("flow", replies, t.session, { topic: o.topic, offered, band: "answer", confidence: m?.confidence });
  }

  /** A new question: the page's context first, then a bare ID number, then the matcher. */
  private async understand(t: Turn, said: string): Promise<Outcome> {
    const loginError = t.inbound.page?.loginError;
    let text = said;
    if (loginError && !t.inbound.choice && (await isGenericLoginQuestion({ match: this.d.understand }, said))) text = loginErrorQuestion(loginError);
    const id = findIdNumber(text);
    if (id && text.replace(/[\s\dXx*-]/g, "").length <= 4) return this.offerActions(t);
    return this.handleMatch(t, text, await this.d.understand(text));
  }

  /** A bare ID number: the person wants something done with it; offer the acting flows. */
  private offerActions(t: Turn): Outcome {
    const ids = [...ACTION_IDS];
    const labels = ids.map((x) => this.m.entry(x)?.title ?? x);
    t.session.choices = { labels, targets: ids.map((x) => ({ type: "topic", id: x }) as ChoiceTarget) };
    const text = `${t.isGroup ? W.groupNoIdNumbers : ""}${W.bareIdNumber}`;
    return outcome("clarify", [{ text, choices: labels, expects: "pick" }], t.session, { offered: ids, band: "clarify" });
  }

  private applyPlace(session: Session, m: MatchResult): void {
    if (!m.place) return;
    if (m.place.region === "other") { session.region = null; session.otherCity = m.place.name; }
    else { session.region = m.place.region; session.otherCity = undefined; }
  }

  private isContextOnly(text: string, place: string): boolean {
    const rest = this.m.norm.clean(text).replace(/\s+/g, "")
      .replace(place, "")
      .replace(/我是|我在|我们是|我们在|这边|那边|这里|的|人|市|区|县|上班|工作|单位|老师|地区|你好|您好/g, "");
    return [...rest].length <= 2;
  }

  private async handleMatch(t: Turn, text: string, m: MatchResult): Promise<Outcome> {
    const { session } = t;
    this.applyPlace(session, m);
    // Context only ("我是滕州的"): acknowledge; if the last answer asked for the city, answer it now.
    if (m.place && !m.outOfScope && this.isContextOnly(text, m.place.name)) {
      // A city after an answer that differs by city: that answer again, for the city named.
      const last = session.lastTopic && this.m.entry(session.lastTopic)?.variants ? session.lastTopic : undefined;
      const pending = session.pendingCityTopic ?? last;
      session.pendingCityTopic = undefined;
      if (pending && m.place.region !== "other") return this.answerTopic(t, pending, m);
      const ack = m.place.region === "other" ? W.otherCityAck(m.place.name) : W.regionAck(CITY_NAME[m.place.region]);
      return outcome("ack", [{ text: ack }], session);
    }
    if (m.band === "answer" && m.id) return this.answerTopic(t, m.id, m);
    if (m.band === "clarify") {
      const labels = m.offered.map((id) => this.m.entry(id)?.title ?? id);
      session.choices = { labels, targets: m.offered.map((id) => ({ type: "topic", id }) as ChoiceTarget) };
      return outcome("clarify", [{ text: W.clarifyLead, choices: labels, expects: "clarify" }], session,
        { offered: m.offered, band: "clarify", confidence: m.confidence });
    }
    session.choices = { labels: ["转人工"], targets: [{ type: "handoff" }] };
    const lead = m.outOfScope ? W.declineOutOfScope : W.declineUnknown;
    return outcome("decline", [{ text: `${lead}\n${W.offerHuman}`, choices: ["转人工"], expects: "optional" }], session,
      { band: "decline", confidence: m.confidence, outOfScope: m.outOfScope });
  }

  private offerSecondary(session: Session, replies: Reply[], id: string): void {
    const title = this.m.entry(id)?.title ?? id;
    replies.push({ text: W.secondaryLead, choices: [title], expects: "optional" });
    session.choices = { labels: [title], targets: [{ type: "topic", id }] };
  }

  private async answerTopic(t: Turn, id: string, m: MatchResult): Promise<Outcome> {
    const { session } = t;
    const entry = this.m.entry(id);
    if (!entry) return this.handleMatch(t, t.text, { ...m, band: "decline", id: null });
    if (entry.kind === "handoff") return this.handoff(t, "用户要求转人工");
    const flow = this.d.runner.forTopic(id);
    session.pendingCityTopic = undefined;
    session.lastTopic = id;
    if (flow) return this.startFlow(t, flow, m);
    const composed = composeAnswer(entry, { region: session.region, otherCity: session.otherCity });
    if (composed.asksCity) session.pendingCityTopic = id;
    const replies: Reply[] = [{ text: composed.text, topic: id }];
    if (m.secondary) this.offerSecondary(session, replies, m.secondary);
    return outcome("answer", replies, session, { topic: id, offered: m.secondary ? [m.secondary] : [], band: "answer", confidence: m.confidence });
  }

  private async startFlow(t: Turn, flow: AnyFlow, m: MatchResult): Promise<Outcome> {
    if (flow.personal && t.isGroup) {
      // Personal data never in a group: the answer here, the rest in a private chat.
      await this.continueInPrivate(t);
      const answer = this.d.runner.context(t.session, true).answer(flow.topic);
      return outcome("flow", [{ text: `${answer}\n\n${W.groupPersonal}`, topic: flow.topic, sensitiveInput: true }], t.session, { topic: flow.topic, flow: null });
    }
    return this.fromFlow(t, await this.d.runner.start(t.session, flow, t.text, t.isGroup), m);
  }

  /** Leaves the group's question in the asker's private conversation with the assistant. */
  private async continueInPrivate(t: Turn): Promise<void> {
    const k = parseKey(t.key);
    if (!k) return;
    const privateKey = encodeKey({ channel: k.channel, conversationId: k.userId, userId: k.userId });
    const at = this.d.now();
    await this.d.conversations.withSession(privateKey, (s) => { s.continuation = { text: t.text, at }; });
  }

  /** Hands the conversation to a person; `before` are replies said first. */
  async handoff(t: Turn, reason: string, before: Reply[] = []): Promise<Outcome> {
    const { session } = t;
    session.flow = null; session.choices = null;
    this.d.runner.forget(t.key);
    let ticket = session.handoff?.ticketId;
    if (this.d.tickets && !ticket) {
      ticket = await this.d.tickets.open(session, reason);
      session.handoff = { ticketId: ticket, state: "waiting", since: this.d.now() };
    }
    const e = this.m.entry(IDS.handoff);
    const replies: Reply[] = [...before, { text: e?.answer.trim() ?? W.handoffFallback, topic: IDS.handoff, handoff: true }];
    // Outside working hours the queue says when someone will answer.
    const offHours = ticket ? this.d.tickets?.takeOpenNotice?.(ticket) : null;
    if (offHours) replies.push({ text: offHours, topic: IDS.handoff });
    return outcome("handoff", replies, session, { topic: IDS.handoff, flow: null });
  }
}
