// Every agent action, one JSON line each, personal numbers masked before they are written.
import { maskPersonal } from "../../bot/mask.ts";
import { JsonlFile } from "./jsonl.ts";

export interface AuditRecord {
  at: number;
  /** Agent name, or "-" before sign-in, or "cli". */
  who: string;
  action: string;
  target?: string;
  detail?: string;
  ip?: string;
  ok: boolean;
}

/** A short, masked excerpt of what someone wrote (an agent's reply, a pasted ticket): enough to recognise it, not the text. */
export function excerpt(text: string, max = 20): string {
  const chars = [...maskPersonal(text).replace(/\s+/g, " ").trim()];
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}

export class AuditLog {
  private file: JsonlFile<AuditRecord>;
  constructor(path: string, log?: (line: string) => void) {
    this.file = new JsonlFile(path, log);
  }

  write(r: AuditRecord): Promise<void> {
    // The "who" of a failed sign-in is whatever was typed as the name: an ID number or a phone
    // typed there is masked like any other text.
    const clean: AuditRecord = { ...r, who: maskPersonal(r.who).slice(0, 64) };
    if (clean.target) clean.target = maskPersonal(clean.target).slice(0, 200);
    if (clean.detail) clean.detail = maskPersonal(clean.detail).slice(0, 500);
    return this.file.append(clean);
  }

  /** The newest records first. */
  async recent(limit = 200, filter?: { who?: string; action?: string }): Promise<AuditRecord[]> {
    await this.file.flush(); // include writes still on their way
    let all = this.file.readAll();
    if (filter?.who) all = all.filter((r) => r.who === filter.who);
    const action = filter?.action;
    if (action) all = all.filter((r) => r.action.startsWith(action));
    return all.slice(-limit).reverse();
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}
