// `helpdesk eval` and `helpdesk replay` as the checkers outside the team run them (CONTRACTS.md).
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = (args: string[]) => execFileSync(process.execPath, [join(ROOT, "bot", "bin.js"), ...args], { encoding: "utf8", cwd: ROOT, timeout: 120_000 });

describe("helpdesk eval", () => {
  it("prints exactly one JSON line per input line, in order, with the contract's fields", () => {
    const dir = mkdtempSync(join(tmpdir(), "eval-"));
    try {
      const lines = [
        { q: "忘记密码了怎么办", expect: "password.forgot" },
        { q: "注册完在哪学习", region: "taian", expect: "hours.where-to-study" },
        { q: "住房公积金怎么提取", expect: null, extra: "ignored" },
        { q: "登陆不上去", region: null },
      ];
      writeFileSync(join(dir, "in.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
      const out = run(["eval", join(dir, "in.jsonl")])
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(out.map((o) => o.q)).toEqual(lines.map((l) => l.q));
      for (const o of out) expect(Object.keys(o).sort()).toEqual(["confidence", "got", "offered", "q", "reply"]);
      expect(out[0].got).toBe("password.forgot");
      expect(out[1].reply).toContain("sdta.yxlearning.com");
      expect(out[1].reply).not.toContain("zzzj.yxlearning.com");
      expect(out[2].got).toBeNull();
      // A question that starts a flow counts as answered with the flow's id and holds the full answer.
      expect(out[3].got).toBe("login.cannot-login");
      expect(out[3].reply).toContain("密码错误请重新输入");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("helpdesk replay", () => {
  it("replays the project's dialogues against the sandbox; every turn meets its checks", () => {
    const file = join(ROOT, "tests", "fixtures", "dialogues.jsonl");
    const dialogues = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const dir = mkdtempSync(join(tmpdir(), "replay-"));
    try {
      writeFileSync(join(dir, "in.jsonl"), dialogues.map(({ id, region, turns }) => JSON.stringify({ id, region, turns })).join("\n"));
      const out = new Map(
        run(["replay", join(dir, "in.jsonl")])
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .map((o) => [o.id, o]),
      );
      const fails: string[] = [];
      for (const d of dialogues) {
        const o = out.get(d.id);
        if (!o || o.turns.length !== d.turns.length) {
          fails.push(`${d.id}: no or short output`);
          continue;
        }
        d.expect.forEach((e: any, i: number) => {
          if (!e) return;
          const t = o.turns[i];
          expect(Object.keys(t).sort()).toEqual(["choices", "flow", "reply", "topic", "user"]);
          if ("topic" in e && t.topic !== e.topic) fails.push(`${d.id} ${i + 1}: topic ${t.topic} != ${e.topic}`);
          if ("flow" in e && t.flow !== e.flow) fails.push(`${d.id} ${i + 1}: flow ${t.flow}`);
          if (e.choices_min && t.choices.length < e.choices_min) fails.push(`${d.id} ${i + 1}: ${t.choices.length} choices`);
          for (const s of e.must ?? []) if (!t.reply.includes(s)) fails.push(`${d.id} ${i + 1}: lacks ${s}`);
          for (const s of e.must_not ?? []) if (t.reply.includes(s)) fails.push(`${d.id} ${i + 1}: has ${s}`);
        });
      }
      expect(fails).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
