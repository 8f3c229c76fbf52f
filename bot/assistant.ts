// The composition root's core part: knowledge, understanding, stores, platform and flows wired
// into one Assistant. The entry points (CLI, server) and the tests build the assistant here.
import { join } from "node:path";
import { loadSnapshot } from "./nlu/snapshot.ts";
import { Matcher } from "./nlu/matcher.ts";
import { createNormalizer } from "./nlu/normalize.ts";
import { Assistant, UnderstandingRef } from "./turn.ts";
import { Conversations } from "./conversations.ts";
import type { Session } from "./session.ts";
import type { Notices, Tickets, TurnListener, PlatformAdapter, Clock, ConversationLog } from "./ports.ts";
import { MemoryStore, type SessionStore } from "../adapters/storage/types.ts";
import { LowdbStore } from "../adapters/storage/lowdb-store.ts";
import { openSecretBox } from "../adapters/storage/secret-box.ts";
import { FileConversationLog, MemoryConversationLog } from "../adapters/storage/conversation-log.ts";
import { ALL_FLOWS } from "../flows/index.ts";
import { systemClock } from "./clock.ts";

let cachedMatcher: Matcher | undefined;

/** One matcher per process, from the knowledge snapshot (built on first use after a change). */
export function sharedMatcher(): Matcher {
  if (!cachedMatcher) {
    const { knowledge, prepared, sounds } = loadSnapshot();
    const norm = createNormalizer(knowledge.lexicon, knowledge.dictPath, sounds);
    cachedMatcher = new Matcher(knowledge, undefined, norm, prepared);
  }
  return cachedMatcher;
}

export interface AssistantOptions {
  /** Data directory; absent → sessions and log in memory only (eval, one-off questions). */
  dataDir?: string;
  platform?: PlatformAdapter;
  clock?: Clock;
  matcher?: Matcher;
  /** false: lexical evidence only (the semantic model is never loaded). */
  semantic?: boolean;
  tickets?: Tickets;
  notices?: Notices;
  onTurn?: TurnListener;
  log?: (line: string) => void;
  /** HELPDESK_SECRET_KEY: the key session files are encrypted with (unset → `<dataDir>.key`). */
  secretKey?: string;
  /** Stores made by the caller (the server shares them with the console). */
  conversations?: Conversations;
  conversationLog?: ConversationLog;
}

/**
 * The stores for a data directory (or memory): sessions under their lock, and the conversation log.
 * Session files are encrypted at rest with `secretKey` (HELPDESK_SECRET_KEY) or, unset, with the
 * key generated next to the data directory (`<data dir>.key`, adapters/storage/secret-box.ts).
 */
export function createStores(
  dataDir: string | undefined,
  clock: Clock,
  log?: (line: string) => void,
  opts: { secretKey?: string } = {},
): { conversations: Conversations; conversationLog: ConversationLog } {
  const box = dataDir ? openSecretBox({ secretKey: opts.secretKey, dataDir, log }) : undefined;
  const store: SessionStore<Session> = dataDir ? new LowdbStore<Session>(join(dataDir, "sessions"), log, { box }) : new MemoryStore<Session>();
  const conversationLog = dataDir ? new FileConversationLog(join(dataDir, "log"), clock, log) : new MemoryConversationLog(clock);
  return { conversations: new Conversations(store, clock), conversationLog };
}

export function createAssistant(opts: AssistantOptions = {}): Assistant {
  const clock = opts.clock ?? systemClock;
  const stores =
    opts.conversations && opts.conversationLog
      ? { conversations: opts.conversations, conversationLog: opts.conversationLog }
      : createStores(opts.dataDir, clock, opts.log, { secretKey: opts.secretKey });
  return new Assistant({
    understanding: new UnderstandingRef(opts.matcher ?? sharedMatcher(), { semantic: opts.semantic }),
    conversations: stores.conversations,
    log: stores.conversationLog,
    flows: ALL_FLOWS,
    clock,
    platform: opts.platform,
    tickets: opts.tickets,
    notices: opts.notices,
    onTurn: opts.onTurn,
    logLine: opts.log,
  });
}
