// The learning loop's input: questions the bot declined, clarified or got a 👎 for, grouped by
// similarity with counts. A group an agent has dealt with (assigned to a topic, marked out of
// scope, dismissed) disappears until the question comes back after that.
import { createHash } from "node:crypto";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import type { LoggedEvent } from "./events.ts";
import type { Matcher } from "../../bot/nlu/matcher.ts";
import { OOS_PREFIX } from "../../bot/nlu/matcher.ts";
import { IDS } from "../../knowledge/ids.ts";
import { isLearnableQuestion } from "./question-text.ts";

export type UnansweredSource = "declined" | "clarified" | "negative";

export interface UnansweredItem {
  text: string;
  key: string;
  at: number;
  channel: string;
  region: string | null;
  source: UnansweredSource;
  /** For 👎: the topic that was answered. */
  topic?: string | null;
}

export interface Resolution {
  key: string;
  at: number;
  by: string;
  action: "assigned" | "out-of-scope" | "dismissed";
  /** The knowledge change that resolved it (rolled back → the questions come back). */
  changeId?: string;
  topic?: string;
}

export interface UnansweredGroup {
  id: string;
  representative: string;
  count: number;
  firstAt: number;
  lastAt: number;
  sources: Record<UnansweredSource, number>;
  channels: Record<string, number>;
  regions: Record<string, number>;
  phrasings: { text: string; key: string; count: number }[];
  /** Topics the answers that got 👎 were about. */
  ratedTopics: string[];
  /** The matcher's nearest topics for the representative question. */
  suggestions: { id: string; score: number }[];
}

/** The key a question is grouped and resolved by: the normalised text without spaces. */
export function questionKey(text: string, matcher: Matcher): string {
  return matcher.norm.clean(text).replace(/\s+/g, "");
}

export function collectUnanswered(events: readonly LoggedEvent[], matcher: Matcher, resolutions: Resolution[]): UnansweredItem[] {
  const resolvedAt = new Map<string, number>();
  for (const r of resolutions) resolvedAt.set(r.key, Math.max(resolvedAt.get(r.key) ?? 0, r.at));
  const keyCache = new Map<string, string>();
  const keyOf = (t: string) => {
    let k = keyCache.get(t);
    if (k === undefined) {
      k = questionKey(t, matcher);
      keyCache.set(t, k);
    }
    return k;
  };
  const out: UnansweredItem[] = [];
  for (const e of events) {
    let item: Omit<UnansweredItem, "key"> | null = null;
    // What users typed inside a flow (names, ID numbers, codes, unit names) is not a question.
    if (e.kind === "turn" && !e.inFlow && (e.band === "decline" || e.band === "clarify")) {
      item = { text: e.text, at: e.at, channel: e.channel, region: e.region, source: e.band === "decline" ? "declined" : "clarified" };
    } else if (e.kind === "feedback" && !e.helpful && e.question) {
      item = { text: e.question, at: e.at, channel: e.channel, region: e.region, source: "negative", topic: e.topic };
    }
    if (!item || !isLearnableQuestion(item.text)) continue;
    const key = keyOf(item.text);
    if (!key) continue;
    const r = resolvedAt.get(key);
    if (r !== undefined && item.at <= r) continue;
    out.push({ ...item, key });
  }
  return out;
}

function bigramSet(s: string): Set<string> {
  const chars = [...s];
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

/** Dice overlap of character bigrams, or containment of a short question in a longer one. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (Math.min(a.length, b.length) >= 4 && (a.includes(b) || b.includes(a))) return 0.9;
  const x = bigramSet(a),
    y = bigramSet(b);
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return (2 * common) / (x.size + y.size || 1);
}

export function groupUnanswered(items: UnansweredItem[], matcher: Matcher, threshold = 0.5): UnansweredGroup[] {
  // Identical questions first, most frequent first, so a group is named after its commonest form.
  const byKey = new Map<string, { key: string; items: UnansweredItem[]; texts: Map<string, number> }>();
  for (const it of items) {
    let b = byKey.get(it.key);
    if (!b) {
      b = { key: it.key, items: [], texts: new Map() };
      byKey.set(it.key, b);
    }
    b.items.push(it);
    b.texts.set(it.text, (b.texts.get(it.text) ?? 0) + 1);
  }
  const buckets = [...byKey.values()].sort((a, b) => b.items.length - a.items.length || a.key.localeCompare(b.key));
  const clusters: (typeof buckets)[] = [];
  for (const b of buckets) {
    const home = clusters.find((c) => c.slice(0, 30).some((m) => similarity(m.key, b.key) >= threshold));
    if (home) home.push(b);
    else clusters.push([b]);
  }
  return clusters
    .map((c) => {
      const all = c.flatMap((b) => b.items);
      const sources: Record<UnansweredSource, number> = { declined: 0, clarified: 0, negative: 0 };
      const channels: Record<string, number> = {},
        regions: Record<string, number> = {};
      const rated = new Set<string>();
      for (const it of all) {
        sources[it.source]++;
        channels[it.channel] = (channels[it.channel] ?? 0) + 1;
        const rg = it.region ?? "none";
        regions[rg] = (regions[rg] ?? 0) + 1;
        if (it.topic) rated.add(it.topic);
      }
      const phrasings = c.map((b) => {
        // The commonest written form of each normalised question.
        const text = [...b.texts].sort((x, y) => y[1] - x[1])[0][0];
        return { text, key: b.key, count: b.items.length };
      });
      const representative = phrasings[0].text;
      const suggestions = matcher
        .match(representative)
        .candidates.filter((x) => !x.id.startsWith(OOS_PREFIX) && !x.id.startsWith("smalltalk.") && x.id !== IDS.handoff)
        .slice(0, 3)
        .map((x) => ({ id: x.id, score: Number(x.score.toFixed(3)) }));
      return {
        id: createHash("sha1").update(c[0].key).digest("hex").slice(0, 12),
        representative,
        count: all.length,
        firstAt: Math.min(...all.map((x) => x.at)),
        lastAt: Math.max(...all.map((x) => x.at)),
        sources,
        channels,
        regions,
        phrasings,
        ratedTopics: [...rated],
        suggestions,
      };
    })
    .sort((a, b) => b.count - a.count || b.lastAt - a.lastAt);
}

/** Which questions have been dealt with (lowdb, dataDir/console/learning.json). */
export class ResolutionStore {
  private db: Low<{ v: 1; resolved: Resolution[] }>;
  constructor(file: string) {
    this.db = new Low(new JSONFile(file), { v: 1, resolved: [] });
  }
  async init(): Promise<void> {
    await this.db.read();
    this.db.data.resolved ??= [];
  }
  all(): Resolution[] {
    return this.db.data.resolved;
  }
  async add(rs: Resolution[]): Promise<void> {
    this.db.data.resolved.push(...rs);
    await this.db.write();
  }
  /** A rolled-back change un-resolves its questions. */
  async undoChange(changeId: string): Promise<number> {
    const before = this.db.data.resolved.length;
    this.db.data.resolved = this.db.data.resolved.filter((r) => r.changeId !== changeId);
    const n = before - this.db.data.resolved.length;
    if (n) await this.db.write();
    return n;
  }
  async prune(cutoff: number): Promise<number> {
    const before = this.db.data.resolved.length;
    this.db.data.resolved = this.db.data.resolved.filter((r) => r.at >= cutoff);
    const n = before - this.db.data.resolved.length;
    if (n) await this.db.write();
    return n;
  }
  flush(): Promise<void> {
    return this.db.write();
  }
}
