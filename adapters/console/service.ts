// The agents' console as one object: its stores under dataDir/console/, the hand-off queue (the
// core's Tickets port), notices and the turn listener it offers the core, the turn log,
// knowledge changes, retention. It uses the same ports as the core: sessions change under the
// conversation lock (Conversations), what was said is read from the conversation log, and the
// knowledge is swapped through the UnderstandingRef. The composition root (bot/server.ts) builds
// it before the core and hands its ports to the core's constructor.
import { join, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import type { ConversationLog, Notices, TurnEvent, TurnListener } from "../../bot/ports.ts";
import type { Conversations } from "../../bot/conversations.ts";
import type { UnderstandingRef } from "../../bot/turn.ts";
import type { DeliveryHub } from "../../bot/delivery.ts";
import { parseKey } from "../../bot/conversation-key.ts";
import { systemClock, type Clock } from "../../bot/clock.ts";
import { KNOWLEDGE_DIR } from "../../knowledge/loader.ts";
import { AccountStore } from "./accounts.ts";
import { AuthSessions, HashGate, LoginThrottle, DEFAULT_THROTTLE, type ThrottleLimits } from "./auth.ts";
import { AuditLog } from "./audit.ts";
import { EventLog, type LoggedEvent } from "./events.ts";
import { HandoffQueue } from "./handoff.ts";
import { noticeBoard, noticeTexts, type NoticeBoard } from "./notices.ts";
import { ResolutionStore, collectUnanswered, groupUnanswered, questionKey, type UnansweredGroup, type Resolution } from "./learning.ts";
import { KnowledgeOps } from "./knowledge-ops.ts";
import { DEFAULT_HOURS, type WorkingHours } from "../../bot/working-hours.ts";

export interface ConsoleOptions {
  understanding: UnderstandingRef;
  conversations: Conversations;
  conversationLog: ConversationLog;
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
  /** Password hashes computed at once, and waiting, across all sign-ins; default 2 and 16. */
  hashLimits?: { concurrent: number; queued: number };
  sessionLimits?: { idleMs: number; absoluteMs: number };
  /** How long the core has to take an off-hours notice before it is sent on its own (ms). */
  noticeDelayMs?: number;
  /** Compute the knowledge figures this long after start, so the first change is quicker; default -1: only when the learning page is opened. */
  prewarmAfterMs?: number;
  log?: (line: string) => void;
}

const DAY = 24 * 3600_000;

export interface EraseSelector {
  sessionKey?: string;
  channel?: string;
  userId?: string;
  conversationId?: string;
}

export class ConsoleService {
  readonly clock: Clock;
  readonly dir: string;
  readonly accounts: AccountStore;
  readonly auth: AuthSessions;
  readonly throttle: LoginThrottle;
  readonly hashGate: HashGate;
  readonly audit: AuditLog;
  readonly events: EventLog;
  readonly queue: HandoffQueue;
  readonly notices: NoticeBoard;
  readonly resolutions: ResolutionStore;
  readonly knowledge: KnowledgeOps;
  readonly hours: WorkingHours;
  readonly retentionDays: number;
  readonly understanding: UnderstandingRef;
  readonly conversations: Conversations;
  readonly conversationLog: ConversationLog;
  readonly hub: DeliveryHub;
  private timer: NodeJS.Timeout | undefined;
  private prewarmTimer: NodeJS.Timeout | undefined;
  private log: (line: string) => void;

  private constructor(opts: ConsoleOptions) {
    this.understanding = opts.understanding;
    this.conversations = opts.conversations;
    this.conversationLog = opts.conversationLog;
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
    this.hashGate = new HashGate(opts.hashLimits?.concurrent ?? 2, opts.hashLimits?.queued ?? 16);
    this.audit = new AuditLog(join(this.dir, "audit.jsonl"), this.log);
    this.events = new EventLog(join(this.dir, "events.jsonl"), this.log);
    this.queue = new HandoffQueue({
      file: join(this.dir, "tickets.json"),
      conversations: opts.conversations,
      log: opts.conversationLog,
      hub: opts.hub,
      clock: this.clock,
      hours: this.hours,
      noticeDelayMs: opts.noticeDelayMs,
      logLine: this.log,
    });
    this.notices = noticeBoard(opts.dataDir);
    this.resolutions = new ResolutionStore(join(this.dir, "learning.json"));
    this.knowledge = new KnowledgeOps({
      knowledgeDir: opts.knowledgeDir ?? KNOWLEDGE_DIR,
      historyFile: join(this.dir, "knowledge-history.json"),
      understanding: opts.understanding,
      clock: this.clock,
      regressionFile: opts.regressionFile,
      log: this.log,
    });
  }

  static async create(opts: ConsoleOptions): Promise<ConsoleService> {
    const s = new ConsoleService(opts);
    await Promise.all([s.auth.init(), s.queue.init(), s.resolutions.init(), s.knowledge.init()]);
    // The core must answer from the knowledge the console edits.
    if (resolve(opts.understanding.current.knowledge.dir) !== resolve(s.knowledge.dir)) s.knowledge.reload();
    // At start in the background: reading every stored session must not delay the server.
    void s.sweep().catch((e) => s.log(`console: retention sweep failed: ${(e as Error).message}`));
    const every = opts.sweepEveryMs ?? 6 * 3600_000;
    if (every > 0) {
      s.timer = setInterval(() => void s.sweep().catch((e) => s.log(`console: retention sweep failed: ${(e as Error).message}`)), every);
      s.timer.unref();
    }
    const after = opts.prewarmAfterMs ?? -1;
    if (after >= 0) {
      s.prewarmTimer = setTimeout(() => s.knowledge.prewarm(), after);
      s.prewarmTimer.unref();
    }
    return s;
  }

  /** What the core reports each turn: the figures and the learning loop read it. */
  readonly onTurn: TurnListener = (e: TurnEvent) => this.events.recordTurn(e);
  /** Staff notices for the core to show with answers. */
  readonly noticesFor: Notices = (topicId, now) => noticeTexts(this.notices, topicId, now);

  // ---- learning loop ----

  unansweredGroups(): UnansweredGroup[] {
    const m = this.understanding.current;
    return groupUnanswered(collectUnanswered(this.events.all(), m, this.resolutions.all()), m);
  }

  /** Marks a group's questions (and any extra texts) as dealt with. */
  async resolve(groupId: string | undefined, texts: string[], r: Omit<Resolution, "key">): Promise<void> {
    const m = this.understanding.current;
    const keys = new Set(texts.map((t) => questionKey(t, m)));
    if (groupId) for (const p of this.unansweredGroups().find((g) => g.id === groupId)?.phrasings ?? []) keys.add(p.key);
    await this.resolutions.add([...keys].filter(Boolean).map((key) => ({ ...r, key })));
  }

  // ---- feedback (the server's /api/feedback rates a reply in the log, then tells the console) ----

  /** Conversation keys a selector names, from sessions, logs and tickets (keys may contain ":"). */
  private async findSessionKeys(sel: EraseSelector): Promise<string[]> {
    if (sel.sessionKey) return [sel.sessionKey];
    const keys = new Set<string>([
      ...(await this.conversations.store.keys()),
      ...(await this.conversationLog.keys()),
      ...this.queue.all().map((t) => t.sessionKey),
    ]);
    for (const e of this.events.all()) if (e.sessionKey) keys.add(e.sessionKey);
    return [...keys].filter((k) => {
      const key = parseKey(k);
      if (!key) return false;
      if (sel.channel && key.channel !== sel.channel) return false;
      if (sel.conversationId && key.conversationId !== sel.conversationId) return false;
      if (sel.userId && key.userId !== sel.userId) return false;
      return !!(sel.conversationId || sel.userId);
    });
  }

  /** A rating the log has recorded, for the figures and the learning loop (one per answer: a second replaces the first). */
  async recordFeedback(f: { sessionKey: string; helpful: boolean; topic: string | null; question: string | null; ratedAt: number }): Promise<void> {
    const session = await this.conversations.isLive(f.sessionKey);
    const same = (e: LoggedEvent) => e.kind === "feedback" && e.sessionKey === f.sessionKey && e.at >= f.ratedAt;
    if (this.events.all().some(same)) await this.events.retain((e) => !same(e));
    this.events.recordFeedback({
      at: this.clock.now(),
      channel: parseKey(f.sessionKey)?.channel ?? "",
      region: session?.region ?? null,
      sessionKey: f.sessionKey,
      helpful: f.helpful,
      topic: f.topic,
      question: f.question,
    });
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
    const store = this.conversations.store;
    for (const key of await store.keys()) {
      const s = await store.read(key);
      if (s && s.updatedAt < cutoff) {
        await store.delete(key);
        sessions++;
      }
    }
    for (const key of await this.conversationLog.keys()) {
      const last = (await this.conversationLog.read(key)).at(-1);
      if (!last || last.at < cutoff) await this.conversationLog.delete(key);
    }
    return { tickets, sessions, events, resolutions, notices };
  }

  /** One person's conversations on request: sessions, logs, tickets, their turns and ratings. */
  async erase(sel: EraseSelector, dryRun: boolean): Promise<{ keys: string[]; sessions: number; tickets: number; events: number }> {
    const keys = await this.findSessionKeys(sel);
    const keySet = new Set(keys);
    let sessions = 0;
    for (const k of keys) if ((await this.conversations.store.read(k)) || (await this.conversationLog.read(k)).length) sessions++;
    const tickets = this.queue.all().filter((t) => keySet.has(t.sessionKey));
    const theirs = (e: LoggedEvent) => e.sessionKey !== undefined && keySet.has(e.sessionKey);
    const events = this.events.all().filter(theirs).length;
    if (!dryRun) {
      for (const k of keys)
        await this.conversations.lock.run(k, async () => {
          await this.conversations.store.delete(k);
          await this.conversationLog.delete(k);
        });
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
