// The sandbox platform as its own JSON HTTP service, so the HTTP client (and the bot in
// HELPDESK_PLATFORM_URL mode) can be run against a real network hop.
//
// Routes (all JSON; errors are 4xx `{"error": code, "message": "…"}`, never 5xx for bad input):
//
//   GET  /healthz                                → 200 {"ok":true}
//   GET  /registrations/:idNumber?name=NAME[&role=R] → 200 RegistrationInfo
//                                                   404 not_found (unknown number OR name does not match)
//   GET  /accounts/:idNumber                     → 200 AccountInfo | 404 not_found
//   GET  /units?q=TEXT[&city=zaozhuang|taian][&role=R][&limit=N] → 200 {"units": UnitRef[]} best first
//   POST /codes        {idNumber, purpose: "withdraw"|"transfer"} → 200 {"maskedPhone":"138****0001"}
//   POST /codes/verify {idNumber, purpose, code}  → 200 {"grant":"…","expiresAt":"…"} | 422 bad_code, code_expired
//   POST /withdrawals  {idNumber, code}           + header Idempotency-Key → 200 RegistrationInfo
//   POST /transfers    {idNumber, toUnitId, code} + header Idempotency-Key → 200 TransferInfo
//   GET  /transfers/:idNumber                    → 200 TransferInfo (latest) | 404 not_found
//
//   Sandbox-only operations (what a unit admin would do on the real platform; for tests and demos):
//   POST /sandbox/registrations                  RegisterInput → 200 RegistrationInfo
//   POST /sandbox/reviews      {idNumber, approve, reason?, role?} → 200 RegistrationInfo
//   POST /sandbox/transfer-reviews {idNumber, stage: "out"|"in", approve, reason?} → 200 TransferInfo
//   GET  /sandbox/logins/:idNumber?role=R         → 200 {"result": "ok"|"no_account"|"wrong_role"|"pending"|"rejected"}
//
// Error codes and statuses: invalid_id, bad_request 400 · not_found, unit_not_found, no_route 404 ·
// not_pending, has_pending, conflict, name_mismatch 409 · bad_code, code_expired 422 ·
// unavailable 503 (the sandbox could not save). A repeated POST with the same Idempotency-Key
// returns the first result and does not act again. `delayMs` delays every route but /healthz
// (after the body is read: a request whose client gave up still acts).
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import type { Clock } from "../../bot/clock.ts";
import { SandboxPlatform, type RegisterInput } from "./sandbox.ts";
import { PlatformError, type PlatformErrorCode } from "./types.ts";

export interface SandboxServerOptions {
  port: number;
  host?: string;
  dir: string;
  clock?: Clock;
  fixedCode?: boolean;
  /** Artificial delay before every answer (slow-server tests). */
  delayMs?: number;
}

export interface SandboxServer {
  url: string;
  port: number;
  platform: SandboxPlatform;
  app: FastifyInstance;
  /** Changes the artificial delay while running. */
  setDelay(ms: number): void;
  /** Requests received so far (tests check that a write was sent once). */
  requestCount(): number;
  close(): Promise<void>;
}

const STATUS: Record<PlatformErrorCode | "no_route", number> = {
  invalid_id: 400,
  bad_request: 400,
  not_found: 404,
  unit_not_found: 404,
  no_route: 404,
  not_pending: 409,
  has_pending: 409,
  conflict: 409,
  name_mismatch: 409,
  bad_code: 422,
  code_expired: 422,
  unavailable: 503,
};

const idNumber = z.string().min(1).max(40);
const role = z.enum(["professional", "employer", "supervisor", "hrss"]);
const city = z.enum(["zaozhuang", "taian"]);
const CodeBody = z.object({ idNumber, purpose: z.enum(["withdraw", "transfer"]) });
const VerifyBody = z.object({ idNumber, purpose: z.enum(["withdraw", "transfer"]), code: z.string().max(20) });
// The code, or the grant verifyCode gave for it.
const WithdrawBody = z.object({ idNumber, code: z.string().max(64) });
const TransferBody = z.object({ idNumber, toUnitId: z.string().min(1).max(64), code: z.string().max(64) });
const ReviewBody = z.object({ idNumber, approve: z.boolean(), reason: z.string().max(200).optional(), role: role.optional() });
const TransferReviewBody = z.object({ idNumber, stage: z.enum(["out", "in"]), approve: z.boolean(), reason: z.string().max(200).optional() });
const person = { idNumber, name: z.string().min(1).max(40), phone: z.string().max(20), city: city.optional(), district: z.string().max(40).optional() };
const newUnit = { name: z.string().min(1).max(80), city, district: z.string().max(40).optional() };
const RegisterBody = z.discriminatedUnion("role", [
  z.object({ ...person, role: z.literal("professional"), unitId: z.string().min(1).max(64) }),
  z.object({
    ...person,
    role: z.literal("employer"),
    unit: z.object({ ...newUnit, supervisorId: z.string().optional(), parentId: z.string().optional(), hrssId: z.string().optional() }),
  }),
  z.object({ ...person, role: z.literal("supervisor"), unit: z.object({ ...newUnit, hrssId: z.string() }) }),
]);
const UnitsQuery = z.object({
  q: z.string().max(100).default(""),
  city: city.optional(),
  role: role.optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});
