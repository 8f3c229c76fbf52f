// The hand-off queue: tickets opened by the engine (HandoffPort) and what agents do with them.
// A taken ticket sets session.handoff.state = "taken", which keeps the bot quiet in that
// conversation; hand-back and close clear it. Agent replies reach the user through the
// DeliveryHub, in the user's own channel.
import { randomBytes } from "node:crypto";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import type { Engine, HandoffPort } from "../engine.ts";
import type { DeliveryHub } from "../delivery.ts";
import type { Clock } from "../clock.ts";
import type { Region } from "../message.ts";
import type { HistoryItem, Session } from "../session.ts";
import { maskPersonal } from "../mask.ts";
import { CW } from "./wording.ts";
import { dayKey } from "./zoned.ts";
import { describeHours, describeOpening, isOpen, nextOpening, type WorkingHours } from "./hours.ts";

export interface TicketItem extends HistoryItem {
  /** Agent name for role "agent". */
  by?: string;
  /** False when no channel could take an agent's message. */
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
  /** User messages the agent has not seen yet. */
  unread: number;
  transcript: TicketItem[];
}

interface TicketFile { v: 1; seq: { day: string; n: number }; tickets: Ticket[] }

export class QueueError extends Error {
  constructor(message: string, public status = 409) { super(message); }
}

const TRANSCRIPT_CAP = 500;
const channelOf = (key: string) => key.split(":")[0] ?? "";

export interface QueueDeps {
  file: string;
  engine: Engine;
  hub: DeliveryHub;
  clock: Clock;
  hours: WorkingHours;
  /** How long the engine has to take an off-hours notice before it is sent separately (ms). */
  noticeDelayMs?: number;
  log?: (line: string) => void;
}

export class HandoffQueue implements HandoffPort {
  private db: Low<TicketFile>;
  private pendingNotices = new Map<string, { text: string; timer: NodeJS.Timeout }>();
  private listeners = new Set<() => void>();
  /** Bumped on every change: the console polls with it. */
  version = 0;

  constructor(private deps: QueueDeps) {
    this.db = new Low(new JSONFile<TicketFile>(deps.file), { v: 1, seq: { day: "", n: 0 }, tickets: [] });
  }

  async init(): Promise<void> {
    await this.db.read();
    this.db.data ??= { v: 1, seq: { day: "", n: 0 }, tickets: [] };
  }

