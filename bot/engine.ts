// The conversation engine: one turn = interruptions, then the active flow, then the matcher.
// Every channel drives it the same way; the session is loaded once and saved once per turn.
import { randomUUID } from "node:crypto";
import { Mutex } from "async-mutex";
import type { Message, Reply, TurnResult, Region } from "./message.ts";
import type { Matcher, MatchResult } from "./nlu/matcher.ts";
import { composeAnswer } from "./compose.ts";
import { W, CITY_NAME, numbered } from "./wording.ts";
import { freshSession, HISTORY_LIMIT, type ChoiceTarget, type Session } from "./session.ts";
import { maskPersonal, looksLikePassword } from "./mask.ts";
import type { SessionStore } from "../adapters/storage/types.ts";
import { PlatformError, type PlatformAdapter } from "../adapters/platform/types.ts";
import { HELD_CODE, type FlowContext, type FlowDef, type FlowInput, type FlowStep, type PlatformRequest, type PlatformResult } from "../flows/types.ts";
import { systemClock, type Clock } from "./clock.ts";
import { validateIdNumber, maskIdNumber } from "../adapters/platform/id-number.ts";

export const IDLE_MS = 30 * 60 * 1000;
/** How long a typed one-time code is held in memory for the action it confirms. */
export const CODE_HOLD_MS = 10 * 60 * 1000;

/** Where hand-offs go (the agents' queue). */
export interface HandoffPort {
  open(session: Session, reason: string): Promise<string>;
  /** A user message while a person has the conversation. */
  userMessage(ticketId: string, text: string): Promise<void>;
}

/** What the engine reports for figures and the learning loop. */
export interface TurnEvent {
  at: number;
  sessionKey: string;
  channel: string;
  region: Region | null;
  text: string;
  band: "answer" | "clarify" | "decline" | "flow" | "interrupt" | "handoff" | "ack";
  topic: string | null;
  offered: string[];
  outOfScope?: string;
}

export interface EngineDeps {
  matcher: Matcher;
  store: SessionStore<Session>;
  flows: FlowDef<any>[];
  platform?: PlatformAdapter;
  clock?: Clock;
  idleMs?: number;
  handoff?: HandoffPort;
  onTurn?: (e: TurnEvent) => void;
  /** Staff notices (maintenance, deadlines) shown with answers about a topic until they expire. */
  notices?: (topicId: string, now: number) => string[];
  log?: (line: string) => void;
}

const CANCEL = /^(取消|算了|不用了|不要了|不需要了|没事了|不办了|退出|结束|取消吧|算了吧|不用了谢谢)$/;
const RESTART = /^(重新开始|重来|从头开始|重新来|从头来)$/;
const BACK = /^(返回上一步|上一步|返回|回到上一步|退回上一步)$/;
const HUMAN = /^(转人工|人工|人工客服|找人工|真人|真人客服|人工服务|转人工客服|我要人工|找客服|客服)$/;
const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** "1", "第一个", "选2", "2." → 1-based number, else undefined. */
export function parseChoiceNumber(text: string): number | undefined {
  const t = text.normalize("NFKC").replace(/\s+/g, "").replace(/[。.、，,!！]$/, "");
  let m = t.match(/^(?:选|选择|回复)?(?:第)?(\d{1,2}|[一二两三四五六七八九十])(?:个|条|项|种)?$/);
  if (!m) m = t.match(/^第(\d{1,2}|[一二两三四五六七八九十])(?:个|条|项|种)?$/);
  if (!m) return undefined;
  return /\d/.test(m[1]) ? Number(m[1]) : CN_NUM[m[1]];
}

const ID_REASON: Record<string, string> = {
  check_digit: "最后一位校验码不对", birth_date: "中间的出生日期不对", region: "开头的地区码不对", format: "位数或格式不对", empty: "是空的",
};

