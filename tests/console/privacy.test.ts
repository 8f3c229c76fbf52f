// The console's share of privacy and hardening (issue 12): the learning queue never offers what
// users typed inside flows or a placeholder; the gate refuses placeholders and lone words; the
// audit log keeps no typed ID number and only a short masked excerpt of a reply; listing the
// queue writes nothing; sign-ins are admitted per address and per account before any hash, and
// the hash work is bounded.
import { describe, it, expect, afterAll, beforeAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startConsole, Client, type TestConsole } from "./helpers.ts";
import type { LoggedEvent } from "../../adapters/console/events.ts";
import { EventLog } from "../../adapters/console/events.ts";
import { collectUnanswered } from "../../adapters/console/learning.ts";
import { checkPhrasing } from "../../adapters/console/knowledge-ops.ts";
import { AuditLog, excerpt } from "../../adapters/console/audit.ts";
import { HashGate, HashBusyError, LoginThrottle, DEFAULT_THROTTLE } from "../../adapters/console/auth.ts";
import { ManualClock } from "../../bot/clock.ts";
import { sharedMatcher } from "../../bot/assistant.ts";

const ev = (text: string, band: string, extra: Partial<LoggedEvent> = {}): LoggedEvent =>
  ({ kind: "turn", at: 1, channel: "web", region: null, text, band, topic: null, offered: [], ...extra }) as LoggedEvent;

