import { describe, it, expect } from "vitest";
import { sharedMatcher } from "../../bot/assistant.ts";

const norm = () => sharedMatcher().norm;

describe("normalisation", () => {
  it("turns full width into half width and traditional into simplified", () => {
    expect(norm().normalize("ＡＢＣ１２３")).toBe("abc123");
    expect(norm().normalize("帳號登錄")).toContain("账号");
  });
  it("repairs the typos people type", () => {
    const n = norm().normalize("登陆 帐号 帐户 密吗 注测 学识");
    expect(n).toBe("登录 账号 账号 密码 注册 学时");
  });
  it("repairs a homophone typo of a domain word by its pinyin", () => {
    expect(norm().normalize("注册审合进度")).toContain("审核");
  });
  it("maps synonyms to one word", () => {
    expect(norm().normalize("密码不记得了")).toContain("忘记");
    expect(norm().normalize("怎么调动单位")).toContain("调转");
    expect(norm().normalize("登不进去")).toContain("登录不上");
  });
  it("drops punctuation, emoji and polite openers, keeps the question", () => {
    expect(norm().clean("老师您好，请问忘记密码怎么办？？😭")).toBe("忘记密码怎么办");
    expect(norm().clean("麻烦问一下 急急急 点注册没反应!!!")).toBe("点注册没反应");
  });
  it("keeps a greeting when the greeting is the whole message", () => {
    expect(norm().clean("您好")).toBe("您好");
  });
});

describe("tokenisation", () => {
  it("keeps domain words whole and drops function words", () => {
    const t = norm().tokens(norm().clean("职称评审通过时间怎么填"));
    expect(t).toContain("职称评审通过时间");
    expect(t).not.toContain("怎么");
  });
  it("keeps 统一社会信用代码 as one token", () => {
    expect(norm().tokens(norm().clean("没有统一社会信用代码"))).toContain("统一社会信用代码");
  });
});
