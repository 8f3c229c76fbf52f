// One entry point for the core: understand(text) → MatchResult (the shape the core already uses).
// Order: the lexical matcher's hard rules (another system, nothing to match) → dialogue act and
// question focus → lexical evidence and the lexical-only model; when that model is sure, the
// answer is final and the semantic model is never loaded → otherwise the semantic signal and the
// full model → band by expected value (decide.ts) → the act picks the acting or how-to entry.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OOS_PREFIX, type Matcher, type MatchResult } from "./matcher.ts";
import { detectAct, applyAct, type Act } from "./act.ts";
import { questionFocus } from "./focus.ts";
import { asksFor, candidateIds, clauses, featureContext, features, lexicalEvidence, type Evidence, type FeatureContext } from "./features.ts";
import { decideBand, predictGroup, type DecisionModel, type Scored } from "./decide.ts";
import { SemanticIndex, loadEmbedder, type Embedder } from "./semantic.ts";
import { NONE, predictNgram, unpackNgram, type NgramWeights } from "./ngram.ts";

export const DECISION_MODEL_PATH = fileURLToPath(new URL("../../models/decision.json", import.meta.url));

export interface UnderstandOptions {
  /** false: lexical evidence only (never loads the model). Default: semantic when the lexical evidence does not decide. */
  semantic?: boolean;
}

/** What understanding adds to the matcher's result. */
export interface Understanding extends MatchResult {
  act?: Act;
  focus?: string;
  /** Which evidence decided: the lexical model alone, both signals, or the matcher's own rule. */
  path?: "lexical" | "semantic" | "rule";
  /** The model's probability for each candidate considered, best first. */
  scored?: Scored[];
}

export function loadDecisionModel(path = DECISION_MODEL_PATH): DecisionModel | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as DecisionModel;
  } catch {
    return undefined;
  }
}

type Exclude = { id: string; phrasingIndex: number };

/** All evidence for a text; `semExclude` leaves vectors out (leave-one-out training). */
export async function gatherEvidence(
  matcher: Matcher,
  index: SemanticIndex | undefined,
  text: string,
  exclude?: Exclude,
  semExclude?: (key: string, i?: number) => boolean,
): Promise<Evidence> {
  const focus = questionFocus(text);
  const ev: Evidence = lexicalEvidence(matcher, text, detectAct(text), focus, exclude);
  if (index)
    ev.sem = index.scores(
      await index.vector(matcher.withoutPlaces(matcher.norm.mapEnglish(focus ?? text))),
      semExclude ?? (exclude ? (k, i) => k === exclude.id && i === exclude.phrasingIndex : undefined),
    );
  return ev;
}

export class Understander {
  private semantic?: Promise<SemanticIndex | undefined>;
  private index?: SemanticIndex;
  readonly ctx: FeatureContext;
  private readonly ngram?: NgramWeights;

  constructor(
    readonly matcher: Matcher,
    readonly model: DecisionModel | undefined = loadDecisionModel(),
    private readonly loadModel: () => Promise<Embedder> = () => loadEmbedder(),
    private readonly log: (line: string) => void = (l) => console.error(l),
  ) {
    this.ctx = featureContext(matcher.knowledge.entries);
    if (model?.ngram) this.ngram = unpackNgram(model.ngram);
  }

  /** Starts loading the semantic model and phrasing vectors; resolves true when ready (false if it cannot load). */
  warm(): Promise<boolean> {
    if (!this.semantic) {
      this.semantic = (async () => {
        try {
          const t0 = performance.now();
          const index = await SemanticIndex.build(this.matcher.knowledge, await this.loadModel());
          this.index = index;
          if (process.env.HELPDESK_DEBUG) this.log(`semantic: ${index.size} vectors ready in ${(performance.now() - t0).toFixed(0)} ms`);
          return index;
        } catch (err) {
          // Without the model the lexical decision still works; say why once.
          this.log(`semantic signal off: ${(err as Error).message}`);
          return undefined;
        }
      })();
    }
    return this.semantic.then((i) => !!i);
  }

  /** True once the model has been asked for (a lexically decided question never asks). */
  get semanticLoaded(): boolean {
    return !!this.semantic;
  }