/** An ID number typed in a message: 15–19 digits (maybe ending in X), validated for the resident ID. */
function findIdNumber(text: string): { ok: true; idNumber: string; masked: string } | { ok: false; reason: string } | null {
  const m = text.normalize("NFKC").replace(/[\s-]/g, "").match(/(?<!\d)\d{14,18}[\dXx]?(?!\d)/);
  if (!m) return null;
  const v = validateIdNumber(m[0]);
  if (!v.ok) return { ok: false, reason: ID_REASON[v.reason] ?? "不正确" };
  return { ok: true, idNumber: v.idNumber, masked: maskIdNumber(v.idNumber) };
}

export class Engine {
  private locks = new Map<string, { mutex: Mutex; users: number }>();
  private flowsByName: Map<string, FlowDef<any>>;
  private flowsByTopic: Map<string, FlowDef<any>>;
  private clock: Clock;
  private inFlight = 0;
  /** One-time codes typed by users, by session key: memory only, never in a session file or log. */
  private heldCodes = new Map<string, { code: string; at: number }>();
  private closing = false;

  constructor(private deps: EngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.flowsByName = new Map(deps.flows.map((f) => [f.name, f]));
    this.flowsByTopic = new Map(deps.flows.map((f) => [f.topic, f]));
  }

  get matcher(): Matcher { return this.deps.matcher; }
  /** Swaps in a matcher built from changed knowledge; turns already running keep the old one. */
  setMatcher(m: Matcher): void { this.deps.matcher = m; }
  /** Hand-off port and turn listener can be attached after construction (the console does). */
  attach(parts: { handoff?: HandoffPort; onTurn?: EngineDeps["onTurn"]; notices?: EngineDeps["notices"] }): void {
    if (parts.handoff) this.deps.handoff = parts.handoff;
    if (parts.onTurn) this.deps.onTurn = parts.onTurn;
    if (parts.notices) this.deps.notices = parts.notices;
  }

  /** Changes a stored session under the conversation's lock (the console takes, replies, hands back). */
  async withSession<T>(key: string, fn: (s: Session) => T | Promise<T>): Promise<T> {
    let lock = this.locks.get(key);
    if (!lock) { lock = { mutex: new Mutex(), users: 0 }; this.locks.set(key, lock); }
    lock.users++;
    try {
      return await lock.mutex.runExclusive(async () => {
        const s = await this.loadSession(key, key.split(":")[0]);
        const out = await fn(s);
        s.updatedAt = this.clock.now();
        await this.deps.store.write(key, s);
        return out;
      });
    } finally {
      if (--lock.users === 0) this.locks.delete(key);
    }
  }
  get store(): SessionStore<Session> { return this.deps.store; }

  static keyOf(msg: Pick<Message, "channel" | "conversationId" | "userId">): string {
    return `${msg.channel}:${msg.conversationId}:${msg.userId}`;
  }

  /** Runs one turn; turns of one conversation run one at a time. */
  async turn(msg: Message, opts: { region?: Region | null } = {}): Promise<TurnResult> {
    if (this.closing) throw new Error("engine is shutting down");
    const key = Engine.keyOf(msg);
    let lock = this.locks.get(key);
    if (!lock) { lock = { mutex: new Mutex(), users: 0 }; this.locks.set(key, lock); }
    lock.users++;
    this.inFlight++;
    try {
      return await lock.mutex.runExclusive(() => this.turnLocked(key, msg, opts));
    } finally {
      this.inFlight--;
      if (--lock.users === 0) this.locks.delete(key);
    }
  }

