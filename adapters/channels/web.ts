// The web widget's channel: its HTTP API under /api/chat, pushed messages (server-sent events,
// with a polling route as fallback) and the Deliverer that brings later replies to the widget.
//
// A conversation's transcript for a page reload is the engine's own session history (masked,
// without passwords or codes); only messages delivered later (agents' replies, flow results)
// are kept here, in a small outbox per conversation under dataDir/web/.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import cors from "@fastify/cors";
import { Mutex } from "async-mutex";
import { z } from "zod";
import type { Engine } from "../../bot/engine.ts";
import { IDLE_MS } from "../../bot/engine.ts";
import type { Message, Reply, TurnResult } from "../../bot/message.ts";
import type { Session } from "../../bot/session.ts";
import type { Deliverer } from "../../bot/delivery.ts";
import type { Clock } from "../../bot/clock.ts";
import { maskPersonal } from "../../bot/mask.ts";
import { LowdbStore } from "../storage/lowdb-store.ts";
import { MemoryStore, type SessionStore } from "../storage/types.ts";
import { BUTTON_TAILS, loginErrorQuestion } from "../../bot/web/wording.ts";
import { MAX_CONTEXT_CHARS, MAX_TEXT_CHARS, charCount, cleanText, textForButtons, type LogFn } from "./common.ts";

export const MAX_CHOICE_CHARS = 200;
const OUTBOX_LIMIT = 200;
const SSE_PER_CONVERSATION = 4;
const SSE_TOTAL = 1000;
const SSE_HEARTBEAT_MS = 25_000;
/** Server-issued conversation ids (UUIDs); anything else is "unknown" and starts fresh. */
const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface WebReply { text: string; choices: string[]; topic: string | null; handoff?: boolean }
export interface WebHistoryItem { role: "user" | "bot" | "agent" | "system"; text: string; at: number; choices?: string[]; eventId?: number }
interface OutboxItem { seq: number; at: number; role: "bot" | "agent"; text: string; choices?: string[]; topic?: string | null }
interface Outbox { seq: number; items: OutboxItem[] }

const contextSchema = z.object({
  loginError: z.string().max(MAX_CONTEXT_CHARS * 4).nullish(),
  loginRole: z.string().max(MAX_CONTEXT_CHARS * 4).nullish(),
}).nullish();

/** POST /api/chat. Unknown fields are ignored (clients may be newer than the server). */
export const chatBodySchema = z.object({
  conversationId: z.string().max(200).nullish(),
  text: z.string().max(MAX_TEXT_CHARS * 8).nullish(),
  choice: z.string().max(MAX_CHOICE_CHARS * 8).nullish(),
  context: contextSchema,
});
export type ChatBody = z.infer<typeof chatBodySchema>;

/** A 4xx with a JSON reason. */
export class BadRequest extends Error {
  constructor(public statusCode: number, message: string, public extra: Record<string, unknown> = {}) { super(message); }
}

const GENERIC_LOGIN = /(登不上|登录不上|登陆不上|登不进|登录不进|登陆不进|登录不了|登陆不了|登不了|无法登录|无法登陆|不能登录|不能登陆|进不去|登录失败|登陆失败|怎么办|咋办|咋整|怎么回事|咋回事|什么意思|啥意思|怎么弄|怎么解决|为什么|为啥)/;

/**
 * The page shows a login message and the user asks a generic can't-log-in question: the question
 * becomes that message, so the answer is the message's own.
 */
export function isGenericLoginQuestion(engine: Engine, text: string): boolean {
  if (!text || charCount(text) > 30) return false;
  const m = engine.matcher.match(text);
  if (m.band === "answer" && m.id === "login.cannot-login") return true;
  return m.band !== "answer" && !m.outOfScope && GENERIC_LOGIN.test(text) && charCount(text) <= 20;
}

