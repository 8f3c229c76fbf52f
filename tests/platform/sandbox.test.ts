// The sandbox platform on real lowdb files in a temporary directory, with a hand-moved clock.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../bot/clock.ts";
import { SandboxPlatform } from "../../adapters/platform/sandbox.ts";
import { createPlatform } from "../../adapters/platform/index.ts";
import { PlatformError } from "../../adapters/platform/types.ts";

const ZHANG = "370402198503122013"; // pending at 枣庄市示例第一中学
const LI = "370902199006153021"; // approved
const WANG = "370481199202084527"; // rejected
const ZHAO = "370911198807231634"; // employer admin only
const SUN = "370403199304113844"; // transfer pending_out
const ZHOU = "370982199511302755"; // not registered
const CHEN = "370405198709051264"; // approved, nothing pending
const LIU = "370402198804162019"; // approved, 学时申报 pending

let dir: string;
let clock: ManualClock;
let p: SandboxPlatform;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-test-"));
  clock = new ManualClock();
  p = await SandboxPlatform.open({ dir, clock, fixedCode: false });
});
afterEach(async () => {
  await p.close();
  await rm(dir, { recursive: true, force: true });
});

async function outbox(d = dir): Promise<Array<{ phone: string; code: string; purpose: string; time: string }>> {
  const text = await readFile(join(d, "outbox.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
async function lastCode(): Promise<string> {
  const o = await outbox();
  return o[o.length - 1].code;
}
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return (e as PlatformError).code;
  }
  throw new Error("expected a PlatformError");
}
async function unitId(name: string): Promise<string> {
  const [u] = await p.findUnits(name);
  expect(u?.name).toBe(name);
  return u.id;
}

describe("demo people (sandbox-people.md)", () => {
  it("张明: professional, pending since 2026-11-10, reviewed by 枣庄市示例第一中学", async () => {
    const r = await p.getRegistration(ZHANG, "张明");
    expect(r).toMatchObject({ role: "professional", state: "pending", unit: { name: "枣庄市示例第一中学", role: "employer", city: "zaozhuang" } });
    expect(r!.reviewer).toEqual(r!.unit);
    expect(r!.submittedAt.slice(0, 10)).toBe("2026-11-10");
    expect(JSON.stringify(r)).not.toContain("1380000"); // the reviewer is a unit, never a phone
    expect(await p.getAccount(ZHANG)).toMatchObject({ roles: ["professional"], state: "pending" });
    expect(await p.checkLogin(ZHANG, "professional")).toBe("pending");
    const sup = (await p.findUnits("枣庄市教育局"))[0];
    expect(sup).toMatchObject({ name: "枣庄市教育局", role: "supervisor" });
  });

  it("李华: approved at 泰安市示例人民医院 (supervisor 泰安市卫生健康委员会)", async () => {
    expect(await p.getRegistration(LI, "李华")).toMatchObject({ role: "professional", state: "approved", unit: { name: "泰安市示例人民医院", city: "taian" } });
    expect(await p.getAccount(LI)).toMatchObject({ roles: ["professional"], state: "approved" });
    expect(await p.checkLogin(LI, "professional")).toBe("ok");
    expect(await p.getTransfer(LI)).toBeNull();
  });

  it("王芳: rejected, 所学专业填写有误", async () => {
    expect(await p.getRegistration(WANG, "王芳")).toMatchObject({
      state: "rejected",
      rejectReason: "所学专业填写有误",
      unit: { name: "滕州市示例建筑设计院" },
    });
    expect(await p.checkLogin(WANG, "professional")).toBe("rejected");
  });

  it("赵强: employer administrator only, approved; logging in as a professional is the wrong role", async () => {
    expect(await p.getRegistration(ZHAO, "赵强")).toMatchObject({
      role: "employer",
      state: "approved",
      unit: { name: "泰安市岱岳区示例农业技术推广站", role: "employer" },
      reviewer: { role: "supervisor" },
    });
    expect(await p.getAccount(ZHAO)).toMatchObject({ roles: ["employer"], state: "approved" });
    expect(await p.checkLogin(ZHAO, "professional")).toBe("wrong_role");
    expect(await p.checkLogin(ZHAO, "employer")).toBe("ok");
  });

  it("孙丽: approved, transfer out pending at 薛城区示例小学 towards 枣庄市示例第一中学", async () => {
    expect(await p.getRegistration(SUN, "孙丽")).toMatchObject({ state: "approved", unit: { name: "薛城区示例小学" } });
    expect(await p.getTransfer(SUN)).toMatchObject({ state: "pending_out", from: { name: "薛城区示例小学" }, to: { name: "枣庄市示例第一中学" } });
  });

  it("周杰: not registered", async () => {
    expect(await p.getRegistration(ZHOU, "周杰")).toBeNull();
    expect(await p.getAccount(ZHOU)).toBeNull();
    expect(await p.checkLogin(ZHOU, "professional")).toBe("no_account");
    expect(await errorOf(p.sendCode(ZHOU, "withdraw"))).toBe("not_found");
  });

  it("陈静: approved at 台儿庄区示例卫生院, nothing pending", async () => {
    expect(await p.getRegistration(CHEN, "陈静")).toMatchObject({ state: "approved", unit: { name: "台儿庄区示例卫生院" } });
    expect(await p.getTransfer(CHEN)).toBeNull();
  });

  it("370402198503122015 is invalid at once, for every operation", async () => {
    const bad = "370402198503122015";
    expect(await errorOf(p.getRegistration(bad, "张明"))).toBe("invalid_id");
    expect(await errorOf(p.getAccount(bad))).toBe("invalid_id");
    expect(await errorOf(p.sendCode(bad, "withdraw"))).toBe("invalid_id");
    expect(await errorOf(p.withdrawRegistration(bad, "000000", "k"))).toBe("invalid_id");
    expect(await errorOf(p.getTransfer(bad))).toBe("invalid_id");
    expect(existsSync(join(dir, "outbox.jsonl"))).toBe(false);
  });

  it("a name that does not match reads as not found (privacy)", async () => {
    expect(await p.getRegistration(ZHANG, "张三")).toBeNull();
    expect(await p.getRegistration(ZHANG, " 张 明 ")).not.toBeNull();
  });
});

describe("withdrawing a pending registration", () => {
  it("sends a code to the registered phone and withdraws with it", async () => {
    expect(await p.sendCode(ZHANG, "withdraw")).toEqual({ maskedPhone: "138****0001" });
    const [sms] = await outbox();
    expect(sms).toMatchObject({ phone: "13800000001", purpose: "withdraw", time: new Date(clock.now()).toISOString() });
    expect(sms.code).toMatch(/^\d{6}$/);
    // The state keeps only a hash.
    expect(await readFile(join(dir, "platform.json"), "utf8")).not.toContain(`"${sms.code}"`);

    const r = await p.withdrawRegistration(ZHANG, sms.code, "w-1");
    expect(r).toMatchObject({ state: "withdrawn", decidedAt: new Date(clock.now()).toISOString() });
    expect(await p.getRegistration(ZHANG, "张明")).toMatchObject({ state: "withdrawn" });
    expect(await p.getAccount(ZHANG)).toBeNull();
  });

  it("a repeat with the same key returns the first result and does not act twice", async () => {
    await p.sendCode(ZHANG, "withdraw");
    const first = await p.withdrawRegistration(ZHANG, await lastCode(), "w-2");
    // He registers again (the right unit this time); the old key must not withdraw the new one.
    clock.advance(60_000);
    await p.register({ role: "professional", idNumber: ZHANG, name: "张明", phone: "13800000001", unitId: await unitId("枣庄市实验中学") });
    const again = await p.withdrawRegistration(ZHANG, "999999", "w-2");
    expect(again).toEqual(first);
    expect(await p.getRegistration(ZHANG, "张明")).toMatchObject({ state: "pending", unit: { name: "枣庄市实验中学" } });
    // Same key, other person: refused.
    expect(await errorOf(p.withdrawRegistration(CHEN, "000000", "w-2"))).toBe("conflict");
  });

  it("concurrent confirmations with one key act once", async () => {
    await p.sendCode(ZHANG, "withdraw");
    const code = await lastCode();
    const [a, b] = await Promise.all([p.withdrawRegistration(ZHANG, code, "w-3"), p.withdrawRegistration(ZHANG, code, "w-3")]);
    expect(a).toEqual(b);
  });

  it("a wrong code is refused and counts; after 5 the code is dead", async () => {
    await p.sendCode(ZHANG, "withdraw");
    const code = await lastCode();
    const wrong = code === "111111" ? "222222" : "111111";
    for (let i = 0; i < 5; i++) expect(await errorOf(p.withdrawRegistration(ZHANG, wrong, `w-bad-${i}`))).toBe("bad_code");
    expect(await errorOf(p.withdrawRegistration(ZHANG, code, "w-late"))).toBe("code_expired");
    expect(await p.getRegistration(ZHANG, "张明")).toMatchObject({ state: "pending" });
    // A new code works, and a failed attempt did not burn its key.
    await p.sendCode(ZHANG, "withdraw");
    expect(await p.withdrawRegistration(ZHANG, await lastCode(), "w-bad-0")).toMatchObject({ state: "withdrawn" });
  });

  it("a code checked when typed: wrong counts, right gives a grant the action takes (the code is kept for it)", async () => {
    await p.sendCode(ZHANG, "withdraw");
    const code = await lastCode();
    const wrong = code === "111111" ? "222222" : "111111";
    expect(await errorOf(p.verifyCode(ZHANG, "withdraw", wrong))).toBe("bad_code");
    const { grant, expiresAt } = await p.verifyCode(ZHANG, "withdraw", code);
    expect(grant).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(expiresAt)).toBe(clock.now() + 10 * 60_000);
    // Neither the code nor the grant is in the platform's state.
    const state = await readFile(join(dir, "platform.json"), "utf8");
    expect(state).not.toContain(grant);
    expect(state).not.toContain(`"${code}"`);
    // The code typed again at the yes is still right, and its new grant replaces the first.
    const again = await p.verifyCode(ZHANG, "withdraw", code);
    expect(await errorOf(p.withdrawRegistration(ZHANG, grant, "w-g0"))).toBe("bad_code");
    expect(await p.withdrawRegistration(ZHANG, again.grant, "w-g1")).toMatchObject({ state: "withdrawn" });
    expect(await errorOf(p.verifyCode(ZHANG, "withdraw", code))).toBe("code_expired"); // used once
  });

  it("a grant expires with its code", async () => {
    await p.sendCode(CHEN, "transfer");
    const { grant } = await p.verifyCode(CHEN, "transfer", await lastCode());
    clock.advance(10 * 60_000);
    expect(await errorOf(p.startTransfer(CHEN, "zz-e06", grant, "t-g1"))).toBe("code_expired");
  });

  it("a code expires after 10 minutes (clock)", async () => {
    await p.sendCode(ZHANG, "withdraw");
    const code = await lastCode();
    clock.advance(10 * 60_000);
    expect(await errorOf(p.withdrawRegistration(ZHANG, code, "w-exp"))).toBe("code_expired");
    await p.sendCode(ZHANG, "withdraw");
    clock.advance(9 * 60_000);
    expect(await p.withdrawRegistration(ZHANG, await lastCode(), "w-exp")).toMatchObject({ state: "withdrawn" });
  });

  it("a code for another purpose or a replaced code does not work", async () => {
    await p.sendCode(ZHANG, "withdraw");
    const old = await lastCode();
    await p.sendCode(ZHANG, "withdraw");
    const fresh = await lastCode();
    if (old !== fresh) expect(await errorOf(p.withdrawRegistration(ZHANG, old, "w-old"))).toBe("bad_code");
    expect(await p.withdrawRegistration(ZHANG, fresh, "w-fresh")).toMatchObject({ state: "withdrawn" });
  });

  it("nothing to withdraw: no code is sent", async () => {
    expect(await errorOf(p.sendCode(LI, "withdraw"))).toBe("not_pending");
    expect(await outbox()).toEqual([]);
  });

  it("the unit's admin can reject instead (seed §10 方式2)", async () => {
    expect(await p.reviewRegistration(ZHANG, false, "单位选择错误")).toMatchObject({ state: "rejected", rejectReason: "单位选择错误" });
    expect(await errorOf(p.sendCode(ZHANG, "withdraw"))).toBe("not_pending");
    expect(await errorOf(p.reviewRegistration(ZHANG, true))).toBe("not_pending");
  });

  it("every code is 000000 with fixedCode", async () => {
    const q = await SandboxPlatform.open({ dir: await mkdtemp(join(tmpdir(), "sandbox-fixed-")), clock, fixedCode: true });
    try {
      await q.sendCode(ZHANG, "withdraw");
      expect((await outbox(q.dir))[0].code).toBe("000000");
      expect(await q.withdrawRegistration(ZHANG, "000000", "k")).toMatchObject({ state: "withdrawn" });
    } finally {
      await q.close();
      await rm(q.dir, { recursive: true, force: true });
    }
  });
});

