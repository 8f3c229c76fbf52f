// What the core needs from the world, given to its constructor by the composition root
// (bot/assistant.ts): storage, the conversation log, the platform, tickets, notices, the clock.
import type { Expects, Region } from "./message.ts";
import type { Session } from "./session.ts";
export type { Clock } from "./clock.ts";
export type { PlatformAdapter } from "../adapters/platform/types.ts";
export type { SessionStore } from "../adapters/storage/types.ts";

export type Speaker = "user" | "bot" | "agent" | "system";

/** One event of a conversation, as the log keeps it (personal numbers already masked). */
export interface LogEvent {
  /** Increasing per conversation, from 1. */
  id: number;
  at: number;
  role: Speaker;
  text: string;
  choices?: string[];
  expects?: Expects;
  topic?: string | null;
  handoff?: boolean;
  /** Sent outside a turn's response (an agent's reply, a notice): channels push these. */
  pushed?: boolean;
  /** The agent who wrote it. */
  by?: string;
  /** False when no channel could take a pushed message. */
  delivered?: boolean;
  /** 👍 / 👎 given to this reply. */
  rating?: "helpful" | "not-helpful";
}

export type NewEvent = Omit<LogEvent, "id" | "at"> & { at?: number };

/**
 * One append-only log per conversation: reload history, pushed messages, the ticket transcript,
 * feedback and erasure are all queries on it.
 */
export interface ConversationLog {
  /** Appends events (masking personal numbers) and returns them with their ids. */
  append(key: string, events: NewEvent[]): Promise<LogEvent[]>;
  /** Events after `after` (0 → all), oldest first. */
  read(key: string, after?: number): Promise<LogEvent[]>;
  /** Records a rating on one bot reply (the latest when no id is given); null if there is none. */
  rate(key: string, rating: NonNullable<LogEvent["rating"]>, eventId?: number): Promise<LogEvent | null>;
  /** Records that a pushed event could not be delivered. */
  markUndelivered(key: string, eventId: number): Promise<void>;
  /** Erases the whole conversation. */
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
  flush(): Promise<void>;
}

/** Where hand-offs go (the agents' queue). */
export interface Tickets {
  open(session: Session, reason: string): Promise<string>;
  /** A user message while a person has the conversation. */
  userMessage(ticketId: string, text: string): Promise<void>;
  /** The off-hours notice for a ticket just opened, to say in the same turn (then not sent separately). */
  takeOpenNotice?(ticketId: string): string | null;
}

/** Staff notices (maintenance, deadlines) shown with answers about a topic until they expire. */
export type Notices = (topicId: string, now: number) => string[];

/** What each turn reports for figures and the learning loop. */
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
  /** What the user typed was an answer inside a flow (a name, a number): not a question to learn from. */
  inFlow?: boolean;
  /** How long the turn took, in milliseconds (for the metrics; not the clock's time). */
  ms?: number;
}
export type TurnListener = (e: TurnEvent) => void;

/** Pushes messages that reach a user later (an agent's reply) in the user's own channel. */
export interface Deliverer {
  channel: string;
  /** `events` are the replies as the log keeps them (ids, masked text); false when they could not be sent. */
  deliver(sessionKey: string, replies: import("./message.ts").Reply[], events: LogEvent[]): Promise<boolean>;
}
