// Messages that reach a user later (an agent's reply, a flow result): each channel registers
// how it delivers to one of its conversations; the hub routes by the session key's channel.
import type { Reply } from "./message.ts";

export interface Deliverer {
  channel: string;
  /** Sends replies to the conversation of `sessionKey` (`channel:conversation:user`). */
  deliver(sessionKey: string, replies: Reply[]): Promise<void>;
}

export class DeliveryHub {
  private byChannel = new Map<string, Deliverer>();
  register(d: Deliverer): void { this.byChannel.set(d.channel, d); }
  async deliver(sessionKey: string, replies: Reply[]): Promise<boolean> {
    const d = this.byChannel.get(sessionKey.split(":")[0]);
    if (!d) return false;
    await d.deliver(sessionKey, replies);
    return true;
  }
}