describe("the learning queue (待学习问题)", () => {
  const m = sharedMatcher();
  it("leaves out flow inputs, flow turns, placeholders, hidden secrets and lone words", () => {
    const items = collectUnanswered(
      [
        ev("张伟", "decline", { inFlow: true }),
        ev("济南市第三人民医院", "clarify", { inFlow: true }),
        ev("763540", "flow"),
        ev("[验证码]", "decline"),
        ev("[已隐藏：疑似密码]", "decline"),
        ev("[身份证号]", "decline"),
        ev("3704**********1234", "decline"),
        ev("审核", "decline"),
        ev("收不到验证码怎么办", "decline"),
      ],
      m,
      [],
    );
    expect(items.map((x) => x.text)).toEqual(["收不到验证码怎么办"]);
  });
  it("does not even keep the text of a flow input in the turn log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "console-events-"));
    try {
      const log = new EventLog(join(dir, "events.jsonl"));
      log.recordTurn({
        at: 1,
        sessionKey: "web:c:u",
        channel: "web",
        region: null,
        text: "370402199001011234",
        band: "clarify",
        topic: null,
        offered: [],
        inFlow: true,
      });
      log.recordTurn({ at: 2, sessionKey: "web:c:u", channel: "web", region: null, text: "张伟", band: "flow", topic: null, offered: [] });
      await log.flush();
      const file = readFileSync(join(dir, "events.jsonl"), "utf8");
      expect(file).not.toContain("3704");
      expect(file).not.toContain("张伟");
      expect(file.trim().split("\n")).toHaveLength(2); // the figures still count both steps
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("the gate refuses placeholders, secrets, personal numbers and lone words as new phrasings", () => {
    expect(checkPhrasing("[身份证号]")).toMatch(/占位符/);
    expect(checkPhrasing("[身份证号]登不上")).toMatch(/占位符/);
    expect(checkPhrasing("［手机号］收不到验证码")).toMatch(/占位符/);
    expect(checkPhrasing("[验证码]")).toMatch(/密码或验证码/);
    expect(checkPhrasing("[已隐藏：疑似密码]")).toMatch(/密码或验证码/);
    expect(checkPhrasing("密码是Abc@12345")).toMatch(/密码或验证码/);
    expect(checkPhrasing("我手机13800000002收不到")).toMatch(/身份证号或手机号/);
    expect(checkPhrasing("审核")).toMatch(/太短/);
    expect(checkPhrasing("密码吗")).toMatch(/太短/);
    expect(checkPhrasing("忘记密码")).toBeNull();
    expect(checkPhrasing("收不到验证码")).toBeNull();
  });
});

describe("the audit log", () => {
  it("masks an ID number or phone typed as the sign-in name, and keeps only a short masked excerpt", async () => {
    const dir = mkdtempSync(join(tmpdir(), "console-audit-"));
    try {
      const audit = new AuditLog(join(dir, "audit.jsonl"));
      await audit.write({ at: 1, who: "370402199001011234", action: "login-failed", target: "13800000002", ok: false });
      const reply = "您好，您的身份证号370402199001011234已核对，注册还在审核中，请耐心等待两个工作日后再查询。";
      await audit.write({ at: 2, who: "wang", action: "ticket-reply", target: "T1", detail: excerpt(reply), ok: true });
      await audit.flush();
      const file = readFileSync(join(dir, "audit.jsonl"), "utf8");
      expect(file).not.toContain("370402199001011234");
      expect(file).not.toContain("13800000002");
      expect(file).not.toContain("请耐心等待");
      const [failed, replied] = file
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(failed.who).toBe("3704**********1234");
      expect([...replied.detail].length).toBeLessThanOrEqual(21);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sign-in limits, before any password hash", () => {
  it("locks an account guessed at from many addresses, and an address guessing many names", () => {
    const clock = new ManualClock(1_000_000);
    const th = new LoginThrottle(clock, DEFAULT_THROTTLE);
    // 100 addresses, one wrong guess each at the same account: the account is locked after 10.
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const ip = `10.0.${i >> 8}.${i & 255}`;
      if (th.admit("agent1", ip) > 0) {
        refused++;
        continue;
      }
      th.done(ip);
      th.fail("agent1", ip);
    }
    expect(refused).toBe(100 - DEFAULT_THROTTLE.maxPerAccount);
    // One address trying many names is locked after maxPerAddress failures.
    let tried = 0;
    for (let i = 0; i < 50; i++) {
      if (th.admit(`name${i}`, "10.9.9.9") > 0) continue;
      tried++;
      th.done("10.9.9.9");
      th.fail(`name${i}`, "10.9.9.9");
    }
    expect(tried).toBe(DEFAULT_THROTTLE.maxPerAddress);
    // Attempts being checked at once from one address are bounded too.
    expect(th.admit("x", "10.8.8.8")).toBe(0);
    expect(th.admit("y", "10.8.8.8")).toBe(0);
    expect(th.admit("z", "10.8.8.8")).toBeGreaterThan(0);
    clock.advance(DEFAULT_THROTTLE.lockMs + 1);
    expect(th.admit("agent1", "10.7.7.7")).toBe(0);
  });
  it("runs at most two hashes at once and refuses what would queue beyond the limit", async () => {
    const gate = new HashGate(2, 3);
    let running = 0,
      most = 0;
    const releases: (() => void)[] = [];
    const work = () =>
      gate.run(
        () =>
          new Promise<void>((resolve) => {
            running++;
            most = Math.max(most, running);
            releases.push(() => {
              running--;
              resolve();
            });
          }),
      );
    const runs = Array.from({ length: 8 }, () =>
      work().then(
        () => "ok",
        (e) => (e instanceof HashBusyError ? "busy" : "error"),
      ),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(gate.load).toEqual({ running: 2, waiting: 3 });
    while (releases.length || gate.load.running) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    const outcomes = await Promise.all(runs);
    expect(outcomes.filter((x) => x === "ok")).toHaveLength(5);
    expect(outcomes.filter((x) => x === "busy")).toHaveLength(3);
    expect(most).toBe(2);
  });
});

describe("over HTTP", () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startConsole();
    await t.addAccount("wang", "agent-secret-01", "agent");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("listing the queue rewrites nothing", async () => {
    const agent = new Client(t.base);
    expect((await agent.login("wang", "agent-secret-01")).status).toBe(200);
    await t.built.web.chat({ conversationId: null, text: "转人工" });
    await t.svc.queue.flush();
    const file = join(t.dataDir, "console", "tickets.json");
    const before = { text: readFileSync(file, "utf8"), mtime: statSync(file).mtimeMs, version: t.svc.queue.version };
    for (let i = 0; i < 5; i++) expect((await agent.get("/api/console/queue")).body.tickets).toHaveLength(1);
    expect({ text: readFileSync(file, "utf8"), mtime: statSync(file).mtimeMs, version: t.svc.queue.version }).toEqual(before);
  });

  it("a flood of wrong sign-ins is refused before hashing; the hash work stays bounded", async () => {
    let verifies = 0,
      most = 0,
      running = 0;
    const accounts = t.svc.accounts;
    const verify = accounts.verify.bind(accounts);
    accounts.verify = async (name, password) => {
      verifies++;
      running++;
      most = Math.max(most, running);
      try {
        return await verify(name, password);
      } finally {
        running--;
      }
    };
    try {
      const pre = await new Client(t.base).get("/api/console/csrf");
      const cookie = `hd_console_pre=${encodeURIComponent(pre.body.token)}`;
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${t.base}/api/console/login`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie, "x-csrf-token": pre.body.token },
            body: JSON.stringify({ name: `guess${i}`, password: "wrong-password" }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect(most).toBeLessThanOrEqual(2);
      expect(verifies).toBeLessThanOrEqual(DEFAULT_THROTTLE.maxPerAddress);
    } finally {
      accounts.verify = verify;
    }
  });
});
