// Bot Framework channel: botbuilder's CloudAdapter on POST /api/messages. It only translates
// Activities to engine messages and replies to Activities (choices as suggested actions).
// The SDK is archived upstream: everything botbuilder-specific stays in this file.
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TurnContext,
  ActivityTypes,
  type Activity,
  type ConversationReference,
} from "botbuilder";
import type { Assistant } from "../../bot/turn.ts";
import type { Inbound, Reply } from "../../bot/message.ts";
import type { Deliverer } from "../../bot/ports.ts";
import { encodeKey } from "../../bot/conversation-key.ts";
import { renderForButtons } from "../../bot/render.ts";
import { maskPersonal } from "../../bot/mask.ts";
import { BOTFRAMEWORK_WORDING } from "../../bot/web/wording.ts";
import { LowdbStore } from "../storage/lowdb-store.ts";
import { MemoryStore, type SessionStore } from "../storage/types.ts";
import { MAX_TEXT_CHARS, charCount, cleanText, isLoopbackUrl, type LogFn } from "./common.ts";
import { BadRequest } from "./web.ts";
import type { ImageReader } from "../../bot/vision/recognizer.ts";
import { imageTurn } from "../../bot/vision/image-turn.ts";
import { ImageRejected, MAX_IMAGE_BYTES, checkImageBytes, checkImageDecodes, decodeDataUri } from "../../bot/vision/image.ts";

/** Largest request body on /api/messages: a 5 MB image as a base64 data: URI, and the Activity around it. */
export const ACTIVITY_BODY_LIMIT = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** The Bot Framework variables (CONTRACTS.md); all optional. */
export interface BotFrameworkEnv {
  MicrosoftAppId?: string;
  MicrosoftAppPassword?: string;
  MicrosoftAppType?: string;
  MicrosoftAppTenantId?: string;
}

export interface BotFrameworkOptions {
  assistant: Assistant;
  dataDir?: string;
  env?: BotFrameworkEnv;
  /** Reads text in image attachments; absent → images get the "cannot read pictures" reply. */
  reader?: ImageReader;
  log?: LogFn;
}

type Partialish = Partial<Activity>;

/** Core reply → Activity: the text once, the choices once, as suggested actions. */
export function toActivity(reply: Reply, isGroup: boolean): Partialish {
  const shown = renderForButtons(reply);
  const text = isGroup ? maskPersonal(shown) : shown;
  const act = reply.choices?.length ? MessageFactory.suggestedActions(reply.choices, text) : MessageFactory.text(text);
  act.textFormat = "plain";
  return act;
}

/** Activity → Inbound. */
export function toInbound(activity: Partialish): Inbound {
  const stripped = activity.entities?.length ? TurnContext.removeRecipientMention(activity) : activity.text;
  const text = cleanText(stripped ?? "");
  const isGroup = !!activity.conversation?.isGroup;
  return {
    key: { channel: "botframework", conversationId: String(activity.conversation?.id ?? ""), userId: String(activity.from?.id ?? "") },
    text,
    ...(isGroup ? { isGroup: true, mentioned: true } : {}),
  };
}

export class BotFrameworkChannel implements Deliverer {
  readonly channel = "botframework";
  readonly adapter: CloudAdapter;
  private refs: SessionStore<Partial<ConversationReference>>;
  private appId: string;
  private log: LogFn;

