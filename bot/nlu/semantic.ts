// The semantic signal: bge-small-zh-v1.5 (int8 ONNX, kept in models/) turns a sentence into a
// unit vector; a question is compared with every knowledge phrasing by cosine. Meaning finds the
// entry when the user's words differ from the phrasings' (an organisation's real name, English
// words, a paraphrase). The model is loaded on first need only: a question that the lexical
// evidence decides never pays for it. Phrasing vectors are cached under $HELPDESK_CACHE_DIR by a
// hash of the model and the text, so an edit to the knowledge embeds only the changed phrasings.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Knowledge } from "../../knowledge/loader.ts";
import { OOS_PREFIX } from "./matcher.ts";

export const MODEL_DIR = fileURLToPath(new URL("../../models/bge-small-zh-v1.5/", import.meta.url));
export const MODEL_SHA256 = "15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc";
/** Longest input in tokens: a long message is cut to its focus before it gets here. */
const MAX_TOKENS = 128;

export interface Embedder {
  readonly modelId: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** What the model sees: full-width folded, spaces collapsed. Also what the cache key is made of. */
export function embedText(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, " ").trim().slice(0, 400);
}

/** Cache key of one text's vector: the model's identity plus the text. */
export function vectorKey(modelId: string, text: string): string {
  return createHash("sha256").update(modelId).update("\0").update(embedText(text)).digest("base64url").slice(0, 22);
}

export const cacheRoot = () => process.env.HELPDESK_CACHE_DIR || join(tmpdir(), "helpdesk-cache");

/** Loads the ONNX model and tokenizer; checks the model file's hash first. */
export async function loadEmbedder(opts: { dir?: string; threads?: number } = {}): Promise<Embedder> {
  const dir = opts.dir ?? MODEL_DIR;
  const file = join(dir, "onnx", "model_quantized.onnx");
  const bytes = readFileSync(file);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== MODEL_SHA256) throw new Error(`semantic model ${file}: sha256 ${sha} is not the expected ${MODEL_SHA256}`);
  const [ort, { Tokenizer }] = await Promise.all([import("onnxruntime-node"), import("@huggingface/tokenizers")]);
  const tok = new Tokenizer(
    JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")),
    JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8")),
  );
  const threads = opts.threads ?? 1;
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const needsTypes = session.inputNames.includes("token_type_ids");
  const output = session.outputNames[0];

  async function run(texts: string[]): Promise<Float32Array[]> {
    const encs = texts.map((t) => {
      const ids = tok.encode(embedText(t)).ids as number[];
      // Keep [CLS] … [SEP] when cutting.
      return ids.length > MAX_TOKENS ? [...ids.slice(0, MAX_TOKENS - 1), ids[ids.length - 1]] : ids;
    });
    const n = texts.length;
    const L = Math.max(...encs.map((e) => e.length));
    const ids = new BigInt64Array(n * L),
      mask = new BigInt64Array(n * L);
    encs.forEach((e, i) =>
      e.forEach((id, j) => {
        ids[i * L + j] = BigInt(id);
        mask[i * L + j] = 1n;
      }),
    );
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      input_ids: new ort.Tensor("int64", ids, [n, L]),
      attention_mask: new ort.Tensor("int64", mask, [n, L]),
    };
    if (needsTypes) feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(n * L), [n, L]);
    const out = await session.run(feeds);
    const h = out[output];
    const data = h.data as Float32Array;
    const D = h.dims[2];
    // CLS pooling, then unit length (the model card's recipe).
    return encs.map((_, i) => {
      const v = data.slice(i * L * D, i * L * D + D);
      let s = 0;
      for (const x of v) s += x * x;
      s = Math.sqrt(s) || 1;
      for (let k = 0; k < D; k++) v[k] /= s;
      return v;
    });
  }

  return {
    modelId: `bge-small-zh-v1.5:${sha.slice(0, 16)}`,
    async embed(texts: string[]): Promise<Float32Array[]> {
      // Batches of similar length waste little on padding.
      const order = texts.map((t, i) => [t, i] as const).sort((a, b) => a[0].length - b[0].length);
      const out: Float32Array[] = new Array(texts.length);
      for (let i = 0; i < order.length; i += 32) {
        const batch = order.slice(i, i + 32);
        const vs = await run(batch.map((b) => b[0]));
        batch.forEach((b, j) => {
          out[b[1]] = vs[j];
        });
      }
      return out;
    },
  };
}

