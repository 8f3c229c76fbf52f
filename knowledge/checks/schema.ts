import type { Check } from "./check.ts";
import { sourceFiles } from "./check.ts";
import type { Problem } from "../problem.ts";

export const schema: Check = {
  name: "schema",
  about: "each file has the fields of its schema (knowledge/schema.ts, lexicon.ts) and no others; no empty texts",
  run(k) {
    const out: Problem[] = [];
    for (const f of sourceFiles(k)) {
      for (const iss of f.issues) {
        const path = iss.path.filter((p): p is string | number => typeof p !== "symbol");
        const where = path.length ? `${path.join(".")}: ` : "";
        // An unknown field is reported where it is written (a misspelt key), one line per key.
        if (iss.keys?.length) {
          for (const key of iss.keys) out.push({ file: f.file, line: f.lineAt([...path, key]), message: `${where}unknown field "${key}"` });
          continue;
        }
        out.push({ file: f.file, line: f.lineAt(path), message: where + iss.message });
      }
    }
    return out;
  },
};
