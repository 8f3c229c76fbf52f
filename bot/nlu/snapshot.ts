// A snapshot of the validated knowledge and its tokenised texts, so a process answers its first
// question without importing the YAML parser and the schema library or tokenising every phrasing.
// It is keyed by a hash of the knowledge files, the tokenizer dictionaries and the code that reads
// them, so any change makes a new one. A missing snapshot is built by a child process
// (`helpdesk kb snapshot`), which keeps this path synchronous and free of those imports.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KNOWLEDGE_DIR } from "../../knowledge/paths.ts";
import { cacheDirFrom } from "../main/cache-dir.ts";
import type { Knowledge, LoadedEntry } from "../../knowledge/loader.ts";
import type { SoundTable } from "./normalize.ts";

/** What the matcher computed for each text: its topic text and tokens. */
export type Prepared = Record<string, { n: string; tokens: string[] }>;

export interface Snapshot {
  hash: string;
  knowledge: Omit<Knowledge, "byId">;
  prepared: Prepared;
  sounds: SoundTable;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The code whose behaviour the snapshot captures.
// Every module of knowledge/ (reader, schema, checks): a stricter check must not be skipped by an old snapshot.
const knowledgeCode = (sub: string): string[] =>
  readdirSync(join(ROOT, sub), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? knowledgeCode(`${sub}/${d.name}`) : d.name.endsWith(".ts") ? [`${sub}/${d.name}`] : []));
const CODE = [...knowledgeCode("knowledge"), "bot/nlu/snapshot.ts", "bot/nlu/normalize.ts", "bot/nlu/matcher.ts"];

export function knowledgeHash(dir = KNOWLEDGE_DIR): string {
  const h = createHash("sha256");
  const add = (path: string) => {
    if (existsSync(path)) h.update(path.slice(dir.length)).update(readFileSync(path));
  };
  const entries = join(dir, "entries");
  if (existsSync(entries)) for (const f of readdirSync(entries).sort()) add(join(entries, f));
  for (const f of ["out-of-scope.yaml", "lexicon.yaml"]) add(join(dir, f));
  const dict = join(dir, "dict");
  if (existsSync(dict)) for (const f of readdirSync(dict).sort()) add(join(dict, f));
  for (const f of CODE) h.update(readFileSync(join(ROOT, f)));
  h.update(dir);
  return h.digest("hex").slice(0, 24);
}

const cacheDir = () => cacheDirFrom(); // HELPDESK_CACHE_DIR (this also runs in the CLI's short commands, without the whole config)

/** The snapshot for the knowledge as it is now: from the cache, or built by a child process. */
export function loadSnapshot(dir = KNOWLEDGE_DIR): { knowledge: Knowledge; prepared: Prepared; sounds: SoundTable } {
  const hash = knowledgeHash(dir);
  const file = join(cacheDir(), `knowledge-${hash}.json`);
  let snap: Snapshot | undefined;
  try {
    snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
    if (snap.hash !== hash) snap = undefined;
  } catch {
    /* not there yet, or unreadable: build it */
  }
  if (!snap) {
    // The child validates the knowledge (a broken file fails here with file:line) and prints the snapshot.
    const out = execFileSync(process.execPath, [join(ROOT, "bot", "bin.js"), "kb", "snapshot"], {
      encoding: "utf8",
      maxBuffer: 256 << 20,
      env: { ...process.env, HELPDESK_KNOWLEDGE_DIR: dir },
      stdio: ["ignore", "pipe", "inherit"],
    });
    snap = JSON.parse(out) as Snapshot;
    try {
      mkdirSync(cacheDir(), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, out);
      renameSync(tmp, file); // atomic: concurrent processes never see half a file
    } catch {
      /* a read-only cache only costs time */
    }
  }
  const k = snap.knowledge;
  const knowledge: Knowledge = { ...k, byId: new Map(k.entries.map((e: LoadedEntry) => [e.id, e])) };
  return { knowledge, prepared: snap.prepared, sounds: snap.sounds };
}
