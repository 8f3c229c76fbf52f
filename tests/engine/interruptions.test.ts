import { describe, it, expect } from "vitest";
import { stopWithin, interruptionOf } from "../../bot/pipeline/interruptions.ts";
import { statusFlowOf } from "../../bot/route.ts";

describe("stop said inside a sentence", () => {
  it.each(["算了，不调了", "不想调了", "不办了", "先不弄了", "我不想弄了", "不用查了", "算了吧 以后再说", "等等"])("%s stops", (t) => {
    expect(stopWithin(t)).toEqual({ rest: "" });
  });
  it("a question after a pause word is what the user switches to", () => {
    expect(stopWithin("等等，我密码忘了")).toEqual({ rest: "我密码忘了" });
  });
  it.each(["我算了一下学时", "先不提交", "不撤回", "不记得了", "还没审核", "不知道", "张明"])("%s is no stop", (t) => {
    expect(stopWithin(t)).toBeNull();
    expect(interruptionOf(t)).toBeNull();
  });
});

describe("status questions", () => {
  it.each([
    ["我的调转到哪一步了", "transfer-status"],
    ["我调转的申请新单位接收了没", "transfer-status"],
    ["调动成功了吗", "transfer-status"],
    ["撤回成功了吗", "withdraw-status"],
    ["我刚才撤回了 成功了没有", "withdraw-status"],
    ["单位调转怎么办理", null],
    ["撤回后多久可以重新注册", null],
    ["怎么撤回注册", null],
    ["调转需要多久", null],
  ] as const)("%s → %s", (t, f) => expect(statusFlowOf(t)).toBe(f));
});
