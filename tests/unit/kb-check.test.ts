import { describe, it, expect, beforeEach } from "vitest";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readKnowledge, formatProblem, KNOWLEDGE_DIR } from "../../knowledge/loader.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kb-"));
  cpSync(KNOWLEDGE_DIR, dir, { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
});
const file = (id: string) => join(dir, "entries", `${id}.yaml`);
const problems = () => readKnowledge(dir).problems.map(formatProblem);

describe("kb check", () => {
  it("passes on the repository's knowledge", () => {
    expect(problems()).toEqual([]);
  });
  it("reports a YAML syntax error with file and line", () => {
    const f = file("register.how");
    const lines = readFileSync(f, "utf8").split("\n");
    lines.splice(3, 0, "answer: [unclosed");
    writeFileSync(f, lines.join("\n"));
    const p = problems();
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]).toMatch(/entries\/register\.how\.yaml:\d+: /);
  });
  it("reports an empty answer at its line", () => {
    const f = file("password.forgot");
    const src = readFileSync(f, "utf8").replace(/^answer: \|[\s\S]*?(?=^\w)/m, 'answer: ""\n');
    writeFileSync(f, src);
    const line = src.split("\n").findIndex((l) => l.startsWith("answer:")) + 1;
    expect(problems().join("\n")).toMatch(new RegExp(`password\\.forgot\\.yaml:${line}: answer: must not be empty`));
  });
  it("reports an unknown id and the missing one", () => {
    const f = file("staff.delete-account");
    writeFileSync(f, readFileSync(f, "utf8").replace(/^id: .*$/m, "id: staff.remove"));
    const p = problems().join("\n");
    expect(p).toMatch(/staff\.delete-account\.yaml:1: id: unknown id "staff\.remove"/);
    expect(p).toMatch(/missing entry for id staff\.delete-account/);
  });
  it("reports the same phrasing in two entries with both places", () => {
    const a = file("register.how");
    writeFileSync(a, readFileSync(a, "utf8").replace(/^phrasings:\n/m, "phrasings:\n  - 忘记密码了怎么找回呢\n"));
    const b = file("password.forgot");
    writeFileSync(b, readFileSync(b, "utf8").replace(/^phrasings:\n/m, "phrasings:\n  - 忘记密码了怎么找回呢\n"));
    const p = problems().join("\n");
    expect(p).toMatch(/register\.how\.yaml:\d+: phrasing "忘记密码了怎么找回呢" is also in .*password\.forgot\.yaml:\d+ \(password\.forgot\)/);
  });
});
