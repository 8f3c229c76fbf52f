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
import { findName } from "../flows/slots.ts";
import { pickedIndex, stopWithin } from "./pipeline/interruptions.ts";
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

/** What each flow is called when the bot says it stops or resumes it. */
const FLOW_LABEL: Record<string, string> = {
  withdraw: "撤回注册申请",
  transfer: "单位调转",
  "check-progress": "审核进度查询",
  "withdraw-status": "撤回结果查询",
  "transfer-status": "调转进度查询",
  "login-trouble": "登录问题排查",
  "password-forgot": "找回密码",
  "title-date": "职称时间确认",
  "wrong-unit": "选错单位的处理",
  "special-registration": "特殊情况注册",
};
const flowLabel = (name: string) => FLOW_LABEL[name] ?? "办理";

/** Asking about what was done: the status flows, not the FAQ text. */
const TRANSFER_STATUS =
  /(调转|调动|转单位|调单位|换单位).{0,10}(到哪|哪一步|进度|怎么样了|什么状态|状态|成功了|好了吗|好了没|通过了|批了|接收了|审核了吗|审了吗|了吗|了没)|(到哪一步|进度).{0,6}(调转|调动)/;
const WITHDRAW_STATUS = /撤回.{0,8}(成功|好了|了吗|了没|生效|结果|状态|进度)|撤(了|掉了)吗|撤回了没/;
/** The flow that answers a status question, if the text is one. */
export function statusFlowOf(text: string): "transfer-status" | "withdraw-status" | null {
  const t = text.normalize("NFKC").replace(/\s+/g, "");
  if (/怎么|如何|在哪|哪里|能不能|可以|需要|多久/.test(t.replace(/到哪一?步|在哪一步/g, ""))) return null;
  if (TRANSFER_STATUS.test(t)) return "transfer-status";
  if (WITHDRAW_STATUS.test(t)) return "withdraw-status";
  return null;
}
const ID_DIGITS = /\d{15,17}[\dXx]/g;
/** How sure an answer must be to be given while the user waits for a person. */
const SURE_WHILE_WAITING = 0.6;
const CONTINUE = /^(继续|接着|继续吧|好的?[,，]?继续|接着办|继续办理?)$/;

const outcome = (kind: Outcome["kind"], replies: Reply[], session: Session, extra: Partial<Outcome> = {}): Outcome => ({
  kind,
  replies,
  topic: null,
  offered: [],
  flow: session.flow?.name ?? null,
  ...extra,
});

export class Router {
  /** A bare ID number (and name) sent before saying what for, held in memory only until the
   * user picks the action: the acting flow then starts with it instead of asking again. */
  private bareIds = new Map<string, { text: string; at: number }>();
  constructor(private d: RouteDeps) {}

  private get m(): Matcher {
    return this.d.matcher();
  }

  /** 1–5 above. */
  async route(t: Turn): Promise<Outcome> {
    const cont = await this.continuation(t);
    if (cont) return cont;
    const { session } = t;
    if (session.flow) return this.activeFlow(t);
    if (session.handoff?.state === "waiting" && !session.choices) return this.whileWaiting(t, session.handoff.ticketId);
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
    const bare = this.bareIds.get(t.key);
    this.bareIds.delete(t.key);
    if (bare && this.d.now() - bare.at < IDLE_MS && this.d.runner.forTopic(target.id)?.personal) {
      return this.answerTopic({ ...t, text: bare.text }, target.id, {
        band: "answer",
        id: target.id,
        offered: [],
        confidence: 1,
        candidates: [],
        normalized: bare.text,
        tokens: [],
      } as unknown as MatchResult);
    }
    return this.answerTopic(t, target.id, {
      band: "answer",
      id: target.id,
      offered: [],
      confidence: 1,
      candidates: [],
      normalized: t.text,
      tokens: [],
    } as unknown as MatchResult);
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
    // Stop in the user's own words. A question with choices hears its own "no" (先不提交, 不了)
    // first; a question for typed text (a name, a code) would take "不想查了" as an answer.
    const stop = stopWithin(t.text);
    if (stop && (!labels.length || choiceIndex === undefined)) {
      const first = labels.length && !stop.rest ? await this.d.runner.step(session, flow, { kind: "text", text: t.text, choiceIndex }, t.isGroup) : null;
      if (first) return this.fromFlow(t, first);
      return this.stopFlow(t, stored.name, stop.rest);
    }
    if (CONTINUE.test(t.text.trim())) return this.resume(t, []);
    const done = await this.d.runner.step(session, flow, { kind: "text", text: t.text, choiceIndex }, t.isGroup);
    if (done) return this.fromFlow(t, done);
    // Not an answer to the flow's question: maybe a status question or a new question.
    const status = statusFlowOf(t.text);
    if (status && status !== stored.name) return this.startStatus(t, status);
    const m = await this.d.understand(t.text);
    // A question in the middle of an acting flow: answered, and the flow offered back.
    if (m.band === "answer" && m.id && flow.personal && !this.d.runner.forTopic(m.id) && this.m.entry(m.id)?.kind !== "handoff") {
      const answered = await this.answerTopic(t, m.id, m);
      return this.resume(t, answered.replies, answered);
    }
    if (m.band === "answer" || m.outOfScope || (m.band === "clarify" && [...t.text].length > 6)) {
      session.flow = null;
      this.d.runner.forget(t.key);
      return this.handleMatch(t, t.text, m);
    }
    const again: Reply = { text: W.notUnderstood, ...(labels.length ? { choices: labels } : {}), ...(stored.expects ? { expects: stored.expects } : {}) };
    return outcome("flow", [again], session, { flow: stored.name });
  }

