// The hand-off queue: tickets opened by the core (the Tickets port) and what agents do with them.
// A taken ticket sets session.handoff.state = "taken", which keeps the assistant quiet in that
// conversation; hand-back and close clear it. Agent replies reach the user through the
// DeliveryHub, in the user's own channel. What was said is not copied here: a ticket's
// transcript and its unread count are queries on the conversation log.
import { randomBytes } from "node:crypto";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import type { ConversationLog, LogEvent, Tickets } from "../../bot/ports.ts";
import type { Conversations } from "../../bot/conversations.ts";
import type { DeliveryHub } from "../../bot/delivery.ts";
import type { Clock } from "../../bot/clock.ts";
import type { Region } from "../../bot/message.ts";
import type { Session } from "../../bot/session.ts";
import { channelOfKey } from "../../bot/conversation-key.ts";
import { CW } from "./wording.ts";
import { dayKey } from "../../bot/zoned.ts";
import { describeHours, describeOpening, isOpen, nextOpening, type WorkingHours } from "../../bot/working-hours.ts";

/** One line of a ticket's transcript, as the console shows it. */
export interface TicketItem {
  role: LogEvent["role"];
  text: string;
  at: number;
  by?: string;
  delivered?: boolean;
}

export type TicketStatus = "waiting" | "taken" | "closed";

export interface Ticket {
  id: string;
  sessionKey: string;
  channel: string;
  region: Region | null;
  reason: string;
  status: TicketStatus;
  openedAt: number;
  takenAt?: number;
  takenBy?: string;
  closedAt?: number;
  closedBy?: string;
  ending?: "handback" | "close";
  lastActivityAt: number;
  /** Opened outside working hours; promisedAt is when the user was told a person would answer. */
  offHours: boolean;
  promisedAt: number | null;
  /** The last log event the ticket's agent has seen (user messages after it are unread). */
  readUpTo: number;
}

/** A ticket with what the log says about it. */
export interface TicketView extends Ticket {
  unread: number;
  transcript: TicketItem[];
}

interface TicketFile {
  v: 2;
  seq: { day: string; n: number };
  tickets: Ticket[];
}

export class QueueError extends Error {
  constructor(
    message: string,
    public status = 409,
  ) {
    super(message);
  }
}

/** How far back before a ticket opened its transcript starts. */
const TRANSCRIPT_BEFORE_MS = 24 * 3600_000;
const TRANSCRIPT_CAP = 500;

export interface QueueDeps {
  file: string;
  conversations: Conversations;
  log: ConversationLog;
  hub: DeliveryHub;
  clock: Clock;
  hours: WorkingHours;
  /** How long the core has to take an off-hours notice before it is sent separately (ms). */
  noticeDelayMs?: number;
  logLine?: (line: string) => void;
}

export class HandoffQueue implements Tickets {
  private db: Low<TicketFile>;
  private pendingNotices = new Map<string, { text: string; timer: NodeJS.Timeout }>();
  private listeners = new Set<() => void>();
  /** Bumped on every change: the console polls with it. */
  version = 0;

  constructor(private deps: QueueDeps) {
    this.db = new Low(new JSONFile<TicketFile>(deps.file), { v: 2, seq: { day: "", n: 0 }, tickets: [] });
  }

  async init(): Promise<void> {
    await this.db.read();
    // Tickets of the first shape copied their transcripts; they are read from the log now.
    if (!this.db.data || this.db.data.v !== 2) this.db.data = { v: 2, seq: this.db.data?.seq ?? { day: "", n: 0 }, tickets: [] };
  }

  private get now(): number {
    return this.deps.clock.now();
  }
  private async save(): Promise<void> {
    this.version++;
    for (const l of this.listeners) l();
    await this.db.write();
  }
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  all(): Ticket[] {
    return this.db.data.tickets;
  }
  get(id: string): Ticket | undefined {
    return this.db.data.tickets.find((t) => t.id === id);
  }

  private newId(): string {
    const day = dayKey(this.now, this.deps.hours.timeZone).replace(/-/g, "");
    const seq = this.db.data.seq;
    if (seq.day !== day) {
      seq.day = day;
      seq.n = 0;
    }
    seq.n++;
    // A short random tail: ticket numbers are told to users and must not be guessable in order.
    return `T${day}-${String(seq.n).padStart(3, "0")}${randomBytes(1).toString("hex").toUpperCase()}`;
  }

  // ---- Tickets port (called by the core inside a turn) ----

