// Understanding: dialogue act, question focus, the cache key, the learned decision on obvious
// cases, and the lexical fast path that must not load the semantic model.
import { describe, it, expect } from "vitest";
import { detectAct, applyAct } from "../../bot/nlu/act.ts";
import { questionFocus } from "../../bot/nlu/focus.ts";
import { vectorKey, embedText, VectorCache } from "../../bot/nlu/semantic.ts";
import { decideBand, fitGroupLogit, predictGroup, reliabilityTable } from "../../bot/nlu/decide.ts";
import { asksFor, answerCovers } from "../../bot/nlu/features.ts";
import { fitNgram, predictNgram, packNgram, unpackNgram, ngramsOf, NONE } from "../../bot/nlu/ngram.ts";
import { Understander, loadDecisionModel } from "../../bot/nlu/understand.ts";
import { sharedMatcher } from "../../bot/assistant.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("dialogue act", () => {
  it.each([
    ["帮我查一下注册审核进度", "do"],
    ["你帮我把注册撤回吧", "do"],
    ["我要调单位", "do"],
    ["麻烦后台给我撤销注册申请", "do"],
    ["注册审核进度在哪查", "how"],
    ["怎么撤回注册申请", "how"],
    ["专技人员如何调转单位", "how"],
    ["帮我写个年终总结", "none"],
    ["注册选错单位了", "none"],
  ])("%s → %s", (q, act) => expect(detectAct(q)).toBe(act));

  it("turns the how-to topic into its acting flow only when asked to act with the verb", () => {
    expect(applyAct("register.wrong-unit", "do", "帮我撤回注册")).toBe("action.withdraw");
    expect(applyAct("register.review-time", "do", "帮我查下审核进度")).toBe("action.check-progress");
    expect(applyAct("staff.transfer-unit", "do", "我要调单位")).toBe("action.transfer");
    expect(applyAct("register.wrong-unit", "how", "怎么撤回注册")).toBe("register.wrong-unit");
    expect(applyAct("action.withdraw", "how", "怎么撤回注册")).toBe("register.wrong-unit");
    expect(applyAct("password.forgot", "do", "帮我找回密码")).toBe("password.forgot");
  });
});

describe("question focus", () => {
  it("leaves a short question alone", () => expect(questionFocus("忘记密码了怎么办")).toBeUndefined());
  it("takes what follows 想问 in a long story", () => {
    const f = questionFocus("我们单位去年合并了，领导让我负责继续教育这块，之前一直是别人管的，我也不太懂，想问一下单位管理员怎么更换");
    expect(f).toBe("单位管理员怎么更换");
  });
  it("takes the last question of a pasted chat log", () => {
    const log = "张三：今天的会几点开\n李四：下午三点，记得带材料\n王五：好的收到\n张三：对了，注册的时候职称评审通过时间该怎么填？";
    const f = questionFocus(log) ?? "";
    expect(f).toMatch(/^(对了[,，])?注册的时候职称评审通过时间该怎么填[?？]$/);
    expect(f).not.toMatch(/张三|三点/);
  });
});

describe("vector cache", () => {
  it("keys by model and text, ignoring width and spacing", () => {
    expect(vectorKey("m1", "忘记密码 了")).toBe(vectorKey("m1", "忘记密码　了 "));
    expect(vectorKey("m1", "忘记密码")).not.toBe(vectorKey("m2", "忘记密码"));
    expect(vectorKey("m1", "忘记密码")).not.toBe(vectorKey("m1", "忘记账号"));
    expect(embedText("ＡＢＣ  x")).toBe("ABC x");
  });
  it("stores and reads vectors back from disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "vec-"));
    const a = new VectorCache("m1", dir);
    a.set("你好", new Float32Array([0.5, -0.25, 1]));
    a.save();
    const b = new VectorCache("m1", dir);
    expect([...(b.get("你好") ?? [])]).toEqual([0.5, -0.25, 1]);
    expect(b.get("再见")).toBeUndefined();
    expect(new VectorCache("m2", dir).get("你好")).toBeUndefined();
  });
});