describe("transfers (seed §11)", () => {
  it("is refused while anything is pending", async () => {
    const to = await unitId("枣庄市实验中学");
    expect(await errorOf(p.sendCode(SUN, "transfer"))).toBe("has_pending"); // a transfer already
    expect(await errorOf(p.startTransfer(SUN, to, "000000", "t-1"))).toBe("has_pending");
    expect(await errorOf(p.startTransfer(ZHANG, to, "000000", "t-2"))).toBe("has_pending"); // registration pending
    expect(await errorOf(p.startTransfer(LIU, to, "000000", "t-3"))).toBe("has_pending"); // 学时申报 pending
    expect(await errorOf(p.startTransfer(ZHAO, to, "000000", "t-4"))).toBe("not_found"); // no professional registration
  });

  it("completes after the old unit approves out, then the new unit approves in", async () => {
    const to = await unitId("枣庄市示例第一中学");
    expect(await p.sendCode(CHEN, "transfer")).toEqual({ maskedPhone: "138****0007" });
    const code = await lastCode();
    expect(await errorOf(p.startTransfer(CHEN, "no-such-unit", code, "t-x"))).toBe("unit_not_found");
    expect(await errorOf(p.startTransfer(CHEN, await unitId("台儿庄区示例卫生院"), code, "t-y"))).toBe("conflict");

    const t = await p.startTransfer(CHEN, to, code, "t-chen");
    expect(t).toMatchObject({ state: "pending_out", from: { name: "台儿庄区示例卫生院" }, to: { name: "枣庄市示例第一中学" } });
    // Same key again: the first result, no second transfer.
    expect(await p.startTransfer(CHEN, to, "000000", "t-chen")).toEqual(t);
    expect(await errorOf(p.startTransfer(CHEN, await unitId("枣庄市实验中学"), code, "t-chen"))).toBe("conflict");
    expect(await errorOf(p.sendCode(CHEN, "transfer"))).toBe("has_pending");

    expect(await errorOf(p.approveTransferIn(CHEN))).toBe("not_pending"); // the old unit decides first
    expect(await p.approveTransferOut(CHEN)).toMatchObject({ id: t.id, state: "pending_in" });
    expect(await p.getRegistration(CHEN, "陈静")).toMatchObject({ unit: { name: "台儿庄区示例卫生院" } });
    expect(await p.approveTransferIn(CHEN)).toMatchObject({ id: t.id, state: "completed" });
    expect(await p.getTransfer(CHEN)).toMatchObject({ id: t.id, state: "completed" });
    expect(await p.getRegistration(CHEN, "陈静")).toMatchObject({
      state: "approved",
      unit: { name: "枣庄市示例第一中学" },
      reviewer: { name: "枣庄市示例第一中学" },
    });
    // Nothing pending any more: a new transfer may start.
    await p.sendCode(CHEN, "transfer");
  });

  it("孙丽's pending transfer can be approved out and in", async () => {
    await p.approveTransferOut(SUN);
    expect(await p.approveTransferIn(SUN)).toMatchObject({ state: "completed" });
    expect(await p.getRegistration(SUN, "孙丽")).toMatchObject({ unit: { name: "枣庄市示例第一中学" } });
  });

  it("a rejected move out ends the transfer", async () => {
    expect(await p.reviewTransferOut(SUN, false, "手续未办完")).toMatchObject({ state: "rejected", rejectReason: "手续未办完" });
    expect(await p.getRegistration(SUN, "孙丽")).toMatchObject({ unit: { name: "薛城区示例小学" } });
  });
});

