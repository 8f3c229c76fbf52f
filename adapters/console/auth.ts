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
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AuthSessions {
  private db: Low<{ sessions: AuthSession[] }>;
  private byHash = new Map<string, AuthSession>();
  private dirty = false;

  constructor(file: string, private clock: Clock, private limits = { idleMs: 8 * 3600_000, absoluteMs: 12 * 3600_000 }, private log: (line: string) => void = (l) => console.error(l)) {
    this.db = new Low(new JSONFile<{ sessions: AuthSession[] }>(file), { sessions: [] });
  }

  async init(): Promise<void> {
    try { await this.db.read(); } catch { this.db.data = { sessions: [] }; /* unreadable: everyone signs in again */ }
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
    for (const [h, s] of this.byHash) if (this.expired(s, now)) { this.byHash.delete(h); this.dirty = true; }
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
    if (this.expired(s, now)) { this.byHash.delete(s.idHash); this.saveLater(); return null; }
    // Written at most once a minute: a busy console should not rewrite the file per request.
    if (now - s.lastSeen > 60_000) { s.lastSeen = now; this.dirty = true; this.saveLater(); }
    else s.lastSeen = now;
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

  async flush(): Promise<void> { if (this.dirty) await this.save(); }
}

export interface ThrottleLimits {
  /** Failures per name+address before a lock-out. */
  maxFailures: number;
  /** Failures from one address (any names) before it is locked out: stops guessing across names. */
  maxPerAddress: number;
  windowMs: number;
  lockMs: number;
}
export const DEFAULT_THROTTLE: ThrottleLimits = { maxFailures: 5, maxPerAddress: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** Sign-in attempts per name+address with a lock-out; in memory (a restart forgets it). */
export class LoginThrottle {
  private failures = new Map<string, { times: number[]; lockedUntil: number }>();
  constructor(private clock: Clock, private limits: ThrottleLimits = DEFAULT_THROTTLE) {}

  private keys(name: string, ip: string): [string, string] {
    return [`n:${name.toLowerCase()}|${ip}`, `a:${ip}`];
  }

  /** Milliseconds until another attempt is allowed, 0 when allowed now. */
  retryAfter(name: string, ip: string): number {
    const now = this.clock.now();
    let wait = 0;
    for (const k of this.keys(name, ip)) {
      const f = this.failures.get(k);
      if (f && f.lockedUntil > now) wait = Math.max(wait, f.lockedUntil - now);
    }
    return wait;
  }

  fail(name: string, ip: string): void {
    const now = this.clock.now();
    const [nk, ak] = this.keys(name, ip);
    for (const [k, max] of [[nk, this.limits.maxFailures], [ak, this.limits.maxPerAddress]] as const) {
      const f = this.failures.get(k) ?? { times: [], lockedUntil: 0 };
      f.times = f.times.filter((t) => now - t < this.limits.windowMs);
      f.times.push(now);
      if (f.times.length >= max) { f.lockedUntil = now + this.limits.lockMs; f.times = []; }
      this.failures.set(k, f);
    }
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(name: string, ip: string): void {
    this.failures.delete(this.keys(name, ip)[0]);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (f.lockedUntil <= now && f.times.every((t) => now - t >= this.limits.windowMs)) this.failures.delete(k);
  }
}
