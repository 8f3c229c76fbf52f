import { describe, it, expect } from "vitest";
import { ask, choose, pickCity, resultFor, yesNo } from "../../flows/kit.ts";
import type { FlowInput } from "../../flows/types.ts";
import { fakeContext, ok } from "./table.ts";

const text = (t: string, choiceIndex?: number): FlowInput => ({ kind: "text", text: t, choiceIndex });
const OPTIONS = [
  { label: "考试取得", value: "exam" },
  { label: "评审取得", value: "review" },
] as const;

describe("kit", () => {
  it("a question keeps its choices out of the text", () => {
    expect(ask("怎么取得的？", ["考试取得", "评审取得"], "t")).toEqual({
      text: "怎么取得的？",
      choices: ["考试取得", "评审取得"],
      expects: "pick-or-text",
      topic: "t",
    });
  });

  it("choose: the core's number or click, then the label typed, then words in their order", () => {
    expect(choose(text("2", 1), OPTIONS)).toBe("review");
    expect(choose(text("9", 8), OPTIONS)).toBeUndefined();
    expect(choose(text(" 考试 取得 "), OPTIONS)).toBe("exam");
    expect(
      choose(text("考评的"), OPTIONS, [
        [/考/, "exam"],
        [/评/, "review"],
      ]),
    ).toBe("exam");
    expect(choose(text("别的"), OPTIONS, [[/考/, "exam"]])).toBeUndefined();
    expect(choose(ok("getTransfer", null), OPTIONS)).toBeUndefined();
  });

  it("yes-no: labels, yes words, no words (no first: 不确认 is a no)", () => {
    const labels = ["确认撤回", "不撤回"] as const;
    expect(yesNo(text("确认撤回"), labels)).toBe(true);
    expect(yesNo(text("1", 0), labels)).toBe(true);
    expect(yesNo(text("好的"), labels)).toBe(true);
    expect(yesNo(text("不确认"), labels)).toBe(false);
    expect(yesNo(text("不撤回"), labels)).toBe(false);
    expect(yesNo(text("嗯？"), labels)).toBeUndefined();
  });

  it("city: a choice, a place named, or 其他 / 外地", () => {
    const ctx = fakeContext();
    expect(pickCity(ctx, text("1", 0))).toBe("zaozhuang");
    expect(pickCity(ctx, text("泰安"))).toBe("taian");
    expect(pickCity(ctx, text("我在滕州"))).toBe("zaozhuang");
    expect(pickCity(ctx, text("青岛"))).toBe("other");
    expect(pickCity(ctx, text("外地的"))).toBe("other");
    expect(pickCity(ctx, text("不知道"))).toBeUndefined();
  });

  it("a result is read only for the op asked", () => {
    const input: FlowInput = ok("sendCode", { maskedPhone: "138****0001" });
    const r = resultFor(input, "sendCode");
    expect(r?.ok && r.data.maskedPhone).toBe("138****0001");
    expect(resultFor(input, "withdraw")).toBeNull();
    expect(resultFor(text("000000"), "sendCode")).toBeNull();
  });
});
