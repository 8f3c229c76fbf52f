// Knowledge changes from the console: add phrasings to an entry, add questions to
// out-of-scope.yaml, roll a change back. Each change is tried on a staging copy first: the
// files must load (readKnowledge) and the figures (leave-one-out, regression set) must not
// drop. Accepted changes are written with the yaml Document API (comments and layout stay),
// recorded with the file's previous content (for rollback), and take effect at once through
// understanding.replace; a reload that fails puts the old file back and keeps the old knowledge.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, readdirSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { Mutex } from "async-mutex";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import { parseDocument, isMap, isSeq, YAMLSeq, type Document } from "yaml";
import { readKnowledge, loadKnowledge, formatProblem, type Knowledge } from "../../knowledge/loader.ts";
import { Matcher } from "../../bot/nlu/matcher.ts";
import type { UnderstandingRef } from "../../bot/turn.ts";
import type { Clock } from "../../bot/clock.ts";
import { phrasingProblem } from "./question-text.ts";
import { writeFileAtomic } from "./file-lock.ts";
import { computeFigures, judge, readRegression, summarize, type FigureSet, type FigureSummary, type Verdict } from "./regression.ts";

export type ChangeAction = "add-phrasings" | "out-of-scope" | "confirm" | "rollback";

export interface ChangeRecord {
  id: string;
  at: number;
  who: string;
  action: ChangeAction;
  /** One line saying what changed, as the console shows it. */
  summary: string;
  topic?: string;
  group?: string;
  phrasings?: string[];
  /** Path relative to the knowledge directory. */
  file: string;
  /** The file before the change (null: it did not exist) and after it. */
  before: string | null;
  after: string | null;
  /** Null for a change the matcher never reads (a confirmation date). */
  figures: { before: FigureSummary; after: FigureSummary } | null;
  rollbackOf?: string;
  rolledBackAt?: number;
  rolledBackBy?: string;
}

export type ChangeOutcome =
  | { ok: true; change: ChangeRecord; verdict: Verdict }
  | { ok: false; status: number; error: string; problems?: string[]; figures?: ChangeRecord["figures"]; verdict?: Verdict };

// YAML output options that reproduce the knowledge files byte for byte when nothing changed.
const YAML_OUT = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The key the loader uses to find duplicate phrasings. */
export const phrasingKey = (s: string) =>
  s
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, "")
    .toLowerCase();

/** A phrasing as staff may add it: one line of what a user would type, with no placeholder, secret, personal number, and more than a lone word. */
export function checkPhrasing(p: string): string | null {
  const t = p.trim();
  if ([...t].length > 200) return "问法太长（最多 200 字）";
  if (/[\r\n]/.test(t)) return "问法只能有一行";
  if (!/[\p{L}\p{N}]/u.test(t)) return `问法没有文字：“${t}”`;
  // Placeholders, hidden secrets, personal numbers and lone words are refused here.
  return phrasingProblem(t);
}

export interface KnowledgeOpsDeps {
  knowledgeDir: string;
  /** dataDir/console/knowledge-history.json */
  historyFile: string;
  understanding: UnderstandingRef;
  clock: Clock;
  /** Defaults to <knowledgeDir>/regression.jsonl. */
  regressionFile?: string;
  /** Leave-one-out "answered" may drop by this many still-reached phrasings (see judge). */
  looTolerance?: number;
  log?: (line: string) => void;
}

export class KnowledgeOps {
  private mutex = new Mutex();
  private db: Low<{ v: 1; changes: ChangeRecord[] }>;
  private cached: { sig: string; figures: FigureSet } | undefined;
  readonly regressionFile: string;

  constructor(private deps: KnowledgeOpsDeps) {
    this.db = new Low(new JSONFile(deps.historyFile), { v: 1, changes: [] });
    this.regressionFile = deps.regressionFile ?? join(deps.knowledgeDir, "regression.jsonl");
  }

  get dir(): string {
    return this.deps.knowledgeDir;
  }

  async init(): Promise<void> {
    await this.db.read();
    this.db.data.changes ??= [];
  }

  history(): ChangeRecord[] {
    return [...this.db.data.changes].reverse();
  }
  change(id: string): ChangeRecord | undefined {
    return this.db.data.changes.find((c) => c.id === id);
  }

  /** The knowledge as the files on disk say now (may differ from the running matcher). */
  private current(): { knowledge: Knowledge | null; problems: string[] } {
    const r = readKnowledge(this.deps.knowledgeDir);
    return { knowledge: r.knowledge, problems: r.problems.map(formatProblem) };
  }

