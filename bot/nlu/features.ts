// Evidence for the decision, per candidate entry: each signal's score, margins, agreement between
// the lexical and the semantic top, how much the question says, closeness to an out-of-scope
// group, the dialogue act, a city named, and which entries the message's clauses point at.
import { OOS_PREFIX, type Candidate, type Matcher } from "./matcher.ts";
import type { SemanticScores } from "./semantic.ts";
import { actionFor, isAction, type Act } from "./act.ts";
import { NONE } from "./ngram.ts";
import { isStopWord } from "./normalize.ts";

export interface Evidence {
  /** Lexical candidates for the whole message (all of them, best first; OOS groups included). */
  lex: Candidate[];
  /** Lexical candidates for the message's focus (a long message's real question), if any. */
  focusLex?: Candidate[];
  /** Semantic cosines (of the focus when there is one), absent on the lexical-only path. */
  sem?: SemanticScores;
  info: number;
  tokens: number;
  chars: number;
  act: Act;
  placeNamed: boolean;
  /** Lexical top entry of each clause of a message with several. */
  clauseTops: string[];
  /** Kinds of fact the question asks for (fee, deadline, count, contact, duration, app). */
  asks: string[];
  /** What the n-gram classifier reads: the normalised topic text of the focus (or the message). */
  ngramText: string;
  /** The n-gram classifier's probability per entry id (and "none"), when a model is there. */
  ngram?: Map<string, number>;
}

// A near-miss question asks for a fact the seeds never give (a fee, a deadline, a count, a phone
// number): the neighbouring entry's answer does not contain that kind of fact, which is the signal.
const ASKS: Record<string, [RegExp, RegExp]> = {
  fee: [/(多少钱|收费|收不收费|费用|要钱|交钱|缴费|免费|价格|how much|cost|\bfee)/i, /(元|费用|收费|免费)/],
  deadline: [/(截止|最晚|期限|几月几号|哪天|哪一天|几号之前|deadline|几点到几点|什么时间段|什么时候开始)/i, /(\d+月|\d+日|截止|期限|之前)/],
  count: [/(几次|几个|多少个|多少次|最多|上限|几门|几篇|多少人)/, /(\d|[一二两三四五六七八九十]+(?:个|次|名|门|位))/],
  contact: [/(电话|热线|联系方式|地址|在哪办公|办公地点|phone|address)/i, /(电话|\d{3,4}-\d{7,8}|@|地址)/],
  duration: [/(几天|多久|多长时间|几分钟|有效期|几个工作日)/, /(\d+(?:天|分钟|小时|个?工作日)|工作日|多久|时间)/],
  app: [/(app|手机版|客户端|小程序|苹果手机|安卓)/i, /(app|手机|客户端|小程序)/i],
};

export function asksFor(text: string): string[] {
  const t = text.normalize("NFKC");
  return Object.entries(ASKS)
    .filter(([, [ask]]) => ask.test(t))
    .map(([k]) => k);
}

/** The kinds of fact an answer text contains. */
export function answerCovers(answer: string): Set<string> {
  return new Set(
    Object.entries(ASKS)
      .filter(([, [, has]]) => has.test(answer))
      .map(([k]) => k),
  );
}

/** What the features need to know about the knowledge. */
export interface FeatureContext {
  variantIds: Set<string>;
  covers: Map<string, Set<string>>;
}

export function featureContext(entries: { id: string; answer: string; variants?: Record<string, string | undefined> }[]): FeatureContext {
  const variantIds = new Set(entries.filter((e) => e.variants && Object.keys(e.variants).length).map((e) => e.id));
  const covers = new Map(entries.map((e) => [e.id, answerCovers([e.answer, ...Object.values(e.variants ?? {})].join("\n"))]));
  return { variantIds, covers };
}

