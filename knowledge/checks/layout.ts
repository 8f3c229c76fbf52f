import type { Check } from "./check.ts";
import { isYamlName } from "../files.ts";
import type { Problem } from "../problem.ts";

export const layout: Check = {
  name: "layout",
  about: "entries/ holds the topic files, out-of-scope.yaml and lexicon.yaml exist",
  run(k) {
    const out: Problem[] = [];
    if (!k.entryFiles.length) out.push({ file: k.show(k.entriesDir), line: 1, message: "no knowledge files" });
    // A file saved as .bak or .txt is silently not knowledge: say so.
    for (const f of k.entryNames.filter((n) => !isYamlName(n) && !n.startsWith("."))) {
      out.push({ file: k.show(`${k.entriesDir}/${f}`), line: 1, message: "not read: knowledge files end in .yaml", severity: "warning" });
    }
    if (!k.outOfScope) out.push({ file: k.show(k.outOfScopePath), line: 1, message: "file missing" });
    if (!k.lexicon) out.push({ file: k.show(k.lexiconPath), line: 1, message: "file missing" });
    return out;
  },
};
