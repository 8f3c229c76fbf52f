// WeChat channel through wechaty: off unless WECHATY_PUPPET is set (bot/main/config.ts; the
// server imports this file, and so wechaty, only then). It only translates WeChat messages to
// Inbound messages and replies back to text (choices numbered: 回复 1 / 2 / 3).
//
// Private chats: every message is answered. Groups: only when @-mentioned or when the message
// starts with the configured prefix; the reply @-mentions the asker, and personal numbers are
// masked. A flow that needs an ID number continues in the private chat (the core keeps that
// continuation in the private conversation's session). Sending goes through a
// token bucket on the injectable clock so a busy group cannot get the account flagged.
import { join } from "node:path";
import { WechatyBuilder, types, type Wechaty, type Message as WxMessage, type Contact, type Room } from "wechaty";
import type { Assistant } from "../../bot/turn.ts";
import type { Inbound, Reply } from "../../bot/message.ts";
import type { Deliverer } from "../../bot/ports.ts";
import type { Clock } from "../../bot/clock.ts";
import { encodeKey } from "../../bot/conversation-key.ts";
import { renderAllText } from "../../bot/render.ts";
import { maskPersonal } from "../../bot/mask.ts";
import { W } from "../../bot/wording.ts";
import { WECHAT_WORDING } from "../../bot/web/wording.ts";
import { LowdbStore } from "../storage/lowdb-store.ts";
import { MemoryStore, type SessionStore } from "../storage/types.ts";
import { MAX_TEXT_CHARS, TokenBucket, charCount, cleanText, type LogFn } from "./common.ts";
import type { ImageReader } from "../../bot/vision/recognizer.ts";
import { imageTurn } from "../../bot/vision/image-turn.ts";
import { ImageRejected, MAX_IMAGE_BYTES } from "../../bot/vision/image.ts";
import { VISION_WORDING } from "../../bot/vision/wording.ts";

export interface WechatOptions {
  assistant: Assistant;
  clock: Clock;
  /** A puppet module name (WECHATY_PUPPET) or a puppet instance (tests: wechaty-puppet-mock). */
  puppet: string | object;
  /** Options for a puppet given by name (e.g. { token }). */
  puppetOptions?: Record<string, unknown>;
  /** Wechaty's name; its login memory is kept in dataDir/<name>.memory-card.json. */
  name?: string;
  dataDir?: string;
  /** In groups, a message starting with this also addresses the bot (besides an @-mention). */
  prefix?: string;
  /** Groups the bot answers in (room ids or topics); absent or empty → every group. */
  rooms?: string[];
  /** Sending: burst and one more every intervalMs, overall and per group. */
  sendBurst?: number;
  sendIntervalMs?: number;
  roomBurst?: number;
  roomIntervalMs?: number;
  /** Messages waiting to be sent beyond this are dropped (and logged). */
  queueLimit?: number;
  /** Reads text in pictures sent in a private chat; absent → the "cannot read pictures" reply. */
  reader?: ImageReader;
  log?: LogFn;
}

interface Target {
  roomId?: string;
  contactId: string;
}
interface Outgoing {
  target: Target;
  text: string;
  talker?: Contact;
}

export class WechatChannel implements Deliverer {
  readonly channel = "wechat";
  readonly bot: Wechaty;
  private startedAt = 0;
  private targets: SessionStore<Target>;
  private queue: Outgoing[] = [];
  private global: TokenBucket;
  private roomBuckets = new Map<string, TokenBucket>();
  private pumpRun?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private seen = new Set<string>();
  private handling = new Set<Promise<void>>();
  private log: LogFn;
  private stopped = false;
  /** Sent messages (tests read them; production ignores them). */
  readonly sent: { target: Target; text: string }[] = [];

  constructor(private opts: WechatOptions) {
    this.log = opts.log ?? (() => {});
    this.global = new TokenBucket(opts.clock, opts.sendBurst ?? 5, opts.sendIntervalMs ?? 3000);
    this.targets = opts.dataDir ? new LowdbStore<Target>(join(opts.dataDir, "wechat"), opts.log) : new MemoryStore<Target>();
    const name = opts.name && opts.dataDir ? join(opts.dataDir, opts.name) : opts.name;
    this.bot =
      typeof opts.puppet === "string"
        ? WechatyBuilder.build({ name, puppet: opts.puppet as never, ...(opts.puppetOptions ? { puppetOptions: opts.puppetOptions } : {}) })
        : WechatyBuilder.build({ name, puppet: opts.puppet as never });
    this.bot.on("scan", (qrcode: string, status: types.ScanStatus) => {
      if (status === types.ScanStatus.Waiting || status === types.ScanStatus.Timeout) {
        this.log(`wechat: scan to log in: https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`);
      }
    });
    this.bot.on("login", () => this.log("wechat: logged in"));
    this.bot.on("logout", () => this.log("wechat: logged out"));
    this.bot.on("error", (err: Error) => this.log(`wechat: ${maskPersonal(String(err?.message ?? err)).split("\n")[0]}`));
    this.bot.on("message", (m: WxMessage) => {
      const p = this.onMessage(m).catch((err) => this.log(`wechat: message failed: ${maskPersonal(String((err as Error)?.message ?? err)).split("\n")[0]}`));
      this.handling.add(p);
      void p.finally(() => this.handling.delete(p));
    });
  }