/** Widget request → engine message (validated). */
export function toEngineMessage(engine: Engine, conversationId: string, body: ChatBody): Message {
  const choice = body.choice != null ? cleanText(body.choice) : "";
  const text = body.text != null ? cleanText(body.text) : "";
  if (!choice && !text) throw new BadRequest(400, "text or choice is required");
  if (charCount(text) > MAX_TEXT_CHARS) throw new BadRequest(400, `text is longer than ${MAX_TEXT_CHARS} characters`, { max: MAX_TEXT_CHARS });
  if (charCount(choice) > MAX_CHOICE_CHARS) throw new BadRequest(400, `choice is longer than ${MAX_CHOICE_CHARS} characters`, { max: MAX_CHOICE_CHARS });
  const loginError = body.context?.loginError ? cleanText(body.context.loginError).replace(/\s+/g, " ") : "";
  const loginRole = body.context?.loginRole ? cleanText(body.context.loginRole).replace(/\s+/g, " ") : "";
  if (charCount(loginError) > MAX_CONTEXT_CHARS || charCount(loginRole) > MAX_CONTEXT_CHARS) {
    throw new BadRequest(400, `context values are limited to ${MAX_CONTEXT_CHARS} characters`, { max: MAX_CONTEXT_CHARS });
  }
  const context = loginError || loginRole ? { ...(loginError ? { loginError } : {}), ...(loginRole ? { loginRole } : {}) } : undefined;
  let said = choice || text;
  if (!choice && loginError && isGenericLoginQuestion(engine, text)) said = loginErrorQuestion(loginError);
  return { channel: "web", conversationId, userId: conversationId, text: said, ...(choice ? { choice } : {}), ...(context ? { context } : {}) };
}

/** Engine reply → widget reply: choices become buttons, so their numbered lines go. */
export function toWebReply(reply: Reply): WebReply {
  return { text: textForButtons(reply, BUTTON_TAILS), choices: reply.choices ?? [], topic: reply.topic ?? null, ...(reply.handoff ? { handoff: true } : {}) };
}

export interface WebChannelOptions {
  engine: Engine;
  clock: Clock;
  /** Absent: the outbox lives in memory. */
  dataDir?: string;
  /** Origins allowed to call the widget API from other pages; "*" for any; empty → same origin only. */
  origins?: string[] | "*";
  log?: LogFn;
}

export class WebChannel implements Deliverer {
  readonly channel = "web";
  private outbox: SessionStore<Outbox>;
  private locks = new Map<string, Mutex>();
  private clients = new Map<string, Set<ServerResponse>>();
  private clientCount = 0;
  private heartbeat?: NodeJS.Timeout;

  constructor(private opts: WebChannelOptions) {
    this.outbox = opts.dataDir ? new LowdbStore<Outbox>(join(opts.dataDir, "web"), opts.log) : new MemoryStore<Outbox>();
  }

  static keyOf(conversationId: string): string { return `web:${conversationId}:${conversationId}`; }

  private lock(id: string): Mutex {
    let m = this.locks.get(id);
    if (!m) { m = new Mutex(); this.locks.set(id, m); }
    return m;
  }

  /** Is this a conversation the server issued and that is still alive? */
  async isLive(id: string): Promise<{ session: Session | null; outbox: Outbox | null } | null> {
    if (!ID_RE.test(id)) return null;
    const key = WebChannel.keyOf(id);
    const [session, outbox] = await Promise.all([this.opts.engine.store.read(key), this.outbox.read(key)]);
    const last = Math.max(session?.v === 1 ? session.updatedAt : 0, outbox?.items.at(-1)?.at ?? 0);
    if (!last || this.opts.clock.now() - last > IDLE_MS) return null;
    return { session: session?.v === 1 ? session : null, outbox };
  }

