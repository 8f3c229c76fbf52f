// The core: one entry, handle(inbound) → replies, that the CLI, eval, replay, every channel and
// the tests call. Each turn runs these steps in this order (tests/engine/pipeline.test.ts):
//   1. the conversation lock: one turn per conversation at a time;
//   2. the session, loaded once (a stale one starts fresh);
//   3. the privacy guard: a password is refused and never stored;
//   4. the hand-off gate: while a person has the conversation the assistant stays quiet;
//   5. interruptions, as a table (取消, 重新开始, 返回上一步, 转人工);
//   6. the route (bot/route.ts): pending choice → active flow → page context → understanding;
//   7. notices for the topic answered;
//   8. the conversation log: what the user said (a code or password hidden) and the replies,
//      personal numbers masked where the log is written; the turn's figures;
//   9. the session, saved once.
import type { Inbound, Reply, TurnResult } from "./message.ts";
import type { ConversationLog, NewEvent, Notices, PlatformAdapter, Tickets, TurnListener, Clock } from "./ports.ts";
import type { Matcher, MatchResult } from "./nlu/matcher.ts";
import { Understander } from "./nlu/understand.ts";
import { Conversations } from "./conversations.ts";
import { FlowRunner, type AnyFlow } from "./flow-runner.ts";
import { Router, type Outcome, type Turn } from "./route.ts";
import { interruptionOf } from "./pipeline/interruptions.ts";
import { placeNotices } from "./pipeline/notices.ts";
import { loggedText, looksLikePassword } from "./pipeline/privacy.ts";
import { encodeKey } from "./conversation-key.ts";
import { maskPersonal } from "./mask.ts";
import { W } from "./wording.ts";

/**
 * The understanding the core asks: the matcher (entries, places, normaliser) and the decision
 * over all the evidence (bot/nlu/understand.ts), swapped as a whole when the knowledge changes.
 */
export class UnderstandingRef {
  private understander: Understander;
  constructor(
    public current: Matcher,
    opts: { semantic?: boolean } = {},
  ) {
    this.semantic = opts.semantic ?? true;
    this.understander = new Understander(current);
  }
  /** false: lexical evidence only (the semantic model is never loaded). */
  readonly semantic: boolean;
  /** Turns already running keep the matcher they started with. */
  replace(m: Matcher): void {
    this.current = m;
    this.understander = new Understander(m);
  }
  /** What a new question asks, decided with all the evidence. */
  understand(text: string): Promise<MatchResult> {
    return this.understander.understand(text, { semantic: this.semantic });
  }
  /** Loads the semantic model in the background (the server calls it once listening). */
  warm(): Promise<boolean> {
    return this.semantic ? this.understander.warm() : Promise.resolve(false);
  }
}

export interface AssistantDeps {
  understanding: UnderstandingRef;
  conversations: Conversations;
  log: ConversationLog;
  flows: AnyFlow[];
  clock: Clock;
  platform?: PlatformAdapter;
  tickets?: Tickets;
  notices?: Notices;
  onTurn?: TurnListener;
  logLine?: (line: string) => void;
}

export class Assistant {
  readonly conversations: Conversations;
  readonly log: ConversationLog;
  private runner: FlowRunner;
  private router: Router;
  private inFlight = 0;
  private closing = false;

  constructor(private deps: AssistantDeps) {
    this.conversations = deps.conversations;
    this.log = deps.log;
    const matcher = () => deps.understanding.current;
    this.runner = new FlowRunner(deps.flows, { matcher, clock: deps.clock, platform: deps.platform, log: deps.logLine });
    this.router = new Router({
      matcher,
      understand: (text) => deps.understanding.understand(text),
      runner: this.runner,
      conversations: deps.conversations,
      tickets: deps.tickets,
      now: () => deps.clock.now(),
    });
  }

  get matcher(): Matcher {
    return this.deps.understanding.current;
  }
  get understanding(): UnderstandingRef {
    return this.deps.understanding;
  }

  /** One turn; turns of one conversation run one at a time. */
  async handle(inbound: Inbound): Promise<TurnResult> {
    if (this.closing) throw new Error("assistant is shutting down");
    const key = encodeKey(inbound.key);
    this.inFlight++;
    try {
      return await this.conversations.lock.run(key, () => this.turnLocked(key, inbound));
    } finally {
      this.inFlight--;
    }
  }