  async open(session: Session, reason: string): Promise<string> {
    const now = this.now;
    const open = isOpen(now, this.deps.hours);
    const promisedAt = open ? null : nextOpening(now, this.deps.hours);
    const t: Ticket = {
      id: this.newId(),
      sessionKey: session.key,
      channel: session.channel || (channelOfKey(session.key) ?? ""),
      region: session.region,
      reason,
      status: "waiting",
      openedAt: now,
      lastActivityAt: now,
      offHours: !open,
      promisedAt,
      readUpTo: 0,
    };
    this.db.data.tickets.push(t);
    // The user must still get the hand-off answer if the file cannot be written right now.
    try {
      await this.save();
    } catch (err) {
      this.deps.logLine?.(`console: ticket ${t.id} not saved yet: ${(err as Error).message}`);
    }
    if (!open) {
      const text =
        promisedAt === null ? CW.offHoursNoOpening(t.id) : CW.offHours(describeHours(this.deps.hours), describeOpening(promisedAt, now, this.deps.hours), t.id);
      // The core may append this to its own reply (takeOpenNotice); if it does not, it goes
      // out through the hub after the turn's reply.
      const timer = setTimeout(
        () => this.sendPendingNotice(t.id).catch((err) => this.deps.logLine?.(`console: off-hours notice for ${t.id} failed: ${(err as Error).message}`)),
        this.deps.noticeDelayMs ?? 300,
      );
      timer.unref?.();
      this.pendingNotices.set(t.id, { text, timer });
    }
    return t.id;
  }

  /** A user message while a person has the conversation: the core has logged it; the ticket shows activity. */
  async userMessage(ticketId: string, _text: string): Promise<void> {
    const t = this.get(ticketId);
    if (!t) return;
    t.lastActivityAt = this.now;
    await this.save();
  }

  /** For the core: the off-hours notice for a ticket it just opened (then not sent separately). */
  takeOpenNotice(ticketId: string): string | null {
    const p = this.pendingNotices.get(ticketId);
    if (!p) return null;
    clearTimeout(p.timer);
    this.pendingNotices.delete(ticketId);
    return p.text;
  }

  private async sendPendingNotice(ticketId: string): Promise<void> {
    const p = this.pendingNotices.get(ticketId);
    if (!p) return;
    this.pendingNotices.delete(ticketId);
    const t = this.get(ticketId);
    if (t) await this.deliver(t.sessionKey, p.text, "system");
  }

  // ---- agents ----

  private async deliver(sessionKey: string, text: string, role: "system" | "agent", by?: string): Promise<boolean> {
    return (await this.deps.hub.deliver(sessionKey, [{ text, from: role === "agent" ? "agent" : undefined }], { role, by })).delivered;
  }

  /** Changes the stored session under the conversation's lock, so it cannot race a turn.
   * Agent activity counts as activity: the conversation must not expire under the agent. */
  private async updateSession(key: string, fn: (s: Session) => void): Promise<Session> {
    return this.deps.conversations.withSession(key, (s) => {
      fn(s);
      return s;
    });
  }

  /** The ticket with its transcript and unread count, from the conversation log. */
  async withLog(t: Ticket): Promise<TicketView> {
    const events = (await this.deps.log.read(t.sessionKey)).filter((e) => e.at >= t.openedAt - TRANSCRIPT_BEFORE_MS).slice(-TRANSCRIPT_CAP);
    const transcript: TicketItem[] = events.map((e) => ({
      role: e.role,
      text: e.text,
      at: e.at,
      ...(e.by ? { by: e.by } : {}),
      ...(e.pushed ? { delivered: e.delivered !== false } : {}),
    }));
    const unread = t.status === "closed" ? 0 : events.filter((e) => e.role === "user" && e.id > t.readUpTo && e.at >= t.openedAt).length;
    const lastAt = events.at(-1)?.at ?? 0;
    return { ...t, lastActivityAt: Math.max(t.lastActivityAt, lastAt), unread, transcript };
  }

  private async readAll(t: Ticket): Promise<void> {
    const last = (await this.deps.log.read(t.sessionKey, t.readUpTo)).at(-1)?.id;
    if (last !== undefined && last > t.readUpTo) {
      t.readUpTo = last;
      await this.save();
    }
  }

  async list(): Promise<TicketView[]> {
    const open = this.db.data.tickets.filter((t) => t.status !== "closed");
    const views = await Promise.all(open.map((t) => this.withLog(t)));
    return views.sort((a, b) => (a.status === b.status ? a.openedAt - b.openedAt : a.status === "waiting" ? -1 : 1));
  }

