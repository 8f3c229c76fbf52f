// The conversation log: one append-only JSON-lines file per conversation (hashed name, first
// line names the key). Personal numbers are masked here, once, before anything is written.
// A rating or a failed delivery is appended as a note line and folded into its event when read.
import { appendFile, mkdir, readFile, readdir, rm, chmod } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { maskPersonal } from "../../bot/mask.ts";
import { KeyedLock } from "../../bot/keyed-lock.ts";
import type { Clock } from "../../bot/clock.ts";
import type { ConversationLog, LogEvent, NewEvent } from "../../bot/ports.ts";

type Note = { id: number; at: number; about: number; rating?: NonNullable<LogEvent["rating"]>; delivered?: false };
type Line = LogEvent | { key: string } | Note;

/** Events as stored (notes separate) → events as read (notes folded in). */
function fold(lines: Line[]): LogEvent[] {
  const out: LogEvent[] = [];
  const byId = new Map<number, LogEvent>();
  for (const l of lines) {
    if ("about" in l) {
      const e = byId.get(l.about);
      if (e && l.rating) e.rating = l.rating;
      if (e && l.delivered === false) e.delivered = false;
      continue;
    }
    if ("role" in l) {
      out.push(l);
      byId.set(l.id, l);
    }
  }
  return out;
}

/** The reply a rating is about: the given bot event, or the latest reply. */
const ratedEvent = (events: LogEvent[], eventId?: number) =>
  eventId !== undefined ? events.find((e) => e.id === eventId && e.role === "bot") : [...events].reverse().find((e) => e.role === "bot");

function stamp(events: NewEvent[], lastId: number, now: number): LogEvent[] {
  return events.map((e, i) => {
    const ev: LogEvent = { ...e, id: lastId + i + 1, at: e.at ?? now, text: maskPersonal(e.text) };
    if (e.choices) ev.choices = e.choices.map(maskPersonal);
    return ev;
  });
}

const lastIdOf = (lines: Line[]) => lines.reduce((m, l) => ("id" in l ? Math.max(m, l.id) : m), 0);

export class FileConversationLog implements ConversationLog {
  private lock = new KeyedLock();
  private pending = new Set<Promise<unknown>>();

  constructor(
    private dir: string,
    private clock: Clock,
    private log: (line: string) => void = () => {},
  ) {}

  private file(key: string): string {
    return join(this.dir, createHash("sha256").update(key).digest("hex").slice(0, 32) + ".jsonl");
  }

  private async lines(key: string): Promise<Line[]> {
    let text: string;
    try {
      text = await readFile(this.file(key), "utf8");
    } catch {
      return [];
    }
    const out: Line[] = [];
    for (const l of text.split("\n")) {
      if (!l) continue;
      try {
        out.push(JSON.parse(l) as Line);
      } catch {
        this.log("conversation log: an unreadable line was skipped");
      } // a torn last line after a crash
    }
    const head = out[0];
    return head && "key" in head && head.key === key ? out : [];
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => {});
    return p;
  }

  append(key: string, events: NewEvent[]): Promise<LogEvent[]> {
    if (!events.length) return Promise.resolve([]);
    return this.track(
      this.lock.run(key, async () => {
        const lines = await this.lines(key);
        const stamped = stamp(events, lastIdOf(lines), this.clock.now());
        const head = lines.length ? "" : JSON.stringify({ key }) + "\n";
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await appendFile(this.file(key), head + stamped.map((e) => JSON.stringify(e)).join("\n") + "\n", { mode: 0o600 });
        return stamped;
      }),
    );
  }

  async read(key: string, after = 0): Promise<LogEvent[]> {
    return fold(await this.lines(key)).filter((e) => e.id > after);
  }

  private note(key: string, make: (events: LogEvent[]) => Omit<Note, "id" | "at"> | null): Promise<LogEvent | null> {
    return this.track(
      this.lock.run(key, async () => {
        const lines = await this.lines(key);
        if (!lines.length) return null;
        const events = fold(lines);
        const n = make(events);
        if (!n) return null;
        const line: Note = { ...n, id: lastIdOf(lines) + 1, at: this.clock.now() };
        await appendFile(this.file(key), JSON.stringify(line) + "\n", { mode: 0o600 });
        return fold([...lines, line]).find((e) => e.id === n.about) ?? null;
      }),
    );
  }

  rate(key: string, rating: NonNullable<LogEvent["rating"]>, eventId?: number): Promise<LogEvent | null> {
    return this.note(key, (events) => {
      const e = ratedEvent(events, eventId);
      return e ? { about: e.id, rating } : null;
    });
  }

  async markUndelivered(key: string, eventId: number): Promise<void> {
    await this.note(key, () => ({ about: eventId, delivered: false }));
  }

  delete(key: string): Promise<void> {
    return this.lock.run(key, () => rm(this.file(key), { force: true }));
  }

  async keys(): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const f of files) {
      if (!f.endsWith(".jsonl")) continue;
      try {
        const first = (await readFile(join(this.dir, f), "utf8")).split("\n", 1)[0];
        out.push((JSON.parse(first) as { key: string }).key);
      } catch {
        /* unreadable: skipped */
      }
    }
    return out;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Tightens permissions on an existing directory (files written before the 0600 rule). */
  async harden(): Promise<void> {
    await chmod(this.dir, 0o700).catch(() => {});
  }
}

/** The same log in memory: eval, one-off questions, tests of the core. */
export class MemoryConversationLog implements ConversationLog {
  private m = new Map<string, Line[]>();
  constructor(private clock: Clock) {}
  async append(key: string, events: NewEvent[]): Promise<LogEvent[]> {
    const lines = this.m.get(key) ?? [];
    const stamped = stamp(events, lastIdOf(lines), this.clock.now());
    lines.push(...stamped.map((e) => ({ ...e })));
    this.m.set(key, lines);
    return stamped;
  }
  async read(key: string, after = 0): Promise<LogEvent[]> {
    return fold(structuredClone(this.m.get(key) ?? [])).filter((e) => e.id > after);
  }
  async rate(key: string, rating: NonNullable<LogEvent["rating"]>, eventId?: number): Promise<LogEvent | null> {
    const lines = this.m.get(key) ?? [];
    const target = ratedEvent(fold(structuredClone(lines)), eventId);
    if (!target) return null;
    lines.push({ id: lastIdOf(lines) + 1, at: this.clock.now(), about: target.id, rating });
    return { ...target, rating };
  }
  async markUndelivered(key: string, eventId: number): Promise<void> {
    const lines = this.m.get(key);
    lines?.push({ id: lastIdOf(lines) + 1, at: this.clock.now(), about: eventId, delivered: false });
  }
  async delete(key: string): Promise<void> {
    this.m.delete(key);
  }
  async keys(): Promise<string[]> {
    return [...this.m.keys()];
  }
  async flush(): Promise<void> {}
}
