// From the lines a picture holds to the question the core is asked. A screenshot of the login
// page holds the page title, field labels, buttons and, somewhere, the message: the line that
// best covers one of the knowledge's platform messages is the question (with the lines it wraps
// onto), so a photo with several texts answers the error, not the page title. Without a
// platform message, the readable lines together are asked as typed text would be.
import type { Matcher } from "../nlu/matcher.ts";
import type { OcrLine } from "./recognizer.ts";
import { maskPersonal } from "../mask.ts";

/** Lines the recogniser is less sure of than this are left out. */
const MIN_LINE_CONFIDENCE = 0.5;
/** A line whose characters cover this much of a platform message's head is that message. */
const MIN_MESSAGE_COVER = 0.5;
const MAX_QUERY_CHARS = 300;

export interface ImageQuestion {
  /** What the core is asked (masked). */
  text: string;
  /** True when it is one of the platform's messages (the reply says "图片里的提示是"). */
  isMessage: boolean;
  /** Knowledge id of the platform message read, when it is one. */
  messageOf?: string;
}

const clean = (s: string) => s.replace(/\s+/g, " ").trim();
const flat = (s: string) => s.replace(/[\s\p{P}\p{S}]/gu, "");

function bigrams(s: string): Set<string> {
  const c = [...flat(s)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < c.length; i++) out.add(c[i] + c[i + 1]);
  return out;
}

/** Share of `line`'s character pairs found in `message`. */
function within(line: string, message: Set<string>): number {
  const g = bigrams(line);
  if (!g.size) return 0;
  let hit = 0;
  for (const x of g) if (message.has(x)) hit++;
  return hit / g.size;
}

interface Placed {
  text: string;
  top: number;
  bottom: number;
  left: number;
  cy: number;
  known: boolean;
}

function place(l: OcrLine, i: number): Placed {
  const text = clean(l.text);
  const pts = (l.box ?? []).filter((p) => Array.isArray(p) && p.length >= 2);
  if (pts.length < 2) return { text, top: i, bottom: i + 0.9, left: 0, cy: i + 0.45, known: false };
  const ys = pts.map((p) => p[1]);
  const top = Math.min(...ys);
  const bottom = Math.max(...ys);
  return { text, top, bottom, left: Math.min(...pts.map((p) => p[0])), cy: (top + bottom) / 2, known: true };
}

/** The lines worth reading, in reading order: confident, with at least one letter or digit. */
function placedLines(lines: OcrLine[]): Placed[] {
  return lines
    .filter((l) => l.mean >= MIN_LINE_CONFIDENCE)
    .map(place)
    .filter((p) => /[\p{L}\p{N}]/u.test(p.text))
    .sort((a, b) => a.cy - b.cy || a.left - b.left);
}

export function usableLines(lines: OcrLine[]): string[] {
  return placedLines(lines).map((p) => p.text);
}

/** `b` is the line `a` wraps onto: right below it, starting where `a` starts (or no positions known). */
function wrapsOnto(a: Placed, b: Placed): boolean {
  if (!a.known || !b.known) return true;
  const h = Math.max(4, Math.min(a.bottom - a.top, b.bottom - b.top));
  const gap = b.top - a.bottom;
  return gap < 0.9 * h && gap > -0.9 * h && Math.abs(b.left - a.left) < 2.5 * h;
}

/** The question a picture asks, or null when it holds no readable text. */
export function questionFromLines(lines: OcrLine[], matcher: Matcher): ImageQuestion | null {
  const placed = placedLines(lines);
  const texts = placed.map((p) => p.text);
  if (!texts.length) return null;
  let best: { i: number; id: string; cover: number } | undefined;
  texts.forEach((t, i) => {
    const top = matcher
      .score(t)
      .candidates.filter((c) => c.message >= MIN_MESSAGE_COVER)
      .sort((a, b) => b.message - a.message)[0];
    if (top && (!best || top.message > best.cover)) best = { i, id: top.id, cover: top.message };
  });
  if (best) {
    // The message may wrap onto the next lines: take them while they belong to it.
    const messages = matcher.entry(best.id)?.platform_messages ?? [];
    const grams = new Set(messages.flatMap((m) => [...bigrams(m)]));
    let text = texts[best.i];
    for (let j = best.i + 1; j < texts.length && j <= best.i + 3; j++) {
      if (within(texts[j], grams) < 0.6 || !wrapsOnto(placed[j - 1], placed[j])) break;
      text += texts[j];
    }
    // Text before the line on the same message (a wrap the other way).
    for (let j = best.i - 1; j >= 0 && j >= best.i - 2; j--) {
      if (within(texts[j], grams) < 0.8 || [...flat(texts[j])].length < 4 || !wrapsOnto(placed[j], placed[j + 1])) break;
      text = texts[j] + text;
    }
    // A photo taken at an angle can have two lines of one message read as one, the second first
    // ("回密码。 密码错误请重新输入…"): put the message's beginning first.
    for (const m of messages) {
      const head = m.split(/[，,！!。]/)[0];
      const at = head.length >= 4 ? text.indexOf(head) : -1;
      const before = at > 0 ? text.slice(0, at).trim() : "";
      if (before && within(before, grams) >= 0.6) {
        text = text.slice(at) + before;
        break;
      }
    }
    return { text: maskPersonal(limit(text)), isMessage: true, messageOf: best.id };
  }
  return { text: maskPersonal(limit(texts.join("，"))), isMessage: false };
}

function limit(s: string): string {
  const c = [...s];
  return c.length > MAX_QUERY_CHARS ? c.slice(0, MAX_QUERY_CHARS).join("") : s;
}
