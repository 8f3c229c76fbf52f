// The state one conversation keeps between turns (stored as JSON, versioned). What was said is
// not here: it is in the conversation log (bot/ports.ts ConversationLog).
import type { Expects, Region, Reply } from "./message.ts";

export type ChoiceTarget = { type: "topic"; id: string } | { type: "handoff" };

/** A flow under way, as stored. */
export interface ActiveFlow {
  name: string;
  version: number;
  state: unknown;
  /** Choice labels of the flow's last question, for numbered picks. */
  choices?: string[];
  /** What the flow's last question waits for (a secret is never logged). */
  expects?: Expects;
  /** The flow's last replies (to repeat them on 返回上一步). */
  lastReplies?: Reply[];
  /** Earlier steps, for 返回上一步. */
  back?: { state: unknown; choices?: string[]; expects?: Expects; replies: Reply[] }[];
}

export const SESSION_VERSION = 2;

export interface Session {
  v: typeof SESSION_VERSION;
  key: string;
  channel: string;
  region: Region | null;
  otherCity?: string;
  flow: ActiveFlow | null;
  /** Choices the assistant offered (clarify, second question, decline) and what each leads to. */
  choices: { labels: string[]; targets: ChoiceTarget[] } | null;
  /** The last answer showed several cities and asked which applies. */
  pendingCityTopic?: string;
  /** The last topic answered ("那泰安呢" asks it again for another city). */
  lastTopic?: string;
  handoff?: { ticketId: string; state: "waiting" | "taken"; since: number };
  /** A question asked in a group that needs personal data, to continue in this private chat. */
  continuation?: { text: string; at: number };
  /** Turns taken, for telling a first message from a later one. */
  turns: number;
  createdAt: number;
  updatedAt: number;
}

export function freshSession(key: string, channel: string, now: number, region: Region | null = null): Session {
  return { v: SESSION_VERSION, key, channel, region, flow: null, choices: null, turns: 0, createdAt: now, updatedAt: now };
}
