// `helpdesk kb check` as CI and staff run it: a copy of the knowledge, one entry file broken in one
// way, the real command, its exit code and the `file:line: message` it prints.
import { describe, it, expect, beforeEach } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readKnowledge, formatProblem, KNOWLEDGE_DIR } from "../../knowledge/loader.ts";
import { runKbCheck } from "../../bot/nlu/evaluate.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bot", "bin.js");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kb-"));
  cpSync(KNOWLEDGE_DIR, join(dir, "k"), { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
});
const kdir = () => join(dir, "k");
const file = (id: string) => join(kdir(), "entries", `${id}.yaml`);
const read = (id: string) => readFileSync(file(id), "utf8");
const write = (id: string, src: string) => writeFileSync(file(id), src);
/** 1-based line of the first line of `src` that `test` accepts. */
const lineOf = (src: string, test: (l: string) => boolean) => src.split("\n").findIndex(test) + 1;
const problems = () => readKnowledge(kdir()).problems.map(formatProblem);

/** Runs a helpdesk command on the copy, in a fresh cache (so a start-up builds its snapshot). */
function helpdesk(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 90_000,
    env: { ...process.env, HELPDESK_KNOWLEDGE_DIR: kdir(), HELPDESK_CACHE_DIR: join(dir, "cache"), HELPDESK_DATA_DIR: join(dir, "data") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The function `helpdesk kb check` calls, in-process: its exit code and what it printed on stderr. */
const kbCheck = (opts: { strict?: boolean } = {}) => {
  const err: string[] = [];
  const code = runKbCheck({ dir: kdir(), quiet: true, strict: opts.strict, out: () => {}, err: (l) => err.push(l) });
  return { code, stderr: err.join("\n") };
};
const at = (id: string, line: number, message: string) => new RegExp(`entries/${id.replace(/\./g, "\\.")}\\.yaml:${line}: ${message}`);

const ROLE = "login.wrong-role";

/** Ways to break one entry file: the edit, then the line and message kb check must print. */
const BREAKS: { name: string; breakIt: () => { id?: string; line: number; message: string } }[] = [
  {
    name: "bad YAML (an unclosed bracket)",
    breakIt: () => {
      const src = read(ROLE).replace(/^related: .*$/m, "related: [login.cannot-login");
      write(ROLE, src);
      return { line: lineOf(src, (l) => l.startsWith("related:")) + 1, message: "" };
    },
  },
  {
    name: "an unknown field",
    breakIt: () => {
      const src = read(ROLE).replace(/^kind: faq$/m, "kind: faq\nowner: 张三");
      write(ROLE, src);
      return { line: lineOf(src, (l) => l.startsWith("owner:")), message: 'unknown field "owner"' };
    },
  },
  {
    name: "an empty answer",
    breakIt: () => {
      const src = read(ROLE).replace(/^answer: \|[\s\S]*?(?=^\w)/m, 'answer: "  "\n');
      write(ROLE, src);
      return { line: lineOf(src, (l) => l.startsWith("answer:")), message: "answer: must not be empty" };
    },
  },
  {
    name: "a phrasing twice in the entry",
    breakIt: () => {
      const src = read(ROLE).replace(/^related:/m, "  - 登录角色不对怎么办？\nrelated:");
      write(ROLE, src);
      const first = lineOf(src, (l) => l === "  - 登录角色不对怎么办");
      return { line: lineOf(src, (l) => l === "  - 登录角色不对怎么办？"), message: `phrasing "登录角色不对怎么办？" repeated \\(first at line ${first}\\)` };
    },
  },
  {
    name: "another entry's phrasing",
    breakIt: () => {
      const src = read(ROLE).replace(/^phrasings:\n/m, "phrasings:\n  - 忘记密码怎么找回\n");
      write(ROLE, src);
      // Reported at the later file (by name), naming the earlier one's place.
      const other = lineOf(read("password.forgot"), (l) => l === "  - 忘记密码怎么找回");
      return {
        id: "password.forgot",
        line: other,
        message: `phrasing "忘记密码怎么找回" is also in .*login\\.wrong-role\\.yaml:${lineOf(src, (l) => l === "  - 忘记密码怎么找回")} \\(login\\.wrong-role\\)`,
      };
    },
  },
  {
    name: "a phrasing without words",
    breakIt: () => {
      const src = read(ROLE).replace(/^phrasings:\n/m, "phrasings:\n  - ？？？\n");
      write(ROLE, src);
      return { line: lineOf(src, (l) => l === "  - ？？？"), message: 'phrasing "？？？" has no words' };
    },
  },
  {
    name: "an out-of-scope example as a phrasing",
    breakIt: () => {
      const src = read(ROLE).replace(/^phrasings:\n/m, "phrasings:\n  - 职称申报材料有哪些\n");
      write(ROLE, src);
      const oos = readFileSync(join(kdir(), "out-of-scope.yaml"), "utf8");
      return {
        id: "__oos",
        line: lineOf(oos, (l) => l.trim() === "- 职称申报材料有哪些"),
        message: `out-of-scope phrasing "职称申报材料有哪些" is also in .*login\\.wrong-role\\.yaml:${lineOf(src, (l) => l === "  - 职称申报材料有哪些")}`,
      };
    },
  },
  {
    name: "an empty variants block",
    breakIt: () => {
      const src = read(ROLE).replace(/^platform_messages:/m, "variants: {}\nplatform_messages:");
      write(ROLE, src);
      return { line: lineOf(src, (l) => l.startsWith("variants:")), message: "variants is empty" };
    },
  },
  {
    name: "a confirmed date that does not exist",
    breakIt: () => {
      const src = read(ROLE).replace(/^confirmed: .*$/m, "confirmed: 2026-02-30");
      write(ROLE, src);
      return { line: lineOf(src, (l) => l.startsWith("confirmed:")), message: "confirmed: 2026-02-30 is not a date" };
    },
  },
  {
    name: "a faq answer without its seed passage",
    breakIt: () => {
      const src = read(ROLE).replace(/^source:\n[\s\S]*?(?=^answer:)/m, "source: []\n");
      write(ROLE, src);
      return { line: lineOf(src, (l) => l.startsWith("source:")), message: "source: a faq answer needs the seed passage" };
    },
  },
];

describe("kb check", () => {
  it("finds nothing in the repository's knowledge, warnings included", () => {
    expect(readKnowledge(KNOWLEDGE_DIR, { strict: true }).problems.map(formatProblem)).toEqual([]);
  });

  it("exits 0 on the clean knowledge and prints the leave-one-out figure", () => {
    const r = helpdesk("kb", "check", "--quiet", "--strict");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/no errors\nleave-one-out: answered right \d/);
    expect(r.code).toBe(0);
  }, 90_000);

  const REAL = new Set(["bad YAML (an unclosed bracket)", "an unknown field", "an empty answer", "another entry's phrasing"]);

  it.each(BREAKS)(
    "exits 1 and names file:line for $name",
    ({ name, breakIt }) => {
      const want = breakIt();
      // A few through the real command (exit code included), the rest through the function it calls.
      const r = REAL.has(name) ? helpdesk("kb", "check", "--quiet") : kbCheck();
      expect(r.code).toBe(1);
      const first = r.stderr.split("\n")[0];
      if (want.id === "__oos") expect(first).toMatch(new RegExp(`out-of-scope\\.yaml:${want.line}: ${want.message}`));
      else expect(first).toMatch(at(want.id ?? ROLE, want.line, want.message));
      // The broken file is named once, not echoed as a missing entry.
      expect(r.stderr).not.toMatch(/missing entry/);
      expect(r.stderr).toMatch(/kb check: \d+ error\(s\)/);
    },
    90_000,
  );

  it("names a file that is not an entry, and the id that is then missing", () => {
    writeFileSync(join(kdir(), "entries", `${ROLE}.yaml.bak`), read(ROLE));
    rmSync(file(ROLE));
    mkdirSync(join(kdir(), "entries", "broken.yaml"));
    const p = problems().join("\n");
    expect(p).toMatch(/entries\/login\.wrong-role\.yaml\.bak:1: warning: not read: knowledge files end in \.yaml/);
    expect(p).toMatch(/entries\/broken\.yaml:1: cannot read the file: EISDIR/);
    expect(p).toMatch(/entries:1: missing entry for id login\.wrong-role/);
  });

  it("reports an unknown id at its line, and a copy of an entry under another name", () => {
    const src = read("staff.delete-account").replace(/^id: .*$/m, "id: staff.remove");
    write("staff.delete-account", src);
    writeFileSync(join(kdir(), "entries", "copy.yaml"), read(ROLE));
    const p = problems().join("\n");
    expect(p).toMatch(/staff\.delete-account\.yaml:1: id: unknown id "staff\.remove"/);
    expect(p).toMatch(/copy\.yaml:1: file name should be login\.wrong-role\.yaml/);
    expect(p).toMatch(/login\.wrong-role\.yaml:1: id login\.wrong-role is also defined in .*copy\.yaml/);
  });

  it("warns about a confirmed date after today; --strict makes the warning fail", () => {
    const src = read(ROLE).replace(/^confirmed: .*$/m, "confirmed: 2999-01-01");
    write(ROLE, src);
    const line = lineOf(src, (l) => l.startsWith("confirmed:"));
    const lax = kbCheck();
    expect(lax.stderr).toMatch(at(ROLE, line, "warning: confirmed: 2999-01-01 is after today"));
    expect(lax.code).toBe(0);
    const strict = kbCheck({ strict: true });
    expect(strict.stderr).toMatch(at(ROLE, line, "confirmed: 2999-01-01 is after today"));
    expect(strict.code).toBe(1);
  }, 120_000);

  it("reports a missing tokenizer dictionary instead of letting the tokenizer abort", () => {
    rmSync(join(kdir(), "dict", "idf.tiny.utf8"));
    const r = kbCheck();
    expect(r.stderr).toMatch(/dict\/idf\.tiny\.utf8:1: tokenizer dictionary missing/);
    expect(r.code).toBe(1);
  }, 90_000);

  it("finds with the matcher a phrasing that another entry's reads the same as (traditional characters)", () => {
    const src = read(ROLE).replace(/^phrasings:\n/m, "phrasings:\n  - 忘記密碼怎麼找回\n");
    write(ROLE, src);
    const r = kbCheck();
    expect(r.code).toBe(1);
    const line = lineOf(src, (l) => l === "  - 忘記密碼怎麼找回");
    const other = lineOf(read("password.forgot"), (l) => l === "  - 忘记密码怎么找回");
    expect(r.stderr).toMatch(
      at(
        "password.forgot",
        other,
        `phrasing "忘记密码怎么找回" reads the same to the matcher as "忘記密碼怎麼找回" in .*login\\.wrong-role\\.yaml:${line} \\(login\\.wrong-role\\)`,
      ),
    );
  }, 90_000);

  it("stops start-up with file:line when the knowledge snapshot is built from a broken file", () => {
    const src = read(ROLE).replace(/^title: .*$/m, 'title: ""');
    write(ROLE, src);
    const r = helpdesk("ask", "忘记密码了怎么办");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      at(
        ROLE,
        lineOf(src, (l) => l.startsWith("title:")),
        "title: must not be empty",
      ),
    );
    expect(r.stdout).toBe("");
  }, 90_000);
});