const RegistrationQuery = z.object({ name: z.string().min(1).max(40), role: role.optional() });
const IdemKey = z.string().min(1).max(200);

class HttpError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError("bad_request", z.prettifyError(r.error));
  return r.data;
}

function idemKey(headers: Record<string, unknown>): string {
  const v = headers["idempotency-key"];
  return parse(IdemKey, Array.isArray(v) ? v[0] : v);
}

export async function startSandboxServer(opts: SandboxServerOptions): Promise<SandboxServer> {
  const platform = await SandboxPlatform.open({ dir: opts.dir, clock: opts.clock, fixedCode: opts.fixedCode });
  let delayMs = opts.delayMs ?? 0;
  // Pending delays end at close, so a slow-server test does not hold the process open.
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
    });

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 64 * 1024 });

  let closing: Promise<void> | undefined;
  let requests = 0;
  app.addHook("onRequest", async () => {
    requests++;
  });
  // The delay comes after the body is read, so a request whose client gave up still acts, as on
  // a real slow server: the case idempotency keys exist for.
  app.addHook("preHandler", async (req) => {
    if (delayMs > 0 && req.url !== "/healthz") await sleep(delayMs);
    // A request woken by close() must not act: its client has long given up.
    if (closing) throw new PlatformError("unavailable", "sandbox server shutting down");
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof PlatformError) return reply.code(STATUS[err.code] ?? 400).send({ error: err.code, message: err.message });
    if (err instanceof HttpError) return reply.code(STATUS[err.code as PlatformErrorCode] ?? 400).send({ error: err.code, message: err.message });
    const status = (err as { statusCode?: number }).statusCode;
    // fastify's own 4xx: invalid JSON, empty body, wrong content type, body too large.
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: "bad_request", message: (err as Error).message });
    return reply.code(500).send({ error: "internal", message: "internal error" });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: "no_route", message: `no route ${req.method} ${req.url.split("?")[0]}` }));

  app.get("/healthz", async () => ({ ok: true }));

  app.get<{ Params: { idNumber: string } }>("/registrations/:idNumber", async (req) => {
    const q = parse(RegistrationQuery, req.query);
    const r = await platform.getRegistration(req.params.idNumber, q.name, q.role);
    if (!r) throw new PlatformError("not_found", "no registration for that ID number and name");
    return r;
  });

  app.get<{ Params: { idNumber: string } }>("/accounts/:idNumber", async (req) => {
    const a = await platform.getAccount(req.params.idNumber);
    if (!a) throw new PlatformError("not_found", "no account");
    return a;
  });

  app.get("/units", async (req) => {
    const q = parse(UnitsQuery, req.query);
    return { units: await platform.findUnits(q.q, q.city, { role: q.role, limit: q.limit }) };
  });

  app.post("/codes", async (req) => {
    const b = parse(CodeBody, req.body);
    return platform.sendCode(b.idNumber, b.purpose);
  });

  app.post("/codes/verify", async (req) => {
    const b = parse(VerifyBody, req.body);
    return platform.verifyCode(b.idNumber, b.purpose, b.code);
  });

  app.post("/withdrawals", async (req) => {
    const key = idemKey(req.headers);
    const b = parse(WithdrawBody, req.body);
    return platform.withdrawRegistration(b.idNumber, b.code, key);
  });

  app.post("/transfers", async (req) => {
    const key = idemKey(req.headers);
    const b = parse(TransferBody, req.body);
    return platform.startTransfer(b.idNumber, b.toUnitId, b.code, key);
  });

  app.get<{ Params: { idNumber: string } }>("/transfers/:idNumber", async (req) => {
    const t = await platform.getTransfer(req.params.idNumber);
    if (!t) throw new PlatformError("not_found", "no transfer");
    return t;
  });

  app.post("/sandbox/registrations", async (req) => platform.register(parse(RegisterBody, req.body) as RegisterInput));

  app.post("/sandbox/reviews", async (req) => {
    const b = parse(ReviewBody, req.body);
    return platform.reviewRegistration(b.idNumber, b.approve, b.reason, b.role);
  });

  app.post("/sandbox/transfer-reviews", async (req) => {
    const b = parse(TransferReviewBody, req.body);
    return b.stage === "out" ? platform.reviewTransferOut(b.idNumber, b.approve, b.reason) : platform.reviewTransferIn(b.idNumber, b.approve, b.reason);
  });

  app.get<{ Params: { idNumber: string } }>("/sandbox/logins/:idNumber", async (req) => {
    const q = parse(z.object({ role }), req.query);
    return { result: await platform.checkLogin(req.params.idNumber, q.role) };
  });

  const host = opts.host ?? "127.0.0.1";
  try {
    await app.listen({ port: opts.port, host });
  } catch (e) {
    await platform.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    platform,
    app,
    setDelay(ms: number) {
      delayMs = ms;
    },
    requestCount: () => requests,
    close() {
      closing ??= (async () => {
        for (const wake of [...sleepers]) wake();
        await app.close();
        await platform.close();
      })();
      return closing;
    },
  };
}