  /** One turn from the widget. */
  async chat(body: ChatBody): Promise<{ conversationId: string; result: TurnResult; lastEventId: number }> {
    let id = body.conversationId ?? "";
    const live = id ? await this.isLive(id) : null;
    if (!live) id = randomUUID(); // unknown or expired: a fresh conversation, silently
    const msg = toEngineMessage(this.opts.engine, id, body);
    const result = await this.opts.engine.turn(msg);
    return { conversationId: id, result, lastEventId: live?.outbox?.seq ?? 0 };
  }

  /** The transcript for a page reload: the session's history plus messages delivered later. */
  async history(id: string): Promise<{ conversationId: string | null; messages: WebHistoryItem[]; lastEventId: number }> {
    const live = await this.isLive(id);
    if (!live) return { conversationId: null, messages: [], lastEventId: 0 };
    const hist: WebHistoryItem[] = (live.session?.history ?? []).map((h) => ({ role: h.role, text: h.text, at: h.at }));
    const pending = live.session?.flow?.choices?.length ? live.session.flow.choices : live.session?.choices?.labels;
    const lastBot = hist.at(-1);
    if (lastBot && lastBot.role === "bot" && pending?.length) {
      lastBot.choices = pending;
      lastBot.text = textForButtons({ text: lastBot.text, choices: pending }, BUTTON_TAILS);
    }
    const items = live.outbox?.items ?? [];
    const extra: WebHistoryItem[] = items
      .filter((o) => !hist.some((h) => h.role !== "user" && h.text === o.text && Math.abs(h.at - o.at) <= 5 * 60_000))
      .map((o) => ({ role: o.role, text: o.text, at: o.at, eventId: o.seq, ...(o.choices?.length ? { choices: o.choices } : {}) }));
    const messages = [...hist, ...extra].map((m, i) => ({ m, i }))
      .sort((a, b) => a.m.at - b.m.at || a.i - b.i).map(({ m }) => m);
    return { conversationId: id, messages, lastEventId: live.outbox?.seq ?? 0 };
  }

  /** Messages delivered after `after` (polling fallback and SSE replay). */
  async updates(id: string, after: number): Promise<OutboxItem[] | null> {
    const live = await this.isLive(id);
    if (!live) return null;
    return (live.outbox?.items ?? []).filter((o) => o.seq > after);
  }

  /** Deliverer: an agent's reply or a late flow result for `web:<id>:<id>`. */
  async deliver(sessionKey: string, replies: Reply[]): Promise<void> {
    const id = sessionKey.split(":")[1] ?? "";
    if (!ID_RE.test(id) || !replies.length) return;
    const key = WebChannel.keyOf(id);
    const added = await this.lock(id).runExclusive(async () => {
      const box: Outbox = (await this.outbox.read(key)) ?? { seq: 0, items: [] };
      const now = this.opts.clock.now();
      const fresh: OutboxItem[] = replies.map((r) => {
        const web = toWebReply(r);
        // A reply without a topic or choices is a person's (the agents' console); else the bot's.
        const role: OutboxItem["role"] = r.topic || r.choices?.length ? "bot" : "agent";
        return { seq: ++box.seq, at: now, role, text: maskPersonal(web.text), ...(web.choices.length ? { choices: web.choices } : {}), topic: r.topic ?? null };
      });
      box.items.push(...fresh);
      if (box.items.length > OUTBOX_LIMIT) box.items.splice(0, box.items.length - OUTBOX_LIMIT);
      await this.outbox.write(key, box);
      return fresh;
    });
    const m = this.locks.get(id);
    if (m && !m.isLocked()) this.locks.delete(id);
    for (const item of added) this.push(id, item);
  }

  private push(id: string, item: OutboxItem): void {
    const set = this.clients.get(id);
    if (!set) return;
    const frame = sseFrame(item);
    for (const res of set) { try { res.write(frame); } catch { /* closed */ } }
  }

