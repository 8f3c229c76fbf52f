// One knowledge file as read from disk: the YAML document with its line positions, and what the
// schema made of it. Reading never throws: an unreadable file or broken YAML is recorded here and
// reported by the checks (checks/yaml-syntax.ts, checks/schema.ts) with its line.
import { readFileSync } from "node:fs";
import { parseDocument, LineCounter, isNode, isSeq, type Document } from "yaml";
import type { z } from "zod";

export interface Located {
  line: number;
  message: string;
}

export interface SourceFile<T> {
  /** Path on disk. */
  path: string;
  /** The path shown in reports. */
  file: string;
  /** Read failures and YAML errors: the file has no usable content. */
  syntaxErrors: Located[];
  /** YAML warnings (the content is still usable). */
  yamlWarnings: Located[];
  /** Schema issues, when the YAML parsed. */
  issues: { path: PropertyKey[]; message: string; keys?: string[] }[];
  /** The validated content: present only with no syntax errors and no schema issues. */
  data: T | null;
  /** Line of the node at `path`, or of its nearest ancestor that exists. */
  lineAt(path: readonly (string | number)[]): number;
  /** Line of each item of the sequence at `path`. */
  itemLines(path: readonly (string | number)[]): number[];
}

export function readSourceFile<S extends z.ZodType>(path: string, file: string, schema: S): SourceFile<z.infer<S>> {
  const lc = new LineCounter();
  let doc: Document | null = null;
  const out: SourceFile<z.infer<S>> = {
    path, file, syntaxErrors: [], yamlWarnings: [], issues: [], data: null,
    lineAt(p) {
      if (!doc) return 1;
      for (let n = p.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
        if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
      }
      return 1;
    },
    itemLines(p) {
      const seq = doc?.getIn(p, true);
      if (!isSeq(seq)) return [];
      return seq.items.map((it) => (isNode(it) && it.range ? lc.linePos(it.range[0]).line : 1));
    },
  };
  let src: string;
  try {
    src = readFileSync(path, "utf8");
  } catch (err) {
    out.syntaxErrors.push({ line: 1, message: `cannot read the file: ${(err as Error).message}` });
    return out;
  }
  doc = parseDocument(src, { lineCounter: lc, prettyErrors: false });
  out.syntaxErrors = doc.errors.map((e) => ({ line: lc.linePos(e.pos[0]).line, message: e.message.split("\n")[0] }));
  out.yamlWarnings = doc.warnings.map((e) => ({ line: lc.linePos(e.pos[0]).line, message: e.message.split("\n")[0] }));
  if (out.syntaxErrors.length) return out;
  const res = schema.safeParse(doc.toJS());
  if (res.success) out.data = res.data as z.infer<S>;
  else out.issues = res.error.issues.map((i) => ({ path: i.path, message: i.message, keys: i.code === "unrecognized_keys" ? i.keys : undefined }));
  return out;
}