describe("decision", () => {
  const costs = { wrongCost: 5, clarifyRight: 0.4, clarifyMiss: 0.3 };
  it("answers when one entry is very likely", () => {
    expect(
      decideBand(
        [
          { id: "a", p: 0.97 },
          { id: "b", p: 0.02 },
        ],
        costs,
      ),
    ).toMatchObject({ band: "answer", id: "a" });
  });
  it("clarifies with two real alternatives when two share the mass", () => {
    const d = decideBand(
      [
        { id: "a", p: 0.48 },
        { id: "b", p: 0.45 },
        { id: "c", p: 0.001 },
      ],
      costs,
    );
    expect(d.band).toBe("clarify");
    expect(d.offered).toEqual(["a", "b"]);
  });
  it("declines when nothing is likely", () => {
    expect(
      decideBand(
        [
          { id: "a", p: 0.2 },
          { id: "b", p: 0.1 },
        ],
        costs,
      ).band,
    ).toBe("decline");
  });
  it("fits a conditional logit that prefers the candidate with the higher score", () => {
    const groups = Array.from({ length: 60 }, (_, i) => ({ xs: [[0.9 - (i % 5) * 0.01], [0.3]], y: i % 10 === 0 ? -1 : 0, weight: 1 }));
    const m = fitGroupLogit(["score"], groups);
    const [p1, p2] = predictGroup(m, [[0.9], [0.3]]);
    expect(p1).toBeGreaterThan(0.6);
    expect(p2).toBeLessThan(0.2);
  });
  it("prints a reliability table", () => {
    const t = reliabilityTable([
      { p: 0.95, right: true },
      { p: 0.15, right: false },
    ]);
    expect(t).toMatch(/0\.9–1\.0\s+1\s+0\.950\s+1\.000/);
    expect(t).toMatch(/Brier/);
  });
  it("sees a question asking for a fact the answer does not hold", () => {
    expect(asksFor("注册要交多少钱")).toContain("fee");
    expect(asksFor("忘记密码怎么办")).toEqual([]);
    expect(answerCovers("可登录平台自行修改").has("fee")).toBe(false);
  });
});

describe("understand() on obvious cases", () => {
  const model = loadDecisionModel();
  it("has a trained decision model in models/", () => expect(model?.full.w.length).toBe(model?.full.features.length));

  it("decides a plain question lexically, without loading the semantic model", async () => {
    let loads = 0;
    const u = new Understander(
      sharedMatcher(),
      model,
      async () => {
        loads++;
        throw new Error("not in this test");
      },
      () => {},
    );
    const r = await u.understand("乡镇人社所怎么注册");
    expect(r.band).toBe("answer");
    expect(r.id).toBe("special.township");
    expect(r.path).toBe("lexical");
    expect(loads).toBe(0);
    expect(u.semanticLoaded).toBe(false);
  });

  it("starts the acting flow from a request to act, and answers how from a how question", () => {
    const u = new Understander(
      sharedMatcher(),
      model,
      async () => {
        throw new Error("lexical only");
      },
      () => {},
    );
    expect(u.understandLexical("帮我撤回注册申请").id).toBe("action.withdraw");
    expect(u.understandLexical("注册选错单位了怎么撤回").id).toBe("register.wrong-unit");
  });

  it("declines another system and keeps the matcher's fields", () => {
    const u = new Understander(
      sharedMatcher(),
      model,
      async () => {
        throw new Error("lexical only");
      },
      () => {},
    );
    const r = u.understandLexical("人事考试网的密码忘了");
    expect(r.band).toBe("decline");
    expect(r.id).toBeNull();
    expect(Array.isArray(r.candidates)).toBe(true);
    expect(typeof r.normalized).toBe("string");
  });

  it("falls back to lexical evidence when the model cannot load", async () => {
    const u = new Understander(
      sharedMatcher(),
      model,
      async () => {
        throw new Error("no model here");
      },
      () => {},
    );
    const r = await u.understand("我们是村卫生室，在平台上该怎么注册呀");
    expect(["answer", "clarify", "decline"]).toContain(r.band);
    expect(r.path).not.toBe("semantic");
  });
});

