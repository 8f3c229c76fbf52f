// Staff notices (maintenance, a deadline): shown with the answers of related topics until they
// expire. The core asks noticesFor(topicId, now) when it answers; one board per data
// directory is shared by the console plugin and whoever else asks in the same process.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import { CW } from "./wording.ts";

export interface Notice {
  id: string;
  text: string;
  /** Knowledge ids the notice goes with; "*" means every answer. */
  topics: string[];
  startsAt: number;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
  withdrawnAt?: number;
  withdrawnBy?: string;
}

interface NoticeFile {
  v: 1;
  notices: Notice[];
}

export class NoticeBoard {
  private db: Low<NoticeFile>;

  constructor(readonly file: string) {
    this.db = new Low(new JSONFile<NoticeFile>(file), { v: 1, notices: [] });
    // Read synchronously so noticesFor answers from the first turn on.
    try {
      this.db.data = JSON.parse(readFileSync(file, "utf8")) as NoticeFile;
    } catch {
      /* none yet */
    }
    this.db.data.notices ??= [];
  }

  all(): Notice[] {
    return this.db.data.notices;
  }

  active(now: number): Notice[] {
    return this.db.data.notices.filter((n) => !n.withdrawnAt && n.startsAt <= now && now < n.expiresAt);
  }

  /** Notices to show with an answer about topicId at time now. */
  noticesFor(topicId: string, now: number): Notice[] {
    return this.active(now).filter((n) => n.topics.includes(topicId) || n.topics.includes("*"));
  }

  async post(input: { text: string; topics: string[]; startsAt: number; expiresAt: number; by: string; now: number }): Promise<Notice> {
    const n: Notice = {
      id: `N${randomBytes(5).toString("hex")}`,
      text: input.text.trim(),
      topics: [...new Set(input.topics)],
      startsAt: input.startsAt,
      expiresAt: input.expiresAt,
      createdBy: input.by,
      createdAt: input.now,
    };
    this.db.data.notices.push(n);
    await this.db.write();
    return n;
  }

  async withdraw(id: string, by: string, now: number): Promise<Notice | undefined> {
    const n = this.db.data.notices.find((x) => x.id === id);
    if (!n || n.withdrawnAt) return n;
    n.withdrawnAt = now;
    n.withdrawnBy = by;
    await this.db.write();
    return n;
  }

  /** Drops notices that expired before `cutoff`. */
  async prune(cutoff: number): Promise<number> {
    const before = this.db.data.notices.length;
    this.db.data.notices = this.db.data.notices.filter((n) => Math.max(n.expiresAt, n.withdrawnAt ?? 0) >= cutoff);
    const removed = before - this.db.data.notices.length;
    if (removed) await this.db.write();
    return removed;
  }

  flush(): Promise<void> {
    return this.db.write();
  }
}

const boards = new Map<string, NoticeBoard>();

/** The one board of a data directory (dataDir/console/notices.json). */
export function noticeBoard(dataDir: string): NoticeBoard {
  const file = resolve(dataDir, "console", "notices.json");
  let b = boards.get(file);
  if (!b) {
    b = new NoticeBoard(file);
    boards.set(file, b);
  }
  return b;
}

/** Texts of the notices for a topic, as the bot shows them. */
export function noticeTexts(board: NoticeBoard, topicId: string, now: number): string[] {
  return board.noticesFor(topicId, now).map((n) => `${CW.noticeLead}${n.text}`);
}
