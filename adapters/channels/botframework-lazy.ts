// The Bot Framework endpoint without botbuilder at start: botbuilder takes seconds and tens of
// megabytes to load, and most deployments never receive an Activity. POST /api/messages is
// registered at once (the endpoint is always on); the real channel (./botframework.ts) is
// imported on the first request or delivery, or earlier by preload() (serve() calls it once
// listening, in the background). Everything botbuilder-specific stays in ./botframework.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Reply } from "../../bot/message.ts";
import type { Deliverer } from "../../bot/ports.ts";
import type { BotFrameworkChannel as RealChannel, BotFrameworkOptions } from "./botframework.ts";

export type { BotFrameworkEnv, BotFrameworkOptions } from "./botframework.ts";

/** Largest request body on /api/messages (same as ./botframework.ts, without loading botbuilder). */
const ACTIVITY_BODY_LIMIT = 8 * 1024 * 1024;

type Handler = (req: FastifyRequest, reply: FastifyReply) => unknown;

export class BotFrameworkChannel implements Deliverer {
  readonly channel = "botframework";
  private loading?: Promise<{ real: RealChannel; handlers: Map<string, Handler> }>;

  constructor(private opts: BotFrameworkOptions) {}

  /** Open endpoint (no app id): only loopback service URLs. Known without loading botbuilder. */
  get open(): boolean {
    return !this.opts.env?.MicrosoftAppId?.trim();
  }

  /** Whether botbuilder has been loaded (tests, start-up log). */
  get loaded(): boolean {
    return this.loading !== undefined;
  }

  /** Loads botbuilder and builds the real channel (once). */
  load(): Promise<RealChannel> {
    this.loading ??= (async () => {
      const { BotFrameworkChannel: Real } = await import("./botframework.ts");
      const real = new Real(this.opts);
      // The real channel declares its routes on a Fastify instance; collect its handlers so the
      // routes registered up front can call them. Only POST routes exist (/api/messages).
      const handlers = new Map<string, Handler>();
      const collect = {
        post: (path: string, _opts: unknown, handler: Handler) => {
          handlers.set(path, handler);
        },
      };
      await real.routes(collect as unknown as FastifyInstance); // only .post is used by the real routes
      return { real, handlers };
    })();
    return this.loading.then((l) => l.real);
  }

  /** Starts loading in the background; a failure is reported by the first request instead. */
  preload(): void {
    this.load().catch(() => {});
  }

  routes = async (app: FastifyInstance): Promise<void> => {
    // Up to 8 MB: a 5 MB image as a data: URI (CONTRACTS.md); other routes keep the server's limit.
    app.post("/api/messages", { bodyLimit: ACTIVITY_BODY_LIMIT }, async (req, reply) => {
      await this.load();
      const handler = (await this.loading)?.handlers.get("/api/messages");
      if (!handler) throw new Error("botframework: the channel has no /api/messages route");
      return handler(req, reply);
    });
  };

  async deliver(sessionKey: string, replies: Reply[]): Promise<boolean> {
    return (await this.load()).deliver(sessionKey, replies);
  }

  /** Flushes stored conversation references; nothing to flush when botbuilder was never loaded. */
  async flush(): Promise<void> {
    if (this.loading) await (await this.load()).flush();
  }
}