  /** Idle conversations lose their flow state and any code held in memory (the server's timer). */
  async sweepIdle(): Promise<number> {
    const cleared = await this.conversations.forgetIdle();
    for (const key of cleared) this.runner.forget(key);
    return cleared.length;
  }

  /** Refuses new turns and waits for the ones running, then flushes the stores. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    await Promise.all([this.conversations.store.flush(), this.log.flush()]);
  }

  private async turnLocked(key: string, inbound: Inbound): Promise<TurnResult> {
    const started = performance.now();
    const session = await this.conversations.load(key);
    if (inbound.region !== undefined && session.turns === 0) session.region = inbound.region;
    const text = (inbound.choice ?? inbound.text ?? "").trim();
    const expectsSecret = session.flow?.expects === "secret";
    const t: Turn = { inbound, key, session, text, isGroup: !!inbound.isGroup };

    const out = await this.steps(t);
    this.addNotices(out);
    // A picture: what was read in it comes first, so the log (and a reloaded page) shows it too.
    if (inbound.image && out.replies[0]?.text !== inbound.image.first.text) out.replies = [inbound.image.first, ...out.replies];

    session.turns++;
    const said = loggedText(text, expectsSecret);
    const events: NewEvent[] = [{ role: "user", text: said }, ...out.replies.map(toEvent)];
    const logged = await this.log.append(key, events);
    this.deps.onTurn?.({
      at: this.deps.clock.now(),
      sessionKey: key,
      channel: inbound.key.channel,
      region: session.region,
      text: maskPersonal(said),
      band: out.kind,
      topic: out.topic,
      offered: out.offered,
      ...(out.outOfScope ? { outOfScope: out.outOfScope } : {}),
      ...(out.kind === "flow" && !out.topic ? { inFlow: true } : {}),
      ms: performance.now() - started,
    });
    await this.conversations.save(session);
    const { kind: _kind, outOfScope: _oos, ...result } = out;
    return { ...result, lastEventId: logged.at(-1)?.id };
  }

  /** Steps 3–6. */
  private async steps(t: Turn): Promise<Outcome> {
    const { session } = t;
    const none = (kind: Outcome["kind"], replies: Reply[]): Outcome => ({ kind, replies, topic: null, offered: [], flow: session.flow?.name ?? null });

    if (looksLikePassword(t.text)) return none("interrupt", [{ text: W.passwordRefused }]);

    if (session.handoff?.state === "taken" && this.deps.tickets) {
      await this.deps.tickets.userMessage(session.handoff.ticketId, loggedText(t.text, session.flow?.expects === "secret"));
      return { ...none("handoff", []), flow: null };
    }

    switch (interruptionOf(t.text)) {
      case "cancel":
        session.flow = null;
        session.choices = null;
        session.pendingCityTopic = undefined;
        this.runner.forget(t.key);
        return none("interrupt", [{ text: W.cancelled }]);
      case "restart":
        this.runner.forget(t.key);
        session.flow = null;
        session.choices = null;
        session.pendingCityTopic = undefined;
        session.region = null;
        session.otherCity = undefined;
        return none("interrupt", [{ text: W.restarted }]);
      case "back": {
        const replies = this.runner.back(session);
        return none("interrupt", replies ?? [{ text: W.nothingToGoBack }]);
      }
      case "human":
        return this.router.handoff(t, "用户要求转人工");
      case null:
        return this.router.route(t);
    }
  }

  /** Step 7: staff notices for the topic answered. */
  private addNotices(out: Outcome): void {
    const texts = out.topic && this.deps.notices ? this.deps.notices(out.topic, this.deps.clock.now()) : [];
    out.replies = placeNotices(out.replies, out.topic, texts);
  }
}

function toEvent(r: Reply): NewEvent {
  return {
    role: r.from === "agent" ? "agent" : "bot",
    text: r.text,
    ...(r.choices?.length ? { choices: r.choices } : {}),
    ...(r.expects ? { expects: r.expects } : {}),
    ...(r.topic ? { topic: r.topic } : {}),
    ...(r.handoff ? { handoff: true } : {}),
  };
}
