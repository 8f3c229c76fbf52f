// Signed-in sessions, CSRF tokens and the sign-in throttle. Times come from the injectable clock.
import { randomBytes, createHash, timingSafeEqual } from "node:crypto";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import type { Clock } from "../../bot/clock.ts";

export interface AuthSession {
  /** sha256 of the cookie value: a copied data file does not hand out sessions. */
  idHash: string;
  name: string;
  csrf: string;
  createdAt: number;
  lastSeen: number;
  /** The account's password version at sign-in (a later change ends the session). */
  passwordVersion: number;
}

export const SESSION_COOKIE = "hd_console";
export const PRE_COOKIE = "hd_console_pre";

const hash = (s: string) => createHash("sha256").update(s).digest("hex");
export const newToken = () => randomBytes(32).toString("base64url");

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AuthSessions {
  private db: Low<{ sessions: AuthSession[] }>;
  private byHash = new Map<string, AuthSession>();
  private dirty = false;

  constructor(
    file: string,
    private clock: Clock,
    private limits = { idleMs: 8 * 3600_000, absoluteMs: 12 * 3600_000 },
    private log: (line: string) => void = (l) => console.error(l),
  ) {
    this.db = new Low(new JSONFile<{ sessions: AuthSession[] }>(file), { sessions: [] });
  }

  async init(): Promise<void> {
    try {
      await this.db.read();
    } catch {
      this.db.data = { sessions: [] }; /* unreadable: everyone signs in again */
    }
    for (const s of this.db.data.sessions ?? []) this.byHash.set(s.idHash, s);
    this.prune();
  }

  /** A background save: a failure is reported, the sessions stay in memory. */
  private saveLater(): void {
    this.save().catch((err) => this.log(`console: sign-in sessions not saved: ${(err as Error).message}`));
  }

  private async save(): Promise<void> {
    this.db.data = { sessions: [...this.byHash.values()] };
    this.dirty = false;
    await this.db.write();
  }

  private expired(s: AuthSession, now: number): boolean {
    return now - s.lastSeen > this.limits.idleMs || now - s.createdAt > this.limits.absoluteMs;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [h, s] of this.byHash)
      if (this.expired(s, now)) {
        this.byHash.delete(h);
        this.dirty = true;
      }
  }

  async create(name: string, passwordVersion: number): Promise<{ id: string; session: AuthSession }> {
    this.prune();
    const id = newToken();
    const now = this.clock.now();
    const session: AuthSession = { idHash: hash(id), name, csrf: newToken(), createdAt: now, lastSeen: now, passwordVersion };
    this.byHash.set(session.idHash, session);
    await this.save();
    return { id, session };
  }

  /** The live session for a cookie value, or null; refreshes its idle timer. */
  lookup(id: string | undefined): AuthSession | null {
    if (!id || id.length > 100) return null;
    const s = this.byHash.get(hash(id));
    if (!s) return null;
    const now = this.clock.now();
    if (this.expired(s, now)) {
      this.byHash.delete(s.idHash);
      this.saveLater();
      return null;
    }
    // Written at most once a minute: a busy console should not rewrite the file per request.
    if (now - s.lastSeen > 60_000) {
      s.lastSeen = now;
      this.dirty = true;
      this.saveLater();
    } else s.lastSeen = now;
    return s;
  }

  async destroy(id: string): Promise<void> {
    if (this.byHash.delete(hash(id))) await this.save();
  }

  /** Signs an account out everywhere (disabled, password changed). */
  async destroyAllFor(name: string, exceptHash?: string): Promise<void> {
    for (const [h, s] of this.byHash) if (s.name === name && h !== exceptHash) this.byHash.delete(h);
    await this.save();
  }

  async flush(): Promise<void> {
    if (this.dirty) await this.save();
  }
}

