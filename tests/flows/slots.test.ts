import { describe, it, expect } from "vitest";
import { findName, findTargetUnit } from "../../flows/slots.ts";

describe("slots taken from any message", () => {
  it.each([
    ["370481199202084527 王芳", "王芳"],
    ["帮我查一下注册进度 370481199202084527 王芳", "王芳"],
    ["王芳370481199202084527", "王芳"],
    ["我叫张明", "张明"],
    ["姓名：欧阳娜娜", "欧阳娜娜"],
    ["帮我撤回注册", null],
    ["我的调转到哪一步了", null],
    ["算了，不调了", null],
    ["我算了一下学时", null],
  ])("name in %s → %s", (text, name) => expect(findName(text)).toBe(name));

  it.each([
    ["我要从A单位调到B单位", "B单位"],
    ["我要调到枣庄市第二人民医院", "枣庄市第二人民医院"],
    ["从滕州市示例建筑设计院调到枣庄市实验中学怎么办", "枣庄市实验中学"],
    ["调到第二人民医院 370402198503122013 张明", "第二人民医院"],
    ["想调到别的单位", null],
    ["帮我办单位调转", null],
  ])("target unit in %s → %s", (text, unit) => expect(findTargetUnit(text)).toBe(unit));
});
