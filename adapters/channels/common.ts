// Helpers every channel adapter shares: limits, text cleaning, loopback checks, a token bucket.
// Channel adapters only translate between a channel's messages and the core's Inbound/Reply.
import { isIP } from "node:net";
import type { Clock } from "../../bot/clock.ts";

/** Longest message a user may send on any channel (characters, not bytes). */
export const MAX_TEXT_CHARS = 1000;
/** Longest page context (a login message) the widget may pass. */
export const MAX_CONTEXT_CHARS = 200;

/** Trims and normalises line breaks; drops control characters a client might slip in. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .trim();
}

export const charCount = (s: string): number => [...s].length;

/** Loopback URL (127.0.0.0/8, ::1, localhost): the only service URLs an open Bot Framework endpoint accepts. */
export function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== "string" || url.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return false;
  if (u.username || u.password) return false;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.split(".")[0] === "127";
  if (isIP(host) === 6) return host === "::1" || /^::ffff:127\./.test(host) || /^::ffff:7f/.test(host);
  return false;
}

/**
 * A token bucket on the injectable clock: `capacity` sends at once, then one every `intervalMs`.
 * Tests move the clock instead of waiting.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private clock: Clock,
    readonly capacity: number,
    readonly intervalMs: number,
  ) {
    this.tokens = capacity;
    this.at = clock.now();
  }
  private refill(): void {
    const now = this.clock.now();
    if (now <= this.at) {
      this.at = Math.min(this.at, now);
      return;
    }
    const gained = (now - this.at) / this.intervalMs;
    this.tokens = Math.min(this.capacity, this.tokens + gained);
    this.at = now;
  }
  /** Takes a token if one is there. */
  take(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
  /** Milliseconds (on the clock) until the next token. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.intervalMs);
  }
}

/** A log line never carries personal numbers. */
export type LogFn = (line: string) => void;
