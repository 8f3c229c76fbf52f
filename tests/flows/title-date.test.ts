import { describe, it, expect } from "vitest";
import { titleDateFlow } from "../../flows/title-date.ts";
import { loadFlowRules } from "../../knowledge/flow-rules.ts";
import { answerOf, fakeContext, runTable } from "./table.ts";

const rules = loadFlowRules();
const flow = titleDateFlow(rules.titleDate);
const T = "register.title-date";
const HOW = ["评审取得", "考试取得", "大、中专毕业生转正定职取得"];
const CITY = ["枣庄", "泰安", "其他城市"];

describe("title-date flow", () => {
  it("starts with the entry's answer, then asks how the title was obtained", () => {
    runTable(flow, fakeContext(), [
      ["职称评审通过时间怎么填", { step: "how", say: [answerOf(T), "怎么取得"], choices: HOW, expects: "pick-or-text", topic: T }],
    ]);
  });

  it.each([
    ["考试取得（by number)", { pick: 1 }, "从考试最后一天（生效时间）起算"],
    ["exam in words", "我是考的", "从考试最后一天（生效时间）起算"],
    ["graduate by label", "大、中专毕业生转正定职取得", "审批之日起算"],
    ["graduate in words (before 考)", "毕业转正定职，也考过试", "审批之日起算"],
  ] as const)("%s", (_name, input, said) => {
    runTable(flow, fakeContext(), [
      ["职称评审通过时间怎么填", { step: "how" }],
      [input, { status: "done", say: [said], topic: T }],
    ]);
  });

  it("reviewed, city unknown → asks the city; 枣庄 → Zaozhuang's rule, and the city is remembered", () => {
    runTable(flow, fakeContext(), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["评审的", { step: "city", say: ["枣庄市和泰安市的填写规则不同"], choices: CITY, expects: "pick-or-text" }],
      [{ pick: 0 }, { status: "done", say: ["按枣庄市的说明：经评审取得职称的，从评审通过之日起算。"], notSay: ["公布之日"], setRegion: "zaozhuang" }],
    ]);
  });

  it("reviewed in Tai'an: asks when, then before → 公布之日, after → 评审通过之日", () => {
    const ask = ["职称评审通过时间怎么填", { step: "how" }] as const;
    runTable(flow, fakeContext(), [
      [...ask],
      ["评审取得", { step: "city" }],
      ["我在泰安", { step: "date", say: ["2021年5月1日前取得的从公布之日起算", "什么时候评审通过"], expects: "text", setRegion: "taian" }],
      ["2020年6月", { status: "done", say: ["请填写公布之日"] }],
    ]);
    runTable(flow, fakeContext({ region: "taian" }), [
      [...ask],
      [{ pick: 0 }, { step: "date" }],
      ["2021.5.20", { status: "done", say: ["请填写评审通过之日"], notSay: ["请填写公布之日"] }],
    ]);
  });

  it("May 2021 without a day asks for the day; 5月1日 itself is not covered and says so", () => {
    runTable(flow, fakeContext({ region: "taian" }), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["评审", { step: "date" }],
      ["2021年5月", { step: "date", say: ["具体是哪一天"], expects: "text" }],
      ["2021年5月1日", { status: "done", say: ["没有写明正好在5月1日当天", "转人工"] }],
    ]);
  });

  it("another city gets Zaozhuang's rule labelled with its source", () => {
    runTable(flow, fakeContext(), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["评审", { step: "city" }],
      ["其他城市", { status: "done", say: ["这是枣庄市的说明", "以当地人社部门的要求为准"] }],
    ]);
  });

  it("does not understand → unhandled, state kept (the core may take it as a new question)", () => {
    runTable(flow, fakeContext(), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["不弄了", { step: "how", unhandled: true }],
      ["评审", { step: "city" }],
      ["算了吧", { step: "city", unhandled: true }],
    ]);
    runTable(flow, fakeContext({ region: "taian" }), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["评审", { step: "date" }],
      ["还有别的问题", { step: "date", unhandled: true }],
      ["不记得了", { status: "done", say: ["职称证书或评审文件上的日期", "2021年5月1日前取得的从公布之日起算"] }],
    ]);
  });

  it("says the rules as the knowledge file has them: an edit reaches the flow", () => {
    const edited = structuredClone(rules.titleDate);
    edited.exam = "（已修改）考试取得的从成绩公布之日起算。";
    edited.review.taian.switch_date = "2022-01-01";
    const f = titleDateFlow(edited);
    runTable(f, fakeContext(), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["考试", { status: "done", say: ["（已修改）考试取得的从成绩公布之日起算。"] }],
    ]);
    // With the switch moved to 2022-01-01, June 2021 is before it.
    const last = runTable(f, fakeContext({ region: "taian" }), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["评审", { step: "date" }],
      ["2021年6月", { status: "done" }],
    ]);
    expect(last.replies[0].text).toBe(edited.review.taian.before);
  });
});

describe("title-date flow listens", () => {
  const now = Date.UTC(2026, 10, 20); // 2026-11-20
  it("“泰安的，评审取得的职称，通过时间怎么填”: how and city from the first message, only the date asked", () => {
    runTable(flow, fakeContext({ region: "taian", now: () => now }), [
      [
        "泰安的，评审取得的职称，通过时间怎么填",
        { step: "date", say: [answerOf(T, "taian"), "评审取得", "什么时候评审通过"], notSay: ["怎么取得的"], expects: "text" },
      ],
      ["前年三月", { status: "done", say: ["2021年5月1日后取得", "评审通过之日"] }],
    ]);
  });
  it.each([
    ["去年", "评审通过之日"],
    ["2020年6月", "公布之日"],
    ["21年4月30号", "公布之日"],
    ["大前年年底", "评审通过之日"],
    ["2021.5", "哪一天"],
  ])("%s is read against the clock", (date, said) => {
    runTable(flow, fakeContext({ region: "taian", now: () => now }), [
      ["职称评审通过时间怎么填", { step: "how" }],
      ["评审", { step: "date" }],
      [date, { status: date === "2021.5" ? "waiting" : "done", step: "date", say: [said] }],
    ]);
  });
  it("a date that cannot be read gets an example; a date at the city step is kept", () => {
    runTable(flow, fakeContext({ now: () => now }), [
      ["评审取得的职称，通过时间怎么填", { step: "city", choices: CITY }],
      ["2021年5月", { step: "city", say: ["记下了时间：2021年5月"], choices: CITY }],
      ["泰安", { step: "date", say: ["2021年5月正好是规则变化的月份"], setRegion: "taian" }],
      ["5月的某天", { step: "date", say: ["格式"] }],
    ]);
  });
});
