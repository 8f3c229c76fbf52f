// The composition root of the running service: it builds the stores, the console (whose queue,
// notices and turn listener are ports of the core), the core, and the channels around it, and
// serves them over HTTP: demo login page, widget script and API, Bot Framework endpoint,
// feedback, health check, the agents' console, and the WeChat bot when WECHATY_PUPPET is set.
// `npm start` runs serve(); tests call buildServer().
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import rateLimit from "@fastify/rate-limit";
import { z } from "zod";
import { createStores, sharedMatcher } from "./assistant.ts";
import { Assistant, UnderstandingRef } from "./turn.ts";
import type { Matcher } from "./nlu/matcher.ts";
import type { Tickets, TurnListener } from "./ports.ts";
import { ALL_FLOWS } from "../flows/index.ts";
import { DeliveryHub } from "./delivery.ts";
import { parseKey } from "./conversation-key.ts";
import { ConsoleService, type ConsoleOptions } from "../adapters/console/service.ts";
import { consoleRoutes } from "../adapters/console/routes/index.ts";
import { clockStartingAt, systemClock, type Clock } from "./clock.ts";
import { maskPersonal } from "./mask.ts";
import { Metrics } from "./metrics.ts";
import { widgetWordingJson } from "./web/wording.ts";
import type { PlatformAdapter } from "../adapters/platform/types.ts";
import { WebChannel, BadRequest } from "../adapters/channels/web.ts";
// Heavy channel libraries load only when used: botbuilder on the first Bot Framework request
// (or in the background once listening), wechaty only when WeChat is configured.
import { BotFrameworkChannel, type BotFrameworkEnv } from "../adapters/channels/botframework-lazy.ts";
import type { WechatChannel, WechatOptions } from "../adapters/channels/wechat.ts";
import { DEFAULTS, type Config } from "./main/config.ts";
import { MAX_TEXT_CHARS, type LogFn } from "../adapters/channels/common.ts";
import { privateDir, sweepDataDir } from "../adapters/storage/files.ts";
import { Recognizer, type ImageReader } from "./vision/recognizer.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB = join(HERE, "web");

/** Requests per minute per client on /api/ when HELPDESK_RATE_LIMIT is unset. */
export const DEFAULT_RATE_LIMIT = DEFAULTS.rateLimit;
/** Largest request body (bytes); the widget API allows less. */
const BODY_LIMIT = 256 * 1024;
const CHAT_BODY_LIMIT = 16 * 1024;
/** How often idle conversations are swept of their flow state. */
const IDLE_SWEEP_MS = 60_000;

export interface ServerOptions {
  dataDir: string;
  /** A log line per request (method, route, status, time); `npm start` turns it on. */
  requestLog?: boolean;
  platform?: PlatformAdapter;
  clock?: Clock;
  /** Requests per minute per client on /api/; 0 turns it off. */
  rateLimit?: number;
  /** Origins allowed to call the widget API from other pages ("*" for any); none → same origin only. */
  origins?: string[] | "*";
  trustProxy?: FastifyServerOptions["trustProxy"];
  /** HELPDESK_SECRET_KEY: session files are encrypted with it (unset → the key file `<dataDir>.key`). */
  secretKey?: string;
  /** How often idle conversations lose their flow state (ms; default one minute; 0 = off). */
  idleSweepMs?: number;
  /** The understanding to answer with (tests pass one over a copy of the knowledge). */
  matcher?: Matcher;
  /** Without the console: where hand-offs go and who hears about turns. */
  tickets?: Tickets;
  onTurn?: TurnListener;
  /** Bot Framework credentials; absent → open for local testing (loopback service URLs only). */
  botFramework?: BotFrameworkEnv;
  /** Reads text in pictures (default: the PaddleOCR recogniser, loaded on the first image); null → pictures are not read. */
  imageReader?: ImageReader | null;
  /** The WeChat bot; absent → off. */
  wechat?: Omit<WechatOptions, "assistant" | "clock" | "dataDir" | "log" | "reader"> | null;
  /** The agents' console (default on); options override its defaults. */
  console?: boolean | Partial<Omit<ConsoleOptions, "understanding" | "conversations" | "conversationLog" | "hub" | "dataDir" | "clock">>;
  log?: LogFn;
}

