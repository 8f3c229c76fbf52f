// The read stage: every knowledge file parsed with its lines, before any check runs.
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { entrySchema, outOfScopeSchema, type Entry, type OutOfScope } from "./schema.ts";
import { lexiconSchema, type Lexicon } from "./lexicon.ts";
import { readSourceFile, type SourceFile } from "./source-file.ts";

export interface LoadedEntry extends Entry {
  file: string;
  /** Line of each phrasing, for reports. */
  phrasingLines: number[];
}

/** The tokenizer dictionaries the matcher loads from knowledge/dict/. */
export const DICTIONARIES = ["jieba.small.utf8", "idf.tiny.utf8", "stop.tiny.utf8"] as const;

export interface KnowledgeFiles {
  dir: string;
  /** The path shown in reports for a path on disk. */
  show(path: string): string;
  entriesDir: string;
  /** Every name in entries/, YAML or not. */
  entryNames: string[];
  entryFiles: SourceFile<Entry>[];
  /** The entries whose file passed the schema. */
  entries: LoadedEntry[];
  outOfScopePath: string;
  /** null when the file is missing. */
  outOfScope: SourceFile<OutOfScope> | null;
  lexiconPath: string;
  lexicon: SourceFile<Lexicon> | null;
  dictDir: string;
}

export const isYamlName = (f: string) => /\.ya?ml$/.test(f);

export function readKnowledgeFiles(dir: string): KnowledgeFiles {
  // Relative to the working directory, as the console's staging code expects.
  const show = (p: string) => relative(process.cwd(), p) || p;
  const entriesDir = join(dir, "entries");
  const entryNames = existsSync(entriesDir) ? readdirSync(entriesDir).sort() : [];
  const entryFiles = entryNames.filter(isYamlName).map((f) => readSourceFile(join(entriesDir, f), show(join(entriesDir, f)), entrySchema));
  const entries: LoadedEntry[] = [];
  for (const f of entryFiles) if (f.data) entries.push({ ...f.data, file: f.file, phrasingLines: f.itemLines(["phrasings"]) });
  const outOfScopePath = join(dir, "out-of-scope.yaml");
  const lexiconPath = join(dir, "lexicon.yaml");
  return {
    dir, show, entriesDir, entryNames, entryFiles, entries,
    outOfScopePath, outOfScope: existsSync(outOfScopePath) ? readSourceFile(outOfScopePath, show(outOfScopePath), outOfScopeSchema) : null,
    lexiconPath, lexicon: existsSync(lexiconPath) ? readSourceFile(lexiconPath, show(lexiconPath), lexiconSchema) : null,
    dictDir: join(dir, "dict"),
  };
}