export interface ThrottleLimits {
  /** Failures per name+address before a lock-out. */
  maxFailures: number;
  /** Failures from one address (any names) before it is locked out: stops guessing across names. */
  maxPerAddress: number;
  /** Failures for one account from any address before the account's sign-in is locked: stops
   * guessing one password from many addresses (the account's agent waits out lockMs, or an admin
   * sets a new password). */
  maxPerAccount: number;
  /** Sign-in attempts (right or wrong) per address per minute, counted before the password is checked. */
  attemptsPerMinute: number;
  /** Sign-ins from one address being checked at the same time; more are refused at once. */
  inFlightPerAddress: number;
  windowMs: number;
  lockMs: number;
}
export const DEFAULT_THROTTLE: ThrottleLimits = {
  maxFailures: 5,
  maxPerAddress: 20,
  maxPerAccount: 10,
  attemptsPerMinute: 60,
  inFlightPerAddress: 2,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

/**
 * Sign-in attempts: admitted (or not) before any password hash is computed, per address and per
 * account, with lock-outs after failures; in memory (a restart forgets it).
 */
export class LoginThrottle {
  private failures = new Map<string, { times: number[]; lockedUntil: number }>();
  private attempts = new Map<string, number[]>();
  private inFlight = new Map<string, number>();
  constructor(
    private clock: Clock,
    private limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  private keys(name: string, ip: string): { pair: string; address: string; account: string } {
    const n = name.toLowerCase();
    return { pair: `n:${n}|${ip}`, address: `a:${ip}`, account: `u:${n}` };
  }

  /** Milliseconds until another attempt is allowed, 0 when allowed now. */
  retryAfter(name: string, ip: string): number {
    const now = this.clock.now();
    let wait = 0;
    for (const k of Object.values(this.keys(name, ip))) {
      const f = this.failures.get(k);
      if (f && f.lockedUntil > now) wait = Math.max(wait, f.lockedUntil - now);
    }
    const recent = (this.attempts.get(ip) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.limits.attemptsPerMinute) wait = Math.max(wait, 60_000 - (now - recent[0]));
    return wait;
  }

  /**
   * Admits one sign-in attempt before its password is checked: the wait in ms when it is refused
   * (locked out, too many attempts this minute, or too many being checked from the address), else
   * 0 and the attempt is counted; `done()` must follow an admitted attempt.
   */
  admit(name: string, ip: string): number {
    const wait = this.retryAfter(name, ip);
    if (wait > 0) return wait;
    if ((this.inFlight.get(ip) ?? 0) >= this.limits.inFlightPerAddress) return 1000;
    const now = this.clock.now();
    const recent = (this.attempts.get(ip) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.attempts.set(ip, recent);
    this.inFlight.set(ip, (this.inFlight.get(ip) ?? 0) + 1);
    if (this.attempts.size > 10_000) this.prune(now);
    return 0;
  }

  /** An admitted attempt has been answered. */
  done(ip: string): void {
    const n = (this.inFlight.get(ip) ?? 1) - 1;
    if (n > 0) this.inFlight.set(ip, n);
    else this.inFlight.delete(ip);
  }

  fail(name: string, ip: string): void {
    const now = this.clock.now();
    const k = this.keys(name, ip);
    for (const [key, max] of [
      [k.pair, this.limits.maxFailures],
      [k.address, this.limits.maxPerAddress],
      [k.account, this.limits.maxPerAccount],
    ] as const) {
      const f = this.failures.get(key) ?? { times: [], lockedUntil: 0 };
      f.times = f.times.filter((t) => now - t < this.limits.windowMs);
      f.times.push(now);
      if (f.times.length >= max) {
        f.lockedUntil = now + this.limits.lockMs;
        f.times = [];
      }
      this.failures.set(key, f);
    }
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(name: string, ip: string): void {
    const k = this.keys(name, ip);
    this.failures.delete(k.pair);
    // The account's own agent got in: earlier guesses at it from elsewhere no longer count.
    const acct = this.failures.get(k.account);
    if (acct && acct.lockedUntil <= this.clock.now()) this.failures.delete(k.account);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (f.lockedUntil <= now && f.times.every((t) => now - t >= this.limits.windowMs)) this.failures.delete(k);
    for (const [ip, times] of this.attempts) if (times.every((t) => now - t >= 60_000)) this.attempts.delete(ip);
  }
}

export class HashBusyError extends Error {
  constructor() {
    super("登录请求过多，请稍后再试");
  }
}

/**
 * Bounds the password-hash work: at most `concurrent` scrypt computations at once (the thread
 * pool they run on also serves session and file I/O), at most `queued` waiting; beyond that an
 * attempt is refused at once instead of piling up.
 */
export class HashGate {
  private running = 0;
  private waiting: (() => void)[] = [];
  constructor(
    private concurrent = 2,
    private queued = 16,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.queued) throw new HashBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
