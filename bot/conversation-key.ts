// The one place conversation keys are made and parsed. Channel ids may contain ":" (Bot
// Framework and Teams ids do), so in each part "%" and ":" are percent-encoded before joining:
// parse(encode(k)) always gives k back, and ids without them read the same as before.
import type { ChannelName } from "./message.ts";

export interface ConversationKey {
  channel: ChannelName;
  /** The conversation (chat, room, widget session). */
  conversationId: string;
  /** Who speaks in it, stable per channel. */
  userId: string;
}

const part = (s: string) => s.replace(/%/g, "%25").replace(/:/g, "%3A");
const unpart = (s: string) => s.replace(/%(25|3A)/gi, (_m, c: string) => (c === "25" ? "%" : ":"));

/** `channel:conversation:user`, each part percent-encoded. */
export function encodeKey(k: ConversationKey): string {
  return `${part(k.channel)}:${part(k.conversationId)}:${part(k.userId)}`;
}

const CHANNELS = new Set<string>(["cli", "web", "botframework", "wechat", "replay", "eval"]);

/** The key an encoded string names, or null when it is not one. */
export function parseKey(s: string): ConversationKey | null {
  const parts = s.split(":");
  if (parts.length !== 3) return null;
  const [channel, conversationId, userId] = parts.map(unpart);
  if (!CHANNELS.has(channel) || !conversationId || !userId) return null;
  return { channel: channel as ChannelName, conversationId, userId };
}

/** The channel of an encoded key without decoding the rest. */
export function channelOfKey(s: string): ChannelName | null {
  return parseKey(s)?.channel ?? null;
}

export const keyFor = (channel: ChannelName, conversationId: string, userId = conversationId): ConversationKey => ({ channel, conversationId, userId });