  /** Synchronous, lexical evidence only. */
  understandLexical(text: string): Understanding {
    const base = this.matcher.match(text);
    const pre = this.preliminary(text, base);
    if (pre.done) return pre.result;
    return this.conclude(text, base, pre.ev, "lexical");
  }

  async understand(text: string, opts: UnderstandOptions = {}): Promise<Understanding> {
    const base = this.matcher.match(text);
    const pre = this.preliminary(text, base);
    if (pre.done || opts.semantic === false || !this.model) return pre.done ? pre.result : this.conclude(text, base, pre.ev, "lexical");
    const index = (await this.warm()) ? this.index : undefined;
    if (!index) return this.conclude(text, base, pre.ev, "lexical");
    // Place names set the region, not the topic: meaning is read without them, as the lexical side does.
    const ev: Evidence = { ...pre.ev, sem: index.scores(await index.vector(this.matcher.withoutPlaces(this.matcher.norm.mapEnglish(pre.focus ?? text)))) };
    return this.conclude(text, base, ev, "semantic");
  }

  /** The matcher's rules and the lexical-only model; `done` when they decide without meaning. */
  private preliminary(text: string, base: MatchResult): { done: true; result: Understanding } | { done: false; ev: Evidence; focus?: string } {
    if (!this.model || base.outOfScope?.startsWith("other-system:") || !base.candidates.length) {
      return { done: true, result: { ...base, path: "rule" } };
    }
    const focus = questionFocus(text);
    const ev: Evidence = lexicalEvidence(this.matcher, text, detectAct(text), focus);
    if (this.ngram) ev.ngram = predictNgram(this.ngram, ev.ngramText);
    const scored = this.score(ev, "lexical");
    if (scored[0] && scored[0].p >= this.model.lexicalSure) {
      return { done: true, result: this.result(text, base, ev, scored, "lexical", focus) };
    }
    return { done: false, ev, focus };
  }

  private score(ev: Evidence, which: "lexical" | "full"): Scored[] {
    const model = this.mustModel();
    const m = which === "full" ? model.full : model.lexical;
    const fs = features(ev, candidateIds(ev), this.ctx);
    const ps = predictGroup(
      m,
      fs.map((c) => c.x),
    );
    return fs.map((c, i) => ({ id: c.id, p: ps[i] })).sort((a, b) => b.p - a.p);
  }

  /** Only called on paths that checked the model is there (preliminary returns early without it). */
  private mustModel(): DecisionModel {
    if (!this.model) throw new Error("understanding: no decision model");
    return this.model;
  }

  private conclude(text: string, base: MatchResult, ev: Evidence, path: "lexical" | "semantic"): Understanding {
    return this.result(text, base, ev, this.score(ev, ev.sem ? "full" : "lexical"), path, questionFocus(text));
  }

  private result(text: string, base: MatchResult, ev: Evidence, scored: Scored[], path: "lexical" | "semantic", focus?: string): Understanding {
    const d = decideBand(scored, this.mustModel().costs);
    const id = d.id ? applyAct(d.id, ev.act, text) : null;
    const offered = [...new Set(d.offered.map((o) => applyAct(o, ev.act, text)))];
    const out: Understanding = {
      ...base,
      band: d.band,
      id,
      offered: d.band === "clarify" ? offered : [],
      confidence: d.confidence,
      outOfScope: undefined,
      secondary: undefined,
      act: ev.act,
      focus,
      path,
      scored: scored.slice(0, 5),
    };
    if (d.band === "clarify" && out.offered.length < 2) {
      out.band = "answer";
      out.id = out.offered[0];
      out.offered = [];
    }
    if (out.band === "answer" && base.secondary && base.secondary !== out.id) {
      out.secondary = base.secondary;
      out.offered = [base.secondary];
    }
    if (out.band === "decline") out.outOfScope = this.nearestOutOfScope(ev);
    return this.partial(text, out);
  }

