// Types shared by the engine and every channel adapter: one message type in, one reply type out.

export type Region = "zaozhuang" | "taian";
export type ChannelName = "cli" | "web" | "botframework" | "wechat" | "replay" | "eval";

/** One incoming message, whatever the channel. */
export interface Message {
  channel: ChannelName;
  /** The conversation (chat, room, widget session) the message belongs to. */
  conversationId: string;
  /** Who sent it, stable per channel. */
  userId: string;
  text: string;
  /** A choice the user clicked (button) instead of typing: its label. */
  choice?: string;
  /** Group chat (WeChat room) rather than a private chat. */
  isGroup?: boolean;
  /** In a group: the bot was @-mentioned or the prefix was used. */
  mentioned?: boolean;
  /** Page context from the widget (data-login-error / data-login-role). */
  context?: { loginError?: string; loginRole?: string };
}

export type Band = "answer" | "clarify" | "decline";

/** One reply. `text` is what a text-only channel shows, numbered choices included. */
export interface Reply {
  text: string;
  /** Choice labels offered with this reply (buttons where the channel has them). */
  choices?: string[];
  /** Knowledge id the reply is about, if any. */
  topic?: string | null;
  /** The bot asks for personal data that should be typed only in a private chat. */
  sensitiveInput?: boolean;
  /** The conversation was handed to a person. */
  handoff?: boolean;
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
}
