// The web widget's channel: its HTTP API under /api/chat, pushed messages (server-sent events,
// with a polling route as fallback) and the Deliverer that brings later replies to the widget.
// It only translates: requests become Inbound messages for the core, replies become the
// widget's JSON. History and pushed messages are queries on the conversation log.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import cors from "@fastify/cors";
import { z } from "zod";
import type { Assistant } from "../../bot/turn.ts";
import type { Inbound, Reply, TurnResult } from "../../bot/message.ts";
import type { Deliverer, LogEvent } from "../../bot/ports.ts";
import type { Clock } from "../../bot/clock.ts";
import { IDLE_MS } from "../../bot/conversations.ts";
import { encodeKey, keyFor, parseKey } from "../../bot/conversation-key.ts";
import { renderForButtons } from "../../bot/render.ts";
import { MAX_CONTEXT_CHARS, MAX_TEXT_CHARS, charCount, cleanText, type LogFn } from "./common.ts";
import type { ImageReader } from "../../bot/vision/recognizer.ts";
import { imageTurn } from "../../bot/vision/image-turn.ts";
import { ImageRejected, MAX_IMAGE_BYTES } from "../../bot/vision/image.ts";

export const MAX_CHOICE_CHARS = 200;
const SSE_PER_CONVERSATION = 4;
const SSE_TOTAL = 1000;
const SSE_HEARTBEAT_MS = 25_000;
/** Server-issued conversation ids (UUIDs); anything else is "unknown" and starts fresh. */
const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface WebReply {
  text: string;
  choices: string[];
  topic: string | null;
  handoff?: boolean;
}
export interface WebMessage {
  role: LogEvent["role"];
  text: string;
  at: number;
  choices?: string[];
  topic?: string | null;
  eventId: number;
}

const contextSchema = z
  .object({
    loginError: z
      .string()
      .max(MAX_CONTEXT_CHARS * 4)
      .nullish(),
    loginRole: z
      .string()
      .max(MAX_CONTEXT_CHARS * 4)
      .nullish(),
  })
  .nullish();

/** POST /api/chat. Unknown fields are ignored (clients may be newer than the server). */
export const chatBodySchema = z.object({
  conversationId: z.string().max(200).nullish(),
  text: z
    .string()
    .max(MAX_TEXT_CHARS * 8)
    .nullish(),
  choice: z
    .string()
    .max(MAX_CHOICE_CHARS * 8)
    .nullish(),
  context: contextSchema,
});
export type ChatBody = z.infer<typeof chatBodySchema>;