export interface BuiltServer {
  app: FastifyInstance;
  assistant: Assistant;
  hub: DeliveryHub;
  console?: ConsoleService;
  web: WebChannel;
  botframework: BotFrameworkChannel;
  wechat?: WechatChannel;
  /** Stops accepting, ends event streams, finishes in-flight turns, flushes every store. */
  close(): Promise<void>;
}

/** The path a request is routed by: the matched route, else the decoded, normalised URL path. */
export function limitedPath(req: { url: string; routeOptions?: { url?: string } }): string {
  const routed = req.routeOptions?.url;
  if (routed) return routed;
  const raw = req.url.split("?")[0] ?? "";
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    /* malformed escapes: the raw path */
  }
  return path.replace(/\/{2,}/g, "/");
}

/**
 * The client a request counts against: the first address the trusted hops do not vouch for.
 * A hop count N trusts the N nearest proxies (the socket's peer and the right-most N-1
 * X-Forwarded-For entries) and takes the address the outermost of them saw; `true` trusts only the
 * nearest proxy (never the left-most entry, which any client writes itself); an address list is
 * resolved by fastify (proxy-addr) into `req.ip`; no proxy → the socket's peer.
 */
export function clientAddress(
  req: { ip: string; headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } },
  trust: FastifyServerOptions["trustProxy"],
): string {
  const hops = trust === true ? 1 : typeof trust === "number" ? trust : 0;
  if (hops <= 0) return req.ip;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [req.socket?.remoteAddress ?? req.ip, ...forwarded.reverse()];
  return chain[Math.min(hops, chain.length - 1)] ?? req.ip;
}

function asset(name: string): string {
  return readFileSync(join(WEB, name), "utf8");
}

