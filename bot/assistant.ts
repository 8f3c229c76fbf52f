// Wires the real parts together: knowledge, matcher, engine, stores, platform.
// The entry points (CLI, server) and the tests build the assistant through here.
import { join } from "node:path";
import type { Knowledge } from "../knowledge/loader.ts";
import { loadSnapshot } from "./nlu/snapshot.ts";
import { Matcher } from "./nlu/matcher.ts";
import { createNormalizer } from "./nlu/normalize.ts";
import { Engine, type EngineDeps, type HandoffPort } from "./engine.ts";
import type { Session } from "./session.ts";
import { MemoryStore, type SessionStore } from "../adapters/storage/types.ts";
import { LowdbStore } from "../adapters/storage/lowdb-store.ts";
import type { PlatformAdapter } from "../adapters/platform/types.ts";
import { ALL_FLOWS } from "../flows/index.ts";
import type { Clock } from "./clock.ts";

let cachedKnowledge: Knowledge | undefined;
let cachedMatcher: Matcher | undefined;

/** One matcher per process, from the knowledge snapshot (built on first use after a change). */
export function sharedMatcher(): Matcher {
  if (!cachedMatcher) {
    const { knowledge, prepared, sounds } = loadSnapshot();
    cachedKnowledge = knowledge;
    const norm = createNormalizer(knowledge.lexicon, knowledge.dictPath, sounds);
    cachedMatcher = new Matcher(cachedKnowledge, undefined, norm, prepared);
  }
  return cachedMatcher;
}

export interface AssistantOptions {
  /** Data directory; absent → sessions in memory only (eval, one-off questions). */
  dataDir?: string;
  platform?: PlatformAdapter;
  clock?: Clock;
  matcher?: Matcher;
  handoff?: HandoffPort;
  onTurn?: EngineDeps["onTurn"];
  log?: (line: string) => void;
}

export function createEngine(opts: AssistantOptions = {}): Engine {
  const store: SessionStore<Session> = opts.dataDir
    ? new LowdbStore<Session>(join(opts.dataDir, "sessions"), opts.log)
    : new MemoryStore<Session>();
  return new Engine({
    matcher: opts.matcher ?? sharedMatcher(),
    store,
    flows: ALL_FLOWS,
    platform: opts.platform,
    clock: opts.clock,
    handoff: opts.handoff,
    onTurn: opts.onTurn,
    log: opts.log,
  });
}
