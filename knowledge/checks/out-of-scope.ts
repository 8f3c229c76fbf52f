import type { Check } from "./check.ts";
import { phrasingKey } from "./check.ts";
import type { Problem } from "../problem.ts";

export const outOfScope: Check = {
  name: "out-of-scope",
  about: "no out-of-scope example equals an entry's phrasing; no example is listed twice",
  run(k) {
    const out: Problem[] = [];
    const oos = k.outOfScope;
    if (!oos?.data) return out;
    const inEntries = new Map<string, { file: string; line: number; id: string }>();
    for (const e of k.entries) {
      e.phrasings.forEach((p, i) => {
        const key = phrasingKey(p);
        if (key && !inEntries.has(key)) inEntries.set(key, { file: e.file, line: e.phrasingLines[i] ?? 1, id: e.id });
      });
    }
    const seen = new Map<string, { group: string; line: number }>();
    oos.data.groups.forEach((g, gi) => g.phrasings.forEach((p, pi) => {
      const line = oos.lineAt(["groups", gi, "phrasings", pi]);
      const key = phrasingKey(p);
      // A question both declined and answered: the matcher would pick by a hair.
      const hit = inEntries.get(key);
      if (hit) out.push({ file: oos.file, line, message: `out-of-scope phrasing "${p}" is also in ${hit.file}:${hit.line} (${hit.id})` });
      const prev = seen.get(key);
      if (prev) out.push({ file: oos.file, line, message: `out-of-scope phrasing "${p}" repeated (first at line ${prev.line}, group ${prev.group})`, severity: "warning" });
      else seen.set(key, { group: g.name, line });
    }));
    return out;
  },
};
