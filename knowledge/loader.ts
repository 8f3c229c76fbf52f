// Loads the knowledge: reads every file (files.ts), runs the checks (checks/), and assembles what
// the matcher uses. Every problem is reported as `file:line: message`; warnings do not stop loading.
import { join } from "node:path";
import type { OutOfScope } from "./schema.ts";
import type { Lexicon } from "./lexicon.ts";
import { readKnowledgeFiles, type LoadedEntry } from "./files.ts";
import { runChecks } from "./checks/index.ts";
import { isError, type Problem, KnowledgeError } from "./problem.ts";
import { KNOWLEDGE_DIR } from "./paths.ts";

export { KNOWLEDGE_DIR, KnowledgeError, type LoadedEntry, type Problem };
export { formatProblem, isError } from "./problem.ts";

export interface Knowledge {
  dir: string;
  entries: LoadedEntry[];
  byId: Map<string, LoadedEntry>;
  outOfScope: OutOfScope;
  lexicon: Lexicon;
  dictPath: string;
}

export interface ReadOptions {
  /** Warnings become errors (CI). */
  strict?: boolean;
  /** YYYY-MM-DD; defaults to today in Asia/Shanghai, the platform's zone. */
  today?: string;
}

const shanghaiToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

/** Reads and checks every knowledge file: the knowledge when nothing is an error, and every problem found. */
export function readKnowledge(dir = KNOWLEDGE_DIR, opts: ReadOptions = {}): { knowledge: Knowledge | null; problems: Problem[] } {
  const files = readKnowledgeFiles(dir);
  const problems = runChecks({ ...files, today: opts.today ?? shanghaiToday() }, { strict: opts.strict });
  const oos = files.outOfScope?.data;
  const lexicon = files.lexicon?.data;
  if (problems.some(isError) || !oos || !lexicon) return { knowledge: null, problems };
  const byId = new Map(files.entries.map((e) => [e.id, e]));
  return { knowledge: { dir, entries: files.entries, byId, outOfScope: oos, lexicon, dictPath: join(files.dictDir, "jieba.small.utf8") }, problems };
}

/** Loads the knowledge or throws a KnowledgeError listing every error. */
export function loadKnowledge(dir = KNOWLEDGE_DIR): Knowledge {
  const { knowledge, problems } = readKnowledge(dir);
  if (!knowledge) throw new KnowledgeError(problems.filter(isError));
  return knowledge;
}