  /** The flow's question again after `before` (an answer to a question asked in between). */
  private resume(t: Turn, before: Reply[], answered?: Outcome): Outcome {
    const stored = t.session.flow;
    if (!stored) return answered ?? outcome("flow", before, t.session);
    const last = [...(stored.lastReplies ?? [])].reverse().find((r) => r.choices?.length || r.expects) ?? stored.lastReplies?.at(-1);
    const question = stored.expects === "secret" ? "请输入收到的6位验证码。" : (last?.text.split("\n\n").at(-1) ?? "");
    const reply: Reply = {
      text: `${W.flowResume(flowLabel(stored.name), question)}${stored.expects === "secret" ? "" : W.flowResumeHint}`,
      ...(stored.choices?.length ? { choices: stored.choices } : {}),
      ...(stored.expects ? { expects: stored.expects } : {}),
      ...(stored.expects === "secret" ? { sensitiveInput: true } : {}),
    };
    const replies = [...before, reply];
    if (answered) return { ...answered, replies, flow: stored.name };
    return outcome("flow", replies, t.session, { flow: stored.name });
  }

  /** Ends the active flow on the user's word; a question said after the pause word is answered. */
  private async stopFlow(t: Turn, name: string, rest: string): Promise<Outcome> {
    const { session } = t;
    session.flow = null;
    session.choices = null;
    this.d.runner.forget(t.key);
    const stopped: Reply = { text: W.flowStopped(flowLabel(name)) };
    if (!rest) return outcome("interrupt", [stopped], session);
    const next = await this.understand(t, rest);
    return { ...next, replies: [{ text: `好的，${flowLabel(name)}先不办了，没有做任何更改。` }, ...next.replies] };
  }

  /** A status question: the status flow, for the person identified in this conversation if any. */
  private async startStatus(t: Turn, name: "transfer-status" | "withdraw-status"): Promise<Outcome> {
    const flow = this.d.runner.byNameOf(name);
    if (!flow) return this.understand(t, t.text);
    t.session.flow = null;
    t.session.lastTopic = flow.topic;
    return this.startFlow(t, flow, {
      band: "answer",
      id: flow.topic,
      offered: [],
      confidence: 1,
      candidates: [],
      normalized: t.text,
      tokens: [],
    } as unknown as MatchResult);
  }

  private async fromFlow(t: Turn, o: FlowOutcome, m?: MatchResult): Promise<Outcome> {
    const replies = [...o.replies];
    // What the FAQ does not cover, said after the answer and before the flow's own question.
    if (m?.uncovered && m.uncoveredNote) replies.splice(Math.min(1, replies.length), 0, { text: m.uncoveredNote });
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
    const status = statusFlowOf(text);
    if (status) return this.startStatus(t, status);
    if (id) {
      // The request understood without the person's number and name; the flow gets them all.
      const name = findName(text.replace(ID_DIGITS, " "));
      const request = text
        .replace(ID_DIGITS, " ")
        .replace(name ?? "\u0000", " ")
        .trim();
      return this.handleMatch(t, text, await this.d.understand(request));
    }
    return this.handleMatch(t, text, await this.d.understand(text));
  }

