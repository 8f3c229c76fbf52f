import type { Check } from "./check.ts";
import type { Problem } from "../problem.ts";

export const source: Check = {
  name: "source",
  about: "every faq entry names the seed passage its answer comes from",
  run(k) {
    const out: Problem[] = [];
    for (const e of k.entries) {
      if (e.kind !== "faq" || e.source.length) continue;
      const line = k.entryFiles.find((s) => s.file === e.file)?.lineAt(["source"]) ?? 1;
      out.push({ file: e.file, line, message: "source: a faq answer needs the seed passage it comes from (edition, section, passage)" });
    }
    return out;
  },
};
