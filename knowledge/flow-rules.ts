// The rules the guided flows state (knowledge/flows/*.yaml), as staff edit them. Loaded once at
// start and given to the flows (flows/index.ts buildFlows); every problem is `file:line: message`.
// Imports nothing from bot/.
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { KNOWLEDGE_DIR } from "./paths.ts";
import { KnowledgeError, type Problem } from "./problem.ts";
import { readSourceFile } from "./source-file.ts";
import type { Entry } from "./schema.ts";

const text = z.string().trim().min(1, "must not be empty");
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD").refine((s) => {
  const [y, m, d] = s.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}, "is not a real day");

export const titleDateRulesSchema = z.strictObject({
  entry: z.literal("register.title-date"),
  exam: text,
  graduate: text,
  review: z.strictObject({
    ask_city: text,
    zaozhuang: text,
    other_city: text,
    taian: z.strictObject({
      rule: text,
      switch_date: isoDay,
      ask_date: text,
      before: text,
      after: text,
      need_day: text,
      on_switch_day: text,
      date_unknown: text,
    }),
  }),
});
export type TitleDateRules = z.infer<typeof titleDateRulesSchema>;

export const passwordRulesSchema = z.strictObject({
  entry: z.literal("password.forgot"),
  self_reset: text,
  admin_reset: text,
  admin_reset_tips: text,
});
export type PasswordRules = z.infer<typeof passwordRulesSchema>;

export interface FlowRules {
  titleDate: TitleDateRules;
  password: PasswordRules;
}

const FILES = { titleDate: "title-date.yaml", password: "password.yaml" } as const;

const same = (a: string, b: string) => a.normalize("NFKC").replace(/\s+/g, "") === b.normalize("NFKC").replace(/\s+/g, "");

/**
 * Reads knowledge/flows/*.yaml; the rules, or null with every problem found. Given the entries,
 * also checks that a rule a flow states per city says what the entry's variant for that city
 * says, so an edit to one without the other is caught.
 */
export function readFlowRules(dir = KNOWLEDGE_DIR, entries?: ReadonlyMap<string, Pick<Entry, "variants">>): { rules: FlowRules | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const show = (p: string) => relative(process.cwd(), p) || p;
  const read = <S extends z.ZodType>(file: string, schema: S) => {
    const path = join(dir, "flows", file);
    if (!existsSync(path)) {
      problems.push({ file: show(path), line: 1, message: "file missing" });
      return null;
    }
    const src = readSourceFile(path, show(path), schema);
    for (const e of src.syntaxErrors) problems.push({ file: src.file, line: e.line, message: e.message });
    for (const i of src.issues) {
      const at = i.path.filter((x): x is string | number => typeof x !== "symbol");
      problems.push({ file: src.file, line: src.lineAt(at), message: `${at.length ? `${at.join(".")}: ` : ""}${i.message}` });
    }
    return src.data ? { data: src.data, file: src.file, lineAt: src.lineAt } : null;
  };
  const titleDate = read(FILES.titleDate, titleDateRulesSchema);
  const password = read(FILES.password, passwordRulesSchema);
  if (titleDate && entries) {
    const t = titleDate.data;
    const v = entries.get(t.entry)?.variants;
    const pairs: [string[], string, string | undefined][] = [
      [["review", "zaozhuang"], t.review.zaozhuang, v?.zaozhuang],
      [["review", "taian", "rule"], t.review.taian.rule, v?.taian],
    ];
    for (const [path, said, variant] of pairs) {
      if (variant !== undefined && !same(said, variant)) {
        problems.push({ file: titleDate.file, line: titleDate.lineAt(path), message: `${path.join(".")} differs from the ${t.entry} entry's variant: edit both` });
      }
    }
  }
  if (!titleDate || !password || problems.length) return { rules: null, problems };
  return { rules: { titleDate: titleDate.data, password: password.data }, problems };
}

/** Loads the flow rules or throws a KnowledgeError listing every problem. */
export function loadFlowRules(dir = KNOWLEDGE_DIR, entries?: ReadonlyMap<string, Pick<Entry, "variants">>): FlowRules {
  const { rules, problems } = readFlowRules(dir, entries);
  if (!rules) throw new KnowledgeError(problems);
  return rules;
}