export async function buildServer(opts: ServerOptions): Promise<BuiltServer> {
  const log: LogFn = opts.log ?? (() => {});
  const requestLog = opts.requestLog ?? false;
  const metrics = new Metrics();
  const clock = opts.clock ?? systemClock;
  const dataDir = opts.dataDir;
  let ready = false;

  const app = Fastify({
    logger: false,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
  });

  // Every error is JSON with a reason; what a client sends gets a 4xx, never a 5xx.
  app.setErrorHandler((err, req, reply) => {
    const e = err as { statusCode?: number; message?: string; error?: string; code?: string; validation?: unknown; extra?: Record<string, unknown> };
    let status = typeof e.statusCode === "number" ? e.statusCode : e.validation ? 400 : 500;
    const extra = err instanceof BadRequest ? err.extra : {};
    if (status >= 400 && status < 500) {
      const reason = status === 429 ? "too many requests, please slow down" : e.message || e.error || "bad request";
      return reply
        .code(status)
        .type("application/json; charset=utf-8")
        .send({ error: reason, ...extra });
    }
    if (/shutting down/.test(e.message ?? "")) {
      return reply.code(503).type("application/json; charset=utf-8").send({ error: "the assistant is restarting, please try again shortly" });
    }
    log(`server: ${req.method} ${req.routeOptions?.url ?? "?"} failed: ${maskPersonal(String(e.message ?? err)).split("\n")[0]}`);
    status = 500;
    return reply.code(status).type("application/json; charset=utf-8").send({ error: "internal error" });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).type("application/json; charset=utf-8").send({ error: "not found" }));

  app.addHook("onResponse", async (req, reply) => {
    metrics.request(req.method, req.routeOptions?.url ?? "unmatched", reply.statusCode);
    // One line per request for the operator; never the body, never a query string (it may carry ids).
    if (requestLog)
      log(`http ${req.method} ${req.routeOptions?.url ?? req.url.split("?")[0].slice(0, 80)} ${reply.statusCode} ${reply.elapsedTime.toFixed(0)}ms`);
  });
  app.addHook("onSend", async (req, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "strict-origin-when-cross-origin");
    const type = reply.getHeader("content-type");
    if (typeof type === "string" && /^(text\/|application\/(json|javascript))/.test(type) && !/charset=/i.test(type)) {
      reply.header("content-type", `${type}; charset=utf-8`);
    }
    return payload;
  });

  // Per-client rate limit on the API (the page and its assets are not limited).
  const limit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (limit > 0) {
    await app.register(rateLimit, {
      global: true,
      max: limit,
      timeWindow: 60_000,
      // The console has its own sign-in throttle; agents polling the queue must not hit this one.
      // The path is the one the router matched (decoded: POST /%61pi/chat is /api/chat), never the raw URL.
      allowList: (req) => {
        const p = limitedPath(req);
        return !p.startsWith("/api/") || p.startsWith("/api/console/");
      },
      // Behind a proxy: the client address as trusted hops report it (HELPDESK_TRUST_PROXY).
      keyGenerator: (req) => clientAddress(req, opts.trustProxy ?? false),
      errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: "too many requests", message: `rate limit exceeded, retry in ${ctx.after}` }),
    });
  }

  // ---- the parts, in dependency order: stores, understanding, delivery, console, core ----
  // The data directory is private (0700, files 0600) and temporary copies a crash left are removed
  // before anything writes.
  privateDir(dataDir);
  const leftovers = sweepDataDir(dataDir, { harden: true });
  if (leftovers.length) log(`data: removed ${leftovers.length} temporary file(s) left by an earlier stop`);
  const stores = createStores(dataDir, clock, log, { secretKey: opts.secretKey });
  const understanding = new UnderstandingRef(opts.matcher ?? sharedMatcher());
  const hub = new DeliveryHub(stores.conversationLog, log);
  const consoleService =
    opts.console === false
      ? undefined
      : await ConsoleService.create({
          ...(typeof opts.console === "object" ? opts.console : {}),
          understanding,
          conversations: stores.conversations,
          conversationLog: stores.conversationLog,
          hub,
          dataDir,
          clock,
          log,
        });
  const assistant = new Assistant({
    understanding,
    conversations: stores.conversations,
    log: stores.conversationLog,
    flows: ALL_FLOWS,
    clock,
    platform: opts.platform,
    logLine: log,
    tickets: consoleService?.queue ?? opts.tickets,
    notices: consoleService?.noticesFor,
    onTurn: (e) => {
      metrics.turn(e);
      if (e.ms !== undefined) metrics.turnTime(e.channel, e.ms / 1000);
      (consoleService?.onTurn ?? opts.onTurn)?.(e);
    },
  });

  // ---- pictures: one recogniser for every channel, its worker started by the first image ----
  const ownReader = opts.imageReader === undefined ? new Recognizer() : undefined;
  const reader = opts.imageReader === undefined ? ownReader : (opts.imageReader ?? undefined);

  // ---- web widget ----
  const web = new WebChannel({ assistant, clock, origins: opts.origins, reader, log });
  hub.register(web);
  await app.register(
    async (scope) => {
      // Small bodies on the widget's POSTs, unless a route sets its own (the picture route: 5 MB).
      scope.addHook("onRoute", (route) => {
        if ((route.method === "POST" || (Array.isArray(route.method) && route.method.includes("POST"))) && route.bodyLimit === undefined)
          route.bodyLimit = CHAT_BODY_LIMIT;
      });
      await web.routes(scope);
    },
    { prefix: "/api/chat" },
  );
  app.addHook("preClose", async () => web.closeStreams());

  const page = asset("demo.html");
  const widget = asset("widget.js").replace("/*__WORDING__*/ null", widgetWordingJson(MAX_TEXT_CHARS));
  const css = asset("demo.css");
  const demoJs = asset("demo.js");
  app.get("/", async (_req, reply) => {
    reply.header(
      "content-security-policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    reply.header("cache-control", "no-cache");
    return reply.type("text/html; charset=utf-8").send(page);
  });
  app.get("/widget.js", async (_req, reply) => {
    reply.header("cache-control", "no-cache");
    reply.header("cross-origin-resource-policy", "cross-origin");
    return reply.type("application/javascript; charset=utf-8").send(widget);
  });
  app.get("/demo.css", async (_req, reply) => reply.type("text/css; charset=utf-8").header("cache-control", "no-cache").send(css));
  app.get("/demo.js", async (_req, reply) => reply.type("application/javascript; charset=utf-8").header("cache-control", "no-cache").send(demoJs));

  // ---- health: 200 only once the knowledge is loaded ----
  app.get("/healthz", async (_req, reply) => {
    let ok = ready;
    try {
      ok = ok && !!assistant.matcher;
    } catch {
      ok = false;
    }
    return reply
      .code(ok ? 200 : 503)
      .type("application/json; charset=utf-8")
      .send({ ok });
  });
  // Alive: the process answers. Ready: knowledge loaded and the stores answer (a balancer sends turns only then).
  app.get("/livez", async (_req, reply) => reply.type("application/json; charset=utf-8").send({ ok: true }));
  app.get("/readyz", async (_req, reply) => {
    const checks: Record<string, boolean> = { knowledge: ready && !!assistant.matcher, sessions: false, log: false };
    await Promise.all([
      assistant.conversations.store.read("cli:readyz:readyz").then(
        () => {
          checks.sessions = true;
        },
        () => {},
      ),
      assistant.log.read("cli:readyz:readyz").then(
        () => {
          checks.log = true;
        },
        () => {},
      ),
    ]);
    const ok = Object.values(checks).every(Boolean);
    return reply
      .code(ok ? 200 : 503)
      .type("application/json; charset=utf-8")
      .send({ ok, checks });
  });
  app.get("/metrics", async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));

  // ---- Bot Framework ----
  const botframework = new BotFrameworkChannel({ assistant, dataDir, env: opts.botFramework ?? {}, reader, log });
  hub.register(botframework);
  await app.register(botframework.routes);

  // ---- 👍 / 👎 on a reply, from any channel: recorded in the conversation log ----
  const feedbackBody = z
    .object({
      sessionKey: z.string().min(3).max(600).optional(),
      conversationId: z.string().min(1).max(200).optional(),
      eventId: z.number().int().positive().optional(),
      helpful: z.boolean(),
    })
    .refine((b) => b.sessionKey || b.conversationId, "sessionKey or conversationId is required");
  const feedbackHits = new Map<string, number[]>();
  app.post("/api/feedback", { bodyLimit: 4096 }, async (req, reply) => {
    // A public endpoint: a modest per-address rate keeps it from being used to skew the figures.
    const t = clock.now();
    const hits = (feedbackHits.get(req.ip) ?? []).filter((x) => t - x < 60_000);
    if (hits.length >= 30) throw new BadRequest(429, "too many requests");
    hits.push(t);
    feedbackHits.set(req.ip, hits);
    if (feedbackHits.size > 10_000) feedbackHits.clear();
    const parsed = feedbackBody.safeParse(req.body);
    if (!parsed.success) throw new BadRequest(400, parsed.error.issues[0]?.message ?? "invalid body");
    const b = parsed.data;
    // The widget knows its conversation id; other channels name the whole key.
    const key = b.sessionKey ?? WebChannel.keyOf(b.conversationId ?? "");
    if (!parseKey(key)) throw new BadRequest(400, "not a conversation key");
    const rated = await stores.conversationLog.rate(key, b.helpful ? "helpful" : "not-helpful", b.eventId);
    if (!rated) {
      const known = (await stores.conversationLog.read(key)).length > 0;
      throw new BadRequest(known ? 409 : 404, known ? "nothing to rate yet" : "no such conversation");
    }
    const question = [...(await stores.conversationLog.read(key))].reverse().find((e) => e.role === "user" && e.id < rated.id);
    await consoleService?.recordFeedback({
      sessionKey: key,
      helpful: b.helpful,
      topic: rated.topic ?? null,
      question: question?.text ?? null,
      ratedAt: rated.at,
    });
    return reply.send({ ok: true, topic: rated.topic ?? null });
  });

  // ---- agents' console ----
  if (consoleService) {
    await app.register(consoleRoutes, { service: consoleService });
    app.addHook("onClose", async () => {
      await consoleService.close();
    });
  }

  // ---- WeChat (off unless configured) ----
  let wechat: WechatChannel | undefined;
  if (opts.wechat) {
    const { WechatChannel } = await import("../adapters/channels/wechat.ts");
    wechat = new WechatChannel({ ...opts.wechat, assistant, clock, dataDir, reader, log });
    hub.register(wechat);
  }

  // Idle conversations lose their flow state on a timer (real time; idleness is read on the clock).
  const sweepEvery = opts.idleSweepMs ?? IDLE_SWEEP_MS;
  let sweeping: Promise<unknown> | undefined;
  const sweepTimer =
    sweepEvery > 0
      ? setInterval(() => {
          sweeping ??= assistant
            .sweepIdle()
            .catch((err) => log(`idle sweep failed: ${maskPersonal(String((err as Error).message)).split("\n")[0]}`))
            .finally(() => {
              sweeping = undefined;
            });
        }, sweepEvery)
      : undefined;
  sweepTimer?.unref();

  await app.ready();
  ready = true;
  if (wechat) await wechat.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      ready = false;
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping;
      await app.close();
      if (wechat) await wechat.stop();
      await assistant.close();
      await ownReader?.close();
      await botframework.flush();
    })());

  return { app, assistant, hub, console: consoleService, web, botframework, wechat, close };
}

