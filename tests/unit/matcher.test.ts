// Representative questions and their ids, through the real matcher and knowledge.
import { describe, it, expect } from "vitest";
import { sharedMatcher } from "../../bot/assistant.ts";

const m = () => sharedMatcher();

describe("answers", () => {
  it.each([
    ["登陆不上去了 咋整", "login.cannot-login"],
    ["您的账号不存在，请核对是否输入有误!若未注册，可点此立即注册。", "login.account-not-found"],
    ["登录的时候提示角色未注册", "login.wrong-role"],
    ["提示账号正在审核中 可点击查询审核部门", "login.under-review"],
    ["密马错误请重新输入", "login.wrong-password"],
    ["密码不记得了 怎么找回", "password.forgot"],
    ["注册选错单位了还没审核 怎么办", "register.wrong-unit"],
    ["职称评审通过时间怎么填写", "register.title-date"],
    ["点了注册按钮没反应", "register.no-response"],
    ["单位没有统一社会信用代码怎么注册", "register.no-credit-code"],
    ["专技人员如何调转单位", "staff.transfer-unit"],
    ["往年的学时还需要申报吗", "hours.past-years"],
    ["乡镇人社所怎么注册", "special.township"],
    ["劳务派遣人员在哪个单位注册", "special.dispatched"],
    ["你帮我查查我的注册审核通过没有", "action.check-progress"],
    ["转人工", "handoff.human"],
    ["谢谢 没问题了", "smalltalk.thanks"],
  ])("%s → %s", (q, id) => {
    const r = m().match(q);
    expect(r.band).toBe("answer");
    expect(r.id).toBe(id);
  });
});

describe("bands", () => {
  it.each(["中级职称评审需要准备哪些材料", "社保卡丢了怎么补办", "帮我写一首诗", "人事考试网的密码忘了", "职称申报系统登录不上怎么办"])("declines %s", (q) => {
    const r = m().match(q);
    expect(r.band).toBe("decline");
    expect(r.id).toBeNull();
  });
  it.each([
    ["审核", "login.under-review"],
    ["专技人员怎么调到新单位", "action.transfer"],
  ])("clarifies %s with two or three numbered candidates", (q, id) => {
    const r = m().match(q);
    expect(r.band).toBe("clarify");
    expect(r.offered.length).toBeGreaterThanOrEqual(2);
    expect(r.offered.length).toBeLessThanOrEqual(3);
    expect(r.offered).toContain(id);
  });
  it("offers the second question of a message as a choice", () => {
    const r = m().match("忘记密码了怎么办？另外注册后在哪里学习？");
    expect(r.id).toBe("password.forgot");
    expect(r.offered).toEqual(["hours.where-to-study"]);
  });
});

describe("region from place names", () => {
  it.each([
    ["我是滕州的", "zaozhuang"],
    ["枣庄市中区这边", "zaozhuang"],
    ["岱岳区的老师", "taian"],
    ["我在济宁", "other"],
  ])("%s → %s", (q, region) => {
    expect(m().findPlace(q)?.region).toBe(region);
  });
  it("市中区 or 高新区 alone sets no region", () => {
    expect(m().findPlace("我是市中区的")).toBeUndefined();
    expect(m().findPlace("高新区的单位")).toBeUndefined();
  });
});