export const LEX_FEATURES = [
  "lex",
  "bm25",
  "char",
  "profile",
  "answer",
  "message",
  "lexGap",
  "isLexTop",
  "lexMargin",
  "lexRank",
  "info",
  "tokens",
  "chars",
  "oosLex",
  "oosLexGap",
  "actDoAction",
  "actHowAction",
  "actNoneAction",
  "actDoPaired",
  "placeVariant",
  "clauseVote",
  "focusLex",
  "focusGap",
  "smalltalk",
  "asksUncovered",
  "asksAny",
  "ngram",
  "isNgramTop",
  "ngramNone",
  "ngramGap",
] as const;
export const SEM_FEATURES = ["sem", "sem2", "semGap", "isSemTop", "semMargin", "semRank", "agree", "oosSem", "oosSemGap", "semXlex"] as const;
export const ALL_FEATURES = [...LEX_FEATURES, ...SEM_FEATURES] as const;

export interface CandidateFeatures {
  id: string;
  x: number[];
}

/** The entries worth scoring: lexical and semantic leaders, plus the acting/how-to partner of each. */
export function candidateIds(ev: Evidence, k = 4): string[] {
  const ids = new Set<string>();
  const inScope = ev.lex.filter((c) => !c.id.startsWith(OOS_PREFIX));
  for (const c of inScope.slice(0, k)) ids.add(c.id);
  for (const c of (ev.focusLex ?? []).filter((c) => !c.id.startsWith(OOS_PREFIX)).slice(0, 2)) ids.add(c.id);
  if (ev.sem) {
    const semIn = [...ev.sem].filter(([id]) => !id.startsWith(OOS_PREFIX)).sort((a, b) => b[1].best - a[1].best);
    for (const [id] of semIn.slice(0, k)) ids.add(id);
  }
  if (ev.ngram) {
    const ng = [...ev.ngram].filter(([id]) => id !== NONE).sort((a, b) => b[1] - a[1]);
    for (const [id, p] of ng.slice(0, 2)) if (p >= 0.05) ids.add(id);
  }
  for (const id of [...ids]) {
    const a = actionFor(id);
    if (a) ids.add(a);
  }
  return [...ids];
}

export function features(ev: Evidence, ids: string[], ctx: FeatureContext): CandidateFeatures[] {
  const variantIds = ctx.variantIds;
  const inScope = ev.lex.filter((c) => !c.id.startsWith(OOS_PREFIX));
  const byId = new Map(inScope.map((c) => [c.id, c]));
  const lexRank = new Map(inScope.map((c, i) => [c.id, i]));
  const lexTop = inScope[0]?.score ?? 0,
    lexSecond = inScope[1]?.score ?? 0;
  const oosLex = ev.lex.find((c) => c.id.startsWith(OOS_PREFIX))?.score ?? 0;
  const focusIn = ev.focusLex?.filter((c) => !c.id.startsWith(OOS_PREFIX));
  const focusById = new Map((focusIn ?? []).map((c) => [c.id, c.score]));
  const focusTop = focusIn?.[0]?.score ?? 0;

  let semIn: [string, { best: number; second: number }][] = [];
  let oosSem = 0;
  if (ev.sem) {
    semIn = [...ev.sem].filter(([id]) => !id.startsWith(OOS_PREFIX)).sort((a, b) => b[1].best - a[1].best);
    for (const [id, s] of ev.sem) if (id.startsWith(OOS_PREFIX)) oosSem = Math.max(oosSem, s.best);
  }
  const semRank = new Map(semIn.map(([id], i) => [id, i]));
  const semTop = semIn[0]?.[1].best ?? 0,
    semSecond = semIn[1]?.[1].best ?? 0;
  const clauses = ev.clauseTops.length;
  let ngramTop = "",
    ngramTopP = 0;
  for (const [id, p] of ev.ngram ?? [])
    if (id !== NONE && p > ngramTopP) {
      ngramTop = id;
      ngramTopP = p;
    }
  const ngramNone = ev.ngram?.get(NONE) ?? 0;

  return ids.map((id) => {
    const c = byId.get(id);
    const lex = c?.score ?? 0;
    const lr = lexRank.get(id) ?? 20;
    const isLexTop = lr === 0 ? 1 : 0;
    const act = isAction(id);
    const f: Record<string, number> = {
      lex,
      bm25: c?.bm25 ?? 0,
      char: c?.char ?? 0,
      profile: c?.profile ?? 0,
      answer: c?.answer ?? 0,
      message: c?.message ?? 0,
      lexGap: lexTop - lex,
      isLexTop,
      lexMargin: isLexTop ? lexTop - lexSecond : lex - lexTop,
      lexRank: Math.min(lr, 10) / 10,
      info: Math.min(ev.info, 30) / 10,
      tokens: Math.min(ev.tokens, 30) / 10,
      chars: Math.log1p(ev.chars) / 3,
      oosLex,
      oosLexGap: oosLex - lex,
      actDoAction: ev.act === "do" && act ? 1 : 0,
      actHowAction: ev.act === "how" && act ? 1 : 0,
      actNoneAction: ev.act === "none" && act ? 1 : 0,
      actDoPaired: ev.act === "do" && actionFor(id) ? 1 : 0,
      placeVariant: ev.placeNamed && variantIds.has(id) ? 1 : 0,
      clauseVote: clauses ? ev.clauseTops.filter((t) => t === id).length / clauses : 0,
      focusLex: focusIn ? (focusById.get(id) ?? 0) : lex,
      focusGap: focusIn ? focusTop - (focusById.get(id) ?? 0) : lexTop - lex,
      smalltalk: id.startsWith("smalltalk.") || id === "handoff.human" ? 1 : 0,
      asksUncovered: ev.asks.filter((k) => !ctx.covers.get(id)?.has(k)).length,
      asksAny: ev.asks.length ? 1 : 0,
      ngram: ev.ngram?.get(id) ?? 0,
      isNgramTop: id === ngramTop ? 1 : 0,
      ngramNone,
      ngramGap: ngramTopP - (ev.ngram?.get(id) ?? 0),
    };
    if (ev.sem) {
      const s = ev.sem.get(id);
      const sem = s?.best ?? 0;
      const sr = semRank.get(id) ?? 20;
      const isSemTop = sr === 0 ? 1 : 0;
      Object.assign(f, {
        sem,
        sem2: Math.max(0, s?.second ?? 0),
        semGap: semTop - sem,
        isSemTop,
        semMargin: isSemTop ? semTop - semSecond : sem - semTop,
        semRank: Math.min(sr, 10) / 10,
        agree: isSemTop && isLexTop ? 1 : 0,
        oosSem,
        oosSemGap: oosSem - sem,
        semXlex: sem * lex,
      });
    }
    const names = ev.sem ? ALL_FEATURES : LEX_FEATURES;
    return { id, x: names.map((n) => f[n] ?? 0) };
  });
}