/** `npm start`: one HTTP server, configured by bot/main/config.ts (read once by the caller). */
export async function serve(config: Config): Promise<BuiltServer> {
  const log: LogFn = (line) => process.stderr.write(`${new Date().toISOString()} ${maskPersonal(line)}\n`);
  // Everything the service writes is private to its user: files 0600, directories 0700.
  process.umask(0o077);
  const clock = config.now === undefined ? systemClock : clockStartingAt(config.now);

  let platform: (PlatformAdapter & { close?: () => Promise<void> }) | undefined;
  try {
    const { openPlatform } = await import("../adapters/platform/index.ts");
    platform = await openPlatform({ url: config.platformUrl, sandboxDir: config.sandboxDir, fixedCode: config.sandboxFixedCode, clock });
  } catch (err) {
    log(`platform: not available (${(err as Error).message.split("\n")[0]}); guided actions will say the platform is unavailable`);
  }

  const bf = config.botFramework;
  const w = config.wechat;
  const built = await buildServer({
    dataDir: config.dataDir,
    platform,
    clock,
    rateLimit: config.rateLimit,
    secretKey: config.secretKey,
    origins: config.allowedOrigins,
    trustProxy: config.trustProxy as FastifyServerOptions["trustProxy"], // a hop count is proxy-addr's number form
    botFramework: { MicrosoftAppId: bf.appId, MicrosoftAppPassword: bf.appPassword, MicrosoftAppType: bf.appType, MicrosoftAppTenantId: bf.tenantId },
    wechat: w && {
      puppet: w.puppet,
      ...(w.token ? { puppetOptions: { token: w.token } } : {}),
      name: w.name,
      prefix: w.prefix,
      rooms: w.rooms,
      sendIntervalMs: Math.round(60_000 / w.sendPerMinute),
    },
    console: { knowledgeDir: config.knowledgeDir, workingHours: config.hours, retentionDays: config.retentionDays },
    log,
    requestLog: true,
  });
  await built.app.listen({ port: config.port, host: config.host });
  // The semantic model loads in the background: /healthz is green on the lexical understanding.
  void built.assistant.understanding.warm();
  const addr = built.app.server.address() as AddressInfo;
  const host = config.host;
  log(
    `helpdesk listening on http://${host.includes(":") ? `[${host}]` : host}:${addr.port} (data: ${config.dataDir}; rate limit: ${config.rateLimit || "off"}/min; Bot Framework: ${bf.appId ? "authenticated" : "open, loopback service URLs only"}; WeChat: ${built.wechat ? "on" : "off"}${config.now === undefined ? "" : `; now: ${new Date(clock.now()).toISOString()} (HELPDESK_NOW)`})`,
  );
  built.botframework.preload(); // botbuilder in the background, after the server answers

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (finishing in-flight turns, flushing stores)`);
    try {
      await built.close();
      await platform?.close?.();
      log("stopped");
      process.exit(0);
    } catch (err) {
      log(`stop failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  return built;
}
