// The platform port over HTTP (the service in sandbox-server.ts, or a real platform speaking
// the same routes). A slow or dead platform must never hang a conversation: every request has
// a timeout, reads are retried with backoff, and a circuit breaker stops calling a service that
// keeps failing. All of these end in PlatformError("unavailable"), which the bot turns into a
// plain "the platform is not answering, shall I get a person?".
//
// Writes (POST) are never retried here: they carry an Idempotency-Key, so the safe retry is the
// user confirming again later with the same key, which the platform answers with the first result.
import { z } from "zod";
import { systemClock, type Clock } from "../../bot/clock.ts";
import {
  PlatformError,
  type AccountInfo,
  type PlatformAdapter,
  type PlatformErrorCode,
  type RegistrationInfo,
  type Role,
  type TransferInfo,
  type CodeGrant,
  type UnitRef,
} from "./types.ts";
import { maskIdNumber, validateIdNumber } from "./id-number.ts";

export interface HttpPlatformOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:3979 (HELPDESK_PLATFORM_URL). */
  baseUrl: string;
  /** Per request, body included. Default 3000 ms. */
  timeoutMs?: number;
  /** Extra attempts for reads after a failure. Default 2. */
  retries?: number;
  /** First backoff between read attempts, doubled each time. Default 200 ms. */
  backoffMs?: number;
  /** Consecutive failed requests that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial request (read from the clock). Default 30 s. */
  coolDownMs?: number;
  clock?: Clock;
}

export type CircuitState = "closed" | "open" | "half_open";

const KNOWN_CODES: ReadonlySet<string> = new Set<PlatformErrorCode>([
  "not_found",
  "invalid_id",
  "name_mismatch",
  "not_pending",
  "has_pending",
  "bad_code",
  "code_expired",
  "unit_not_found",
  "unavailable",
  "conflict",
  "bad_request",
]);