/** Text → vector store on disk, one file per model: {key: base64 of the float32 vector}. */
export class VectorCache {
  private map = new Map<string, string>();
  private dirty = false;
  readonly file: string;
  constructor(
    readonly modelId: string,
    dir = cacheRoot(),
  ) {
    this.file = join(dir, `vectors-${modelId.replace(/[^\w.-]/g, "_")}.json`);
    try {
      this.map = new Map(Object.entries(JSON.parse(readFileSync(this.file, "utf8")) as Record<string, string>));
    } catch {
      /* empty cache */
    }
  }
  get(text: string): Float32Array | undefined {
    const b = this.map.get(vectorKey(this.modelId, text));
    if (!b) return undefined;
    const buf = Buffer.from(b, "base64");
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }
  set(text: string, v: Float32Array): void {
    this.map.set(vectorKey(this.modelId, text), Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64"));
    this.dirty = true;
  }
  save(): void {
    if (!this.dirty) return;
    try {
      const dir = join(this.file, "..");
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.map)));
      renameSync(tmp, this.file); // atomic for concurrent starts
      this.dirty = false;
    } catch {
      /* a read-only cache only costs time */
    }
  }
}

/** Vectors of what the cache lacks are computed; all are returned in order. */
export async function embedAll(embedder: Embedder, cache: VectorCache, texts: string[]): Promise<Float32Array[]> {
  const missing = [...new Set(texts.filter((t) => !cache.get(t)))];
  if (missing.length) {
    const vs = await embedder.embed(missing);
    missing.forEach((t, i) => cache.set(t, vs[i]));
    cache.save();
  }
  return texts.map((t) => {
    const v = cache.get(t);
    if (!v) throw new Error("semantic: a text was not embedded");
    return v;
  });
}

interface IndexedText {
  key: string;
  phrasingIndex?: number;
  vec: Float32Array;
}

/** Per key (entry id or oos:<group>): the best and second-best cosine to the question. */
export type SemanticScores = Map<string, { best: number; second: number }>;

/** Every phrasing (and title) of every entry and out-of-scope group, as vectors. */
export class SemanticIndex {
  constructor(
    readonly embedder: Embedder,
    private readonly items: IndexedText[],
    private readonly queryCache = new Map<string, Float32Array>(),
  ) {}

  static async build(knowledge: Knowledge, embedder: Embedder, cache = new VectorCache(embedder.modelId)): Promise<SemanticIndex> {
    const spec: { key: string; phrasingIndex?: number; text: string }[] = [];
    for (const e of knowledge.entries) {
      e.phrasings.forEach((p, i) => spec.push({ key: e.id, phrasingIndex: i, text: p }));
      spec.push({ key: e.id, text: e.title });
    }
    for (const g of knowledge.outOfScope.groups) g.phrasings.forEach((p, i) => spec.push({ key: OOS_PREFIX + g.name, phrasingIndex: i, text: p }));
    const vecs = await embedAll(
      embedder,
      cache,
      spec.map((s) => s.text),
    );
    return new SemanticIndex(
      embedder,
      spec.map((s, i) => ({ key: s.key, phrasingIndex: s.phrasingIndex, vec: vecs[i] })),
    );
  }

  get size(): number {
    return this.items.length;
  }

  async vector(text: string): Promise<Float32Array> {
    const t = embedText(text);
    let v = this.queryCache.get(t);
    if (!v) {
      [v] = await this.embedder.embed([t]);
      if (this.queryCache.size > 5000) this.queryCache.clear();
      this.queryCache.set(t, v);
    }
    return v;
  }

  /** Cosines of a question vector to every key; `exclude` leaves phrasings out (leave-one-out). */
  scores(q: Float32Array, exclude?: (key: string, phrasingIndex?: number) => boolean): SemanticScores {
    const out: SemanticScores = new Map();
    for (const it of this.items) {
      if (exclude?.(it.key, it.phrasingIndex)) continue;
      let d = 0;
      const v = it.vec;
      for (let k = 0; k < v.length; k++) d += q[k] * v[k];
      const s = out.get(it.key);
      if (!s) out.set(it.key, { best: d, second: -1 });
      else if (d > s.best) {
        s.second = s.best;
        s.best = d;
      } else if (d > s.second) s.second = d;
    }
    return out;
  }
}
