import { describe, it, expect } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFlowRules, loadFlowRules } from "../../knowledge/flow-rules.ts";
import { formatProblem, KNOWLEDGE_DIR, loadKnowledge } from "../../knowledge/loader.ts";
import { ALL_FLOWS, buildFlows } from "../../flows/index.ts";
import { KNOWN_IDS } from "../../knowledge/schema.ts";

const squash = (s: string) => s.normalize("NFKC").replace(/[\s，,。;；、]/g, "");

function withCopy(edit: (dir: string) => void): string[] {
  const dir = mkdtempSync(join(tmpdir(), "flow-rules-"));
  try {
    cpSync(join(KNOWLEDGE_DIR, "flows"), join(dir, "flows"), { recursive: true });
    edit(dir);
    const kb = loadKnowledge();
    return readFlowRules(dir, kb.byId).problems.map(formatProblem);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("flow rules (knowledge/flows)", () => {
  it("the shipped files load and agree with their entries", () => {
    const kb = loadKnowledge();
    const { rules, problems } = readFlowRules(KNOWLEDGE_DIR, kb.byId);
    expect(problems).toEqual([]);
    expect(rules?.titleDate.review.taian.switch_date).toBe("2021-05-01");
  });

  it("say what the seeds say (the entries' source passages)", () => {
    const kb = loadKnowledge();
    const r = loadFlowRules();
    const td = kb.byId.get("register.title-date");
    const pw = kb.byId.get("password.forgot");
    const seed = squash((td?.source ?? []).map((s) => s.passage).join("") + (pw?.source ?? []).map((s) => s.passage).join(""));
    for (const clause of [
      "从考试最后一天(生效时间)起算",
      "从具有职称管理权限的人力资源社会保障部门或者主管部门审批之日起算",
      "从评审通过之日起算",
      "2021年5月1日前取得的从公布之日起算",
    ]) {
      expect(seed).toContain(squash(clause));
    }
    expect(squash(r.titleDate.exam)).toContain(squash("从考试最后一天(生效时间)起算"));
    expect(squash(r.titleDate.graduate)).toContain(squash("从具有职称管理权限的人力资源社会保障部门或者主管部门审批之日起算"));
    expect(squash(r.titleDate.review.taian.rule)).toContain(squash("2021年5月1日前取得的从公布之日起算2021年5月1日后取得的从评审通过之日起算"));
    expect(squash(r.password.self_reset)).toContain(squash("通过注册时的邮箱或手机号重置登录密码"));
    expect(squash(r.password.admin_reset)).toContain(squash("查询统计-专技人员信息查询"));
    expect(squash(r.password.admin_reset)).toContain(squash("重置后密码为身份证后六位"));
  });

  it("a missing sentence is reported as file:line", () => {
    const problems = withCopy((dir) => {
      const p = join(dir, "flows", "password.yaml");
      writeFileSync(p, readFileSync(p, "utf8").replace(/^admin_reset: .*$/m, 'admin_reset: ""'));
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/flows[/\\]password\.yaml:\d+: admin_reset: must not be empty/);
    expect(problems[0]).not.toMatch(/:1: /);
  });

  it("a bad switch date and an unknown key are reported with their lines", () => {
    const problems = withCopy((dir) => {
      const p = join(dir, "flows", "title-date.yaml");
      writeFileSync(
        p,
        readFileSync(p, "utf8")
          .replace('switch_date: "2021-05-01"', 'switch_date: "2021-02-30"')
          .replace(/^exam:/m, "exams:"),
      );
    });
    expect(problems.some((p) => /title-date\.yaml:\d+: review\.taian\.switch_date: is not a real day/.test(p))).toBe(true);
    expect(problems.some((p) => /title-date\.yaml:\d+: .*exams/.test(p))).toBe(true);
  });

  it("a per-city rule edited without its entry variant is caught", () => {
    const problems = withCopy((dir) => {
      const p = join(dir, "flows", "title-date.yaml");
      writeFileSync(
        p,
        readFileSync(p, "utf8").replace("  zaozhuang: 经评审取得职称的，从评审通过之日起算。", "  zaozhuang: 经评审取得职称的，从发证之日起算。"),
      );
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/title-date\.yaml:\d+: review\.zaozhuang differs from the register\.title-date entry's variant/);
  });

  it("a missing file is named", () => {
    const problems = withCopy((dir) => rmSync(join(dir, "flows", "password.yaml")));
    expect(problems).toEqual([expect.stringMatching(/password\.yaml:1: file missing/)]);
  });
});

describe("the flow registry", () => {
  it("names are unique and topics are known ids", () => {
    const flows = buildFlows(loadFlowRules());
    expect(new Set(flows.map((f) => f.name)).size).toBe(flows.length);
    for (const f of flows) expect(KNOWN_IDS).toContain(f.topic);
    expect(ALL_FLOWS.map((f) => f.name)).toEqual(flows.map((f) => f.name));
  });
});
