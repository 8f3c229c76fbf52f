// A knowledge check: one concern, its own findings. The list of checks is in index.ts.
import type { KnowledgeFiles } from "../files.ts";
import type { Problem } from "../problem.ts";
import type { SourceFile } from "../source-file.ts";

export interface CheckContext extends KnowledgeFiles {
  /** Today's date (YYYY-MM-DD), for dates that may not lie ahead. */
  today: string;
}

export interface Check {
  name: string;
  /** What the check makes sure of, for `kb check --list`. */
  about: string;
  run(k: CheckContext): Problem[];
}

/** Every YAML file that was read. */
export function sourceFiles(k: KnowledgeFiles): SourceFile<unknown>[] {
  const out: SourceFile<unknown>[] = [...k.entryFiles];
  if (k.outOfScope) out.push(k.outOfScope);
  if (k.lexicon) out.push(k.lexicon);
  return out;
}

/** Two phrasings with the same key read the same to the matcher, whatever their punctuation. */
export const phrasingKey = (s: string) => s.normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase();
