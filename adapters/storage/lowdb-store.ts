// One lowdb JSON file per conversation: a turn rewrites only its own file, and a corrupt file
// affects only its conversation (moved aside, the user starts fresh).
import { mkdirSync, readFileSync, renameSync, readdirSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import type { SessionStore } from "./types.ts";

interface Wrapped<T> { key: string; value: T }

export class LowdbStore<T> implements SessionStore<T> {
  private dbs = new Map<string, Low<Wrapped<T> | null>>();
  private pending = new Set<Promise<void>>();

  constructor(private dir: string, private log: (line: string) => void = (l) => console.error(l)) {
    mkdirSync(dir, { recursive: true });
  }

  private file(key: string): string {
    // Hashed names: keys hold channel user ids that must not become paths.
    return join(this.dir, createHash("sha256").update(key).digest("hex").slice(0, 32) + ".json");
  }

  private db(key: string): Low<Wrapped<T> | null> {
    let db = this.dbs.get(key);
    if (!db) {
      db = new Low<Wrapped<T> | null>(new JSONFile(this.file(key)), null);
      this.dbs.set(key, db);
    }
    return db;
  }

  async read(key: string): Promise<T | null> {
    const db = this.db(key);
    try {
      await db.read();
    } catch (err) {
      const path = this.file(key);
      const aside = `${path}.corrupt-${Date.now()}`;
      try { renameSync(path, aside); } catch { /* already gone */ }
      this.log(`session store: corrupt session file moved aside to ${aside} (${(err as Error).message.split("\n")[0]}); the conversation starts fresh`);
      db.data = null;
      return null;
    }
    return db.data && db.data.key === key ? db.data.value : null;
  }

  async write(key: string, value: T): Promise<void> {
    const db = this.db(key);
    db.data = { key, value };
    const p = db.write().finally(() => this.pending.delete(p));
    this.pending.add(p);
    await p;
  }

  async delete(key: string): Promise<void> {
    this.dbs.delete(key);
    rmSync(this.file(key), { force: true });
  }

  async keys(): Promise<string[]> {
    if (!existsSync(this.dir)) return [];
    const out: string[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith(".json")) continue;
      try { out.push((JSON.parse(readFileSync(join(this.dir, f), "utf8")) as Wrapped<T>).key); } catch { /* corrupt: skipped */ }
    }
    return out;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