  /** A signature of every file the figures depend on, to reuse the "before" figures. */
  private signature(dir: string): string {
    const files = [join(dir, "out-of-scope.yaml"), join(dir, "lexicon.yaml"), this.regressionFile];
    const ed = join(dir, "entries");
    if (existsSync(ed)) for (const f of readdirSync(ed).sort()) files.push(join(ed, f));
    return files
      .map((f) => {
        try {
          const s = statSync(f);
          return `${f}:${s.size}:${s.mtimeMs}`;
        } catch {
          return `${f}:-`;
        }
      })
      .join("|");
  }

  private async figuresNow(knowledge: Knowledge): Promise<FigureSet> {
    const sig = this.signature(this.deps.knowledgeDir);
    if (this.cached?.sig === sig) return this.cached.figures;
    const figures = await computeFigures(knowledge, readRegression(this.regressionFile).lines, new Matcher(knowledge));
    this.cached = { sig, figures };
    return figures;
  }

  /** Computes the current figures ahead of the first change (in the background, yielding). */
  prewarm(): void {
    void this.mutex
      .runExclusive(async () => {
        const { knowledge } = this.current();
        if (knowledge) await this.figuresNow(knowledge);
      })
      .catch((err) => this.deps.log?.(`console: figures prewarm failed: ${(err as Error).message}`));
  }

  /** Current figures (for the console's knowledge page). */
  async currentFigures(): Promise<FigureSummary | null> {
    const { knowledge } = this.current();
    return knowledge ? summarize(await this.figuresNow(knowledge)) : null;
  }