  private get now(): number { return this.deps.clock.now(); }
  private async save(): Promise<void> {
    this.version++;
    for (const l of this.listeners) l();
    await this.db.write();
  }
  onChange(fn: () => void): () => void { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  all(): Ticket[] { return this.db.data.tickets; }
  get(id: string): Ticket | undefined { return this.db.data.tickets.find((t) => t.id === id); }

  private newId(): string {
    const day = dayKey(this.now, this.deps.hours.timeZone).replace(/-/g, "");
    const seq = this.db.data.seq;
    if (seq.day !== day) { seq.day = day; seq.n = 0; }
    seq.n++;
    // A short random tail: ticket numbers are told to users and must not be guessable in order.
    return `T${day}-${String(seq.n).padStart(3, "0")}${randomBytes(1).toString("hex").toUpperCase()}`;
  }

  // ---- HandoffPort (called by the engine inside a turn) ----

  async open(session: Session, reason: string): Promise<string> {
    const now = this.now;
    const open = isOpen(now, this.deps.hours);
    const promisedAt = open ? null : nextOpening(now, this.deps.hours);
    const t: Ticket = {
      id: this.newId(), sessionKey: session.key, channel: session.channel || channelOf(session.key), region: session.region,
      reason, status: "waiting", openedAt: now, lastActivityAt: now, offHours: !open, promisedAt, unread: 0,
      transcript: session.history.map((h) => ({ ...h })),
    };
    this.db.data.tickets.push(t);
    // The user must still get the hand-off answer if the file cannot be written right now.
    try { await this.save(); } catch (err) { this.deps.log?.(`console: ticket ${t.id} not saved yet: ${(err as Error).message}`); }
    if (!open) {
      const text = promisedAt === null ? CW.offHoursNoOpening(t.id)
        : CW.offHours(describeHours(this.deps.hours), describeOpening(promisedAt, now, this.deps.hours), t.id);
      // The engine may append this to its own reply (takeOpenNotice); if it does not, it goes
      // out through the hub after the turn's reply.
      const timer = setTimeout(() => this.sendPendingNotice(t.id).catch((err) => this.deps.log?.(`console: off-hours notice for ${t.id} failed: ${(err as Error).message}`)), this.deps.noticeDelayMs ?? 300);
      timer.unref?.();
      this.pendingNotices.set(t.id, { text, timer });
    }
    return t.id;
  }

  async userMessage(ticketId: string, text: string): Promise<void> {
    const t = this.get(ticketId);
    if (!t) return;
    this.push(t, { role: "user", text: maskPersonal(text), at: this.now });
    t.unread++;
    t.lastActivityAt = this.now;
    await this.save();
  }

  /** For the engine: the off-hours notice for a ticket it just opened (then not sent separately). */
  takeOpenNotice(ticketId: string): string | null {
    const p = this.pendingNotices.get(ticketId);
    if (!p) return null;
    clearTimeout(p.timer);
    this.pendingNotices.delete(ticketId);
    const t = this.get(ticketId);
    if (t) {
      this.push(t, { role: "system", text: p.text, at: this.now });
      this.save().catch((err) => this.deps.log?.(`console: ticket ${t.id} not saved: ${(err as Error).message}`));
    }
    return p.text;
  }

  private async sendPendingNotice(ticketId: string): Promise<void> {
    const p = this.pendingNotices.get(ticketId);
    if (!p) return;
    this.pendingNotices.delete(ticketId);
    const t = this.get(ticketId);
    if (!t) return;
    const delivered = await this.deliver(t.sessionKey, p.text);
    this.push(t, { role: "system", text: p.text, at: this.now, delivered });
    await this.save();
  }

  // ---- agents ----

  private push(t: Ticket, item: TicketItem): void {
    t.transcript.push(item);
    if (t.transcript.length > TRANSCRIPT_CAP) t.transcript.splice(0, t.transcript.length - TRANSCRIPT_CAP);
  }

  private async deliver(sessionKey: string, text: string): Promise<boolean> {
    try {
      return await this.deps.hub.deliver(sessionKey, [{ text }]);
    } catch (err) {
      this.deps.log?.(`console: delivery to ${channelOf(sessionKey)} failed: ${(err as Error).message}`);
      return false;
    }
  }

  /** Changes the stored session under the conversation's lock, so it cannot race a turn.
   * Agent activity counts as activity: the conversation must not expire under the agent. */
  private async updateSession(key: string, fn: (s: Session) => void): Promise<Session> {
    return this.deps.engine.withSession(key, (s) => { fn(s); return s; });
  }

  /** Brings in what the bot and user said meanwhile (the session is the live record). */
  async sync(t: Ticket): Promise<void> {
    const s = await this.deps.engine.store.read(t.sessionKey);
    if (!s) return;
    const seen = t.transcript.map((x) => `${x.role}|${x.text}|${x.at}`);
    const near = (x: HistoryItem) => t.transcript.some((y) => y.role === x.role && y.text === x.text && Math.abs(y.at - x.at) < 5000);
    let added = false;
    for (const h of s.history) {
      if (h.at < t.openedAt - 24 * 3600_000) continue;
      if (seen.includes(`${h.role}|${h.text}|${h.at}`) || near(h)) continue;
      this.push(t, { ...h });
      if (h.role === "user" && t.status !== "closed") t.unread++;
      added = true;
    }
    if (added) {
      t.transcript.sort((a, b) => a.at - b.at);
      t.lastActivityAt = Math.max(t.lastActivityAt, t.transcript[t.transcript.length - 1]?.at ?? 0);
      await this.save();
    }
  }

  async list(): Promise<Ticket[]> {
    const open = this.db.data.tickets.filter((t) => t.status !== "closed");
    for (const t of open) await this.sync(t);
    return open.sort((a, b) => (a.status === b.status ? a.openedAt - b.openedAt : a.status === "waiting" ? -1 : 1));
  }

  /** A ticket for viewing: synced, and marked read when its owner looks. */
  async view(id: string, agent: string): Promise<Ticket> {
    const t = this.mustGet(id);
    await this.sync(t);
    if (t.takenBy === agent && t.unread) { t.unread = 0; await this.save(); }
    return t;
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

  async take(id: string, agent: string, displayName?: string): Promise<Ticket> {
    const t = this.mustGet(id);
    if (t.status === "closed") throw new QueueError("工单已结束");
    if (t.status === "taken") {
      if (t.takenBy === agent) return t;
      throw new QueueError(`工单已由 ${t.takenBy} 接手`);
    }
    await this.sync(t);
    const now = this.now;
    t.status = "taken"; t.takenBy = agent; t.takenAt = now; t.lastActivityAt = now; t.unread = 0;
    const pending = this.pendingNotices.get(id);
    if (pending) { clearTimeout(pending.timer); this.pendingNotices.delete(id); }
    await this.updateSession(t.sessionKey, (s) => {
      s.handoff = { ticketId: t.id, state: "taken", since: now };
      // Choices the bot offered earlier no longer apply while a person talks.
      s.flow = null; s.choices = null;
    });
    const text = CW.agentJoined(displayName);
    const delivered = await this.deliver(t.sessionKey, text);
    this.push(t, { role: "system", text, at: now, delivered });
    await this.save();
    return t;
  }

  async reply(id: string, agent: string, admin: boolean, text: string): Promise<{ ticket: Ticket; delivered: boolean }> {
    const t = this.mustGet(id);
    this.owned(t, agent, admin);
    const now = this.now;
    const stored = maskPersonal(text);
    // Re-asserts "taken": a turn that raced with take() may have written the session back.
    await this.updateSession(t.sessionKey, (s) => {
      s.handoff = { ticketId: t.id, state: "taken", since: s.handoff?.ticketId === t.id ? s.handoff.since : now };
      s.history.push({ role: "agent", text: stored, at: now });
      if (s.history.length > 40) s.history.splice(0, s.history.length - 40);
    });
    const delivered = await this.deliver(t.sessionKey, text);
    this.push(t, { role: "agent", text: stored, at: now, by: agent, delivered });
    t.lastActivityAt = now; t.unread = 0;
    await this.save();
    return { ticket: t, delivered };
  }

  /** Hand back to the bot ("handback") or end the conversation ("close"). */
  async end(id: string, agent: string, admin: boolean, how: "handback" | "close"): Promise<Ticket> {
    const t = this.mustGet(id);
    if (t.status === "closed") throw new QueueError("工单已结束");
    if (t.status === "taken" && t.takenBy !== agent && !admin) throw new QueueError(`工单已由 ${t.takenBy} 接手`);
    const now = this.now;
    await this.sync(t);
    const pending = this.pendingNotices.get(id);
    if (pending) { clearTimeout(pending.timer); this.pendingNotices.delete(id); }
    await this.updateSession(t.sessionKey, (s) => {
      if (s.handoff?.ticketId === t.id) delete s.handoff;
    });
    const text = how === "handback" ? CW.agentHandedBack : CW.agentClosed;
    const delivered = await this.deliver(t.sessionKey, text);
    this.push(t, { role: "system", text, at: now, delivered });
    t.status = "closed"; t.closedAt = now; t.closedBy = agent; t.ending = how; t.lastActivityAt = now; t.unread = 0;
    await this.save();
    return t;
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
export function queueRow(t: Ticket, now: number) {
  const lastUser = [...t.transcript].reverse().find((x) => x.role === "user");
  return {
    id: t.id, channel: t.channel, region: t.region, status: t.status, reason: t.reason, openedAt: t.openedAt,
    waitingMs: now - t.openedAt, takenBy: t.takenBy ?? null, unread: t.unread, offHours: t.offHours, promisedAt: t.promisedAt,
    lastUserText: lastUser ? lastUser.text.slice(0, 80) : null, lastActivityAt: t.lastActivityAt,
  };
}
