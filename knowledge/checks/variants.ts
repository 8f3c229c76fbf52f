import type { Check } from "./check.ts";
import type { Problem } from "../problem.ts";

export const variants: Check = {
  name: "variants",
  about: "a variants block names at least one city and says something the common answer does not",
  run(k) {
    const out: Problem[] = [];
    for (const e of k.entries) {
      if (!e.variants) continue;
      const f = k.entryFiles.find((s) => s.file === e.file);
      const line = (p: string[]) => f?.lineAt(p) ?? 1;
      const given = Object.entries(e.variants).filter(([, v]) => v !== undefined);
      // An empty block still marks the entry as differing by city (the matcher's place bonus, the
      // "which city?" question): an error, not a style point.
      if (!given.length) { out.push({ file: e.file, line: line(["variants"]), message: "variants is empty: remove it or give a city's variant" }); continue; }
      for (const [region, text] of given) {
        if (text?.trim() === e.answer.trim()) out.push({ file: e.file, line: line(["variants", region]), message: `variants.${region} repeats the common answer`, severity: "warning" });
      }
      if (given.length === 2 && given[0][1]?.trim() === given[1][1]?.trim()) {
        out.push({ file: e.file, line: line(["variants"]), message: "both cities' variants are the same: put the text in answer", severity: "warning" });
      }
    }
    return out;
  },
};
