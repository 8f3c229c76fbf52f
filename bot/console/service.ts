// The agents' console as one object: its stores under dataDir/console/, the hand-off queue it
// attaches to the engine, the turn log, knowledge changes, retention. The HTTP plugin
// (routes.ts) and the tests drive it; only this file wires the parts together.
import { join, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import type { Engine, TurnEvent } from "../engine.ts";
import type { DeliveryHub } from "../delivery.ts";
import { systemClock, type Clock } from "../clock.ts";
import { KNOWLEDGE_DIR } from "../../knowledge/loader.ts";
import { AccountStore } from "./accounts.ts";
import { AuthSessions, LoginThrottle, DEFAULT_THROTTLE, type ThrottleLimits } from "./auth.ts";
import { AuditLog } from "./audit.ts";
import { EventLog, type LoggedEvent } from "./events.ts";
import { HandoffQueue } from "./handoff.ts";
import { noticeBoard, noticeTexts, type NoticeBoard } from "./notices.ts";
import { ResolutionStore, collectUnanswered, groupUnanswered, questionKey, type UnansweredGroup, type Resolution } from "./learning.ts";
import { KnowledgeOps } from "./knowledge-ops.ts";
import { DEFAULT_HOURS, type WorkingHours } from "./hours.ts";

export interface ConsoleOptions {
  engine: Engine;
  hub: DeliveryHub;
  /** HELPDESK_DATA_DIR; the console keeps its files in dataDir/console/. */
  dataDir: string;
  clock?: Clock;
  /** The knowledge the console edits (config: HELPDESK_KNOWLEDGE_DIR); default knowledge/paths.ts's. Tests pass a copy. */
  knowledgeDir?: string;
  /** Default <knowledgeDir>/regression.jsonl. */
  regressionFile?: string;
  /** Config: HELPDESK_WORKING_HOURS, HELPDESK_TIMEZONE, …; default Mon–Fri 08:30–17:30 Asia/Shanghai. */
  workingHours?: WorkingHours;
  /** Days tickets, transcripts and the turn log are kept (config: HELPDESK_RETENTION_DAYS); default 180. */
  retentionDays?: number;
  /** How often the retention sweep runs (ms); 0 turns the timer off. Default 6 hours. */
  sweepEveryMs?: number;
  throttle?: Partial<ThrottleLimits>;
  sessionLimits?: { idleMs: number; absoluteMs: number };
  /** How long the engine has to take an off-hours notice before it is sent on its own (ms). */
  noticeDelayMs?: number;
  /** Compute the knowledge figures this long after start, so the first change is quicker; default -1: only when the learning page is opened. */
  prewarmAfterMs?: number;
  log?: (line: string) => void;
}

const DAY = 24 * 3600_000;

export interface EraseSelector { sessionKey?: string; channel?: string; userId?: string; conversationId?: string }

export class ConsoleService {
  readonly clock: Clock;
  readonly dir: string;
  readonly accounts: AccountStore;
  readonly auth: AuthSessions;
  readonly throttle: LoginThrottle;
  readonly audit: AuditLog;
  readonly events: EventLog;
  readonly queue: HandoffQueue;
  readonly notices: NoticeBoard;
  readonly resolutions: ResolutionStore;
  readonly knowledge: KnowledgeOps;
  readonly hours: WorkingHours;
  readonly retentionDays: number;
  readonly engine: Engine;
  readonly hub: DeliveryHub;
  private timer: NodeJS.Timeout | undefined;
  private prewarmTimer: NodeJS.Timeout | undefined;
  private log: (line: string) => void;

  private constructor(opts: ConsoleOptions) {
    this.engine = opts.engine;
    this.hub = opts.hub;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? ((l) => console.error(l));
    this.dir = resolve(opts.dataDir, "console");
    mkdirSync(this.dir, { recursive: true });
    this.hours = opts.workingHours ?? DEFAULT_HOURS;
    this.retentionDays = opts.retentionDays ?? 180;
    this.accounts = new AccountStore(join(this.dir, "accounts.json"));
    this.auth = new AuthSessions(join(this.dir, "auth-sessions.json"), this.clock, opts.sessionLimits, this.log);
    this.throttle = new LoginThrottle(this.clock, { ...DEFAULT_THROTTLE, ...opts.throttle });
    this.audit = new AuditLog(join(this.dir, "audit.jsonl"), this.log);
    this.events = new EventLog(join(this.dir, "events.jsonl"), this.log);
    this.queue = new HandoffQueue({
      file: join(this.dir, "tickets.json"), engine: opts.engine, hub: opts.hub, clock: this.clock, hours: this.hours,
      noticeDelayMs: opts.noticeDelayMs, log: this.log,
    });
    this.notices = noticeBoard(opts.dataDir);
    this.resolutions = new ResolutionStore(join(this.dir, "learning.json"));
    this.knowledge = new KnowledgeOps({
      knowledgeDir: opts.knowledgeDir ?? KNOWLEDGE_DIR, historyFile: join(this.dir, "knowledge-history.json"),
      engine: opts.engine, clock: this.clock, regressionFile: opts.regressionFile, log: this.log,
    });
  }

  static async create(opts: ConsoleOptions): Promise<ConsoleService> {
    const s = new ConsoleService(opts);
    await Promise.all([s.auth.init(), s.queue.init(), s.resolutions.init(), s.knowledge.init()]);
    s.attach();
    // The engine must answer from the knowledge the console edits.
    if (resolve(opts.engine.matcher.knowledge.dir) !== resolve(s.knowledge.dir)) s.knowledge.reload();
    // At start in the background: reading every stored session must not delay the server.
    void s.sweep().catch((e) => s.log(`console: retention sweep failed: ${(e as Error).message}`));
    const every = opts.sweepEveryMs ?? 6 * 3600_000;
    if (every > 0) {
      s.timer = setInterval(() => void s.sweep().catch((e) => s.log(`console: retention sweep failed: ${(e as Error).message}`)), every);
      s.timer.unref();
    }
    const after = opts.prewarmAfterMs ?? -1;
    if (after >= 0) { s.prewarmTimer = setTimeout(() => s.knowledge.prewarm(), after); s.prewarmTimer.unref(); }
    return s;
  }

  /** Hands the engine the queue and the turn listener (and notices, once the engine takes them). */
  private attach(): void {
    const parts = {
      handoff: this.queue,
      onTurn: (e: TurnEvent) => this.events.recordTurn(e),
      // Not yet part of Engine.attach: an engine that supports notices appends these to answers.
      notices: (topicId: string, now: number) => noticeTexts(this.notices, topicId, now),
    };
    this.engine.attach(parts);
  }

  // ---- learning loop ----

  unansweredGroups(): UnansweredGroup[] {
    const m = this.engine.matcher;
    return groupUnanswered(collectUnanswered(this.events.all(), m, this.resolutions.all()), m);
  }

  /** Marks a group's questions (and any extra texts) as dealt with. */
  async resolve(groupId: string | undefined, texts: string[], r: Omit<Resolution, "key">): Promise<void> {
    const m = this.engine.matcher;
    const keys = new Set(texts.map((t) => questionKey(t, m)));
    if (groupId) for (const p of this.unansweredGroups().find((g) => g.id === groupId)?.phrasings ?? []) keys.add(p.key);
    await this.resolutions.add([...keys].filter(Boolean).map((key) => ({ ...r, key })));
  }

  // ---- feedback (channels call it) ----

  private async findSessionKeys(sel: EraseSelector): Promise<string[]> {
    if (sel.sessionKey) return [sel.sessionKey];
    const keys = new Set<string>([...(await this.engine.store.keys()), ...this.queue.all().map((t) => t.sessionKey)]);
    for (const e of this.events.all()) if (e.sessionKey) keys.add(e.sessionKey);
    return [...keys].filter((k) => {
      const [channel, conversation, ...user] = k.split(":");
      if (sel.channel && channel !== sel.channel) return false;
      if (sel.conversationId && conversation !== sel.conversationId) return false;
      if (sel.userId && user.join(":") !== sel.userId) return false;
      return !!(sel.conversationId || sel.userId);
    });
  }

  /** 👍/👎 on the latest answer of a conversation. */
  async feedback(input: { sessionKey?: string; conversationId?: string; channel?: string; helpful: boolean }): Promise<{ ok: true; topic: string | null } | { ok: false; status: number; error: string }> {
    const keys = await this.findSessionKeys({ sessionKey: input.sessionKey, conversationId: input.conversationId, channel: input.channel });
    const sessions = (await Promise.all(keys.map((k) => this.engine.store.read(k)))).filter((s) => s !== null);
    const session = sessions.sort((a, b) => b.updatedAt - a.updatedAt)[0];
    if (!session) return { ok: false, status: 404, error: "no such conversation" };
    const lastBot = [...session.history].reverse().find((h) => h.role === "bot");
    if (!lastBot) return { ok: false, status: 409, error: "nothing to rate yet" };
    const lastUser = [...session.history].reverse().find((h) => h.role === "user" && h.at <= lastBot.at);
    // The turn log knows the topic; match the turn by its text and time (turn events carry no key).
    const turn = lastUser && [...this.events.all()].reverse().find((e): e is Extract<LoggedEvent, { kind: "turn" }> =>
      e.kind === "turn" && e.channel === session.channel && e.text === lastUser.text && Math.abs(e.at - lastUser.at) < 10_000);
    const topic = turn?.topic ?? null;
    // One rating per answer: a second click replaces the first.
    const dup = this.events.all().some((e) => e.kind === "feedback" && e.sessionKey === session.key && e.at >= lastBot.at);
    if (dup) await this.events.retain((e) => !(e.kind === "feedback" && e.sessionKey === session.key && e.at >= lastBot.at));
    this.events.recordFeedback({
      at: this.clock.now(), channel: session.channel, region: session.region, sessionKey: session.key,
      helpful: input.helpful, topic, question: lastUser?.text ?? null,
    });
    return { ok: true, topic };
  }

  // ---- retention and erasure ----

  /** Deletes tickets, transcripts (sessions) and turn-log entries older than the retention period. */
  async sweep(now = this.clock.now()): Promise<{ tickets: number; sessions: number; events: number; resolutions: number; notices: number }> {
    const cutoff = now - this.retentionDays * DAY;
    const tickets = await this.queue.remove((t) => t.lastActivityAt < cutoff);
    const events = await this.events.retain((e) => e.at >= cutoff);
    const resolutions = await this.resolutions.prune(cutoff);
    const notices = await this.notices.prune(cutoff);
    let sessions = 0;
    for (const key of await this.engine.store.keys()) {
      const s = await this.engine.store.read(key);
      if (s && s.updatedAt < cutoff) { await this.engine.store.delete(key); sessions++; }
    }
    return { tickets, sessions, events, resolutions, notices };
  }

  /** One person's conversations on request: sessions, tickets, their turns and ratings. */
  async erase(sel: EraseSelector, dryRun: boolean): Promise<{ keys: string[]; sessions: number; tickets: number; events: number }> {
    const keys = await this.findSessionKeys(sel);
    const keySet = new Set(keys);
    // Turns carry no key: they are found through the person's transcripts (same text, channel, time).
    const said: { channel: string; text: string; at: number }[] = [];
    let sessions = 0;
    for (const k of keys) {
      const s = await this.engine.store.read(k);
      if (s) { sessions++; for (const h of s.history) if (h.role === "user") said.push({ channel: s.channel, text: h.text, at: h.at }); }
    }
    const tickets = this.queue.all().filter((t) => keySet.has(t.sessionKey));
    for (const t of tickets) for (const h of t.transcript) if (h.role === "user") said.push({ channel: t.channel, text: h.text, at: h.at });
    const theirs = (e: LoggedEvent) => (e.sessionKey !== undefined && keySet.has(e.sessionKey))
      || (e.kind === "turn" && said.some((x) => x.channel === e.channel && x.text === e.text && Math.abs(x.at - e.at) < 10_000));
    const events = this.events.all().filter(theirs).length;
    if (!dryRun) {
      for (const k of keys) await this.engine.store.delete(k);
      await this.queue.remove((t) => keySet.has(t.sessionKey));
      await this.events.retain((e) => !theirs(e));
    }
    return { keys, sessions, tickets: tickets.length, events };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.prewarmTimer) clearTimeout(this.prewarmTimer);
    await Promise.allSettled([this.queue.flush(), this.events.flush(), this.audit.flush(), this.auth.flush(), this.resolutions.flush()]);
  }
}

const services = new WeakMap<Engine, ConsoleService>();
export const registerService = (engine: Engine, s: ConsoleService) => services.set(engine, s);
/** The console attached to an engine (for the server's wiring and for tests). */
export const consoleOf = (engine: Engine): ConsoleService | undefined => services.get(engine);
