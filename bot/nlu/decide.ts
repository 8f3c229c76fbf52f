// The decision, learned from evidence: a conditional logit gives, for each candidate entry, the
// probability that it is what the question asks (and for "none of them") (fitted by cross-validation on leave-one-out
// knowledge phrasings, out-of-scope phrasings and real users' questions; see
// bench/train-decision.ts). The band then follows from those calibrated probabilities and stated
// costs: a wrong answer costs `wrongCost` right answers, a clarification that holds the right
// entry is worth `clarifyRight`, one that does not costs `clarifyMiss`, a decline is worth 0.
import type { NgramModel } from "./ngram.ts";

export interface LogReg {
  features: string[];
  mean: number[];
  std: number[];
  w: number[];
  b: number;
}

export interface DecisionCosts {
  wrongCost: number;
  clarifyRight: number;
  clarifyMiss: number;
}

export interface DecisionModel {
  version: number;
  /** The character n-gram classifier whose probabilities are lexical features (ngram.ts). */
  ngram?: NgramModel;
  lexical: LogReg; // lexical evidence only (the fast path)
  full: LogReg; // lexical + semantic
  costs: DecisionCosts;
  /** Lexical-only answers at or above this probability are final (no model load); from CV precision. */
  lexicalSure: number;
  trainedOn: Record<string, number>;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predict(m: LogReg, x: number[]): number {
  let z = m.b;
  for (let i = 0; i < x.length; i++) z += m.w[i] * ((x[i] - m.mean[i]) / m.std[i]);
  return sigmoid(z);
}

/** Weighted L2-regularised logistic regression by full-batch gradient descent (Adam). */
export function fitLogReg(features: string[], X: number[][], y: number[], weights?: number[], opts: { l2?: number; iters?: number; lr?: number } = {}): LogReg {
  const n = X.length,
    d = features.length;
  const l2 = opts.l2 ?? 1e-3,
    iters = opts.iters ?? 600,
    rate = opts.lr ?? 0.05;
  const mean = new Array(d).fill(0),
    std = new Array(d).fill(0);
  for (const x of X) for (let j = 0; j < d; j++) mean[j] += x[j] / n;
  for (const x of X) for (let j = 0; j < d; j++) std[j] += (x[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const Z = X.map((x) => x.map((v, j) => (v - mean[j]) / std[j]));
  const wt = weights ?? new Array(n).fill(1);
  const W = wt.reduce((a, b) => a + b, 0);
  const w = new Array(d).fill(0);
  let b = 0;
  const m = new Array(d + 1).fill(0),
    v = new Array(d + 1).fill(0);
  for (let t = 1; t <= iters; t++) {
    const g = new Array(d + 1).fill(0);
    for (let i = 0; i < n; i++) {
      let z = b;
      const zi = Z[i];
      for (let j = 0; j < d; j++) z += w[j] * zi[j];
      const e = ((sigmoid(z) - y[i]) * wt[i]) / W;
      for (let j = 0; j < d; j++) g[j] += e * zi[j];
      g[d] += e;
    }
    for (let j = 0; j < d; j++) g[j] += l2 * w[j];
    for (let j = 0; j <= d; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      const step = (rate * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
      if (j < d) w[j] -= step;
      else b -= step;
    }
  }
  return { features, mean, std, w, b };
}

/**
 * Conditional logit over one question's candidates plus "none of them" (score 0): the
 * probabilities of a question's candidates and of "none" sum to one, so a lone plausible entry
 * is judged against the chance that the question is outside the knowledge, not in isolation.
 */
export function predictGroup(m: LogReg, xs: number[][]): number[] {
  const z = xs.map((x) => {
    let v = m.b;
    for (let i = 0; i < x.length; i++) v += m.w[i] * ((x[i] - m.mean[i]) / m.std[i]);
    return v;
  });
  const mx = Math.max(0, ...z);
  const e = z.map((v) => Math.exp(v - mx));
  const total = Math.exp(-mx) + e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** Fits the conditional logit: groups of candidate rows, `y` the index of the right one or -1 for none. */
export function fitGroupLogit(
  features: string[],
  groups: { xs: number[][]; y: number; weight: number }[],
  opts: { l2?: number; iters?: number; lr?: number } = {},
): LogReg {
  const d = features.length;
  const l2 = opts.l2 ?? 1e-3,
    iters = opts.iters ?? 500,
    rate = opts.lr ?? 0.05;
  const all = groups.flatMap((g) => g.xs);
  const n = all.length || 1;
  const mean = new Array(d).fill(0),
    std = new Array(d).fill(0);
  for (const x of all) for (let j = 0; j < d; j++) mean[j] += x[j] / n;
  for (const x of all) for (let j = 0; j < d; j++) std[j] += (x[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const Z = groups.map((g) => g.xs.map((x) => x.map((v, j) => (v - mean[j]) / std[j])));
  const W = groups.reduce((a, g) => a + g.weight, 0);
  const w = new Array(d).fill(0);
  let b = 0;
  const m = new Array(d + 1).fill(0),
    v = new Array(d + 1).fill(0);
  for (let t = 1; t <= iters; t++) {
    const g = new Array(d + 1).fill(0);
    groups.forEach((grp, gi) => {
      const zs = Z[gi].map((zi) => {
        let s = b;
        for (let j = 0; j < d; j++) s += w[j] * zi[j];
        return s;
      });
      const mx = Math.max(0, ...zs);
      const es = zs.map((s) => Math.exp(s - mx));
      const tot = Math.exp(-mx) + es.reduce((a, c) => a + c, 0);
      Z[gi].forEach((zi, k) => {
        const e = ((es[k] / tot - (grp.y === k ? 1 : 0)) * grp.weight) / W;
        for (let j = 0; j < d; j++) g[j] += e * zi[j];
        g[d] += e;
      });
    });
    for (let j = 0; j < d; j++) g[j] += l2 * w[j];
    for (let j = 0; j <= d; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      const step = (rate * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
      if (j < d) w[j] -= step;
      else b -= step;
    }
  }
  return { features, mean, std, w, b };
}

export interface Scored {
  id: string;
  p: number;
}

export interface Decision {
  band: "answer" | "clarify" | "decline";
  id: string | null;
  offered: string[];
  confidence: number;
}

/** The band with the highest expected value under the model's probabilities and the costs. */
export function decideBand(scored: Scored[], costs: DecisionCosts): Decision {
  const s = [...scored].sort((a, b) => b.p - a.p);
  const top = s[0];
  if (!top) return { band: "decline", id: null, offered: [], confidence: 0 };
  const answerValue = top.p - costs.wrongCost * (1 - top.p);
  // Offer the real alternatives: 2–3 entries that are each plausible next to the top.
  const offered = s.filter((c, i) => i < 3 && (i === 0 || c.p >= Math.max(0.03, top.p * 0.08)));
  const pOffered = Math.min(
    1,
    offered.reduce((a, c) => a + c.p, 0),
  );
  const clarifyValue = offered.length >= 2 ? costs.clarifyRight * pOffered - costs.clarifyMiss * (1 - pOffered) : -Infinity;
  if (answerValue > 0 && answerValue >= clarifyValue) return { band: "answer", id: top.id, offered: [], confidence: top.p };
  if (clarifyValue > 0) return { band: "clarify", id: null, offered: offered.map((c) => c.id), confidence: top.p };
  return { band: "decline", id: null, offered: [], confidence: top.p };
}

/** Reliability table: predicted probability of the top candidate vs how often it was right. */
export function reliabilityTable(rows: { p: number; right: boolean }[], bins = 10): string {
  const lines = ["  predicted   n     mean p   observed"];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins,
      hi = (b + 1) / bins;
    const xs = rows.filter((r) => r.p >= lo && (r.p < hi || (b === bins - 1 && r.p <= 1)));
    if (!xs.length) {
      lines.push(`  ${lo.toFixed(1)}–${hi.toFixed(1)}   ${String(0).padStart(4)}`);
      continue;
    }
    const mp = xs.reduce((a, r) => a + r.p, 0) / xs.length;
    const obs = xs.filter((r) => r.right).length / xs.length;
    lines.push(`  ${lo.toFixed(1)}–${hi.toFixed(1)}   ${String(xs.length).padStart(4)}   ${mp.toFixed(3)}    ${obs.toFixed(3)}`);
  }
  const brier = rows.reduce((a, r) => a + (r.p - (r.right ? 1 : 0)) ** 2, 0) / Math.max(1, rows.length);
  lines.push(`  Brier score ${brier.toFixed(4)} over ${rows.length} questions`);
  return lines.join("\n");
}