/** A 4xx with a JSON reason. */
export class BadRequest extends Error {
  constructor(
    public statusCode: number,
    message: string,
    public extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Widget request → Inbound (validated). The page's context goes along; the core reads it. */
export function toInbound(conversationId: string, body: ChatBody): Inbound {
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
  const page = loginError || loginRole ? { ...(loginError ? { loginError } : {}), ...(loginRole ? { loginRole } : {}) } : undefined;
  return { key: keyFor("web", conversationId), text: choice || text, ...(choice ? { choice } : {}), ...(page ? { page } : {}) };
}

/** Core reply → widget reply: choices become buttons, the text says how to use them. */
export function toWebReply(reply: Reply): WebReply {
  return { text: renderForButtons(reply), choices: reply.choices ?? [], topic: reply.topic ?? null, ...(reply.handoff ? { handoff: true } : {}) };
}

/** One turn as the widget API answers it. */
function turnBody(out: { conversationId: string; result: TurnResult; lastEventId: number }) {
  const { result } = out;
  return { conversationId: out.conversationId, replies: result.replies.map(toWebReply), topic: result.topic, flow: result.flow, lastEventId: out.lastEventId };
}

/** A logged event as the widget shows it. */
function toWebMessage(e: LogEvent, withChoices: boolean): WebMessage {
  const choices = withChoices ? (e.choices ?? []) : [];
  const text = e.role === "bot" ? renderForButtons({ text: e.text, choices, expects: e.expects }) : e.text;
  return { role: e.role, text, at: e.at, eventId: e.id, ...(choices.length ? { choices } : {}), ...(e.topic ? { topic: e.topic } : {}) };
}

export interface WebChannelOptions {
  assistant: Assistant;
  clock: Clock;
  /** Origins allowed to call the widget API from other pages; "*" for any; empty → same origin only. */
  origins?: string[] | "*";
  /** Reads text in pictures (POST /api/chat/image); absent → that route answers 404. */
  reader?: ImageReader;
  log?: LogFn;
}

export class WebChannel implements Deliverer {
  readonly channel = "web";
  private clients = new Map<string, Set<ServerResponse>>();
  private clientCount = 0;
  private heartbeat?: NodeJS.Timeout;

  constructor(private opts: WebChannelOptions) {}

  static keyOf(conversationId: string): string {
    return encodeKey(keyFor("web", conversationId));
  }

  /** A conversation the server issued that is still alive: its log (null when unknown or expired). */
  async isLive(id: string): Promise<LogEvent[] | null> {
    if (!ID_RE.test(id)) return null;
    const key = WebChannel.keyOf(id);
    const events = await this.opts.assistant.log.read(key);
    const last = events.at(-1)?.at ?? 0;
    if (!last || this.opts.clock.now() - last > IDLE_MS) return null;
    return events;
  }

  /** One turn from the widget. */
  async chat(body: ChatBody): Promise<{ conversationId: string; result: TurnResult; lastEventId: number }> {
    let id = body.conversationId ?? "";
    if (!id || !(await this.isLive(id))) id = randomUUID(); // unknown or expired: a fresh conversation, silently
    const result = await this.opts.assistant.handle(toInbound(id, body));
    return { conversationId: id, result, lastEventId: result.lastEventId ?? 0 };
  }

  /**
   * One turn from a picture the widget sent (attach button or paste): answered as the message
   * read in it. The image stays in memory; only the masked text read reaches the log.
   */
  async image(
    conversationId: string | undefined,
    bytes: Uint8Array,
  ): Promise<{ conversationId: string; result: TurnResult; lastEventId: number; read: string | null }> {
    const reader = this.opts.reader;
    if (!reader) throw new BadRequest(404, "pictures are not read on this server");
    let id = conversationId ?? "";
    if (!id || !(await this.isLive(id))) id = randomUUID();
    try {
      const result = await imageTurn({ assistant: this.opts.assistant, reader, log: this.opts.log }, { key: keyFor("web", id) }, bytes);
      return { conversationId: id, result, lastEventId: result.lastEventId ?? 0, read: result.read };
    } catch (err) {
      if (err instanceof ImageRejected) throw new BadRequest(err.statusCode, err.message, { maxBytes: MAX_IMAGE_BYTES });
      throw err;
    }
  }

  /** The transcript for a page reload; the choices still open are on the last message. */
  async history(id: string): Promise<{ conversationId: string | null; messages: WebMessage[]; lastEventId: number }> {
    const events = await this.isLive(id);
    if (!events) return { conversationId: null, messages: [], lastEventId: 0 };
    const shown = events.filter((e) => e.role !== "system" || e.pushed);
    const session = await this.opts.assistant.conversations.isLive(WebChannel.keyOf(id));
    const open = !!(session?.flow?.choices?.length || session?.choices?.labels.length);
    const lastBot = shown.at(-1)?.role === "bot" ? shown.length - 1 : -1;
    const messages = shown.map((e, i) => toWebMessage(e, open && i === lastBot));
    return { conversationId: id, messages, lastEventId: events.at(-1)?.id ?? 0 };
  }

  /** Messages pushed after `after` (polling fallback and SSE replay). */
  async updates(id: string, after: number): Promise<WebMessage[] | null> {
    const events = await this.isLive(id);
    if (!events) return null;
    return events.filter((e) => e.id > after && e.pushed).map((e) => toWebMessage(e, true));
  }

  /** Deliverer: the logged events of an agent's reply or a notice, pushed to open streams. */
  async deliver(sessionKey: string, _replies: Reply[], events: LogEvent[]): Promise<boolean> {
    const k = parseKey(sessionKey);
    if (!k || k.channel !== "web" || !ID_RE.test(k.conversationId)) return false;
    for (const e of events) this.push(k.conversationId, toWebMessage(e, true));
    return true; // the log holds it: the widget gets it on its next poll or reload
  }

  private push(id: string, item: WebMessage): void {
    const set = this.clients.get(id);
    if (!set) return;
    const frame = sseFrame(item);
    for (const res of set) {
      try {
        res.write(frame);
      } catch {
        /* closed */
      }
    }
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
      for (const set of this.clients.values())
        for (const res of set) {
          try {
            res.write(": ping\n\n");
          } catch {
            /* closed */
          }
        }
    }, SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Ends every open stream (server shutting down). */
  closeStreams(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const set of this.clients.values())
      for (const res of set) {
        try {
          res.end();
        } catch {
          /* closed */
        }
      }
    this.clients.clear();
    this.clientCount = 0;
  }

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
      return turnBody(out);
    });

    // A picture: the raw bytes as the body (any image/* or application/octet-stream type; the
    // type is judged from the bytes), the conversation id in the query. Up to 5 MB.
    app.addContentTypeParser(/^(image\/[\w.+-]+|application\/octet-stream)$/, { parseAs: "buffer", bodyLimit: MAX_IMAGE_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    app.post("/image", { bodyLimit: MAX_IMAGE_BYTES }, async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw new BadRequest(415, "send the image bytes with an image/png, image/jpeg or image/webp content type");
      const q = req.query as { conversationId?: unknown };
      const cid = typeof q.conversationId === "string" && q.conversationId.length <= 200 ? q.conversationId : undefined;
      const out = await this.image(cid, req.body);
      reply.header("cache-control", "no-store");
      return { ...turnBody(out), read: out.read };
    });

    app.get("/:id/history", async (req, reply) => {
      reply.header("cache-control", "no-store");
      return this.history(idParam(req));
    });

    app.get("/:id/updates", async (req, reply) => {
      const items = await this.updates(idParam(req), afterOf(req));
      if (!items) throw new BadRequest(404, "unknown or expired conversation");
      reply.header("cache-control", "no-store");
      return { messages: items, lastEventId: items.at(-1)?.eventId ?? afterOf(req) };
    });

    app.get("/:id/events", async (req, reply) => {
      await this.openStream(idParam(req), afterOf(req), req, reply);
    });
  };
}

function sseFrame(item: WebMessage): string {
  const data = JSON.stringify({ ...item, choices: item.choices ?? [], topic: item.topic ?? null });
  return `id: ${item.eventId}\nevent: message\ndata: ${data}\n\n`;
}
