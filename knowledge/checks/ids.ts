import type { Check } from "./check.ts";
import { KNOWN_IDS } from "../schema.ts";
import type { LoadedEntry } from "../files.ts";
import type { Problem } from "../problem.ts";

export const ids: Check = {
  name: "ids",
  about: "every id of knowledge-ids.md has exactly one entry, in <id>.yaml; related ids are other entries",
  run(k) {
    const out: Problem[] = [];
    const byId = new Map<string, LoadedEntry>();
    for (const e of k.entries) {
      const f = k.entryFiles.find((s) => s.file === e.file);
      const idLine = f?.lineAt(["id"]) ?? 1;
      const base = e.file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/, "");
      if (base !== e.id) out.push({ file: e.file, line: idLine, message: `file name should be ${e.id}.yaml` });
      const prev = byId.get(e.id);
      if (prev) out.push({ file: e.file, line: idLine, message: `id ${e.id} is also defined in ${prev.file}` });
      else byId.set(e.id, e);
      const relatedLine = f?.lineAt(["related"]) ?? 1;
      if (e.related.includes(e.id)) out.push({ file: e.file, line: relatedLine, message: `related lists the entry itself (${e.id})`, severity: "warning" });
      const twice = e.related.filter((r, i) => e.related.indexOf(r) !== i);
      for (const r of new Set(twice)) out.push({ file: e.file, line: relatedLine, message: `related lists ${r} twice`, severity: "warning" });
    }
    // A file named after the id that failed to load is reported by its own problems, not again here.
    const named = new Set(k.entryFiles.map((f) => f.file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/, "")));
    if (k.entryFiles.length) {
      for (const id of KNOWN_IDS) {
        if (!byId.has(id) && !named.has(id)) out.push({ file: k.show(k.entriesDir), line: 1, message: `missing entry for id ${id} (expected ${id}.yaml)` });
      }
    }
    return out;
  },
};
