import type { Check } from "./check.ts";
import { phrasingKey } from "./check.ts";
import type { Problem } from "../problem.ts";

export const duplicatePhrasings: Check = {
  name: "duplicate-phrasings",
  about: "no phrasing appears twice, in one entry or across entries (punctuation, width and case aside); every phrasing has words",
  run(k) {
    const out: Problem[] = [];
    // The same phrasing in two entries makes the matcher's choice arbitrary; twice in one entry it
    // only weighs the entry more, which nobody meant.
    const seen = new Map<string, { file: string; line: number; id: string }>();
    for (const e of k.entries) {
      e.phrasings.forEach((p, i) => {
        const line = e.phrasingLines[i] ?? 1;
        const key = phrasingKey(p);
        if (!key) { out.push({ file: e.file, line, message: `phrasing "${p}" has no words` }); return; }
        const prev = seen.get(key);
        if (!prev) seen.set(key, { file: e.file, line, id: e.id });
        else if (prev.file === e.file) out.push({ file: e.file, line, message: `phrasing "${p}" repeated (first at line ${prev.line})` });
        else out.push({ file: e.file, line, message: `phrasing "${p}" is also in ${prev.file}:${prev.line} (${prev.id})` });
      });
    }
    return out;
  },
};
