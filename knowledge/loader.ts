// Loads and checks the knowledge files. Every problem is reported as `file:line: message`.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument, LineCounter, isNode, type Document } from "yaml";
import type { z } from "zod";
import { entrySchema, outOfScopeSchema, KNOWN_IDS, type Entry, type OutOfScope } from "./schema.ts";
import { lexiconSchema, type Lexicon } from "./lexicon.ts";

import { KNOWLEDGE_DIR } from "./paths.ts";
export { KNOWLEDGE_DIR };

export interface Problem {
  file: string;
  line: number;
  message: string;
}
export const formatProblem = (p: Problem) => `${p.file}:${p.line}: ${p.message}`;

export interface LoadedEntry extends Entry {
  file: string;
  /** Line of each phrasing, for reports. */
  phrasingLines: number[];
}

export interface Knowledge {
  dir: string;
  entries: LoadedEntry[];
  byId: Map<string, LoadedEntry>;
  outOfScope: OutOfScope;
  lexicon: Lexicon;
  dictPath: string;
}

export class KnowledgeError extends Error {
  constructor(public problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "KnowledgeError";
  }
}

export function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number {
  // Walk up the path until a node with a position is found.
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

export function parseFile<S extends z.ZodType>(path: string, display: string, schema: S, problems: Problem[]) {
  const lc = new LineCounter();
  const src = readFileSync(path, "utf8");
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    // The first errors locate the damage; the rest are usually its echoes.
    for (const e of doc.errors.slice(0, 3)) problems.push({ file: display, line: lc.linePos(e.pos[0]).line, message: e.message.split("\n")[0] });
    return null;
  }
  const res = schema.safeParse(doc.toJS());
  if (!res.success) {
    for (const iss of res.error.issues) {
      const path = iss.path.filter((p): p is string | number => typeof p !== "symbol");
      const where = path.length ? `${path.join(".")}: ` : "";
      problems.push({ file: display, line: lineOf(doc, lc, path), message: where + iss.message });
    }
    return null;
  }
  return { data: res.data as z.infer<S>, doc, lc };
}

/** Reads every knowledge file; returns the knowledge and every problem found. */
export function readKnowledge(dir = KNOWLEDGE_DIR): { knowledge: Knowledge | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const show = (p: string) => relative(process.cwd(), p) || p;
  const entriesDir = join(dir, "entries");
  const entries: LoadedEntry[] = [];
  const files = existsSync(entriesDir) ? readdirSync(entriesDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  if (!files.length) problems.push({ file: show(entriesDir), line: 1, message: "no knowledge files" });
  for (const f of files) {
    const path = join(entriesDir, f);
    const parsed = parseFile(path, show(path), entrySchema, problems);
    if (!parsed) continue;
    const e = parsed.data;
    if (f.replace(/\.ya?ml$/, "") !== e.id) {
      problems.push({ file: show(path), line: lineOf(parsed.doc, parsed.lc, ["id"]), message: `file name should be ${e.id}.yaml` });
    }
    // Straight from the sequence's items: one lookup per phrasing would re-walk the document.
    const seq = parsed.doc.get("phrasings", true) as { items?: { range?: [number, number, number] }[] } | undefined;
    const phrasingLines = e.phrasings.map((_, i) => {
      const r = seq?.items?.[i]?.range;
      return r ? parsed.lc.linePos(r[0]).line : 1;
    });
    entries.push({ ...e, file: show(path), phrasingLines });
  }

  const byId = new Map<string, LoadedEntry>();
  for (const e of entries) {
    const prev = byId.get(e.id);
    if (prev) problems.push({ file: e.file, line: 1, message: `id ${e.id} is also defined in ${prev.file}` });
    else byId.set(e.id, e);
  }
  for (const id of KNOWN_IDS) {
    if (!byId.has(id) && files.length) problems.push({ file: show(entriesDir), line: 1, message: `missing entry for id ${id}` });
  }

  const oosPath = join(dir, "out-of-scope.yaml");
  const oos = existsSync(oosPath) ? parseFile(oosPath, show(oosPath), outOfScopeSchema, problems) : null;
  if (!existsSync(oosPath)) problems.push({ file: show(oosPath), line: 1, message: "file missing" });
  const lexPath = join(dir, "lexicon.yaml");
  const lex = existsSync(lexPath) ? parseFile(lexPath, show(lexPath), lexiconSchema, problems) : null;
  if (!existsSync(lexPath)) problems.push({ file: show(lexPath), line: 1, message: "file missing" });

  // The same phrasing in two places makes the matcher's choice arbitrary.
  const seen = new Map<string, { file: string; line: number; id: string }>();
  const key = (s: string) => s.normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase();
  for (const e of entries) {
    e.phrasings.forEach((p, i) => {
      const k = key(p);
      const prev = seen.get(k);
      if (prev && prev.id !== e.id) {
        problems.push({ file: e.file, line: e.phrasingLines[i], message: `phrasing "${p}" is also in ${prev.file}:${prev.line} (${prev.id})` });
      } else if (prev) {
        problems.push({ file: e.file, line: e.phrasingLines[i], message: `phrasing "${p}" repeated (first at line ${prev.line})` });
      } else seen.set(k, { file: e.file, line: e.phrasingLines[i], id: e.id });
    });
  }
  if (oos) {
    oos.data.groups.forEach((g, gi) => g.phrasings.forEach((p, pi) => {
      const prev = seen.get(key(p));
      if (prev) problems.push({ file: show(oosPath), line: lineOf(oos.doc, oos.lc, ["groups", gi, "phrasings", pi]), message: `out-of-scope phrasing "${p}" is also in ${prev.file}:${prev.line} (${prev.id})` });
    }));
  }

  const dictPath = join(dir, "dict", "jieba.small.utf8");
  if (!existsSync(dictPath)) problems.push({ file: show(dictPath), line: 1, message: "tokenizer dictionary missing" });
  if (!oos || !lex || problems.length) return { knowledge: null, problems };
  return { knowledge: { dir, entries, byId, outOfScope: oos.data, lexicon: lex.data, dictPath }, problems };
}

/** Loads the knowledge or throws a KnowledgeError listing every problem. */
export function loadKnowledge(dir = KNOWLEDGE_DIR): Knowledge {
  const { knowledge, problems } = readKnowledge(dir);
  if (!knowledge) throw new KnowledgeError(problems);
  return knowledge;
}