  /** A copy of the knowledge directory with one file replaced (or removed). */
  private stage(rel: string, content: string | null): string {
    const dir = mkdtempSync(join(tmpdir(), "helpdesk-kb-"));
    const src = this.deps.knowledgeDir;
    cpSync(join(src, "entries"), join(dir, "entries"), { recursive: true });
    for (const f of ["out-of-scope.yaml", "lexicon.yaml"]) if (existsSync(join(src, f))) cpSync(join(src, f), join(dir, f));
    // The tokenizer dictionary is large and never changed here: linked, not copied.
    if (existsSync(join(src, "dict"))) symlinkSync(join(src, "dict"), join(dir, "dict"), "dir");
    const target = join(dir, rel);
    if (content === null) rmSync(target, { force: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileAtomic(target, content);
    }
    return dir;
  }

  /** Reloads the running matcher from the files; on failure keeps the old one. */
  reload(): { ok: true; matcher: Matcher } | { ok: false; problems: string[] } {
    try {
      const k = loadKnowledge(this.deps.knowledgeDir);
      const m = new Matcher(k);
      this.deps.understanding.replace(m);
      return { ok: true, matcher: m };
    } catch (err) {
      const problems = (err as { problems?: Parameters<typeof formatProblem>[0][] }).problems?.map(formatProblem) ?? [(err as Error).message];
      this.deps.log?.(`console: knowledge reload failed, the old knowledge stays: ${problems[0]}`);
      return { ok: false, problems };
    }
  }

  /**
   * Tries `next` as the new content of `rel`; writes, reloads and records it when the files load
   * and (unless `force`) the figures do not drop.
   */
  private async apply(
    rel: string,
    next: string | null,
    meta: Omit<ChangeRecord, "id" | "at" | "file" | "before" | "after" | "figures">,
    force = false,
    matchingUnchanged = false,
  ): Promise<ChangeOutcome> {
    const path = join(this.deps.knowledgeDir, rel);
    const before = existsSync(path) ? readFileSync(path, "utf8") : null;
    const cur = this.current();
    if (!cur.knowledge) return { ok: false, status: 409, error: "知识文件目前有错误，请先修正", problems: cur.problems };
    const staging = this.stage(rel, next);
    try {
      const staged = readKnowledge(staging);
      if (!staged.knowledge) {
        const problems = staged.problems.map((p) =>
          formatProblem({ ...p, file: relative(staging, join(process.cwd(), p.file)).replace(/^(\.\.\/)+/, "") || p.file }),
        );
        return { ok: false, status: 422, error: "修改后的知识文件校验未通过", problems };
      }
      // A change the matcher never reads (a confirmation date) cannot move the figures: not measured.
      let verdict: Verdict = { ok: true, reasons: [], existing: { before: { right: 0, wrong: 0 }, after: { right: 0, wrong: 0 } }, broken: [] };
      let figures: ChangeRecord["figures"] = null;
      let afterFigures: FigureSet | undefined;
      if (!matchingUnchanged) {
        const beforeFigures = await this.figuresNow(cur.knowledge);
        afterFigures = await computeFigures(staged.knowledge, readRegression(this.regressionFile).lines, new Matcher(staged.knowledge));
        verdict = judge(beforeFigures, afterFigures, this.deps.looTolerance ?? 3);
        figures = { before: summarize(beforeFigures), after: summarize(afterFigures) };
        if (!verdict.ok && !force) return { ok: false, status: 409, error: "这项修改会降低准确率，未采纳", figures, verdict };
      }

      if (next === null) rmSync(path, { force: true });
      else writeFileAtomic(path, next);
      const reloaded = this.reload();
      if (!reloaded.ok) {
        if (before === null) rmSync(path, { force: true });
        else writeFileAtomic(path, before);
        return { ok: false, status: 500, error: "重新加载知识失败，已恢复原文件，机器人继续使用原来的知识", problems: reloaded.problems };
      }
      if (afterFigures) this.cached = { sig: this.signature(this.deps.knowledgeDir), figures: afterFigures };
      else if (this.cached) this.cached = { ...this.cached, sig: this.signature(this.deps.knowledgeDir) };
      const change: ChangeRecord = {
        ...meta,
        id: `K${this.deps.clock.now().toString(36)}${randomBytes(3).toString("hex")}`,
        at: this.deps.clock.now(),
        file: rel,
        before,
        after: next,
        figures,
      };
      this.db.data.changes.push(change);
      await this.db.write();
      this.logToKnowledgeDir(change);
      return { ok: true, change, verdict };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /** knowledge/history/changes.jsonl: who changed what and when, next to the files themselves. */
  private logToKnowledgeDir(c: ChangeRecord): void {
    try {
      const dir = join(this.deps.knowledgeDir, "history");
      mkdirSync(dir, { recursive: true });
      const line = {
        id: c.id,
        at: new Date(c.at).toISOString(),
        who: c.who,
        action: c.action,
        file: c.file,
        summary: c.summary,
        topic: c.topic,
        group: c.group,
        phrasings: c.phrasings,
        rollbackOf: c.rollbackOf,
      };
      appendFileSync(join(dir, "changes.jsonl"), JSON.stringify(line) + "\n");
    } catch (err) {
      this.deps.log?.(`console: could not append to knowledge/history: ${(err as Error).message}`);
    }
  }

  /** Adds phrasings to knowledge/entries/<topic>.yaml. */
  addPhrasings(input: { topic: string; phrasings: string[]; who: string }): Promise<ChangeOutcome> {
    return this.mutex.runExclusive(async () => {
      const cur = this.current();
      const entry = cur.knowledge?.byId.get(input.topic);
      if (cur.knowledge && !entry) return { ok: false, status: 404, error: `没有知识条目 ${input.topic}` };
      const rel = join("entries", `${input.topic}.yaml`);
      const path = join(this.deps.knowledgeDir, rel);
      if (!existsSync(path)) return { ok: false, status: 404, error: `没有文件 ${rel}` };
      const bad = input.phrasings.map(checkPhrasing).find((x) => x);
      if (bad) return { ok: false, status: 400, error: bad };
      const have = new Set((entry?.phrasings ?? []).map(phrasingKey));
      const fresh: string[] = [];
      for (const p of input.phrasings.map((x) => x.trim())) {
        const k = phrasingKey(p);
        if (!have.has(k)) {
          have.add(k);
          fresh.push(p);
        }
      }
      if (!fresh.length) return { ok: false, status: 409, error: "这些问法已经在该条目中" };
      const doc = parseDocument(readFileSync(path, "utf8"));
      const seq = doc.get("phrasings", true);
      if (!isSeq(seq)) return { ok: false, status: 422, error: `${rel} 没有 phrasings 列表` };
      for (const p of fresh) seq.add(doc.createNode(p));
      const title = entry?.title ?? input.topic;
      return this.apply(rel, doc.toString(YAML_OUT), {
        who: input.who,
        action: "add-phrasings",
        topic: input.topic,
        phrasings: fresh,
        summary: `为“${title}”（${input.topic}）添加 ${fresh.length} 个问法：${fresh.join("；")}`,
      });
    });
  }

  /** Adds questions to a group of knowledge/out-of-scope.yaml (a new group if the name is new). */
  addOutOfScope(input: { group: string; hint?: string; phrasings: string[]; who: string }): Promise<ChangeOutcome> {
    return this.mutex.runExclusive(async () => {
      const rel = "out-of-scope.yaml";
      const path = join(this.deps.knowledgeDir, rel);
      const bad = input.phrasings.map(checkPhrasing).find((x) => x);
      if (bad) return { ok: false, status: 400, error: bad };
      const name = input.group.trim();
      if (!/^[\p{L}\p{N}_.-]{1,40}$/u.test(name)) return { ok: false, status: 400, error: "分组名须为 1–40 个字母、数字、汉字或 _ . -" };
      const doc: Document = existsSync(path) ? parseDocument(readFileSync(path, "utf8")) : parseDocument("groups: []\n");
      let groups = doc.get("groups", true);
      if (!isSeq(groups)) {
        groups = new YAMLSeq();
        doc.set("groups", groups);
      }
      const seq = groups as YAMLSeq;
      const existing = seq.items.find((g) => isMap(g) && g.get("name") === name);
      const have = new Set<string>();
      if (isMap(existing)) {
        const ps = existing.get("phrasings", true);
        if (isSeq(ps)) for (const p of ps.items) have.add(phrasingKey(String((p as { value?: unknown }).value ?? p)));
      }
      const fresh = [...new Set(input.phrasings.map((p) => p.trim()))].filter((p) => !have.has(phrasingKey(p)));
      if (!fresh.length) return { ok: false, status: 409, error: "这些问法已经在该分组中" };
      if (isMap(existing)) {
        const ps = existing.get("phrasings", true);
        const list = isSeq(ps) ? ps : new YAMLSeq();
        if (!isSeq(ps)) existing.set("phrasings", list);
        for (const p of fresh) list.add(doc.createNode(p));
        if (input.hint?.trim() && !existing.get("hint")) existing.set("hint", input.hint.trim());
      } else {
        const g: Record<string, unknown> = { name };
        if (input.hint?.trim()) g.hint = input.hint.trim();
        g.phrasings = fresh;
        seq.add(doc.createNode(g));
      }
      return this.apply(rel, doc.toString(YAML_OUT), {
        who: input.who,
        action: "out-of-scope",
        group: name,
        phrasings: fresh,
        summary: `把 ${fresh.length} 个问题标为超出范围（分组 ${name}）：${fresh.join("；")}`,
      });
    });
  }

  /** Records that an entry's answer was checked today (entry.confirmed). */
  confirm(input: { topic: string; day: string; who: string }): Promise<ChangeOutcome> {
    return this.mutex.runExclusive(async () => {
      const rel = join("entries", `${input.topic}.yaml`);
      const path = join(this.deps.knowledgeDir, rel);
      if (!existsSync(path)) return { ok: false, status: 404, error: `没有知识条目 ${input.topic}` };
      const doc = parseDocument(readFileSync(path, "utf8"));
      if (doc.get("confirmed") === input.day) return { ok: false, status: 409, error: "今天已经确认过" };
      doc.set("confirmed", input.day);
      const title = String(doc.get("title") ?? input.topic);
      return this.apply(
        rel,
        doc.toString(YAML_OUT),
        {
          who: input.who,
          action: "confirm",
          topic: input.topic,
          summary: `确认“${title}”（${input.topic}）的答案仍然有效：${input.day}`,
        },
        false,
        true,
      );
    });
  }

  /** Puts a change's file back as it was before it; refused if the file changed since. */
  rollback(id: string, who: string): Promise<ChangeOutcome> {
    return this.mutex.runExclusive(async () => {
      const c = this.change(id);
      if (!c) return { ok: false, status: 404, error: "没有这条修改记录" };
      if (c.action === "rollback") return { ok: false, status: 409, error: "回滚记录本身不能再回滚；如需恢复，请重新添加" };
      if (c.rolledBackAt) return { ok: false, status: 409, error: "这条修改已经回滚过" };
      const path = join(this.deps.knowledgeDir, c.file);
      const now = existsSync(path) ? readFileSync(path, "utf8") : null;
      if (now !== c.after) {
        const later = this.db.data.changes.filter((x) => x.file === c.file && x.at >= c.at && x.id !== c.id && !x.rolledBackAt && x.action !== "rollback");
        const hint = later.length ? `请先回滚之后对同一文件的修改：${later.map((x) => x.id).join("、")}` : "该文件在此之后被直接编辑过";
        return { ok: false, status: 409, error: `${c.file} 已在这次修改之后变化，不能直接回滚。${hint}` };
      }
      // Restoring a state that was accepted before: the files must load, the figures are shown only.
      const out = await this.apply(
        c.file,
        c.before,
        { who, action: "rollback", rollbackOf: c.id, topic: c.topic, group: c.group, phrasings: c.phrasings, summary: `回滚：${c.summary}` },
        true,
        c.action === "confirm",
      );
      if (out.ok) {
        c.rolledBackAt = out.change.at;
        c.rolledBackBy = who;
        await this.db.write();
      }
      return out;
    });
  }

  flush(): Promise<void> {
    return this.db.write();
  }
}

/** A change as the console lists it (without the file contents). */
export const changeRow = (c: ChangeRecord) => ({
  id: c.id,
  at: c.at,
  who: c.who,
  action: c.action,
  summary: c.summary,
  topic: c.topic ?? null,
  group: c.group ?? null,
  phrasings: c.phrasings ?? [],
  file: c.file,
  figures: c.figures,
  rollbackOf: c.rollbackOf ?? null,
  rolledBackAt: c.rolledBackAt ?? null,
  rolledBackBy: c.rolledBackBy ?? null,
});