  /** Refuses new turns and waits for the ones running, then flushes the store. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    await this.deps.store.flush();
  }

  async loadSession(key: string, channel: string): Promise<Session> {
    const now = this.clock.now();
    const stored = await this.deps.store.read(key);
    if (stored && stored.v === 1 && now - stored.updatedAt <= (this.deps.idleMs ?? IDLE_MS)) return stored;
    // Expired or unknown: start fresh, silently. A person's conversation keeps its ticket.
    const fresh = freshSession(key, channel, now);
    if (stored?.handoff) fresh.handoff = stored.handoff;
    return fresh;
  }

  private async turnLocked(key: string, msg: Message, opts: { region?: Region | null }): Promise<TurnResult> {
    const now = this.clock.now();
    const session = await this.loadSession(key, msg.channel);
    if (opts.region !== undefined && !session.history.length) session.region = opts.region;
    const text = (msg.choice ?? msg.text ?? "").trim();
    const result = await this.process(session, msg, text);
    session.updatedAt = now;
    if (session.history.length > HISTORY_LIMIT) session.history.splice(0, session.history.length - HISTORY_LIMIT);
    await this.deps.store.write(key, session);
    return result;
  }

  private record(session: Session, role: "user" | "bot" | "agent" | "system", text: string): void {
    session.history.push({ role, text: maskPersonal(text), at: this.clock.now() });
  }

  private finish(session: Session, msg: Message, text: string, r: TurnResult, band: TurnEvent["band"], extra: Partial<TurnEvent> = {}): TurnResult {
    const notices = r.topic && this.deps.notices ? this.deps.notices(r.topic, this.clock.now()) : [];
    if (notices.length) {
      // After the last answer about the topic, so a choice prompt stays last.
      let at = -1;
      r.replies.forEach((x, i) => { if (x.topic === r.topic && !x.choices?.length) at = i; });
      r.replies.splice(at + 1, 0, { text: notices.join("\n"), topic: r.topic });
    }
    for (const reply of r.replies) this.record(session, "bot", reply.text);
    this.deps.onTurn?.({ at: this.clock.now(), sessionKey: session.key, channel: msg.channel, region: session.region, text: maskPersonal(text), band, topic: r.topic, offered: r.offered, ...extra });
    return r;
  }

  private async process(session: Session, msg: Message, text: string): Promise<TurnResult> {
    const flowName = () => session.flow?.name ?? null;

    // Passwords are never used, stored, logged or echoed.
    if (looksLikePassword(text)) {
      this.record(session, "user", "[已隐藏：疑似密码]");
      const r: TurnResult = { replies: [{ text: "为了您的账号安全，请不要在对话中发送密码。我不会使用或保存这条消息。如果密码已经发出，建议您尽快登录平台修改密码。" }], topic: null, offered: [], flow: flowName() };
      return this.finish(session, msg, "[已隐藏]", r, "interrupt");
    }
    // The flow's last question asked for a one-time code: the input is never logged.
    const secret = session.flow?.expects === "secret";
    this.record(session, "user", secret ? "[验证码]" : text);

    // A person has this conversation: the bot stays quiet and passes the message on.
    if (session.handoff?.state === "taken" && this.deps.handoff) {
      await this.deps.handoff.userMessage(session.handoff.ticketId, secret ? "[验证码]" : maskPersonal(text));
      return { replies: [], topic: null, offered: [], flow: null };
    }

    const whole = text.normalize("NFKC").replace(/[\s。.!！?？~～]+/g, "");
    if (CANCEL.test(whole)) {
      session.flow = null; session.choices = null; session.pendingCityTopic = undefined;
      this.heldCodes.delete(session.key);
      return this.finish(session, msg, text, { replies: [{ text: W.cancelled }], topic: null, offered: [], flow: null }, "interrupt");
    }
    if (RESTART.test(whole)) {
      this.heldCodes.delete(session.key);
      session.flow = null; session.choices = null; session.pendingCityTopic = undefined; session.region = null; session.otherCity = undefined;
      return this.finish(session, msg, text, { replies: [{ text: W.restarted }], topic: null, offered: [], flow: null }, "interrupt");
    }
    if (BACK.test(whole)) {
      const f = session.flow;
      if (f?.back?.length) {
        const prev = f.back.pop()!;
        f.state = prev.state; f.choices = prev.choices; f.expects = prev.expects;
        const replies = prev.replies.map((t, i, all) => ({ text: t, choices: i === all.length - 1 ? prev.choices : undefined }));
        return this.finish(session, msg, text, { replies, topic: null, offered: [], flow: f.name }, "interrupt");
      }
      return this.finish(session, msg, text, { replies: [{ text: W.nothingToGoBack }], topic: null, offered: [], flow: flowName() }, "interrupt");
    }
    if (HUMAN.test(whole)) return this.handoff(session, msg, text, "用户要求转人工");

    // A number picks a choice only when the last reply offered choices and it is in range.
    const n = parseChoiceNumber(text);
    if (session.flow) {
      const f = session.flow;
      const labels = f.choices ?? [];
      let choiceIndex = n !== undefined && n >= 1 && n <= labels.length ? n - 1 : undefined;
      if (choiceIndex === undefined && msg.choice) { const i = labels.indexOf(msg.choice); if (i >= 0) choiceIndex = i; }
      return this.runFlow(session, msg, text, { kind: "text", text, choiceIndex });
    }
    if (session.choices) {
      const c = session.choices;
      let i = n !== undefined && n >= 1 && n <= c.labels.length ? n - 1 : -1;
      if (i < 0) i = c.labels.indexOf(text);
      if (i >= 0) {
        const target = c.targets[i];
        session.choices = null;
        if (target.type === "handoff") return this.handoff(session, msg, text, "拒答后用户要求转人工");
        return this.answerTopic(session, msg, text, target.id, { band: "answer", id: target.id, offered: [], confidence: 1, candidates: [], normalized: text, tokens: [] });
      }
      session.choices = null; // anything else is a new question
    }
    return this.answerQuestion(session, msg, text);
  }

  private flowContext(session: Session, msg: Message): FlowContext {
    return {
      region: session.region,
      answer: (id) => {
        const e = this.deps.matcher.entry(id);
        return e ? composeAnswer(e, { region: session.region, otherCity: session.otherCity, noCityQuestion: true }).text : "";
      },
      answerFor: (id, region) => {
        const e = this.deps.matcher.entry(id);
        return e ? composeAnswer(e, { region }).text : "";
      },
      regionOf: (t) => this.deps.matcher.findPlace(t)?.region ?? null,
      classify: (t, ids) => {
        const { candidates } = this.deps.matcher.score(t);
        const best = candidates.find((c) => ids.includes(c.id));
        const top = candidates[0];
        if (!best || best.score < this.deps.matcher.config.clarifyMin) return null;
        // Only when the restricted best is (nearly) the overall best: otherwise it is another question.
        if (top && top.id !== best.id && top.score - best.score > 0.15) return null;
        return best.id;
      },
      isGroup: !!msg.isGroup,
      now: () => this.clock.now(),
      newKey: () => randomUUID(),
      findIdNumber: (t) => findIdNumber(t),
    };
  }

  private async startFlow(session: Session, msg: Message, text: string, flow: FlowDef<any>, match?: MatchResult): Promise<TurnResult> {
    if ((flow as { personal?: boolean }).personal && msg.isGroup) {
      const r: TurnResult = {
        replies: [{ text: `${this.flowContext(session, msg).answer(flow.topic)}\n\n这件事需要核对身份证号等个人信息，群里不方便。请私聊我（直接给我发消息），我在私聊里继续帮您办理。`, topic: flow.topic, sensitiveInput: true }],
        topic: flow.topic, offered: [], flow: null,
      };
      return this.finish(session, msg, text, r, "flow");
    }
    const ctx = this.flowContext(session, msg);
    const step = flow.start(ctx, { text });
    session.flow = { name: flow.name, version: flow.version, state: step.state, back: [] };
    return this.applyStep(session, msg, text, flow, step, match);
  }

  private async runFlow(session: Session, msg: Message, text: string, input: FlowInput): Promise<TurnResult> {
    const stored = session.flow!;
    const flow = this.flowsByName.get(stored.name);
    if (!flow || flow.version !== stored.version) {
      // Stored under another definition: restart politely.
      session.flow = null;
      const r = await this.answerQuestion(session, msg, text);
      r.replies.unshift({ text: "（之前的办理步骤已更新，我们从头开始。）" });
      return r;
    }
    const ctx = this.flowContext(session, msg);
    const step = flow.step(ctx, stored.state, input);
    if (step.unhandled) {
      // Not an answer to the flow's question: maybe a new question.
      const m = this.deps.matcher.match(text);
      if (m.band === "answer" || m.outOfScope || (m.band === "clarify" && [...text].length > 6)) {
        session.flow = null;
        return this.handleMatch(session, msg, text, m);
      }
      const last = stored.choices?.length ? `\n${numbered(stored.choices)}\n请回复序号，或直接输入。` : "";
      const r: TurnResult = { replies: [{ text: `抱歉，我没能理解您的回答。${last}`, choices: stored.choices }], topic: null, offered: [], flow: stored.name };
      return this.finish(session, msg, text, r, "flow");
    }
    return this.applyStep(session, msg, text, flow, step);
  }

  private async applyStep(session: Session, msg: Message, text: string, flow: FlowDef<any>, first: FlowStep<any>, match?: MatchResult): Promise<TurnResult> {
    const replies: Reply[] = [];
    let step = first;
    let current = flow;
    let topic: string | null = step.topic ?? null;
    for (let guard = 0; guard < 8; guard++) {
      replies.push(...step.replies);
      if (step.topic !== undefined && step.topic !== null) topic = step.topic;
      if (step.setRegion) { session.region = step.setRegion; session.otherCity = undefined; }
      if (step.holdCode) this.heldCodes.set(session.key, { code: step.holdCode, at: this.clock.now() });
      if (step.request && session.flow) {
        session.flow.state = step.state;
        const result = await this.execute(step.request, session.key);
        step = current.step(this.flowContext(session, msg), step.state, { kind: "result", result });
        continue;
      }
      if (step.next) {
        const nf = this.flowsByName.get(step.next.flow);
        session.flow = null;
        if (!nf) break;
        if ((nf as { personal?: boolean }).personal && msg.isGroup) {
          replies.push({ text: "这件事需要核对身份证号等个人信息，群里不方便。请私聊我，我在私聊里继续帮您办理。", sensitiveInput: true });
          break;
        }
        current = nf;
        step = nf.start(this.flowContext(session, msg), { text: step.next.text });
        session.flow = { name: nf.name, version: nf.version, state: step.state, back: [] };
        continue;
      }
      break;
    }
    const lastChoices = [...replies].reverse().find((r) => r.choices?.length)?.choices;
    if (step.status === "waiting" && session.flow) {
      const f = session.flow;
      if (f.choices !== undefined || f.state !== step.state) {
        f.back = [...(f.back ?? []), { state: f.state, choices: f.choices, expects: f.expects, replies: f.lastReplies ?? [] }].slice(-5);
      }
      f.state = step.state;
      f.choices = replies.length ? lastChoices : f.choices;
      f.expects = replies.length ? replies[replies.length - 1].expects : f.expects;
      f.lastReplies = replies.map((r) => r.text);
    } else {
      session.flow = null;
    }
    if (!session.flow) this.heldCodes.delete(session.key);
    const offered = match?.secondary ? [match.secondary] : [];
    if (match?.secondary && !session.flow) this.offerSecondary(session, replies, match.secondary);
    const r: TurnResult = { replies, topic, offered, flow: session.flow?.name ?? null, band: "answer", confidence: match?.confidence };
    return this.finish(session, msg, text, r, "flow");
  }

  private async execute(req: PlatformRequest, sessionKey: string): Promise<PlatformResult> {
    const p = this.deps.platform;
    if (!p) return { op: req.op, ok: false, code: "unavailable", message: "no platform" };
    if ("code" in req && req.code === HELD_CODE) {
      // The code is used once: a wrong one is asked for again, an old one (or one lost in a restart) expired.
      const held = this.heldCodes.get(sessionKey);
      this.heldCodes.delete(sessionKey);
      if (!held || this.clock.now() - held.at > CODE_HOLD_MS) return { op: req.op, ok: false, code: "code_expired", message: "no code held" };
      req = { ...req, code: held.code };
    }
    try {
      switch (req.op) {
        case "getRegistration": return { op: req.op, ok: true, data: await p.getRegistration(req.idNumber, req.name) };
        case "sendCode": return { op: req.op, ok: true, data: await p.sendCode(req.idNumber, req.purpose) };
        case "withdraw": return { op: req.op, ok: true, data: await p.withdrawRegistration(req.idNumber, req.code, req.idempotencyKey) };
        case "findUnits": return { op: req.op, ok: true, data: await p.findUnits(req.query) };
        case "startTransfer": return { op: req.op, ok: true, data: await p.startTransfer(req.idNumber, req.toUnitId, req.code, req.idempotencyKey) };
        case "getTransfer": return { op: req.op, ok: true, data: await p.getTransfer(req.idNumber) };
      }
    } catch (err) {
      const code = err instanceof PlatformError ? err.code : "unavailable";
      this.deps.log?.(`platform ${req.op} failed: ${code}`);
      return { op: req.op, ok: false, code, message: err instanceof Error ? err.message : "" };
    }
  }

  private async handoff(session: Session, msg: Message, text: string, reason: string, before: Reply[] = []): Promise<TurnResult> {
    session.flow = null; session.choices = null;
    this.heldCodes.delete(session.key);
    let ticket = session.handoff?.ticketId;
    if (this.deps.handoff && !ticket) {
      ticket = await this.deps.handoff.open(session, reason);
      session.handoff = { ticketId: ticket, state: "waiting", since: this.clock.now() };
    }
    const e = this.deps.matcher.entry("handoff.human");
    const replies: Reply[] = [...before, { text: e?.answer.trim() ?? "正在为您转接人工客服。", topic: "handoff.human", handoff: true }];
    // Outside working hours the queue says when someone will answer.
    const offHours = ticket ? (this.deps.handoff as { takeOpenNotice?: (id: string) => string | null } | undefined)?.takeOpenNotice?.(ticket) : null;
    if (offHours) replies.push({ text: offHours, topic: "handoff.human" });
    return this.finish(session, msg, text, { replies, topic: "handoff.human", offered: [], flow: null }, "handoff");
  }

  private offerSecondary(session: Session, replies: Reply[], id: string): void {
    const title = this.deps.matcher.entry(id)?.title ?? id;
    replies.push({ text: `${W.secondaryLead}\n${numbered([title])}`, choices: [title] });
    session.choices = { labels: [title], targets: [{ type: "topic", id }] };
  }

  private applyPlace(session: Session, m: MatchResult): void {
    if (!m.place) return;
    if (m.place.region === "other") { session.region = null; session.otherCity = m.place.name; }
    else { session.region = m.place.region; session.otherCity = undefined; }
  }

  private async answerQuestion(session: Session, msg: Message, text: string): Promise<TurnResult> {
    // A bare ID number: the person wants something done with it; offer the acting flows.
    const id = findIdNumber(text);
    if (id && text.replace(/[\s\dXx*-]/g, "").length <= 4) {
      const ids = ["action.check-progress", "action.withdraw", "action.transfer"];
      const labels = ids.map((x) => this.deps.matcher.entry(x)?.title ?? x);
      session.choices = { labels, targets: ids.map((x) => ({ type: "topic", id: x }) as ChoiceTarget) };
      const warn = msg.isGroup ? "请不要在群里发身份证号等个人信息。" : "";
      const r: TurnResult = {
        replies: [{ text: `${warn}收到的像是身份证号。请问需要我帮您办哪件事？\n${numbered(labels)}\n请回复序号；办理时我会再核对身份。`, choices: labels }],
        topic: null, offered: ids, flow: null, band: "clarify",
      };
      return this.finish(session, msg, "[身份证号]", r, "clarify");
    }
    const m = this.deps.matcher.match(text);
    return this.handleMatch(session, msg, text, m);
  }

  private async handleMatch(session: Session, msg: Message, text: string, m: MatchResult): Promise<TurnResult> {
    this.applyPlace(session, m);
    // Context only ("我是滕州的"): acknowledge; if the last answer asked for the city, answer it now.
    if (m.place && !m.outOfScope && this.isContextOnly(text, m.place.name)) {
      // A city after an answer that differs by city: that answer again, for the city named.
      const last = session.lastTopic && this.deps.matcher.entry(session.lastTopic)?.variants ? session.lastTopic : undefined;
      const pending = session.pendingCityTopic ?? last;
      session.pendingCityTopic = undefined;
      if (pending && m.place.region !== "other") return this.answerTopic(session, msg, text, pending, m);
      const city = m.place.region === "other" ? m.place.name : CITY_NAME[m.place.region];
      const ack = m.place.region === "other" ? W.otherCityAck(city) : W.regionAck(city);
      return this.finish(session, msg, text, { replies: [{ text: ack }], topic: null, offered: [], flow: null }, "ack");
    }
    if (m.band === "answer" && m.id) return this.answerTopic(session, msg, text, m.id, m);
    if (m.band === "clarify") {
      const labels = m.offered.map((id) => this.deps.matcher.entry(id)?.title ?? id);
      session.choices = { labels, targets: m.offered.map((id) => ({ type: "topic", id }) as ChoiceTarget) };
      const r: TurnResult = {
        replies: [{ text: `${W.clarifyLead}\n${numbered(labels)}\n${W.clarifyTail}`, choices: labels }],
        topic: null, offered: m.offered, flow: null, band: "clarify", confidence: m.confidence,
      };
      return this.finish(session, msg, text, r, "clarify");
    }
    session.choices = { labels: ["转人工"], targets: [{ type: "handoff" }] };
    const lead = m.outOfScope ? W.declineOutOfScope : W.declineUnknown;
    const r: TurnResult = {
      replies: [{ text: `${lead}\n${W.offerHuman}`, choices: ["转人工"] }],
      topic: null, offered: [], flow: null, band: "decline", confidence: m.confidence,
    };
    return this.finish(session, msg, text, r, "decline", { outOfScope: m.outOfScope });
  }

  private isContextOnly(text: string, place: string): boolean {
    const rest = this.deps.matcher.norm.clean(text).replace(/\s+/g, "")
      .replace(place, "")
      .replace(/我是|我在|我们是|我们在|这边|那边|这里|的|人|市|区|县|上班|工作|单位|老师|地区|你好|您好/g, "");
    return [...rest].length <= 2;
  }

  private async answerTopic(session: Session, msg: Message, text: string, id: string, m: MatchResult): Promise<TurnResult> {
    const entry = this.deps.matcher.entry(id);
    if (!entry) return this.handleMatch(session, msg, text, { ...m, band: "decline", id: null });
    if (entry.kind === "handoff") return this.handoff(session, msg, text, "用户要求转人工");
    const flow = this.flowsByTopic.get(id);
    session.pendingCityTopic = undefined;
    session.lastTopic = id;
    if (flow) return this.startFlow(session, msg, text, flow, m);
    const composed = composeAnswer(entry, { region: session.region, otherCity: session.otherCity });
    if (composed.asksCity) session.pendingCityTopic = id;
    const replies: Reply[] = [{ text: composed.text, topic: id }];
    if (m.secondary) this.offerSecondary(session, replies, m.secondary);
    const r: TurnResult = { replies, topic: id, offered: m.secondary ? [m.secondary] : [], flow: null, band: "answer", confidence: m.confidence };
    return this.finish(session, msg, text, r, "answer");
  }
}