/** Opens after N consecutive failures; after the cool-down lets exactly one trial through. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly coolDownMs: number,
    private readonly clock: Clock,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === null) return "closed";
    return this.clock.now() - this.openedAt >= this.coolDownMs ? "half_open" : "open";
  }

  /** True if a request may go out now. */
  tryAcquire(): boolean {
    const s = this.state;
    if (s === "closed") return true;
    if (s === "half_open" && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  failure(): void {
    this.failures++;
    // A failed trial re-opens at once; otherwise open at the threshold.
    if (this.trialInFlight || this.failures >= this.threshold) this.openedAt = this.clock.now();
    this.trialInFlight = false;
  }
}

/** The service did not answer usefully: network error, timeout, 5xx or a body that is not JSON. */
class TransportFailure extends Error {}

// Responses are checked, so a wrong or half-written answer is "unavailable", not a crash later.
// Loose objects keep fields a newer service adds.
const roleS = z.enum(["professional", "employer", "supervisor", "hrss"]);
const regStateS = z.enum(["pending", "approved", "rejected", "withdrawn"]);
const UnitRefS = z.looseObject({ id: z.string(), name: z.string(), role: roleS, city: z.enum(["zaozhuang", "taian"]), district: z.string().optional() });
const RegistrationS = z.looseObject({
  idNumber: z.string(),
  name: z.string(),
  role: roleS,
  state: regStateS,
  unit: UnitRefS,
  reviewer: UnitRefS.optional(),
  submittedAt: z.string(),
  decidedAt: z.string().optional(),
  rejectReason: z.string().optional(),
});
const AccountS = z.looseObject({ idNumber: z.string(), roles: z.array(roleS), state: regStateS, roleStates: z.record(z.string(), regStateS).optional() });
const TransferS = z.looseObject({
  id: z.string(),
  idNumber: z.string(),
  from: UnitRefS,
  to: UnitRefS,
  state: z.enum(["pending_out", "pending_in", "completed", "rejected", "withdrawn"]),
  startedAt: z.string(),
  updatedAt: z.string().optional(),
  rejectReason: z.string().optional(),
});
const UnitsS = z.looseObject({ units: z.array(UnitRefS) });
const CodeS = z.looseObject({ maskedPhone: z.string() });
const GrantS = z.looseObject({ grant: z.string(), expiresAt: z.string() });
const ErrorS = z.looseObject({ error: z.string(), message: z.string().optional() });

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A response that must carry data (only lookups may answer "not found"). */
function must<T>(v: T | null): T {
  if (v === null) throw new PlatformError("unavailable", "the platform answered without data");
  return v;
}

export class HttpPlatform implements PlatformAdapter {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly breaker: CircuitBreaker;

  constructor(opts: HttpPlatformOptions) {
    if (!opts.baseUrl) throw new Error("HttpPlatform needs a baseUrl");
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.retries = opts.retries ?? 2;
    this.backoffMs = opts.backoffMs ?? 200;
    this.breaker = new CircuitBreaker(opts.failureThreshold ?? 5, opts.coolDownMs ?? 30_000, opts.clock ?? systemClock);
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  async close(): Promise<void> {
    // Nothing held open: fetch's connection pool is global.
  }

  // --- transport ---------------------------------------------------------------------------

  private async once(method: "GET" | "POST", path: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; data: unknown }> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs);
    try {
      const headers: Record<string, string> = { accept: "application/json" };
      if (body !== undefined) headers["content-type"] = "application/json";
      if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
      const res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
      const text = await res.text(); // still under the timeout
      if (res.status >= 500) throw new TransportFailure(`HTTP ${res.status}`);
      try {
        return { status: res.status, data: JSON.parse(text) as unknown };
      } catch {
        throw new TransportFailure(`HTTP ${res.status} with a body that is not JSON`);
      }
    } catch (e) {
      if (e instanceof TransportFailure) throw e;
      if (ctrl.signal.aborted) throw new TransportFailure(`no answer within ${this.timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new TransportFailure(`request failed${cause ? ` (${cause})` : ""}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One logical request: breaker check, timeout, and for reads retries with backoff. */
  private async call(method: "GET" | "POST", path: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; data: unknown }> {
    const attempts = method === "GET" ? 1 + this.retries : 1;
    let last: Error | undefined;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(this.backoffMs * 2 ** (i - 1));
      if (!this.breaker.tryAcquire()) {
        throw new PlatformError(
          "unavailable",
          last ? `platform service unavailable: ${last.message}; circuit open` : "platform service unavailable: circuit open",
        );
      }
      try {
        const r = await this.once(method, path, body, idempotencyKey);
        this.breaker.success();
        return r;
      } catch (e) {
        if (!(e instanceof TransportFailure)) throw e;
        this.breaker.failure();
        last = e;
      }
    }
    throw new PlatformError("unavailable", `platform service unavailable: ${last?.message ?? "no answer"}`);
  }

  /** Turns an answer into a value, null (404 not_found on a lookup) or a PlatformError. */
  private async request<T>(
    schema: z.ZodType,
    method: "GET" | "POST",
    path: string,
    opts: { body?: unknown; key?: string; nullOnNotFound?: boolean } = {},
  ): Promise<T | null> {
    const { status, data } = await this.call(method, path, opts.body, opts.key);
    if (status >= 200 && status < 300) {
      const r = schema.safeParse(data);
      if (!r.success) throw new PlatformError("unavailable", `platform answered ${method} /${path.split(/[/?]/)[1]} in an unexpected shape`);
      return r.data as T;
    }
    const err = ErrorS.safeParse(data);
    const code = err.success ? err.data.error : "";
    const message = err.success ? (err.data.message ?? code) : `HTTP ${status}`;
    if (opts.nullOnNotFound && status === 404 && code === "not_found") return null;
    if (KNOWN_CODES.has(code)) throw new PlatformError(code as PlatformErrorCode, message);
    // no_route, 405, an unknown code: the service is not the one we expect.
    throw new PlatformError("unavailable", `platform answered HTTP ${status} ${code || ""}`.trim());
  }

  private checkId(raw: string): string {
    const r = validateIdNumber(String(raw ?? ""));
    if (!r.ok) throw new PlatformError("invalid_id", `invalid ID number ${maskIdNumber(r.idNumber)} (${r.reason})`);
    return r.idNumber;
  }

  // --- the port ----------------------------------------------------------------------------

  /** null when unknown or when the name does not match (the service answers both with 404). */
  async getRegistration(idNumber: string, name: string, role?: Role): Promise<RegistrationInfo | null> {
    const id = this.checkId(idNumber);
    const q = new URLSearchParams({ name: String(name ?? "") });
    if (role) q.set("role", role);
    return this.request<RegistrationInfo>(RegistrationS, "GET", `/registrations/${encodeURIComponent(id)}?${q}`, { nullOnNotFound: true });
  }

  async getAccount(idNumber: string): Promise<AccountInfo | null> {
    const id = this.checkId(idNumber);
    return this.request<AccountInfo>(AccountS, "GET", `/accounts/${encodeURIComponent(id)}`, { nullOnNotFound: true });
  }

  async findUnits(query: string, city?: "zaozhuang" | "taian", opts: { role?: Role; limit?: number } = {}): Promise<UnitRef[]> {
    const q = new URLSearchParams({ q: String(query ?? "").slice(0, 100) });
    if (city) q.set("city", city);
    if (opts.role) q.set("role", opts.role);
    if (opts.limit) q.set("limit", String(opts.limit));
    const r = await this.request<{ units: UnitRef[] }>(UnitsS, "GET", `/units?${q}`);
    return must(r).units;
  }

  async sendCode(idNumber: string, purpose: "withdraw" | "transfer"): Promise<{ maskedPhone: string }> {
    const id = this.checkId(idNumber);
    const r = await this.request<{ maskedPhone: string }>(CodeS, "POST", "/codes", { body: { idNumber: id, purpose } });
    return { maskedPhone: must(r).maskedPhone };
  }

  async verifyCode(idNumber: string, purpose: "withdraw" | "transfer", code: string): Promise<CodeGrant> {
    const id = this.checkId(idNumber);
    const r = await this.request<CodeGrant>(GrantS, "POST", "/codes/verify", { body: { idNumber: id, purpose, code: String(code ?? "") } });
    const g = must(r);
    return { grant: g.grant, expiresAt: g.expiresAt };
  }

  async withdrawRegistration(idNumber: string, code: string, idempotencyKey: string): Promise<RegistrationInfo> {
    const id = this.checkId(idNumber);
    if (!idempotencyKey) throw new PlatformError("bad_request", "an idempotency key is required");
    return must(
      await this.request<RegistrationInfo>(RegistrationS, "POST", "/withdrawals", { body: { idNumber: id, code: String(code ?? "") }, key: idempotencyKey }),
    );
  }

  async startTransfer(idNumber: string, toUnitId: string, code: string, idempotencyKey: string): Promise<TransferInfo> {
    const id = this.checkId(idNumber);
    if (!idempotencyKey) throw new PlatformError("bad_request", "an idempotency key is required");
    return must(
      await this.request<TransferInfo>(TransferS, "POST", "/transfers", { body: { idNumber: id, toUnitId, code: String(code ?? "") }, key: idempotencyKey }),
    );
  }

  async getTransfer(idNumber: string): Promise<TransferInfo | null> {
    const id = this.checkId(idNumber);
    return this.request<TransferInfo>(TransferS, "GET", `/transfers/${encodeURIComponent(id)}`, { nullOnNotFound: true });
  }
}