describe("registration order (seed §1): supervisor → employer → professional", () => {
  it("each level waits for the one above to be approved", async () => {
    const hrss = await unitId("泰安市人力资源和社会保障局");
    const sup = await p.register({
      role: "supervisor",
      idNumber: ZHOU,
      name: "周杰",
      phone: "13800000006",
      unit: { name: "泰安市示例文化和旅游局", city: "taian", hrssId: hrss },
    });
    expect(sup).toMatchObject({ role: "supervisor", state: "pending", reviewer: { id: hrss, role: "hrss" } });
    const supId = sup.unit.id;
    // An employer cannot register under a supervisor that is still pending.
    const newcomer = "370902199703154011"; // not in the seed data
    expect(
      await errorOf(
        p.register({
          role: "employer",
          idNumber: "370921199408081023",
          name: "钱琳",
          phone: "13800000016",
          unit: { name: "泰安市示例博物馆", city: "taian", supervisorId: supId },
        }),
      ),
    ).toBe("unit_not_found");
    expect(await p.findUnits("文化和旅游局")).toEqual([]); // pending units are not offered
    await p.reviewRegistration(ZHOU, true);
    expect(await p.checkLogin(ZHOU, "supervisor")).toBe("ok");

    const emp = await p.register({
      role: "employer",
      idNumber: "370921199408081023",
      name: "钱琳",
      phone: "13800000016",
      unit: { name: "泰安市示例博物馆", city: "taian", supervisorId: supId },
    });
    expect(emp).toMatchObject({ role: "employer", state: "pending", reviewer: { id: supId } });
    expect(await errorOf(p.register({ role: "professional", idNumber: newcomer, name: "马超", phone: "13900000001", unitId: emp.unit.id }))).toBe(
      "unit_not_found",
    );
    await p.reviewRegistration("370921199408081023", true, undefined, "employer");

    // 钱琳 is now both a professional elsewhere and this unit's admin.
    expect(await p.getAccount("370921199408081023")).toMatchObject({ roles: ["professional", "employer"], state: "approved" });
    const newbie = "370406199212123024"; // 杨柳 already exists as a professional: conflict
    expect(await errorOf(p.register({ role: "professional", idNumber: newbie, name: "杨柳", phone: "13800000019", unitId: emp.unit.id }))).toBe("conflict");
    expect(await errorOf(p.register({ role: "professional", idNumber: newbie, name: "别人", phone: "13800000019", unitId: emp.unit.id }))).toBe(
      "name_mismatch",
    );
    const zhou2 = await p.register({ role: "professional", idNumber: ZHOU, name: "周杰", phone: "13800000006", unitId: emp.unit.id });
    expect(zhou2).toMatchObject({ role: "professional", state: "pending", reviewer: { id: emp.unit.id, name: "泰安市示例博物馆" } });
    expect(await p.checkLogin(ZHOU, "professional")).toBe("pending");
  });

  it("hrss accounts are not registered; an invalid number is refused", async () => {
    expect(await errorOf(p.register({ role: "hrss" as "professional", idNumber: ZHOU, name: "周杰", phone: "13800000006", unitId: "zz-h01" }))).toBe(
      "conflict",
    );
    expect(await errorOf(p.register({ role: "professional", idNumber: "370402198503122015", name: "张明", phone: "13800000001", unitId: "zz-e01" }))).toBe(
      "invalid_id",
    );
  });
});

