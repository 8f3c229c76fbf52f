// The core's one way in and one way out: an Inbound message from any channel, structured
// Replies back. A reply's text never carries its choices or a "reply with a number" ending;
// each channel renders choices its own way (bot/render.ts for text-only channels).
import type { ConversationKey } from "./conversation-key.ts";

export type Region = "zaozhuang" | "taian";
export type ChannelName = "cli" | "web" | "botframework" | "wechat" | "replay" | "eval";

/** One incoming message, whatever the channel. */
export interface Inbound {
  key: ConversationKey;
  text: string;
  /** A choice the user clicked (button) instead of typing: its label. */
  choice?: string;
  /** Group chat (WeChat room) rather than a private chat. */
  isGroup?: boolean;
  /** In a group: the bot was @-mentioned or the prefix was used. */
  mentioned?: boolean;
  /** Page context from the widget (data-login-error / data-login-role). */
  page?: { loginError?: string; loginRole?: string };
  /** The region the caller already knows (eval and replay lines), used on a fresh conversation. */
  region?: Region | null;
  /**
   * The message came as a picture (bot/vision/): `text` is what was read in it (masked), and
   * `first` the reply that says so ("图片里的提示是：“…”"), to be shown before the answer.
   */
  image?: { read: string; first: Reply };
}

export type Band = "answer" | "clarify" | "decline";

/**
 * What a reply waits for, so each channel can say how to answer:
 * - `pick`: one of the choices (a yes/no confirmation);
 * - `pick-or-text`: a choice, or the answer typed;
 * - `clarify`: one of the guesses, or the question put another way, or a person;
 * - `optional`: the choices are offers; anything else is a new question;
 * - `text`: free text (a name, a unit);
 * - `secret`: a one-time code, which is never logged.
 */
export type Expects = "pick" | "pick-or-text" | "clarify" | "optional" | "text" | "secret";

/** One reply. */
export interface Reply {
  text: string;
  /** Choice labels offered with this reply (buttons, suggested actions or numbered lines). */
  choices?: string[];
  expects?: Expects;
  /** Knowledge id the reply is about, if any. */
  topic?: string | null;
  /** The bot asks for personal data that should be typed only in a private chat. */
  sensitiveInput?: boolean;
  /** The conversation was handed to a person. */
  handoff?: boolean;
  /** Who speaks: the assistant (default) or an agent (a person in the console). */
  from?: "bot" | "agent";
}

/** What one turn produced. */
export interface TurnResult {
  replies: Reply[];
  /** Knowledge id this turn answered, null if it clarified or declined or only acknowledged. */
  topic: string | null;
  /** Ids offered as choices in this turn. */
  offered: string[];
  /** Active flow after the turn, null when none. */
  flow: string | null;
  band?: Band;
  confidence?: number;
  /** Id of the last event this turn wrote to the conversation log. */
  lastEventId?: number;
}

/** The choice labels a turn ended with (the last reply that offered any). */
export function lastChoices(replies: Reply[]): string[] {
  return [...replies].reverse().find((r) => r.choices?.length)?.choices ?? [];
}

/** The engine's former message shape; goes once every channel sends an Inbound. */
export interface Message {
  channel: ChannelName;
  conversationId: string;
  userId: string;
  text: string;
  choice?: string;
  isGroup?: boolean;
  mentioned?: boolean;
  context?: { loginError?: string; loginRole?: string };
}