describe("character n-gram classifier", () => {
  const data = [
    ...["忘记密码了", "密码忘了怎么办", "找回密码", "密码想不起来"].map((text) => ({ text, label: "password.forgot" })),
    ...["怎么调单位", "调转单位", "换单位了怎么办", "单位调动"].map((text) => ({ text, label: "staff.transfer-unit" })),
    ...["今天天气", "讲个笑话", "股票涨了吗", "晚饭吃什么"].map((text) => ({ text, label: NONE })),
  ];
  it("reads 1–3-grams with the ends marked", () => {
    expect(ngramsOf("密码")).toEqual(expect.arrayContaining(["密", "码", "^密", "密码", "码$", "^密码", "密码$"]));
  });
  it("learns the wording and survives packing", () => {
    const m = fitNgram(data, { minDf: 1, epochs: 30 });
    const back = unpackNgram(packNgram(m));
    for (const model of [m, back]) {
      const p = predictNgram(model, "密码忘记了");
      expect(p.get("password.forgot") ?? 0).toBeGreaterThan(p.get("staff.transfer-unit") ?? 1);
      const q = predictNgram(model, "单位调转");
      expect(q.get("staff.transfer-unit") ?? 0).toBeGreaterThan(0.5);
    }
  });
});

describe("mixed language", () => {
  const norm = sharedMatcher().norm;
  it("maps English words of the lexicon as whole words only", () => {
    expect(norm.normalize("register的时候没response")).toContain("注册");
    expect(norm.normalize("forgot password")).toMatch(/忘记.*密码/);
    expect(norm.normalize("community")).toBe("community");
    expect(norm.mapEnglish("How to register? I forgot my Password")).toMatch(/注册.*忘记.*密码/);
    expect(norm.mapEnglish("忘记密码")).toBe("忘记密码");
  });
});

describe("understanding beyond the plain question (lexical evidence)", () => {
  const model = loadDecisionModel();
  const u = new Understander(
    sharedMatcher(),
    model,
    async () => {
      throw new Error("lexical only");
    },
    () => {},
  );
  it("stores the n-gram classifier with the decision model", () => {
    expect(model?.ngram?.classes).toContain(NONE);
    expect(model?.lexical.features).toContain("ngram");
  });
  it("answers the covered question and flags the uncovered one in a mixed message", () => {
    const r = u.understandLexical("忘记登录密码了怎么办？另外社保断缴了怎么补？");
    expect(r.band).toBe("answer");
    expect(r.id).toBe("password.forgot");
    expect(r.uncovered).toBe(true);
    expect(r.uncoveredNote).toMatch(/社保断缴/);
    expect(r.uncoveredNote).toMatch(/转人工/);
  });
  it("does not flag a message whose parts are all covered", () => {
    expect(u.understandLexical("忘记登录密码了怎么办？").uncovered).toBeFalsy();
    expect(u.understandLexical("How do I register on the platform?").uncovered).toBeFalsy();
    expect(u.understandLexical("I forgot my password, how can I reset it").uncovered).toBeFalsy();
  });
  it("sets the region from a county named at the end of a long message", () => {
    const r = u.understandLexical("我们是一家新成立的民营企业，营业执照在外地办的，但是人在这边上班，问了好几个人都说不清楚，我们在宁阳县，这种情况在哪注册？");
    expect(r.place?.region).toBe("taian");
  });
  it.each([
    ["帮我查一下注册审核进度", "action.check-progress"],
    ["给我撤回一下注册申请，选错单位了", "action.withdraw"],
  ])("a request to act starts the acting flow: %s", (q, id) => expect(u.understandLexical(q).id).toBe(id));
});
