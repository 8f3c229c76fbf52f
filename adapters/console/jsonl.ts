// An append-only JSON-lines file: one line per record, appends in order, whole-file rewrites
// (retention, erasure) atomic. Used for the turn log and the audit log, which grow by one line
// per event; a lowdb file would be rewritten whole on every event.
import { appendFile } from "node:fs/promises";
import { readFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "./file-lock.ts";

export class JsonlFile<T> {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private log: (line: string) => void = (l) => console.error(l),
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Every readable record; a damaged line (a crash mid-append) is skipped and reported. */
  readAll(): T[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return [];
    }
    const out: T[] = [];
    let bad = 0;
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        bad++;
      }
    }
    if (bad) this.log(`${this.path}: ${bad} unreadable line(s) skipped`);
    return out;
  }

  /** Resolves once written; a failed append is reported, never thrown (callers fire and forget). */
  append(record: T): Promise<void> {
    const p = this.chain
      .then(() => appendFile(this.path, JSON.stringify(record) + "\n"))
      .catch((err) => this.log(`${this.path}: append failed: ${(err as Error).message}`));
    this.chain = p;
    return p;
  }

  /** Rewrites the file with the records kept; ordered after pending appends. */
  rewrite(records: T[]): Promise<void> {
    const p = this.chain.then(() => writeFileAtomic(this.path, records.map((r) => JSON.stringify(r) + "\n").join("")));
    this.chain = p.catch((err) => this.log(`${this.path}: rewrite failed: ${(err as Error).message}`));
    return p;
  }

  async flush(): Promise<void> {
    await this.chain;
  }
}
