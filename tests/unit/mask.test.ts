// The privacy guard's text rules, as tables: personal numbers in every common written form are
// masked and ordinary numbers are not; passwords in any phrasing are spotted and ordinary
// sentences are not; 6-digit codes are hidden from what is logged.
import { describe, expect, it } from "vitest";
import { maskPersonal, looksLikePassword, hideCodes, isBareCode } from "../../bot/mask.ts";
import { loggedText } from "../../bot/pipeline/privacy.ts";
import { W } from "../../bot/wording.ts";

describe("maskPersonal: personal numbers in every written form", () => {
  it.each([
    ["手机13800000001", "手机138****0001"],
    ["+86 138 0000 0002", "+86 138****0002"],
    ["+8613800000002", "+86 138****0002"],
    ["＋８６ １３８ ００００ ０００２", "+86 138****0002"],
    ["138-0000-0005", "138****0005"],
    ["138 0000 0005", "138****0005"],
    ["电话：１３８００００００１０", "电话：138****0010"],
    ["370402198503122013", "3704**********2013"],
    ["身份证3709 0219 9006 1530 21号", "身份证3709**********3021号"],
    ["370902-19900615-3021", "3709**********3021"],
    ["370902 19900615 302X", "3709**********302X"],
    ["37040219850312201x", "3704**********201X"],
    ["３７０４０２１９８５０３１２２０１Ｘ", "3704**********201X"],
    ["老身份证370402850312201", "老身份证3704********201"],
    ["我是2 13800000001", "我是2 138****0001"],
  ])("%s → %s", (input, masked) => {
    expect(maskPersonal(input)).toBe(masked);
  });

  it.each([
    "2021.5.1",
    "2021-05-01",
    "2020年6月15日",
    "共120学时",
    "第3个",
    "123456",
    "验证码000000",
    "12345678901",
    "2020 2021 两年",
    "版本 1.2.3",
    "订单 20210501",
  ])("leaves ordinary numbers alone: %s", (input) => {
    expect(maskPersonal(input)).toBe(input);
  });

  it("no full number survives in any form", () => {
    for (const s of ["+86 138 0000 0002", "138-0000-0005", "3709 0219 9006 1530 21", "370902-19900615-3021"]) {
      const masked = maskPersonal(s);
      expect(masked).toContain("****");
      expect(masked).not.toMatch(/\d{5,}/);
    }
  });
});

describe("looksLikePassword: any phrasing", () => {
  it.each([
    "Zx9#kPq2w",
    "Hello@2024",
    "Ｈｅｌｌｏ＠２０２４",
    "密码 qwer1234",
    "密码Abc@12345登不上",
    "Abc@12345 是我的密码",
    "qwer1234是我的密码",
    "我的密码是abc12345",
    "密码：Abc123",
    "password: x",
    "Password=hunter2",
    "pwd=...",
    "我用Abc@12345登录不上",
    "密码是 Zx9#kPq2w，登不上",
  ])("password: %s", (t) => {
    expect(looksLikePassword(t)).toBe(true);
  });

  it.each([
    "密码是对的",
    "密码忘了怎么办",
    "我的密码错误",
    "忘记密码了怎么办",
    "密码是对的为啥老说错误",
    "管理员重置密码后初始密码是啥",
    "370402198503122013",
    "37040219850312201X",
    "000000",
    "763540",
    "张明",
    "山东省立医院",
    "枣庄市人力资源和社会保障局",
    "https://www.sdzjjxjy.com/login?a=1",
    "zhang.ming@163.com",
    "Windows10",
    "win10",
    "IE11",
    "ERR_CONNECTION_RESET",
    "2021.5.1",
    "360浏览器登不上",
    "13800000001",
    "是",
    "确认",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x1')</script>",
    "alert(1)",
    "a=1&b=2",
    "打开 https://example.com/?a=1&b=2 登不上",
  ])("not a password: %s", (t) => {
    expect(looksLikePassword(t)).toBe(false);
  });
});

describe("one-time codes and the logged text", () => {
  it.each([
    ["763540", W.hiddenCode],
    ["验证码 763540 不对", `验证码 ${W.hiddenCode} 不对`],
    ["2021.5.1 注册的", "2021.5.1 注册的"],
    ["370402198503122013", "3704**********2013"],
  ])("hideCodes(maskPersonal(%s)) → %s", (t, out) => {
    expect(loggedText(t, false)).toBe(out);
  });
  it("a code where the flow expects one and a password are placeholders", () => {
    expect(loggedText("张明", true)).toBe(W.hiddenCode);
    expect(loggedText("Hello@2024", false)).toBe(W.hiddenPassword);
  });
  it("hideCodes leaves dates and longer numbers", () => {
    expect(hideCodes("2021-05-01 与 1234567", "#")).toBe("2021-05-01 与 1234567");
    expect(isBareCode("763 540")).toBe(true);
    expect(isBareCode("2021")).toBe(false);
  });
});
