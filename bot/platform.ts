// Opens the in-process sandbox platform for one replayed dialogue.
import { openPlatform } from "../adapters/platform/index.ts";
import type { PlatformAdapter } from "../adapters/platform/types.ts";
import type { Clock } from "./clock.ts";

/** Replay's sandbox: its own directory; one-time codes are 000000 unless told otherwise (CONTRACTS.md). */
export async function openSandbox(dir: string, opts: { fixedCode?: boolean; clock?: Clock } = {}): Promise<PlatformAdapter> {
  return openPlatform({ sandboxDir: dir, fixedCode: opts.fixedCode ?? true, clock: opts.clock });
}
