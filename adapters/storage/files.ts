// Files the service writes: 0600, directories 0700; temporary copies left by a crash (`kill -9`
// during an atomic write: `*.tmp`) are found and removed.
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates the directory (and parents) 0700 and tightens it when it already existed. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  try {
    chmodSync(dir, DIR_MODE);
  } catch {
    /* not ours */
  }
}

/** Is this file name a temporary copy (lowdb/steno `.x.json.tmp`, our `x.json.tmp`, `x.tmp-123`)? */
export function isTempName(name: string): boolean {
  return /\.tmp(?:[-.]\w+)?$/.test(name);
}

/**
 * Removes every temporary copy under `dir` (recursively) and, with `harden`, sets every file 0600
 * and every directory 0700. Call at start, before anything writes. Returns the files removed.
 */
export function sweepDataDir(dir: string, opts: { harden?: boolean } = {}): string[] {
  const removed: string[] = [];
  const walk = (d: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    if (opts.harden) {
      try {
        chmodSync(d, DIR_MODE);
      } catch {
        /* not ours */
      }
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < 8) walk(p, depth + 1);
        continue;
      }
      if (!st.isFile()) continue;
      if (isTempName(n)) {
        rmSync(p, { force: true });
        removed.push(p);
        continue;
      }
      if (opts.harden && (st.mode & 0o077) !== 0) {
        try {
          chmodSync(p, FILE_MODE);
        } catch {
          /* not ours */
        }
      }
    }
  };
  walk(dir, 0);
  return removed;
}
