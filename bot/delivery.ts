// Messages that reach a user later (an agent's reply, a notice): written to the conversation
// log first, then pushed through the user's own channel, found from the conversation key.
import type { Reply } from "./message.ts";
import type { ConversationLog, Deliverer, LogEvent } from "./ports.ts";
import { channelOfKey } from "./conversation-key.ts";

export class DeliveryHub {
  private byChannel = new Map<string, Deliverer>();
  constructor(
    private log: ConversationLog,
    private logLine: (line: string) => void = () => {},
  ) {}

  register(d: Deliverer): void {
    this.byChannel.set(d.channel, d);
  }

  /** Logs the replies (as pushed) and sends them; `delivered` is false when no channel took them. */
  async deliver(
    sessionKey: string,
    replies: Reply[],
    meta: { role?: LogEvent["role"]; by?: string } = {},
  ): Promise<{ delivered: boolean; events: LogEvent[] }> {
    const events = await this.log.append(
      sessionKey,
      replies.map((r) => ({
        // Without a topic or choices a later message is a person's (the console's); else the assistant's.
        role: meta.role ?? (r.from === "agent" || !(r.topic || r.choices?.length) ? "agent" : "bot"),
        text: r.text,
        pushed: true,
        ...(meta.by ? { by: meta.by } : {}),
        ...(r.choices?.length ? { choices: r.choices } : {}),
        ...(r.topic ? { topic: r.topic } : {}),
      })),
    );
    const channel = channelOfKey(sessionKey);
    const d = channel ? this.byChannel.get(channel) : undefined;
    let delivered = false;
    if (d) {
      try {
        delivered = await d.deliver(sessionKey, replies, events);
      } catch (err) {
        this.logLine(`delivery to ${channel} failed: ${(err as Error).message.split("\n")[0]}`);
      }
    }
    if (!delivered)
      for (const e of events) {
        await this.log.markUndelivered(sessionKey, e.id);
        e.delivered = false;
      }
    return { delivered, events };
  }
}
