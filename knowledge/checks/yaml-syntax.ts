import type { Check } from "./check.ts";
import { sourceFiles } from "./check.ts";
import type { Problem } from "../problem.ts";

export const yamlSyntax: Check = {
  name: "yaml-syntax",
  about: "every knowledge file can be read and is one valid YAML document",
  run(k) {
    const out: Problem[] = [];
    for (const f of sourceFiles(k)) {
      // The first errors locate the damage; the rest are usually its echoes.
      for (const e of f.syntaxErrors.slice(0, 3)) out.push({ file: f.file, line: e.line, message: e.message });
      for (const w of f.yamlWarnings) out.push({ file: f.file, line: w.line, message: w.message, severity: "warning" });
    }
    return out;
  },
};
