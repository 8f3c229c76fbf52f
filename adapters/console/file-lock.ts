// A lock file shared by processes: the running server and `helpdesk admin create` both change
// the accounts file, so each takes the lock, re-reads the file, changes it and writes it
// atomically (temp file + rename) before letting go. No update is lost and no reader sees
// half a file.
import { openSync, closeSync, writeSync, statSync, unlinkSync, writeFileSync, renameSync, readFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { randomBytes } from "node:crypto";

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this is from a crashed process and is broken (ms). */
  staleMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Staleness compares file mtimes with the real time on purpose: it is about processes on this
// machine, not about the assistant's (injectable) notion of time.
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleMs = opts.staleMs ?? 30_000;
  const started = Date.now();
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lockPath, "wx");
      writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > staleMs) {
          unlinkSync(lockPath);
          continue;
        }
      } catch {
        continue; /* released meanwhile */
      }
      if (Date.now() - started > timeoutMs) throw new Error(`could not lock ${lockPath} within ${timeoutMs} ms`);
      await sleep(10 + Math.min(100, attempt * 5) + Math.random() * 20);
    }
  }
  try {
    return await fn();
  } finally {
    closeSync(fd);
    try {
      unlinkSync(lockPath);
    } catch {
      /* already broken as stale */
    }
  }
}

/** Writes a file so readers see the old or the new content, never a mix. */
export function writeFileAtomic(path: string, content: string, mode?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(tmp, content, mode === undefined ? undefined : { mode });
  renameSync(tmp, path);
}

export function readJsonFile<T>(path: string, fallback: T): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return fallback;
    throw err;
  }
  return JSON.parse(text) as T;
}
