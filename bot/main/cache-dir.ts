// HELPDESK_CACHE_DIR on its own, without zod or anything else: the knowledge snapshot needs it in
// processes that never build the whole configuration (the CLI's short commands and the snapshot's
// own child process). bot/main/config.ts re-exports it and uses it for Config.cacheDir.
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Derived caches (knowledge snapshot, vectors): HELPDESK_CACHE_DIR, else <system temp>/helpdesk-cache. */
export function cacheDirFrom(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): string {
  const v = env.HELPDESK_CACHE_DIR?.trim();
  return v ? resolve(cwd, v) : join(tmpdir(), "helpdesk-cache");
}
