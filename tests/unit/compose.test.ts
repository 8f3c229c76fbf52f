// The region rules of knowledge-ids.md, on the real entries.
import { describe, it, expect } from "vitest";
import { loadKnowledge } from "../../knowledge/loader.ts";
import { composeAnswer } from "../../bot/compose.ts";

const kb = loadKnowledge();
const entry = (id: string) => kb.byId.get(id)!;

describe("region variants", () => {
  it("a known city gets only its own variant, and says which city it is for", () => {
    const zz = composeAnswer(entry("hours.where-to-study"), { region: "zaozhuang" }).text;
    expect(zz).toContain("zzzj.yxlearning.com");
    expect(zz).toContain("枣庄市");
    expect(zz).not.toContain("sdta.yxlearning.com");
    const ta = composeAnswer(entry("hours.where-to-study"), { region: "taian" }).text;
    expect(ta).toContain("ta.tyjrpx.com");
    expect(ta).not.toContain("zzzj.yxlearning.com");
  });
  it("no city known: the common part, each city under its name, and the question which city", () => {
    const c = composeAnswer(entry("special.township"), { region: null });
    expect(c.asksCity).toBe(true);
    expect(c.text).toContain("枣庄市的说明");
    expect(c.text).toContain("泰安市的说明");
    expect(c.text).toContain("哪个城市");
  });
  it("content of one edition only reaches the other city, labelled, with a note", () => {
    const c = composeAnswer(entry("special.responsibilities"), { region: "zaozhuang" });
    expect(c.asksCity).toBe(false);
    expect(c.text).toContain("泰安市的说明");
    expect(c.text).toContain("托底");
    expect(c.text).toContain("您所在城市可能有所不同");
    const t = composeAnswer(entry("hours.standard"), { region: "taian" }).text;
    expect(t).toContain("90学时");
    expect(t).not.toContain("您所在城市可能有所不同");
  });
  it("another Shandong city gets the province-wide answer and a pointer to its 人社 department", () => {
    const c = composeAnswer(entry("hours.where-to-study"), { region: null, otherCity: "济宁" });
    expect(c.asksCity).toBe(false);
    expect(c.text).toContain("济宁当地人社部门");
  });
  it("an entry that does not differ is the same everywhere", () => {
    const a = composeAnswer(entry("password.forgot"), { region: "taian" }).text;
    const b = composeAnswer(entry("password.forgot"), { region: null }).text;
    expect(a).toBe(b);
    expect(a).toContain("身份证后六位");
  });
});

describe("seed repairs", () => {
  const all = kb.entries.map((e) => [e.answer, ...Object.values(e.variants ?? {})].join("\n")).join("\n");
  it.each(["sdzjkf@163.com", "鲁人社字〔2021〕167号", "鲁人社发〔2016〕10号", "忘记登录密码"])("uses the canonical %s", (s) => {
    expect(all).toContain(s);
  });
  it.each(["课自行撤回", "忘记登记密码", "sdz jkf", "163. com"])("has no OCR damage %s", (s) => {
    expect(all).not.toContain(s);
  });
});