describe("finding units", () => {
  it("finds by part of the name, best first", async () => {
    expect((await p.findUnits("市第二人民医院"))[0].name).toBe("枣庄市第二人民医院");
    expect((await p.findUnits("实验中学"))[0].name).toBe("枣庄市实验中学");
    expect((await p.findUnits("枣庄二院"))[0].name).toBe("枣庄市第二人民医院");
    expect((await p.findUnits("泰安市中新医院"))[0].name).toBe("泰安市中心医院"); // a typo
    expect((await p.findUnits(" 泰安市 第一中学 "))[0].name).toBe("泰安市第一中学");
    expect(await p.findUnits("")).toEqual([]);
  });

  it("filters by city and role", async () => {
    const taian = await p.findUnits("人民医院", "taian");
    expect(taian.length).toBeGreaterThan(0);
    expect(taian.every((u) => u.city === "taian")).toBe(true);
    expect(taian.map((u) => u.name)).not.toContain("枣庄市第二人民医院");
    const hrss = await p.findUnits("滕州", undefined, { role: "hrss" });
    expect(hrss.map((u) => u.name)).toEqual(["枣庄市滕州市人力资源和社会保障局"]);
  });
});

describe("persistence", () => {
  it("keeps state across a re-open of the same directory and does not seed again", async () => {
    await p.sendCode(ZHANG, "withdraw");
    await p.withdrawRegistration(ZHANG, await lastCode(), "persist-1");
    await p.close();

    p = await SandboxPlatform.open({ dir, clock });
    expect(await p.getRegistration(ZHANG, "张明")).toMatchObject({ state: "withdrawn" });
    expect(await p.withdrawRegistration(ZHANG, "000000", "persist-1")).toMatchObject({ state: "withdrawn" }); // key kept
    const raw = JSON.parse(await readFile(join(dir, "platform.json"), "utf8"));
    expect(raw.version).toBe(1);
  });

  it("two instances on one directory share one file and one write queue", async () => {
    const q = await SandboxPlatform.open({ dir, clock });
    await q.reviewRegistration(ZHANG, true);
    expect(await p.getRegistration(ZHANG, "张明")).toMatchObject({ state: "approved" });
    await q.close();
    expect(await p.getAccount(ZHANG)).toMatchObject({ state: "approved" }); // p still open
  });

  it("createPlatform opens the sandbox from the environment", async () => {
    const d = await mkdtemp(join(tmpdir(), "sandbox-env-"));
    const q = await createPlatform({ HELPDESK_SANDBOX_DIR: d, HELPDESK_SANDBOX_FIXED_CODE: "1" });
    try {
      expect(q).toBeInstanceOf(SandboxPlatform);
      await q.sendCode(ZHANG, "withdraw");
      expect(await q.withdrawRegistration(ZHANG, "000000", "env-1")).toMatchObject({ state: "withdrawn" });
      expect(existsSync(join(d, "platform.json"))).toBe(true);
    } finally {
      await q.close();
      await rm(d, { recursive: true, force: true });
    }
  });
});
