// One lowdb JSON file per conversation: a turn rewrites only its own file, and a corrupt file
// affects only its conversation (moved aside, the user starts fresh).
//
// At rest: with a SecretBox each file is sealed (AES-256-GCM, bound to its file name), so a copied
// data directory reveals nothing; a plain file written before encryption is still read and is
// sealed on its next write. Files are written 0600 (directory 0700) through a temporary copy that is
// renamed into place; a copy left by a crash is removed at start and on delete.
// No lowdb object is kept between calls: memory does not grow with the conversations stored.
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { createHash } from "node:crypto";
import { Low, type Adapter } from "lowdb";
import type { SessionStore } from "./types.ts";
import type { SecretBox } from "./secret-box.ts";
import { SecretBox as Box } from "./secret-box.ts";
import { FILE_MODE, isTempName, privateDir } from "./files.ts";
import { KeyedLock } from "../../bot/keyed-lock.ts";

interface Wrapped<T> {
  key: string;
  value: T;
}

/** lowdb adapter: JSON, sealed when a box is given, written atomically 0600. */
class SealedJsonFile<T> implements Adapter<T> {
  constructor(
    private path: string,
    private box?: SecretBox,
  ) {}
  private get aad(): string {
    return basename(this.path);
  }
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    return parseStored<T>(text, this.box, this.aad);
  }
  async write(data: T): Promise<void> {
    const json = JSON.stringify(data, null, 2);
    const tmp = tempOf(this.path);
    await writeFile(tmp, this.box ? this.box.seal(json, this.aad) : json, { mode: FILE_MODE });
    await rename(tmp, this.path);
  }
}

function parseStored<T>(text: string, box: SecretBox | undefined, aad: string): T {
  if (Box.isSealed(text)) {
    if (!box) throw new Error("the file is encrypted and no key is configured");
    return JSON.parse(box.open(text, aad)) as T;
  }
  return JSON.parse(text) as T;
}

/** The temporary copy of a file (the same name lowdb's steno writer uses). */
const tempOf = (path: string) => join(path, "..", `.${basename(path)}.tmp`);

export interface LowdbStoreOptions {
  /** Seals every file (sessions: flow state can hold a full ID number). */
  box?: SecretBox;
}

export class LowdbStore<T> implements SessionStore<T> {
  private lock = new KeyedLock();
  private pending = new Set<Promise<void>>();
  private box?: SecretBox;

  constructor(
    private dir: string,
    private log: (line: string) => void = (l) => console.error(l),
    opts: LowdbStoreOptions = {},
  ) {
    this.box = opts.box;
    privateDir(dir);
    this.removeTemps();
  }

  private file(key: string): string {
    // Hashed names: keys hold channel user ids that must not become paths.
    return join(this.dir, createHash("sha256").update(key).digest("hex").slice(0, 32) + ".json");
  }

  private low(key: string): Low<Wrapped<T> | null> {
    return new Low<Wrapped<T> | null>(new SealedJsonFile<Wrapped<T> | null>(this.file(key), this.box), null);
  }

  /** Temporary copies a crash left behind (nothing of ours writes while the store is built). */
  removeTemps(): number {
    let n = 0;
    if (!existsSync(this.dir)) return 0;
    for (const f of readdirSync(this.dir)) {
      if (!isTempName(f)) continue;
      rmSync(join(this.dir, f), { force: true });
      n++;
    }
    return n;
  }

  async read(key: string): Promise<T | null> {
    const db = this.low(key);
    try {
      await db.read();
    } catch (err) {
      const path = this.file(key);
      const aside = `${path}.corrupt-${Date.now()}`;
      try {
        renameSync(path, aside);
      } catch {
        /* already gone */
      }
      this.log(`session store: unreadable session file moved aside to ${aside} (${(err as Error).message.split("\n")[0]}); the conversation starts fresh`);
      return null;
    }
    return db.data && db.data.key === key ? db.data.value : null;
  }

  async write(key: string, value: T): Promise<void> {
    const p = this.lock
      .run(key, async () => {
        const db = this.low(key);
        db.data = { key, value };
        await db.write();
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    await p;
  }

  async delete(key: string): Promise<void> {
    await this.lock.run(key, async () => {
      await rm(this.file(key), { force: true });
      await rm(tempOf(this.file(key)), { force: true });
    });
  }

  async keys(): Promise<string[]> {
    if (!existsSync(this.dir)) return [];
    const out: string[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith(".json") || f.startsWith(".")) continue;
      try {
        out.push(parseStored<Wrapped<T>>(await readFile(join(this.dir, f), "utf8"), this.box, f).key);
      } catch {
        /* corrupt: skipped */
      }
    }
    return out;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
