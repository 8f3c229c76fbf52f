import { statSync } from "node:fs";
import { join } from "node:path";
import type { Check } from "./check.ts";
import { DICTIONARIES } from "../files.ts";
import type { Problem } from "../problem.ts";

export const dictionary: Check = {
  name: "dictionary",
  about: "the tokenizer dictionaries in dict/ are there and not empty",
  run(k) {
    const out: Problem[] = [];
    // The tokenizer aborts the whole process on a missing dictionary: catch it here, with the path.
    for (const name of DICTIONARIES) {
      const path = join(k.dictDir, name);
      let size = -1;
      try { size = statSync(path).isFile() ? statSync(path).size : -1; } catch { /* missing */ }
      if (size < 0) out.push({ file: k.show(path), line: 1, message: "tokenizer dictionary missing" });
      else if (size === 0) out.push({ file: k.show(path), line: 1, message: "tokenizer dictionary is empty" });
    }
    return out;
  },
};