  /** A bare ID number: the person wants something done with it; offer the acting flows. */
  private offerActions(t: Turn): Outcome {
    if (!t.isGroup) this.bareIds.set(t.key, { text: t.text, at: this.d.now() });
    const ids = [...ACTION_IDS];
    const labels = ids.map((x) => this.m.entry(x)?.title ?? x);
    t.session.choices = { labels, targets: ids.map((x) => ({ type: "topic", id: x }) as ChoiceTarget) };
    const text = `${t.isGroup ? W.groupNoIdNumbers : ""}${W.bareIdNumber}`;
    return outcome("clarify", [{ text, choices: labels, expects: "pick" }], t.session, { offered: ids, band: "clarify" });
  }

  private applyPlace(session: Session, m: MatchResult): void {
    if (!m.place) return;
    if (m.place.region === "other") {
      session.region = null;
      session.otherCity = m.place.name;
    } else {
      session.region = m.place.region;
      session.otherCity = undefined;
    }
  }

  private isContextOnly(text: string, place: string): boolean {
    const rest = this.m.norm
      .clean(text)
      .replace(/\s+/g, "")
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
      return outcome("clarify", [{ text: W.clarifyLead, choices: labels, expects: "clarify" }], session, {
        offered: m.offered,
        band: "clarify",
        confidence: m.confidence,
      });
    }
    session.choices = { labels: ["转人工"], targets: [{ type: "handoff" }] };
    const lead = m.outOfScope ? W.declineOutOfScope : W.declineUnknown;
    return outcome("decline", [{ text: `${lead}\n${W.offerHuman}`, choices: ["转人工"], expects: "optional" }], session, {
      band: "decline",
      confidence: m.confidence,
      outOfScope: m.outOfScope,
    });
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
    // A message that also asks what the FAQ does not cover: say so plainly and offer a person.
    if (m.uncovered && m.uncoveredNote) {
      replies.push({ text: m.uncoveredNote, choices: ["转人工"], expects: "optional" });
      session.choices = { labels: ["转人工"], targets: [{ type: "handoff" }] };
    }
    if (m.secondary) this.offerSecondary(session, replies, m.secondary);
    return outcome("answer", replies, session, { topic: id, offered: m.secondary ? [m.secondary] : [], band: "answer", confidence: m.confidence });
  }

  private async startFlow(t: Turn, flow: AnyFlow, m: MatchResult): Promise<Outcome> {
    if (flow.personal && t.isGroup) {
      // Personal data never in a group: the answer here, the rest in a private chat.
      await this.continueInPrivate(t);
      const answer = this.d.runner.context(t.session, true).answer(flow.topic);
      return outcome("flow", [{ text: `${answer}\n\n${W.groupPersonal}`, topic: flow.topic, sensitiveInput: true }], t.session, {
        topic: flow.topic,
        flow: null,
      });
    }
    return this.fromFlow(t, await this.d.runner.start(t.session, flow, t.text, t.isGroup), m);
  }

  /** Leaves the group's question in the asker's private conversation with the assistant. */
  private async continueInPrivate(t: Turn): Promise<void> {
    const k = parseKey(t.key);
    if (!k) return;
    const privateKey = encodeKey({ channel: k.channel, conversationId: k.userId, userId: k.userId });
    const at = this.d.now();
    await this.d.conversations.withSession(privateKey, (s) => {
      s.continuation = { text: t.text, at };
    });
  }

  /**
   * Waiting for a person after 转人工: what the user writes is for the agent. The bot answers only
   * what it is sure of (no "您是想问", no second offer of a person) and otherwise says the message
   * is passed on.
   */
  private async whileWaiting(t: Turn, ticketId: string): Promise<Outcome> {
    const status = statusFlowOf(t.text);
    if (status) return this.startStatus(t, status);
    // A description of the problem is for the agent; only a question is answered here.
    const asks = /[?？吗呢]|怎么|如何|哪|什么|多久|能不能|可不可以|是否|为啥|为什么/.test(t.text);
    const m = await this.d.understand(t.text);
    if (asks && m.band === "answer" && m.id && !m.outOfScope && (m.confidence ?? 0) >= SURE_WHILE_WAITING && this.m.entry(m.id)?.kind !== "handoff") {
      return this.answerTopic(t, m.id, { ...m, secondary: undefined });
    }
    if (this.d.tickets) await this.d.tickets.userMessage(ticketId, t.text);
    const text = this.d.tickets ? W.handoffWaitingAck(ticketId) : W.handoffWaitingNoQueue;
    return outcome("handoff", [{ text, topic: IDS.handoff }], t.session, { topic: IDS.handoff, flow: null });
  }

  /** Hands the conversation to a person; `before` are replies said first. */
  async handoff(t: Turn, reason: string, before: Reply[] = []): Promise<Outcome> {
    const { session } = t;
    session.flow = null;
    session.choices = null;
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
