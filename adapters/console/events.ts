// The turn log the figures and the learning loop read: every turn the core reports (onTurn)
// and every 👍/👎 a channel sends. Eval and replay build assistants without onTurn, so they never
// reach this log.
import type { TurnEvent } from "../../bot/ports.ts";
import type { Region } from "../../bot/message.ts";
import { maskPersonal } from "../../bot/mask.ts";
import { JsonlFile } from "./jsonl.ts";

export interface LoggedTurn extends Omit<TurnEvent, "sessionKey"> {
  kind: "turn";
  /** Lets erasure find a person's turns (absent in logs written before the core reported it). */
  sessionKey?: string;
}

export interface LoggedFeedback {
  kind: "feedback";
  at: number;
  channel: string;
  region: Region | null;
  sessionKey: string;
  helpful: boolean;
  /** The topic of the rated answer, when known. */
  topic: string | null;
  /** The user's question the rated answer replied to (masked). */
  question: string | null;
}

export type LoggedEvent = LoggedTurn | LoggedFeedback;

export class EventLog {
  private file: JsonlFile<LoggedEvent>;
  private events: LoggedEvent[];

  constructor(path: string, log?: (line: string) => void) {
    this.file = new JsonlFile(path, log);
    this.events = this.file.readAll();
  }

  all(): readonly LoggedEvent[] {
    return this.events;
  }

  recordTurn(e: TurnEvent & { sessionKey?: string }): void {
    // What was typed inside a flow (a name, an ID number, a code) is not kept: the figures need
    // only that a flow step happened, and it is never a question to learn from.
    const flowInput = e.inFlow === true || e.band === "flow";
    const rec: LoggedTurn = { ...e, text: flowInput ? "" : maskPersonal(e.text), kind: "turn" };
    this.events.push(rec);
    void this.file.append(rec);
  }

  recordFeedback(f: Omit<LoggedFeedback, "kind">): LoggedFeedback {
    const rec: LoggedFeedback = { ...f, question: f.question === null ? null : maskPersonal(f.question), kind: "feedback" };
    this.events.push(rec);
    void this.file.append(rec);
    return rec;
  }

  /** Keeps only the events `keep` accepts; returns how many were removed. */
  async retain(keep: (e: LoggedEvent) => boolean): Promise<number> {
    const before = this.events.length;
    this.events = this.events.filter(keep);
    const removed = before - this.events.length;
    if (removed) await this.file.rewrite(this.events);
    return removed;
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}