  /** Starts the bot; messages stamped before this moment are ignored. Login comes later (scan). */
  async start(): Promise<void> {
    this.startedAt = this.opts.clock.now();
    await this.bot.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.handling]);
    await this.bot.stop().catch(() => {});
    await this.targets.flush();
  }

  /** Waits until the messages being handled are answered and whatever may be sent now is sent. */
  async idle(): Promise<void> {
    while (this.handling.size || this.pumpRun) {
      await Promise.allSettled([...this.handling]);
      if (this.pumpRun) await this.pumpRun;
    }
  }

  private async roomAllowed(room: Room): Promise<boolean> {
    const allow = this.opts.rooms ?? [];
    if (!allow.length) return true;
    if (allow.includes(room.id)) return true;
    const topic = await room.topic().catch(() => "");
    return !!topic && allow.includes(topic);
  }

  /** One WeChat message → maybe one turn of the core → one WeChat message back. */
  async onMessage(m: WxMessage): Promise<void> {
    if (this.stopped || m.self()) return;
    if (this.seen.has(m.id)) return;
    this.seen.add(m.id);
    if (this.seen.size > 2000) this.seen.delete(this.seen.values().next().value as string);
    if (m.date().getTime() < this.startedAt) return; // from before the bot started
    const talker = m.talker();
    if (!talker || talker.type() === types.Contact.Official) return;
    const room = m.room();
    const type = m.type();
    const media = [types.Message.Image, types.Message.Audio, types.Message.Video, types.Message.Attachment].includes(type);
    if (room) {
      if (type !== types.Message.Text) return; // nobody addressed the bot
      if (!(await this.roomAllowed(room))) return;
      let text = cleanText(m.text());
      let mentioned = await m.mentionSelf().catch(() => false);
      if (mentioned) text = cleanText(await m.mentionText().catch(() => text));
      const prefix = this.opts.prefix;
      if (!mentioned && prefix && text.startsWith(prefix)) {
        mentioned = true;
        text = cleanText(text.slice(prefix.length).replace(/^[\s:：,，]+/, ""));
      }
      if (!mentioned) return;
      const target: Target = { roomId: room.id, contactId: talker.id };
      if (!text) return this.enqueue({ target, talker, text: W.welcome });
      if (charCount(text) > MAX_TEXT_CHARS) return this.enqueue({ target, talker, text: WECHAT_WORDING.tooLong(MAX_TEXT_CHARS) });
      const msg: Inbound = { key: { channel: "wechat", conversationId: room.id, userId: talker.id }, text, isGroup: true, mentioned: true };
      await this.targets.write(encodeKey(msg.key), target);
      const r = await this.opts.assistant.handle(msg);
      if (r.replies.length) this.enqueue({ target, talker, text: maskPersonal(joinReplies(r.replies)) });
      return;
    }
    const target: Target = { contactId: talker.id };
    if (type === types.Message.Image && this.opts.reader) return this.onImage(m, talker.id, target);
    if (media) return this.enqueue({ target, text: WECHAT_WORDING.mediaOnly });
    if (type !== types.Message.Text) return;
    const text = cleanText(m.text());
    if (!text) return;
    if (charCount(text) > MAX_TEXT_CHARS) return this.enqueue({ target, text: WECHAT_WORDING.tooLong(MAX_TEXT_CHARS) });
    const msg: Inbound = { key: { channel: "wechat", conversationId: talker.id, userId: talker.id }, text };
    await this.targets.write(encodeKey(msg.key), target);
    const r = await this.opts.assistant.handle(msg);
    if (r.replies.length) this.enqueue({ target, text: joinReplies(r.replies) });
  }

  /**
   * A picture in a private chat (a screenshot of the platform's message): its bytes from the
   * puppet's file box, kept in memory, answered as the message read in it.
   */
  private async onImage(m: WxMessage, contactId: string, target: Target): Promise<void> {
    const reader = this.opts.reader;
    if (!reader) return;
    let bytes: Buffer;
    try {
      const box = await m.toFileBox();
      if (box.size > MAX_IMAGE_BYTES) return this.enqueue({ target, text: VISION_WORDING.badImage });
      bytes = await box.toBuffer();
    } catch (err) {
      this.log(`wechat: picture not received (${String((err as Error)?.message ?? err).split("\n")[0]})`);
      return this.enqueue({ target, text: VISION_WORDING.failed });
    }
    const key = { channel: "wechat" as const, conversationId: contactId, userId: contactId };
    await this.targets.write(encodeKey(key), target);
    try {
      const r = await imageTurn({ assistant: this.opts.assistant, reader, log: this.log }, { key }, bytes);
      if (r.replies.length) this.enqueue({ target, text: joinReplies(r.replies) });
    } catch (err) {
      if (err instanceof ImageRejected) return this.enqueue({ target, text: VISION_WORDING.badImage });
      throw err;
    }
  }

  /** Deliverer: an agent's reply or a late flow result to the contact or room. */
  async deliver(sessionKey: string, replies: Reply[]): Promise<boolean> {
    const target = await this.targets.read(sessionKey);
    if (!target) throw new Error("wechat: no contact or room known for this conversation");
    const text = joinReplies(replies);
    this.enqueue({ target, text: target.roomId ? maskPersonal(text) : text });
    return true;
  }

  private enqueue(o: Outgoing): void {
    if (this.queue.length >= (this.opts.queueLimit ?? 50)) {
      this.log("wechat: send queue full, a message was dropped");
      return;
    }
    this.queue.push(o);
    void this.pump();
  }

  private roomBucket(roomId: string): TokenBucket {
    let b = this.roomBuckets.get(roomId);
    if (!b) {
      b = new TokenBucket(this.opts.clock, this.opts.roomBurst ?? 3, this.opts.roomIntervalMs ?? 6000);
      this.roomBuckets.set(roomId, b);
    }
    return b;
  }

  /** Sends what the buckets allow now; re-checks later for the rest. */
  pump(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.pumpRun) {
      this.pumpRun = this.pumpOnce().finally(() => {
        this.pumpRun = undefined;
        if (this.nextIndex() >= 0)
          void this.pump(); // queued while the last send was under way
        else this.schedule();
      });
    }
    return this.pumpRun;
  }

  /** The first message the buckets let go now (per-group order kept), or -1. */
  private nextIndex(): number {
    if (!this.queue.length || this.global.waitMs() > 0) return -1;
    const blocked = new Set<string>();
    return this.queue.findIndex((o) => {
      const room = o.target.roomId;
      if (!room) return true;
      if (blocked.has(room)) return false;
      if (this.roomBucket(room).waitMs() === 0) return true;
      blocked.add(room);
      return false;
    });
  }

  private async pumpOnce(): Promise<void> {
    for (let i = this.nextIndex(); i >= 0 && !this.stopped; i = this.nextIndex()) {
      const [o] = this.queue.splice(i, 1);
      this.global.take();
      if (o.target.roomId) this.roomBucket(o.target.roomId).take();
      await this.send(o).catch((err) => this.log(`wechat: send failed: ${maskPersonal(String((err as Error)?.message ?? err)).split("\n")[0]}`));
    }
  }

  private schedule(): void {
    if (this.queue.length && !this.stopped && !this.timer) {
      const waits = [this.global.waitMs(), ...this.queue.flatMap((o) => (o.target.roomId ? [this.roomBucket(o.target.roomId).waitMs()] : []))];
      const wait = Math.min(Math.max(50, Math.max(this.global.waitMs(), Math.min(...waits))), 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.pump();
      }, wait);
      this.timer.unref();
    }
  }

  /** Messages waiting for a token. */
  get queued(): number {
    return this.queue.length;
  }

  private async send(o: Outgoing): Promise<void> {
    if (o.target.roomId) {
      const room = await this.bot.Room.find({ id: o.target.roomId });
      if (!room) throw new Error("room not found");
      const talker = o.talker ?? (await this.bot.Contact.find({ id: o.target.contactId }));
      if (talker) await room.say(o.text, talker);
      else await room.say(o.text);
    } else {
      const contact = o.talker ?? (await this.bot.Contact.find({ id: o.target.contactId }));
      if (!contact) throw new Error("contact not found");
      await contact.say(o.text);
    }
    this.sent.push({ target: o.target, text: o.text });
    if (this.sent.length > 500) this.sent.splice(0, this.sent.length - 500);
  }
}

/** A turn's replies as one WeChat message; choices are numbered text (回复 1 / 2 / 3). */
export function joinReplies(replies: Reply[]): string {
  return renderAllText(replies, WECHAT_WORDING.numbers);
}