/** Clauses of a message that may each be a question (the matcher's own split). */
export function clauses(text: string): string[] {
  const strong = text
    .split(/[？?。；;！!\n]+|还有|另外|顺便问一下|顺便问下|再问一下|再问下/)
    .map((s) => s.trim())
    .filter(Boolean);
  const parts = strong.length > 1 ? strong : text.split(/[，,\s]+/);
  return parts
    .map((s) => s.trim())
    .filter((s) => [...s].length >= 5)
    .slice(0, 4);
}

/** The lexical part of the evidence (cheap: no model). */
export function lexicalEvidence(
  matcher: Matcher,
  text: string,
  act: Act,
  focus: string | undefined,
  exclude?: { id: string; phrasingIndex: number },
  opts: { clauses?: boolean } = {},
): Omit<Evidence, "sem"> {
  const s = matcher.score(text, exclude);
  const placeNamed = !!matcher.findPlace(text);
  const parts = opts.clauses === false ? [] : clauses(text);
  const clauseTops = parts.length >= 2 ? parts.map((p) => matcher.score(p, exclude).candidates.find((c) => !c.id.startsWith(OOS_PREFIX))?.id ?? "") : [];
  const fs = focus ? matcher.score(focus, exclude) : undefined;
  const focusLex = fs?.candidates;
  const focusLexText = fs?.normalized;
  return {
    lex: s.candidates,
    focusLex,
    info: Number.isFinite(s.info) ? s.info : 0,
    tokens: s.tokens.length,
    chars: [...text].length,
    act,
    placeNamed,
    clauseTops,
    asks: asksFor(focus ?? text),
    // English function words are left out: the classifier reads the topic words.
    ngramText: (focusLexText ?? s.normalized)
      .replace(/(?<![a-z])[a-z'-]+(?![a-z])/g, (w) => (isStopWord(w) ? " " : w))
      .replace(/\s+/g, " ")
      .trim(),
  };
}
