import { describe, it, expect } from "vitest";
import { parseChoiceNumber } from "../../bot/pipeline/interruptions.ts";
import { parseLooseDate, relativeToSwitch } from "../../flows/dates.ts";
import { maskPersonal, looksLikePassword } from "../../bot/mask.ts";

describe("choice numbers", () => {
  it.each([
    ["1", 1],
    ["2.", 2],
    ["第一个", 1],
    ["第3个", 3],
    ["选2", 2],
    ["三", 3],
  ])("%s → %i", (t, n) => {
    expect(parseChoiceNumber(t)).toBe(n);
  });
  it("does not take a year, a date or an ID number for a choice", () => {
    expect(parseChoiceNumber("2020")).toBeUndefined();
    expect(parseChoiceNumber("2020年6月")).toBeUndefined();
    expect(parseChoiceNumber("370402198503122013")).toBeUndefined();
  });
});

describe("dates as people type them", () => {
  it.each([
    ["2020年6月", { year: 2020, month: 6 }],
    ["2020.6.15", { year: 2020, month: 6, day: 15 }],
    ["20年6月", { year: 2020, month: 6 }],
    ["2023-06-01", { year: 2023, month: 6, day: 1 }],
  ])("%s", (t, d) => {
    expect(parseLooseDate(t)).toMatchObject(d);
  });
  it("places dates around 2021-05-01", () => {
    expect(relativeToSwitch({ year: 2020, month: 6 })).toBe("before");
    expect(relativeToSwitch({ year: 2023, month: 6 })).toBe("after");
    expect(relativeToSwitch({ year: 2021, month: 5 })).toBe("need-day");
    expect(relativeToSwitch({ year: 2021, month: 4, day: 30 })).toBe("before");
    expect(relativeToSwitch({ year: 2021, month: 5, day: 2 })).toBe("after");
  });
});

describe("personal data", () => {
  it("masks ID and phone numbers", () => {
    expect(maskPersonal("身份证370402198503122013 手机13800000001")).toBe("身份证3704**********2013 手机138****0001");
  });
  it("spots a password typed into the chat", () => {
    expect(looksLikePassword("我的密码是abc12345")).toBe(true);
    expect(looksLikePassword("忘记密码了怎么办")).toBe(false);
    expect(looksLikePassword("密码是对的为啥老说错误")).toBe(false);
  });
});
