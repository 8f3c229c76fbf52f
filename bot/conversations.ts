// Sessions under the conversation lock: load (a stale or older-version session starts fresh,
// keeping a hand-off), change, save once. The core's turns and the console's changes both go
// through here, so they never interleave.
import type { Clock } from "./clock.ts";
import type { SessionStore } from "./ports.ts";
import { KeyedLock } from "./keyed-lock.ts";
import { freshSession, SESSION_VERSION, type Session } from "./session.ts";
import { parseKey } from "./conversation-key.ts";

export const IDLE_MS = 30 * 60 * 1000;

export class Conversations {
  readonly lock = new KeyedLock();
  constructor(
    readonly store: SessionStore<Session>,
    private clock: Clock,
    private idleMs = IDLE_MS,
  ) {}

  /** The session as a turn sees it now. Call under the lock. */
  async load(key: string): Promise<Session> {
    const now = this.clock.now();
    const stored = await this.store.read(key);
    if (stored && stored.v === SESSION_VERSION && now - stored.updatedAt <= this.idleMs) return stored;
    // Expired, unknown or of an older shape: start fresh, silently. A person's conversation keeps its ticket.
    const fresh = freshSession(key, parseKey(key)?.channel ?? "", now);
    if (stored?.handoff) fresh.handoff = stored.handoff;
    return fresh;
  }

  /** Is there a live (not expired) session? */
  async isLive(key: string): Promise<Session | null> {
    const s = await this.store.read(key);
    return s && s.v === SESSION_VERSION && this.clock.now() - s.updatedAt <= this.idleMs ? s : null;
  }

  async save(s: Session): Promise<void> {
    s.updatedAt = this.clock.now();
    await this.store.write(s.key, s);
  }

  /**
   * Sessions idle longer than the expiry lose what they kept for the next turn (a flow's state,
   * which can hold a full ID number; offered choices; a question to continue privately), so personal
   * data does not wait for the retention sweep. The hand-off and `updatedAt` stay (the retention
   * clock keeps running). Returns the keys cleared.
   */
  async forgetIdle(): Promise<string[]> {
    const cleared: string[] = [];
    for (const key of await this.store.keys()) {
      await this.lock.run(key, async () => {
        const s = await this.store.read(key);
        if (!s || this.clock.now() - s.updatedAt <= this.idleMs) return;
        if (!s.flow && !s.choices && !s.continuation && s.pendingCityTopic === undefined) return;
        s.flow = null;
        s.choices = null;
        delete s.continuation;
        delete s.pendingCityTopic;
        await this.store.write(key, s);
        cleared.push(key);
      });
    }
    return cleared;
  }

  /** Changes a stored session under its conversation's lock (the console takes, replies, hands back). */
  withSession<T>(key: string, fn: (s: Session) => T | Promise<T>): Promise<T> {
    return this.lock.run(key, async () => {
      const s = await this.load(key);
      const out = await fn(s);
      await this.save(s);
      return out;
    });
  }
}
