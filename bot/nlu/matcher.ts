// The question matcher: ranks knowledge entries for a question and puts the result in a band
// (answer / clarify / decline). Signals: BM25 over word tokens, IDF-weighted character-bigram
// cosine, and platform-message fragments; out-of-scope groups compete as pseudo-entries so a
// near-miss question lands on them instead of on the closest real entry.
import type { Knowledge, LoadedEntry } from "../../knowledge/loader.ts";
import type { Prepared } from "./snapshot.ts";
import { createNormalizer, type Normalizer } from "./normalize.ts";
import type { Band, Region } from "../message.ts";

export const OOS_PREFIX = "oos:";

/** Thresholds and weights, chosen on the dev set (see README "Matcher"). */
export interface MatcherConfig {
  answerMin: number; // top score needed to answer
  answerMargin: number; // lead over the runner-up needed to answer
  clarifyMin: number; // below this: decline
  clarifyWindow: number; // candidates within this of the top are offered
  oosMargin: number; // an out-of-scope group this close to the top wins
  minInfo: number; // below this much IDF in the question, the margin needed grows
  placeBonus: number; // a city named in the question favours entries whose answer differs by city
  wBm25: number;
  wChar: number;
  wAnswer: number;
  wMessage: number;
  wProfile: number; // weight of the entry-level profile (all phrasings as one document)
}
export const DEFAULT_CONFIG: MatcherConfig = {
  answerMin: 0.42,
  answerMargin: 0.06,
  clarifyMin: 0.26,
  clarifyWindow: 0.12,
  oosMargin: 0.02,
  minInfo: 3,
  placeBonus: 0.04,
  wBm25: 0.5,
  wChar: 0.5,
  wAnswer: 0.35,
  wMessage: 0.25,
  wProfile: 0.5,
};

interface Doc {
  key: string; // entry id or oos:<group>
  kind: "phrasing" | "message" | "answer" | "profile";
  tokens: string[];
  tf: Map<string, number>;
  len: number;
  grams: Map<string, number>;
  gramNorm: number;
  /** Index of the phrasing within its entry, for leave-one-out. */
  phrasingIndex?: number;
}

export interface Candidate {
  id: string;
  score: number;
  bm25: number;
  char: number;
  message: number;
  answer: number;
  profile: number;
}

export interface MatchResult {
  band: Band;
  /** The answered id (band answer) — may be an out-of-scope key never; OOS means decline. */
  id: string | null;
  /** Ids offered as choices (band clarify, or a second question). */
  offered: string[];
  confidence: number;
  candidates: Candidate[];
  /** Out-of-scope group that won, if any. */
  outOfScope?: string;
  normalized: string;
  tokens: string[];
  /** Region named in the question, or "other" for another Shandong city. */
  place?: { region: Region | "other"; name: string };
  /** A second question in the same message, offered as a choice. */
  secondary?: string;
  /**
   * Partial answer (set by understanding, band "answer" only): the message also asks something the
   * FAQ does not cover. The core answers `id` and then says `uncoveredNote` plainly, offering a person.
   */
  uncovered?: boolean;
  /** What to tell the user about the uncovered part (names it, gives the out-of-scope hint if any, offers a person). */
  uncoveredNote?: string;
}

