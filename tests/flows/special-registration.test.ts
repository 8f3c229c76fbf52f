import { describe, it } from "vitest";
import { specialRegistration } from "../../flows/special-registration.ts";
import { answerOf, fakeContext, runTable } from "./table.ts";

const T = "register.how";
const CASES = ["人社局内部科室或局属单位", "乡镇人社所", "中央、省驻当地单位", "民营企业 / 非公有制经济组织人员", "自由职业者", "劳务派遣或外派人员"];
const ctx = (region: "zaozhuang" | "taian" | null = null) => fakeContext({ region, classifyAs: { "special.freelancer": /自由职业|个体/ } });
const begin = ["怎么注册", { step: "case", say: [`〔${T}`], choices: CASES, expects: "optional", topic: T }] as const;

describe("special-registration flow", () => {
  it("a case that is the same everywhere → its entry", () => {
    runTable(specialRegistration, ctx(), [
      [...begin],
      ["我是自由职业", { status: "done", say: [answerOf("special.freelancer")], topic: "special.freelancer" }],
    ]);
  });

  it("a case that differs by city, city unknown → asks; the city picked gets that edition and is remembered", () => {
    runTable(specialRegistration, ctx(), [
      [...begin],
      [{ pick: 1 }, { step: "city", state: { id: "special.township" }, choices: ["枣庄", "泰安", "其他城市"], expects: "pick-or-text" }],
      ["新泰的", { status: "done", say: [answerOf("special.township", "taian")], setRegion: "taian", topic: "special.township" }],
    ]);
  });

  it("city known → the answer at once; another city → labelled", () => {
    runTable(specialRegistration, ctx("zaozhuang"), [[...begin], [{ pick: 0 }, { status: "done", say: [answerOf("special.hrss-internal", "zaozhuang")] }]]);
    runTable(specialRegistration, ctx(), [
      [...begin],
      [{ pick: 2 }, { step: "city" }],
      ["其他城市", { status: "done", say: ["其他城市请以当地人社部门的要求为准"] }],
    ]);
  });

  it("not a case, or not a city → unhandled", () => {
    runTable(specialRegistration, ctx(), [
      [...begin],
      ["学时怎么算", { step: "case", unhandled: true }],
      [{ pick: 3 }, { step: "city" }],
      ["不知道", { step: "city", unhandled: true }],
    ]);
  });
});
