// The state one conversation keeps between turns (stored as JSON, versioned).
import type { Region } from "./message.ts";
import type { StoredFlow } from "../flows/types.ts";

export type ChoiceTarget = { type: "topic"; id: string } | { type: "handoff" };

export interface HistoryItem { role: "user" | "bot" | "agent" | "system"; text: string; at: number }

export interface Session {
  v: 1;
  key: string;
  channel: string;
  region: Region | null;
  otherCity?: string;
  flow: StoredFlow | null;
  /** Choices the engine offered (clarify, second question, decline) and what each leads to. */
  choices: { labels: string[]; targets: ChoiceTarget[] } | null;
  /** The last answer showed several cities and asked which applies. */
  pendingCityTopic?: string;
  /** The last topic answered ("那泰安呢" asks it again for another city). */
  lastTopic?: string;
  /** Short transcript, personal numbers masked, no passwords or codes. */
  history: HistoryItem[];
  handoff?: { ticketId: string; state: "waiting" | "taken"; since: number };
  createdAt: number;
  updatedAt: number;
}

export const HISTORY_LIMIT = 40;

export function freshSession(key: string, channel: string, now: number, region: Region | null = null): Session {
  return { v: 1, key, channel, region, flow: null, choices: null, history: [], createdAt: now, updatedAt: now };
}