  /**
   * A message that mixes a covered and an uncovered question: answer the covered one and flag the
   * other (`uncovered`), instead of declining or clarifying the whole. Each clause is judged by the
   * lexical model alone (cheap); a clause is uncovered when an out-of-scope group beats every entry
   * on it, the n-gram classifier puts it outside the knowledge, or it asks for a kind of fact
   * (a fee, a deadline, a phone number…) that the answered entry's text does not contain.
   */
  private partial(text: string, out: Understanding): Understanding {
    // A clause says something on its own: a few Chinese characters or a few English words
    // ("platform?" split off an English sentence is not a question).
    const parts = clauses(text).filter((p) => (p.match(/\p{Script=Han}/gu)?.length ?? 0) >= 4 || (p.match(/[a-z]+/gi)?.length ?? 0) >= 3);
    if (parts.length < 2 || parts.length > 4) return out;
    const model = this.mustModel();
    // Cheap first look (the clauses' lexical scores are already memoised): is any clause outside?
    const looks = parts.map((part) => {
      const base = this.matcher.score(part);
      const top = base.candidates[0];
      const oos = !!top && top.id.startsWith(OOS_PREFIX) && top.score >= 0.3;
      const none = this.ngram ? (predictNgram(this.ngram, base.normalized).get(NONE) ?? 0) >= 0.6 : false;
      return { part, base, oosGroup: oos ? top.id.slice(OOS_PREFIX.length) : undefined, suspect: oos || none, asks: asksFor(part) };
    });
    if (!looks.some((l) => l.suspect || l.asks.length)) return out;
    const judged = looks.map((l) => {
      const ev: Evidence = lexicalEvidence(this.matcher, l.part, detectAct(l.part), undefined, undefined, { clauses: false });
      if (this.ngram) ev.ngram = predictNgram(this.ngram, ev.ngramText);
      const d = decideBand(l.base.candidates.length ? this.score(ev, "lexical") : [], model.costs);
      return { ...l, d, outside: d.band !== "answer" && l.suspect };
    });
    if (out.band !== "answer") {
      // The whole is unclear, but one clause is confidently covered and another is plainly outside.
      const covered = judged.filter((j) => j.d.band === "answer" && j.d.id && j.d.confidence >= model.lexicalSure);
      const ids = new Set(covered.map((j) => j.d.id));
      if (ids.size !== 1 || !judged.some((j) => j.outside)) return out;
      const id = applyAct(covered[0].d.id ?? "", detectAct(covered[0].part), covered[0].part);
      Object.assign(out, { band: "answer", id, offered: [], confidence: covered[0].d.confidence, outOfScope: undefined });
    }
    const id = out.id ?? "";
    const covers = this.ctx.covers.get(id);
    const miss = judged.find((j) => (j.outside && j.d.id !== id) || (j.d.id !== id && j.asks.some((k) => !covers?.has(k)) && j.d.band !== "answer"));
    if (!miss) return out;
    const hint = miss.oosGroup ? this.matcher.knowledge.outOfScope.groups.find((g) => g.name === miss.oosGroup)?.hint : undefined;
    out.uncovered = true;
    out.uncoveredNote = `您还问到“${miss.part}”，平台的常见问题说明里没有这方面的内容${hint ? `：${hint}` : "。"}如需进一步帮助，可以转人工。`;
    return out;
  }

  /** The out-of-scope group the question is closest to, when it is closer than any entry. */
  private nearestOutOfScope(ev: Evidence): string | undefined {
    const oosLex = ev.lex.find((c) => c.id.startsWith(OOS_PREFIX));
    const inLex = ev.lex.find((c) => !c.id.startsWith(OOS_PREFIX));
    if (oosLex && (!inLex || oosLex.score >= inLex.score)) return oosLex.id.slice(OOS_PREFIX.length);
    if (ev.sem) {
      let best: [string, number] | undefined,
        bestIn = -1;
      for (const [id, s] of ev.sem) {
        if (id.startsWith(OOS_PREFIX)) {
          if (!best || s.best > best[1]) best = [id, s.best];
        } else bestIn = Math.max(bestIn, s.best);
      }
      if (best && best[1] >= bestIn) return best[0].slice(OOS_PREFIX.length);
    }
    return undefined;
  }
}

let shared: Understander | undefined;

/** The process-wide understander over the shared matcher. */
export async function sharedUnderstander(): Promise<Understander> {
  if (!shared) {
    const { sharedMatcher } = await import("../assistant.ts");
    shared = new Understander(sharedMatcher());
  }
  return shared;
}

/** The core's one call: the same MatchResult shape as Matcher.match, decided with all the evidence. */
export async function understand(text: string, opts: UnderstandOptions = {}): Promise<Understanding> {
  return (await sharedUnderstander()).understand(text, opts);
}