  /** Opens a server-sent events stream for a conversation. */
  async openStream(id: string, after: number, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const pending = await this.updates(id, after);
    if (!pending) throw new BadRequest(404, "unknown or expired conversation");
    const set = this.clients.get(id) ?? new Set<ServerResponse>();
    if (set.size >= SSE_PER_CONVERSATION || this.clientCount >= SSE_TOTAL) throw new BadRequest(429, "too many open event streams");
    reply.hijack();
    const res = reply.raw;
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string | number | string[];
    res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n: connected\n\n");
    for (const item of pending) res.write(sseFrame(item));
    set.add(res);
    this.clients.set(id, set);
    this.clientCount++;
    this.startHeartbeat();
    const drop = () => {
      if (!set.delete(res)) return;
      this.clientCount--;
      if (!set.size) this.clients.delete(id);
    };
    req.raw.on("close", drop);
    res.on("close", drop);
    res.on("error", drop);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const set of this.clients.values()) for (const res of set) { try { res.write(": ping\n\n"); } catch { /* closed */ } }
    }, SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Ends every open stream (server shutting down). */
  closeStreams(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const set of this.clients.values()) for (const res of set) { try { res.end(); } catch { /* closed */ } }
    this.clients.clear();
    this.clientCount = 0;
  }

  async flush(): Promise<void> { await this.outbox.flush(); }

  /** The widget API as a fastify plugin; register it with prefix "/api/chat". */
  routes = async (app: FastifyInstance): Promise<void> => {
    const origins = this.opts.origins;
    await app.register(cors, {
      origin: origins === "*" ? "*" : origins?.length ? (origin, cb) => cb(null, origin && origins.includes(origin) ? origin : false) : false,
      methods: ["GET", "POST", "OPTIONS"],
      allowedHeaders: ["Content-Type", "Last-Event-ID"],
      maxAge: 600,
    });

    const idParam = (req: FastifyRequest): string => {
      const id = (req.params as { id?: string }).id ?? "";
      if (id.length > 200) throw new BadRequest(400, "conversation id too long");
      return id;
    };
    const afterOf = (req: FastifyRequest): number => {
      const q = (req.query as { after?: string }).after ?? (req.headers["last-event-id"] as string | undefined) ?? "0";
      const n = Number(q);
      if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) throw new BadRequest(400, "after must be a non-negative integer");
      return n;
    };

    app.post("/", async (req, reply) => {
      if (req.body === undefined || req.body === null || typeof req.body !== "object" || Array.isArray(req.body)) {
        throw new BadRequest(400, "body must be a JSON object");
      }
      const parsed = chatBodySchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.join(".") || "body";
        const tooBig = issue?.code === "too_big";
        throw new BadRequest(400, tooBig ? `${field} is too long` : `${field}: ${issue?.message ?? "invalid"}`, { field });
      }
      const out = await this.chat(parsed.data);
      reply.header("cache-control", "no-store");
      return { conversationId: out.conversationId, replies: out.result.replies.map(toWebReply), topic: out.result.topic, flow: out.result.flow, lastEventId: out.lastEventId };
    });

    app.get("/:id/history", async (req, reply) => {
      reply.header("cache-control", "no-store");
      return this.history(idParam(req));
    });

    app.get("/:id/updates", async (req, reply) => {
      const items = await this.updates(idParam(req), afterOf(req));
      if (!items) throw new BadRequest(404, "unknown or expired conversation");
      reply.header("cache-control", "no-store");
      return { messages: items.map(({ seq, ...rest }) => ({ ...rest, eventId: seq })), lastEventId: items.at(-1)?.seq ?? afterOf(req) };
    });

    app.get("/:id/events", async (req, reply) => {
      await this.openStream(idParam(req), afterOf(req), req, reply);
    });
  };
}

function sseFrame(item: OutboxItem): string {
  const data = JSON.stringify({ eventId: item.seq, role: item.role, text: item.text, choices: item.choices ?? [], topic: item.topic ?? null, at: item.at });
  return `id: ${item.seq}\nevent: message\ndata: ${data}\n\n`;
}