  constructor(private opts: BotFrameworkOptions) {
    const env = opts.env ?? {};
    this.appId = env.MicrosoftAppId?.trim() ?? "";
    this.log = opts.log ?? (() => {});
    const auth = new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: this.appId,
      MicrosoftAppPassword: env.MicrosoftAppPassword ?? "",
      MicrosoftAppType: env.MicrosoftAppType ?? "",
      MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? "",
    });
    this.adapter = new CloudAdapter(auth);
    this.adapter.onTurnError = async (context, error) => {
      this.log(`botframework: turn failed: ${maskPersonal(String((error as Error)?.message ?? error)).split("\n")[0]}`);
      try {
        await context.sendActivity(MessageFactory.text(BOTFRAMEWORK_WORDING.failed));
      } catch {
        /* the service URL may be gone */
      }
    };
    this.refs = opts.dataDir
      ? new LowdbStore<Partial<ConversationReference>>(join(opts.dataDir, "botframework"), opts.log)
      : new MemoryStore<Partial<ConversationReference>>();
  }

  /** Open endpoint (no app id): only local service URLs, so it cannot be used to send requests elsewhere. */
  get open(): boolean {
    return !this.appId;
  }

  private logic = async (context: TurnContext, image?: Uint8Array): Promise<void> => {
    const a = context.activity;
    if (a.type === ActivityTypes.Message) {
      const msg = toInbound(a);
      if (image && this.opts.reader) {
        // A picture (a screenshot of the platform's message): answered as the text read in it.
        await this.refs.write(encodeKey(msg.key), TurnContext.getConversationReference(a));
        const { text: _typed, ...rest } = msg;
        const result = await imageTurn({ assistant: this.opts.assistant, reader: this.opts.reader, log: this.log }, rest, image);
        if (result.replies.length) await context.sendActivities(result.replies.map((r) => toActivity(r, !!msg.isGroup)));
        return;
      }
      if (!msg.text) {
        // An image or a file only: ask for the question (or the error message) as text.
        if (a.attachments?.length) await context.sendActivity(MessageFactory.text(BOTFRAMEWORK_WORDING.mediaOnly));
        return;
      }
      await this.refs.write(encodeKey(msg.key), TurnContext.getConversationReference(a));
      const result = await this.opts.assistant.handle(msg);
      if (result.replies.length) await context.sendActivities(result.replies.map((r) => toActivity(r, !!msg.isGroup)));
      return;
    }
    if (a.type === ActivityTypes.ConversationUpdate) {
      const joined = (a.membersAdded ?? []).filter((m) => m.id !== a.recipient?.id);
      if (joined.length && !a.conversation?.isGroup) await context.sendActivity(MessageFactory.text(BOTFRAMEWORK_WORDING.welcome));
    }
  };

  /** Deliverer: continues a conversation proactively from its stored reference. */
  async deliver(sessionKey: string, replies: Reply[]): Promise<boolean> {
    const ref = await this.refs.read(sessionKey);
    if (!ref) throw new Error("botframework: no conversation reference for this conversation");
    const isGroup = !!ref.conversation?.isGroup;
    await this.adapter.continueConversationAsync(this.appId, ref, async (ctx) => {
      await ctx.sendActivities(replies.map((r) => toActivity(r, isGroup)));
    });
    return true;
  }

  async flush(): Promise<void> {
    await this.refs.flush();
  }

  /** Checks an incoming Activity before the SDK sees it: 4xx with a reason, never a 5xx. */
  check(body: unknown): void {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new BadRequest(400, "body must be a JSON Activity object");
    const a = body as Record<string, unknown>;
    if (typeof a.type !== "string" || !a.type || a.type.length > 64) throw new BadRequest(400, "type is required");
    if (typeof a.serviceUrl !== "string" || !a.serviceUrl) throw new BadRequest(400, "serviceUrl is required");
    if (this.open && !isLoopbackUrl(a.serviceUrl))
      throw new BadRequest(403, "serviceUrl not allowed: without MicrosoftAppId only loopback service URLs are accepted");
    if (!this.open) {
      try {
        new URL(a.serviceUrl);
      } catch {
        throw new BadRequest(400, "serviceUrl is not a URL");
      }
    }
    if (a.type === "message") {
      const conv = a.conversation as Record<string, unknown> | undefined;
      const from = a.from as Record<string, unknown> | undefined;
      if (!conv || typeof conv !== "object" || typeof conv.id !== "string" || !conv.id || conv.id.length > 512)
        throw new BadRequest(400, "conversation.id is required");
      if (!from || typeof from !== "object" || typeof from.id !== "string" || !from.id || from.id.length > 512)
        throw new BadRequest(400, "from.id is required");
      if (a.text !== undefined && a.text !== null && typeof a.text !== "string") throw new BadRequest(400, "text must be a string");
      if (typeof a.text === "string" && charCount(a.text) > MAX_TEXT_CHARS * 2)
        throw new BadRequest(400, `text is longer than ${MAX_TEXT_CHARS} characters`, { max: MAX_TEXT_CHARS });
      if (typeof a.text === "string" && charCount(cleanText(a.text.replace(/<at>[^<]*<\/at>/g, ""))) > MAX_TEXT_CHARS) {
        throw new BadRequest(400, `text is longer than ${MAX_TEXT_CHARS} characters`, { max: MAX_TEXT_CHARS });
      }
    }
  }

  /**
   * The image attachment of a message Activity, as bytes (CONTRACTS.md): a `data:` URI of up to
   * 5 MB, or, on an open endpoint (no app id), an http URL on the Activity's own loopback
   * service. The type is judged from the bytes. Bad ones are a 4xx with the reason.
   */
  async imageOf(body: unknown): Promise<Uint8Array | undefined> {
    const a = body as { type?: unknown; attachments?: unknown; serviceUrl?: unknown };
    if (a.type !== "message" || a.attachments === undefined || a.attachments === null) return undefined;
    if (!Array.isArray(a.attachments)) throw new BadRequest(400, "attachments must be an array");
    if (a.attachments.length > 10) throw new BadRequest(400, "at most 10 attachments");
    const images = a.attachments.filter((x): x is { contentType?: unknown; contentUrl?: unknown } => {
      if (!x || typeof x !== "object") return false;
      const t = (x as { contentType?: unknown }).contentType;
      const u = (x as { contentUrl?: unknown }).contentUrl;
      return (typeof t === "string" && /^image\//i.test(t)) || (typeof u === "string" && /^data:image\//i.test(u));
    });
    const first = images[0];
    if (!first) return undefined;
    if (typeof first.contentUrl !== "string" || !first.contentUrl) throw new BadRequest(400, "the image attachment has no contentUrl");
    const url = first.contentUrl;
    try {
      const bytes = url.startsWith("data:") ? decodeDataUri(url) : await this.fetchImage(url, String(a.serviceUrl ?? ""));
      checkImageBytes(bytes);
      await checkImageDecodes(bytes);
      return bytes;
    } catch (err) {
      if (err instanceof ImageRejected) throw new BadRequest(err.statusCode, err.message);
      throw err;
    }
  }

  /** An image URL on the Activity's own loopback service (open endpoint only), at most 5 MB. */
  private async fetchImage(url: string, serviceUrl: string): Promise<Uint8Array> {
    let u: URL;
    let service: URL;
    try {
      u = new URL(url);
      service = new URL(serviceUrl);
    } catch {
      throw new BadRequest(400, "contentUrl is not a URL");
    }
    if (!this.open) throw new BadRequest(400, "image attachments must be data: URIs");
    if (!isLoopbackUrl(url) || u.origin !== service.origin) {
      throw new BadRequest(403, "contentUrl not allowed: without MicrosoftAppId only the Activity's own loopback service is fetched");
    }
    let res: Response;
    try {
      res = await fetch(u, { redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch {
      throw new BadRequest(422, "the image could not be fetched from contentUrl");
    }
    if (res.status !== 200 || !res.body) throw new BadRequest(422, `the image could not be fetched from contentUrl (status ${res.status})`);
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > MAX_IMAGE_BYTES) {
      await res.body.cancel().catch(() => {});
      throw new ImageRejected(413, `the image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      let part: ReadableStreamReadResult<Uint8Array>;
      try {
        part = await reader.read();
      } catch {
        throw new BadRequest(422, "the image could not be fetched from contentUrl");
      }
      if (part.done) break;
      size += part.value.byteLength;
      if (size > MAX_IMAGE_BYTES) {
        await reader.cancel().catch(() => {});
        throw new ImageRejected(413, `the image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
      }
      chunks.push(part.value);
    }
    return Buffer.concat(chunks);
  }

  /** POST /api/messages, through an Express-like response shim for adapter.process. */
  routes = async (app: FastifyInstance): Promise<void> => {
    app.post("/api/messages", { bodyLimit: ACTIVITY_BODY_LIMIT }, async (req, reply) => {
      this.check(req.body);
      const image = this.opts.reader ? await this.imageOf(req.body) : undefined;
      let status = 200;
      let sent: unknown;
      const headers: Record<string, string> = {};
      const res = {
        status(code: number) {
          status = code;
          return res;
        },
        header(name: string, value: unknown) {
          headers[name.toLowerCase()] = String(value);
          return res;
        },
        send(body?: unknown) {
          sent = body;
          return res;
        },
        end() {
          return res;
        },
      };
      try {
        await this.adapter.process({ method: "POST", body: req.body as Record<string, unknown>, headers: req.headers } as never, res as never, (ctx) =>
          this.logic(ctx, image),
        );
      } catch {
        throw new BadRequest(400, "not a valid Activity");
      }
      if (status === 401 || status === 403) throw new BadRequest(status, "unauthorized");
      if (status >= 400) {
        this.log(`botframework: activity refused with ${status}`);
        throw new BadRequest(status >= 500 ? 400 : status, "activity could not be processed");
      }
      reply.code(status);
      for (const [k, v] of Object.entries(headers)) reply.header(k, v);
      if (sent === undefined || sent === null || sent === "") return reply.send();
      return reply.send(sent);
    });
  };
}
