// A plain classifier over character 1–3-grams (multinomial logistic regression): it learns how
// users actually word their questions (the dev lines, the knowledge phrasings, the out-of-scope
// phrasings as the class "none"), which hand-written phrasings miss. Its probability for each
// candidate is one more lexical feature of the decision (features.ts); it costs a few hundred
// look-ups per question, so the lexical-only path stays cheap. Fitted by bench/train-decision.ts
// inside the cross-validation folds, stored packed in models/decision.json.
export const NONE = "none";

export interface NgramModel {
  classes: string[];
  /** Per n-gram, one weight per class, int8-quantised with `scale`, base64. */
  grams: Record<string, string>;
  bias: number[];
  scale: number;
}

/** Character 1–3-grams of a normalised text; "^"/"$" mark the ends of each space-separated part. */
export function ngramsOf(text: string): string[] {
  const out = new Set<string>();
  for (const part of text.split(/\s+/)) {
    if (!part) continue;
    const cs = ["^", ...part, "$"];
    for (let i = 0; i < cs.length; i++) {
      if (i > 0 && i < cs.length - 1) out.add(cs[i]);
      if (i + 1 < cs.length) out.add(cs[i] + cs[i + 1]);
      if (i + 2 < cs.length) out.add(cs[i] + cs[i + 1] + cs[i + 2]);
    }
  }
  return [...out];
}

/** An unpacked model: fast to train and to apply. */
export interface NgramWeights {
  classes: string[];
  w: Map<string, Float32Array>;
  bias: Float32Array;
}

function softmax(z: Float32Array): Float32Array {
  let mx = -Infinity;
  for (const v of z) if (v > mx) mx = v;
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i] - mx);
    s += z[i];
  }
  for (let i = 0; i < z.length; i++) z[i] /= s;
  return z;
}

export function predictNgram(m: NgramWeights, text: string): Map<string, number> {
  const gs = ngramsOf(text);
  const z = Float32Array.from(m.bias);
  const scale = 1 / Math.sqrt(Math.max(1, gs.length));
  for (const g of gs) {
    const w = m.w.get(g);
    if (!w) continue;
    for (let k = 0; k < z.length; k++) z[k] += w[k] * scale;
  }
  const p = softmax(z);
  return new Map(m.classes.map((c, k) => [c, p[k]]));
}

/** Multinomial logistic regression by AdaGrad over sparse binary n-gram features, L2-regularised. */
export function fitNgram(
  examples: { text: string; label: string; weight?: number }[],
  opts: { epochs?: number; lr?: number; l2?: number; minDf?: number } = {},
): NgramWeights {
  const epochs = opts.epochs ?? 12,
    lr = opts.lr ?? 0.4,
    l2 = opts.l2 ?? 1e-4,
    minDf = opts.minDf ?? 2;
  const classes = [...new Set(examples.map((e) => e.label))].sort();
  const C = classes.length;
  const ci = new Map(classes.map((c, i) => [c, i]));
  const docs = examples.map((e) => ngramsOf(e.text));
  const df = new Map<string, number>();
  for (const d of docs) for (const g of d) df.set(g, (df.get(g) ?? 0) + 1);
  const w = new Map<string, Float32Array>(),
    h = new Map<string, Float32Array>();
  for (const [g, n] of df)
    if (n >= minDf) {
      w.set(g, new Float32Array(C));
      h.set(g, new Float32Array(C).fill(1e-6));
    }
  const bias = new Float32Array(C),
    hb = new Float32Array(C).fill(1e-6);
  const rows = docs.map((d, i) => ({
    gs: d.filter((g) => w.has(g)),
    y: ci.get(examples[i].label) ?? 0,
    wt: examples[i].weight ?? 1,
    scale: 1 / Math.sqrt(Math.max(1, d.length)),
  }));
  // A fixed shuffle per epoch: the same data gives the same model.
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const order = rows.map((_, i) => i);
  const z = new Float32Array(C),
    g = new Float32Array(C);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const r of order.map((i) => rows[i])) {
      z.set(bias);
      for (const gr of r.gs) {
        const v = w.get(gr);
        if (v) for (let k = 0; k < C; k++) z[k] += v[k] * r.scale;
      }
      softmax(z);
      for (let k = 0; k < C; k++) g[k] = (z[k] - (k === r.y ? 1 : 0)) * r.wt;
      for (let k = 0; k < C; k++) {
        hb[k] += g[k] * g[k];
        bias[k] -= (lr * g[k]) / Math.sqrt(hb[k]);
      }
      for (const gr of r.gs) {
        const v = w.get(gr),
          hv = h.get(gr);
        if (!v || !hv) continue;
        for (let k = 0; k < C; k++) {
          const gk = g[k] * r.scale + l2 * v[k];
          hv[k] += gk * gk;
          v[k] -= (lr * gk) / Math.sqrt(hv[k]);
        }
      }
    }
  }
  return { classes, w, bias };
}

/** Packs the weights for storage (int8 per weight; n-grams whose weights are all tiny are left out). */
export function packNgram(m: NgramWeights): NgramModel {
  let mx = 0;
  for (const v of m.w.values()) for (const x of v) mx = Math.max(mx, Math.abs(x));
  const scale = mx / 127 || 1;
  const grams: Record<string, string> = {};
  for (const [g, v] of m.w) {
    const q = Int8Array.from(v, (x) => Math.round(x / scale));
    if (q.every((x) => x === 0)) continue;
    grams[g] = Buffer.from(q.buffer).toString("base64");
  }
  return { classes: m.classes, grams, bias: [...m.bias].map((x) => +x.toFixed(4)), scale };
}

export function unpackNgram(p: NgramModel): NgramWeights {
  const w = new Map<string, Float32Array>();
  for (const [g, b] of Object.entries(p.grams)) {
    const buf = Buffer.from(b, "base64");
    const q = new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    w.set(
      g,
      Float32Array.from(q, (x) => x * p.scale),
    );
  }
  return { classes: p.classes, w, bias: Float32Array.from(p.bias) };
}