  /** A ticket for viewing, marked read when its owner looks. */
  async view(id: string, agent: string): Promise<TicketView> {
    const t = this.mustGet(id);
    if (t.takenBy === agent) await this.readAll(t);
    return this.withLog(t);
  }

  private mustGet(id: string): Ticket {
    const t = this.get(id);
    if (!t) throw new QueueError("没有这个工单", 404);
    return t;
  }

  private owned(t: Ticket, agent: string, admin: boolean): void {
    if (t.status === "closed") throw new QueueError("工单已结束");
    if (t.status !== "taken") throw new QueueError("请先接手这个工单");
    if (t.takenBy !== agent && !admin) throw new QueueError(`工单已由 ${t.takenBy} 接手`);
  }

  async take(id: string, agent: string, displayName?: string): Promise<TicketView> {
    const t = this.mustGet(id);
    if (t.status === "closed") throw new QueueError("工单已结束");
    if (t.status === "taken") {
      if (t.takenBy === agent) return this.withLog(t);
      throw new QueueError(`工单已由 ${t.takenBy} 接手`);
    }
    const now = this.now;
    t.status = "taken";
    t.takenBy = agent;
    t.takenAt = now;
    t.lastActivityAt = now;
    await this.readAll(t);
    const pending = this.pendingNotices.get(id);
    if (pending) {
      clearTimeout(pending.timer);
      this.pendingNotices.delete(id);
    }
    await this.updateSession(t.sessionKey, (s) => {
      s.handoff = { ticketId: t.id, state: "taken", since: now };
      // Choices the bot offered earlier no longer apply while a person talks.
      s.flow = null;
      s.choices = null;
    });
    await this.deliver(t.sessionKey, CW.agentJoined(displayName), "system");
    await this.save();
    return this.withLog(t);
  }

  async reply(id: string, agent: string, admin: boolean, text: string): Promise<{ ticket: TicketView; delivered: boolean }> {
    const t = this.mustGet(id);
    this.owned(t, agent, admin);
    const now = this.now;
    // Re-asserts "taken": a turn that raced with take() may have written the session back.
    await this.updateSession(t.sessionKey, (s) => {
      s.handoff = { ticketId: t.id, state: "taken", since: s.handoff?.ticketId === t.id ? s.handoff.since : now };
    });
    const delivered = await this.deliver(t.sessionKey, text, "agent", agent);
    t.lastActivityAt = now;
    await this.readAll(t);
    await this.save();
    return { ticket: await this.withLog(t), delivered };
  }

  /** Hand back to the bot ("handback") or end the conversation ("close"). */
  async end(id: string, agent: string, admin: boolean, how: "handback" | "close"): Promise<TicketView> {
    const t = this.mustGet(id);
    if (t.status === "closed") throw new QueueError("工单已结束");
    if (t.status === "taken" && t.takenBy !== agent && !admin) throw new QueueError(`工单已由 ${t.takenBy} 接手`);
    const now = this.now;
    const pending = this.pendingNotices.get(id);
    if (pending) {
      clearTimeout(pending.timer);
      this.pendingNotices.delete(id);
    }
    await this.updateSession(t.sessionKey, (s) => {
      if (s.handoff?.ticketId === t.id) delete s.handoff;
    });
    await this.deliver(t.sessionKey, how === "handback" ? CW.agentHandedBack : CW.agentClosed, "system");
    t.status = "closed";
    t.closedAt = now;
    t.closedBy = agent;
    t.ending = how;
    t.lastActivityAt = now;
    await this.save();
    return this.withLog(t);
  }

  /** Removes tickets; returns how many. */
  async remove(pred: (t: Ticket) => boolean): Promise<number> {
    const before = this.db.data.tickets.length;
    this.db.data.tickets = this.db.data.tickets.filter((t) => !pred(t));
    const n = before - this.db.data.tickets.length;
    if (n) await this.save();
    return n;
  }

  async flush(): Promise<void> {
    for (const [id] of this.pendingNotices) await this.sendPendingNotice(id);
    await this.db.write();
  }
}

/** A ticket as the console shows it in the queue list. */
export function queueRow(t: TicketView, now: number) {
  const lastUser = [...t.transcript].reverse().find((x) => x.role === "user");
  return {
    id: t.id,
    channel: t.channel,
    region: t.region,
    status: t.status,
    reason: t.reason,
    openedAt: t.openedAt,
    waitingMs: now - t.openedAt,
    takenBy: t.takenBy ?? null,
    unread: t.unread,
    offHours: t.offHours,
    promisedAt: t.promisedAt,
    lastUserText: lastUser ? lastUser.text.slice(0, 80) : null,
    lastActivityAt: t.lastActivityAt,
  };
}