function bigrams(s: string): string[] {
  const out: string[] = [];
  for (const part of s.split(" ")) {
    const chars = [...part];
    if (chars.length === 1) out.push(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
  return out;
}
function counts(xs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

// A query without content words ("在吗") is judged by its characters alone.
const cosCharOnly = (dot: number, qn: number, dn: number) => dot / (qn * dn);

const K1 = 1.2;
const B = 0.6;

export class Matcher {
  readonly norm: Normalizer;
  private docs: Doc[] = [];
  private df = new Map<string, number>();
  private gdf = new Map<string, number>();
  private avgLen = 1;
  private messageHeads: { id: string; head: string; grams: Set<string> }[] = [];
  private places: { name: string; region: Region | "other" }[] = [];
  private profiles = new Map<string, string[]>();
  private prep: (text: string) => { n: string; tokens: string[] } = () => {
    throw new Error("not ready");
  };
  private tokenPostings = new Map<string, [number, number][]>();
  private gramPostings = new Map<string, [number, number][]>();
  private bmAcc = new Float64Array(0);
  private dotAcc = new Float64Array(0);
  // Entry-level documents: every phrasing of an entry as one bag of tokens (BM25 over entries).
  private profileDocs: { key: string; tf: Map<string, number>; len: number; phrasingTf: Map<string, number>[] }[] = [];
  private pdf = new Map<string, number>();
  private pAvgLen = 1;

  /** Topic text and tokens of every indexed text (saved in the knowledge snapshot). */
  readonly prepared: Prepared = {};

  constructor(
    readonly knowledge: Knowledge,
    readonly config: MatcherConfig = DEFAULT_CONFIG,
    normalizer?: Normalizer,
    prepared?: Prepared,
  ) {
    this.norm = normalizer ?? createNormalizer(knowledge.lexicon, knowledge.dictPath);
    for (const [region, names] of Object.entries(knowledge.lexicon.places)) {
      for (const name of names) this.places.push({ name, region: region as Region | "other" });
    }
    this.places.sort((a, b) => b.name.length - a.name.length);
    const prep = (text: string) => {
      let p = prepared?.[text] ?? this.prepared[text];
      if (!p) {
        const n = this.topicText(text);
        p = { n, tokens: this.norm.tokens(n) };
      }
      this.prepared[text] = p;
      return p;
    };
    this.prep = prep;
    const add = (key: string, kind: Doc["kind"], text: string, phrasingIndex?: number) => {
      const { n, tokens } = prep(text);
      const grams = counts(bigrams(n));
      this.docs.push({ key, kind, tokens, tf: counts(tokens), len: tokens.length, grams, gramNorm: 0, phrasingIndex });
    };
    for (const e of knowledge.entries) {
      e.phrasings.forEach((p, i) => add(e.id, "phrasing", p, i));
      add(e.id, "phrasing", e.title);
      for (const m of e.platform_messages) {
        add(e.id, "message", m);
        // The part before the first comma is what people remember and paste.
        const head = this.norm.normalize(m.split(/[，,！!。]/)[0]);
        this.messageHeads.push({ id: e.id, head, grams: new Set(bigrams(head)) });
      }
      const answer = [e.answer, ...Object.values(e.variants ?? {})].join("\n");
      add(e.id, "answer", answer);
      this.profiles.set(e.id, [e.title, ...e.phrasings]);
    }
    for (const g of knowledge.outOfScope.groups) {
      g.phrasings.forEach((p) => add(OOS_PREFIX + g.name, "phrasing", p));
      this.profiles.set(OOS_PREFIX + g.name, g.phrasings);
    }
    this.buildProfiles();
    this.reindex();
  }

  private buildProfiles(): void {
    for (const [key, texts] of this.profiles) {
      const phrasingTf = texts.map((t) => counts(this.prep(t).tokens));
      const tf = new Map<string, number>();
      for (const m of phrasingTf) for (const [t] of m) tf.set(t, (tf.get(t) ?? 0) + 1); // document frequency within the entry
      let len = 0;
      for (const v of tf.values()) len += v;
      this.profileDocs.push({ key, tf, len, phrasingTf });
    }
    let total = 0;
    for (const d of this.profileDocs) {
      total += d.len;
      for (const t of d.tf.keys()) this.pdf.set(t, (this.pdf.get(t) ?? 0) + 1);
    }
    this.pAvgLen = total / Math.max(1, this.profileDocs.length);
  }

  private pidf(t: string): number {
    const n = this.profileDocs.length;
    const df = this.pdf.get(t) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  private reindex(): void {
    this.df.clear();
    this.gdf.clear();
    let total = 0;
    for (const d of this.docs) {
      total += d.len;
      for (const t of d.tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      for (const g of d.grams.keys()) this.gdf.set(g, (this.gdf.get(g) ?? 0) + 1);
    }
    this.avgLen = total / Math.max(1, this.docs.length);
    this.tokenPostings.clear();
    this.gramPostings.clear();
    this.docs.forEach((d, i) => {
      for (const [t, f] of d.tf) {
        let p = this.tokenPostings.get(t);
        if (!p) this.tokenPostings.set(t, (p = []));
        p.push([i, f]);
      }
      for (const [g, c] of d.grams) {
        let p = this.gramPostings.get(g);
        if (!p) this.gramPostings.set(g, (p = []));
        p.push([i, c]);
      }
    });
    this.bmAcc = new Float64Array(this.docs.length);
    this.dotAcc = new Float64Array(this.docs.length);
    for (const d of this.docs) {
      let s = 0;
      for (const [g, c] of d.grams) s += (c * this.gidf(g)) ** 2;
      d.gramNorm = Math.sqrt(s) || 1;
    }
  }

  private idf(t: string): number {
    const n = this.docs.length;
    const df = this.df.get(t) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
  private gidf(g: string): number {
    const n = this.docs.length;
    const df = this.gdf.get(g) ?? 0;
    return Math.log(1 + n / (1 + df));
  }

  /** Region named in the text: the last Zaozhuang/Tai'an place named wins; another city only if none. */
  findPlace(text: string): MatchResult["place"] {
    const s = this.norm.normalize(text).replace(/ /g, "");
    let best: { name: string; region: Region | "other"; at: number } | undefined;
    for (const p of this.places) {
      const at = s.lastIndexOf(p.name);
      if (at < 0) continue;
      const better =
        !best ||
        (best.region === "other" && p.region !== "other") ||
        (p.region !== "other" && at > best.at && !(best.at <= at && at < best.at + best.name.length));
      if (better) best = { ...p, at };
    }
    return best ? { region: best.region, name: best.name } : undefined;
  }

  /** The text with every place name taken out (the region is handled apart from the topic). */
  withoutPlaces(text: string): string {
    let out = text;
    for (const p of this.places) if (out.includes(p.name)) out = out.split(p.name).join(" ");
    return out.replace(/\s+/g, " ").trim() || text;
  }

  /** Scores every entry (and out-of-scope group) for a question. */
  /** Normalised text without place names: the region is handled apart from the topic. */
  private topicText(text: string): string {
    let n = this.norm.clean(text);
    for (const p of this.places) if (n.includes(p.name)) n = n.split(p.name).join(" ");
    n = n
      .replace(/(?:这边|那边|这里|地区)/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    return n;
  }

  // The last texts scored: understanding scores the message, its clauses and its focus again
  // right after match() did, so they are kept (copies are handed out: match() adjusts scores).
  private scoreMemo = new Map<string, { candidates: Candidate[]; normalized: string; tokens: string[]; info: number }>();

  score(text: string, exclude?: { id: string; phrasingIndex: number }): { candidates: Candidate[]; normalized: string; tokens: string[]; info: number } {
    if (exclude) return this.scoreFresh(text, exclude);
    let r = this.scoreMemo.get(text);
    if (r) this.scoreMemo.delete(text);
    else r = this.scoreFresh(text);
    this.scoreMemo.set(text, r);
    const oldest = this.scoreMemo.keys().next().value;
    if (this.scoreMemo.size > 32 && oldest !== undefined) this.scoreMemo.delete(oldest);
    return { ...r, candidates: r.candidates.map((c) => ({ ...c })), tokens: [...r.tokens] };
  }

  private scoreFresh(
    text: string,
    exclude?: { id: string; phrasingIndex: number },
  ): { candidates: Candidate[]; normalized: string; tokens: string[]; info: number } {
    const normalized = this.topicText(text);
    // Nothing but a place name (or nothing at all): no topic to score.
    // Nothing but a number ("9", a year, an ID number) has no topic either.
    if (!normalized || !/\p{L}/u.test(normalized)) return { candidates: [], normalized, tokens: [], info: 0 };
    // An English word the lexicon does not map and no text contains says nothing about the topic
    // (an unknown Chinese word does: the question asks about something the knowledge lacks).
    const tokens = this.norm.tokens(normalized).filter((t) => !/^[a-z'-]+$/.test(t) || this.df.has(t));
    const qtf = counts(tokens);
    // BM25 of the query against a document equal to itself: the scale for normalising.
    let self = 0;
    for (const [t] of qtf) self += this.idf(t);
    self = self || 1;
    const qgrams = counts(bigrams(normalized));
    let qnorm = 0;
    for (const [g, c] of qgrams) qnorm += (c * this.gidf(g)) ** 2;
    qnorm = Math.sqrt(qnorm) || 1;

    const best = new Map<string, Candidate>();
    const get = (id: string) => {
      let c = best.get(id);
      if (!c) {
        c = { id, score: 0, bm25: 0, char: 0, message: 0, answer: 0, profile: 0 };
        best.set(id, c);
      }
      return c;
    };
    // Walk the postings of the query's tokens and bigrams only: most documents share nothing.
    const bmAcc = this.bmAcc,
      dotAcc = this.dotAcc,
      touched: number[] = [];
    const touch = (i: number) => {
      if (bmAcc[i] === 0 && dotAcc[i] === 0) touched.push(i);
    };
    for (const [t] of qtf) {
      const idf = this.idf(t);
      for (const [i, f] of this.tokenPostings.get(t) ?? []) {
        const d = this.docs[i];
        touch(i);
        bmAcc[i] += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.len) / this.avgLen)) + 1e-12;
      }
    }
    for (const [g, c] of qgrams) {
      const w = this.gidf(g) ** 2;
      const post = this.gramPostings.get(g) ?? [];
      // Bigrams in a large share of documents say little and cost the most to walk.
      if (post.length > this.docs.length / 3) continue;
      for (const [i, dc] of post) {
        touch(i);
        dotAcc[i] += c * dc * w + 1e-12;
      }
    }
    for (const i of touched) {
      const d = this.docs[i];
      const bm = bmAcc[i],
        dot = dotAcc[i];
      bmAcc[i] = 0;
      dotAcc[i] = 0;
      if (exclude && d.key === exclude.id && d.phrasingIndex === exclude.phrasingIndex) continue;
      const bmN = tokens.length ? Math.min(1, bm / self) : cosCharOnly(dot, qnorm, d.gramNorm);
      const cos = dot / (qnorm * d.gramNorm);
      const c = get(d.key);
      if (d.kind === "answer") {
        c.answer = Math.max(c.answer, 0.5 * bmN + 0.5 * Math.min(1, cos * 2.5));
      } else {
        c.bm25 = Math.max(c.bm25, bmN);
        c.char = Math.max(c.char, cos);
      }
    }
    // Entry profiles: how much of the query the entry's phrasings cover, as a whole.
    let pself = 0;
    for (const [t] of qtf) pself += this.pidf(t);
    pself = pself || 1;
    for (const d of this.profileDocs) {
      let bm = 0;
      const left = exclude && d.key === exclude.id ? d.phrasingTf[exclude.phrasingIndex + 1] : undefined; // +1: title first
      const len = left ? d.len - [...left.values()].length : d.len;
      for (const [t] of qtf) {
        let f = d.tf.get(t) ?? 0;
        if (left?.has(t)) f -= 1;
        if (f <= 0) continue;
        bm += (this.pidf(t) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * len) / this.pAvgLen));
      }
      get(d.key).profile = tokens.length ? Math.min(1, bm / pself) : get(d.key).char;
    }
    // A platform message's head pasted (or half-remembered) points at its entry.
    const flatGrams = new Set(bigrams(normalized.replace(/ /g, "")));
    for (const h of this.messageHeads) {
      let hit = 0;
      for (const x of flatGrams) if (h.grams.has(x)) hit++;
      const cover = hit / h.grams.size;
      get(h.id).message = Math.max(get(h.id).message, cover >= 0.5 ? cover : 0);
    }
    const cfg = this.config;
    const candidates = [...best.values()];
    for (const c of candidates) {
      const lexical = cfg.wBm25 * c.bm25 + cfg.wChar * c.char;
      const base = (1 - cfg.wProfile) * lexical + cfg.wProfile * c.profile;
      c.score = base + cfg.wAnswer * Math.max(0, c.answer - base) + cfg.wMessage * c.message;
    }
    candidates.sort((a, b) => b.score - a.score);
    // How much the question says: a lone common word ("审核") is not enough to answer on.
    const info = tokens.length ? self : Infinity;
    return { candidates, normalized, tokens, info };
  }

  /** Another system or app the question is about, unless it also names our platform. */
  otherSystem(normalized: string): string | undefined {
    const flat = normalized.replace(/ /g, "");
    if (this.knowledge.lexicon.our_platform.some((w) => flat.includes(w))) return undefined;
    return this.knowledge.lexicon.other_systems.find((w) => flat.includes(w.toLowerCase()));
  }

  /** The band and what to answer or offer. */
  match(text: string, exclude?: { id: string; phrasingIndex: number }): MatchResult {
    const { candidates, normalized, tokens, info } = this.score(text, exclude);
    const place = this.findPlace(text);
    if (place) {
      // People name their city when the answer depends on it.
      for (const c of candidates) if (this.knowledge.byId.get(c.id)?.variants) c.score += this.config.placeBonus;
      candidates.sort((a, b) => b.score - a.score);
    }
    const other = this.otherSystem(normalized);
    if (other) {
      return {
        band: "decline",
        id: null,
        offered: [],
        confidence: 1,
        outOfScope: `other-system:${other}`,
        candidates: candidates.slice(0, 8),
        normalized,
        tokens,
        place,
      };
    }
    const res = this.decide(candidates, info);
    let secondary: string | undefined;
    const parts = this.parts(text);
    if (res.band === "answer" && res.id) {
      secondary = this.confidentPart(parts, [res.id]);
    }
    const out: MatchResult = { ...res, candidates: candidates.slice(0, 8), normalized, tokens, place };
    if (secondary) {
      out.secondary = secondary;
      out.offered = [secondary];
    }
    return out;
  }

  /** Clauses of a message that may each be a question. */
  private parts(text: string): string[] {
    const strong = text
      .split(/[？?。；;！!\n]+|还有|另外|顺便问一下|顺便问下|再问一下|再问下/)
      .map((s) => s.trim())
      .filter(Boolean);
    // Without sentence breaks, WeChat-style spaces and commas separate the questions.
    const parts = strong.length > 1 ? strong : text.split(/[，,\s]+/);
    return parts
      .map((s) => s.trim())
      .filter((s) => [...s].length >= 5)
      .slice(0, 4);
  }

  /** The first clause that is confidently about an entry not in `skip`. */
  private confidentPart(parts: string[], skip: string[]): string | undefined {
    if (parts.length < 2) return undefined;
    for (const p of parts) {
      const { candidates, info } = this.score(p);
      const r = this.decide(candidates, info);
      if (r.band === "answer" && r.id && !skip.includes(r.id) && !r.id.startsWith("smalltalk.")) return r.id;
    }
    return undefined;
  }

  private decide(candidates: Candidate[], info = Infinity): Pick<MatchResult, "band" | "id" | "offered" | "confidence" | "outOfScope"> {
    const cfg = this.config;
    const top = candidates[0];
    if (!top || top.score < cfg.clarifyMin) return { band: "decline", id: null, offered: [], confidence: top?.score ?? 0 };
    const inScope = candidates.filter((c) => !c.id.startsWith(OOS_PREFIX));
    const oos = candidates.find((c) => c.id.startsWith(OOS_PREFIX));
    const first = inScope[0];
    if (!first || (oos && oos.score + cfg.oosMargin >= first.score)) {
      return { band: "decline", id: null, offered: [], confidence: oos?.score ?? 0, outOfScope: oos?.id.slice(OOS_PREFIX.length) };
    }
    const second = inScope[1];
    const margin = first.score - (second?.score ?? 0);
    const needed = cfg.answerMargin * (1 + Math.max(0, cfg.minInfo - info));
    if (first.score >= cfg.answerMin && margin >= needed) {
      return { band: "answer", id: first.id, offered: [], confidence: first.score };
    }
    if (first.score < cfg.clarifyMin) return { band: "decline", id: null, offered: [], confidence: first.score };
    const offered = inScope
      .filter((c) => c.score >= first.score - cfg.clarifyWindow && c.score >= cfg.clarifyMin)
      .slice(0, 3)
      .map((c) => c.id);
    if (offered.length === 1 && first.score >= cfg.answerMin) return { band: "answer", id: first.id, offered: [], confidence: first.score };
    return { band: "clarify", id: null, offered, confidence: first.score };
  }

  entry(id: string): LoadedEntry | undefined {
    return this.knowledge.byId.get(id);
  }
}
