// The console's parts on their own: zone arithmetic, working hours, figures, grouping,
// triage, the triage command, the lock file, notices, the change verdict.
import { describe, it, expect } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zonedTime, dayKey, zonedParts } from "../../bot/zoned.ts";
import { DEFAULT_HOURS, isOpen, nextOpening, parseHoursSpec, describeHours, describeOpening } from "../../bot/working-hours.ts";
import { computeFigures, figuresCsv } from "../../adapters/console/figures.ts";
import type { LoggedEvent } from "../../adapters/console/events.ts";
import { similarity, groupUnanswered, collectUnanswered } from "../../adapters/console/learning.ts";
import { cleanTicket, triage } from "../../adapters/console/triage.ts";
import { splitTickets } from "../../adapters/console/cli.ts";
import { withFileLock } from "../../adapters/console/file-lock.ts";
import { AccountStore, verifyPassword, hashPassword } from "../../adapters/console/accounts.ts";
import { NoticeBoard, noticeTexts } from "../../adapters/console/notices.ts";
import { placeNotices } from "../../bot/pipeline/notices.ts";
import { judge, type FigureSet } from "../../adapters/console/regression.ts";
import { checkPhrasing } from "../../adapters/console/knowledge-ops.ts";
import { sharedMatcher } from "../../bot/assistant.ts";
import type { TurnResult } from "../../bot/message.ts";

const at = (d: number, h: number, m = 0) => zonedTime(2026, 11, d, h, m);

describe("Shanghai time, whatever the machine's zone", () => {
  it("converts wall time both ways", () => {
    expect(new Date(zonedTime(2026, 11, 24, 8, 30)).toISOString()).toBe("2026-11-24T00:30:00.000Z");
    expect(dayKey(Date.parse("2026-11-24T16:30:00Z"))).toBe("2026-11-25");
    expect(zonedParts(Date.parse("2026-11-24T16:30:00Z")).weekday).toBe(3);
    expect(dayKey(Date.parse("2026-11-24T16:30:00Z"), "UTC")).toBe("2026-11-24");
  });
});

describe("working hours", () => {
  it("Mon–Fri 08:30–17:30 by default", () => {
    expect(isOpen(at(24, 8, 29))).toBe(false);
    expect(isOpen(at(24, 8, 30))).toBe(true);
    expect(isOpen(at(24, 17, 29))).toBe(true);
    expect(isOpen(at(24, 17, 30))).toBe(false);
    expect(isOpen(at(28, 10))).toBe(false); // Saturday
  });
  it("finds the next opening across the night, the weekend and holidays", () => {
    expect(nextOpening(at(24, 10))).toBe(at(24, 10));
    expect(nextOpening(at(24, 7))).toBe(at(24, 8, 30));
    expect(nextOpening(at(24, 18))).toBe(at(25, 8, 30));
    expect(nextOpening(at(27, 18))).toBe(at(30, 8, 30));
    const h = { ...DEFAULT_HOURS, holidays: ["2026-11-30"], extraDays: ["2026-11-29"] };
    expect(nextOpening(at(28, 12), h)).toBe(at(29, 8, 30)); // a make-up Sunday
    expect(nextOpening(at(29, 18), h)).toBe(zonedTime(2026, 12, 1, 8, 30)); // Monday off
  });
  it("reads a configured window and describes it", () => {
    const h = parseHoursSpec("Mon-Sat 09:00-12:00");
    expect(h.days).toEqual([1, 2, 3, 4, 5, 6]);
    expect(isOpen(at(28, 10), h)).toBe(true);
    expect(isOpen(at(28, 13), h)).toBe(false);
    expect(describeHours(DEFAULT_HOURS)).toBe("周一至周五 08:30–17:30");
    expect(describeOpening(at(25, 8, 30), at(24, 20))).toBe("明天（周三）08:30");
    expect(describeOpening(at(30, 8, 30), at(28, 20))).toBe("11月30日（周一）08:30");
    expect(() => parseHoursSpec("weekdays")).toThrow(/Mon-Fri/);
  });
});

describe("figures", () => {
  const turn = (t: number, band: string, extra: Partial<LoggedEvent> = {}): LoggedEvent =>
    ({
      kind: "turn",
      at: t,
      channel: "web",
      region: null,
      text: "q",
      band,
      topic: band === "answer" ? "register.how" : null,
      offered: [],
      ...extra,
    }) as LoggedEvent;
  it("counts each band, skips acknowledgements and interruptions, keeps empty days", () => {
    const events = [
      turn(at(24, 9), "answer"),
      turn(at(24, 9), "clarify"),
      turn(at(24, 9), "ack"),
      turn(at(24, 9), "interrupt"),
      turn(at(26, 9), "decline", { channel: "wechat", region: "taian" }),
      { kind: "feedback", at: at(26, 10), channel: "wechat", region: "taian", sessionKey: "k", helpful: false, topic: null, question: "q" } as LoggedEvent,
    ];
    const f = computeFigures(events, "2026-11-24", "2026-11-26", "Asia/Shanghai");
    expect(f.days.map((d) => d.questions)).toEqual([2, 0, 1]);
    expect(f.total).toMatchObject({ questions: 3, answered: 1, clarified: 1, declined: 1, negative: 1 });
    expect(f.byChannel.wechat).toMatchObject({ declined: 1, negative: 1 });
    expect(f.byRegion.taian.declined).toBe(1);
    expect(f.topTopics).toEqual([{ id: "register.how", count: 1 }]);
  });
  it("writes CSV that spreadsheets read safely", () => {
    const f = computeFigures([turn(at(24, 9), "answer", { channel: "=cmd|' /C calc'!A0" })], "2026-11-24", "2026-11-24", "Asia/Shanghai");
    const csv = figuresCsv(f);
    expect(csv.startsWith("\ufeff日期,")).toBe(true);
    expect(csv).toContain("'=cmd");
  });
});

describe("grouping unanswered questions", () => {
  const m = sharedMatcher();
  it("puts close phrasings together and counts them", () => {
    expect(similarity("收不到验证码", "手机收不到验证码")).toBeGreaterThan(0.5);
    expect(similarity("收不到验证码", "今天天气怎么样")).toBeLessThan(0.2);
    const ev = (text: string, band = "decline"): LoggedEvent =>
      ({ kind: "turn", at: 1, channel: "web", region: null, text, band, topic: null, offered: [] }) as LoggedEvent;
    const items = collectUnanswered(
      [ev("收不到验证码"), ev("收不到验证码"), ev("手机收不到验证码", "clarify"), ev("今天天气怎么样"), ev("[已隐藏]"), ev("好的", "answer")],
      m,
      [],
    );
    const groups = groupUnanswered(items, m);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ representative: "收不到验证码", count: 3, sources: { declined: 2, clarified: 1, negative: 0 } });
    expect(groups[0].phrasings.map((p) => p.text)).toEqual(["收不到验证码", "手机收不到验证码"]);
    // Resolved questions disappear until they are asked again after that.
    const key = groups[0].phrasings[0].key;
    expect(groupUnanswered(collectUnanswered([ev("收不到验证码")], m, [{ key, at: 5, by: "x", action: "dismissed" }]), m)).toHaveLength(0);
  });
});

describe("triage", () => {
  const m = sharedMatcher();
  it("drops chat furniture and our own side of a forwarded chat", () => {
    expect(cleanTicket("---- 转发的消息 ----\n李四 2026-11-20 10:31:05\n用户：登不上去\n客服：请问提示什么\n[10:32] 提示密码错误")).toEqual([
      "登不上去",
      "提示密码错误",
    ]);
  });
  it("names the pasted platform message, the city and the right variant", () => {
    const r = triage("我是肥城的，注册时单位没有统一社会信用代码怎么办", m);
    expect(r.region).toBe("taian");
    expect(r.topics[0].id).toBe("register.no-credit-code");
    expect(r.topics[0].variants).toBeUndefined();
    expect(r.missing.map((x) => x.key)).not.toContain("city");
    const pasted = triage("登录时提示：您选择的登录角色未注册，请选择正确的登录角色", m);
    expect(pasted.topics[0]).toMatchObject({ id: "login.wrong-role", level: "high" });
    expect(pasted.topics[0].platformMessage).toContain("登录角色未注册");
  });
  it("says when nothing matches", () => {
    const r = triage("今天天气怎么样", m);
    expect(r.topics).toEqual([]);
    expect(r.outOfScope).not.toBeNull();
  });
});

describe("helpdesk triage (command line)", () => {
  const run = (args: string[], stdin = "") =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [join(process.cwd(), "bot", "bin.js"), "triage", ...args], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "",
        err = "";
      p.stdout.on("data", (d) => {
        out += d;
      });
      p.stderr.on("data", (d) => {
        err += d;
      });
      p.on("close", (code) => resolve({ code: code ?? -1, out, err }));
      p.stdin.end(stdin);
    });
  it("triages one message as JSON", async () => {
    const r = await run(["登录提示您的账号不存在", "--json"]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).topics[0].id).toBe("login.account-not-found");
  });
  it("triages a file of tickets as a table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "triage-"));
    try {
      writeFileSync(join(dir, "t.txt"), "忘记密码了怎么办\n---\n我是泰安的，往年的学时要申报吗\n");
      const r = await run(["--file", join(dir, "t.txt")]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/#1 .*\n\s+password\.forgot/);
      expect(r.out).toMatch(/#2 +地区：泰安/);
      const j = await run(["--file", "-", "--json"], '{"text":"忘记密码了"}\n{"q":"登不上去"}\n');
      expect(
        j.out
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).ticket),
      ).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("exits 2 without input", async () => {
    expect((await run([])).code).toBe(2);
  });
  it("splits files of tickets", () => {
    expect(splitTickets("a\n---\nb\n\n===\nc")).toEqual(["a", "b", "c"]);
    expect(splitTickets('{"text":"x"}\n{"q":"y"}')).toEqual(["x", "y"]);
    expect(splitTickets("one ticket\nover two lines")).toEqual(["one ticket\nover two lines"]);
  });
});

describe("lock file and accounts", () => {
  it("serialises writers; no update is lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    try {
      let inside = 0,
        max = 0;
      await Promise.all(
        Array.from({ length: 8 }, () =>
          withFileLock(join(dir, "x.lock"), async () => {
            inside++;
            max = Math.max(max, inside);
            await new Promise((r) => setTimeout(r, 5));
            inside--;
          }),
        ),
      );
      expect(max).toBe(1);
      // Two stores on one file (as the server and the CLI are) each add an account at once.
      const file = join(dir, "accounts.json");
      const a = new AccountStore(file),
        b = new AccountStore(file);
      await Promise.all([
        a.create({ name: "one", password: "first-secret-1", role: "admin", by: "t", now: 1 }),
        b.create({ name: "two", password: "second-secret-2", role: "agent", by: "t", now: 1 }),
      ]);
      expect(
        new AccountStore(file)
          .all()
          .map((x) => x.name)
          .sort(),
      ).toEqual(["one", "two"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("verifies scrypt hashes", async () => {
    const h = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", h)).toBe(true);
    expect(await verifyPassword("correct horsE", h)).toBe(false);
    expect(await verifyPassword("x", "plain")).toBe(false);
  });
});

describe("notices and the change verdict", () => {
  it("a notice follows the answer, before a choice prompt", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notice-"));
    try {
      const board = new NoticeBoard(join(dir, "n.json"));
      await board.post({ text: "维护", topics: ["register.how"], startsAt: 0, expiresAt: 100, by: "x", now: 0 });
      const r: TurnResult = {
        replies: [
          { text: "答案", topic: "register.how" },
          { text: "还问了", choices: ["x"] },
        ],
        topic: "register.how",
        offered: [],
        flow: null,
      };
      expect(placeNotices(r.replies, r.topic, noticeTexts(board, "register.how", 50)).map((x) => x.text)).toEqual(["答案", "【通知】维护", "还问了"]);
      expect(placeNotices(r.replies, r.topic, noticeTexts(board, "register.how", 100))).toBe(r.replies);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("refuses more wrong answers or fewer reached phrasings; tolerates a couple of answers turning into choices and one tipping wrong", () => {
    const set = (items: [string, "right" | "clarified" | "wrong" | "declined"][]): FigureSet => ({
      loo: { total: 0, right: 0, clarified: 0, wrong: 0, declined: 0 },
      regression: { total: 0, right: 0, clarified: 0, wrong: 0, declined: 0 },
      looItems: new Map(items),
      regressionItems: [],
    });
    const base = set([
      ["a\u00001", "right"],
      ["a\u00002", "right"],
      ["b\u00001", "clarified"],
    ]);
    expect(
      judge(
        base,
        set([
          ["a\u00001", "clarified"],
          ["a\u00002", "right"],
          ["b\u00001", "clarified"],
          ["new\u00001", "declined"],
        ]),
      ).ok,
    ).toBe(true);
    // One phrasing may tip wrong (index statistics move with any change); two may not.
    expect(
      judge(
        base,
        set([
          ["a\u00001", "wrong"],
          ["a\u00002", "right"],
          ["b\u00001", "clarified"],
        ]),
      ).ok,
    ).toBe(true);
    expect(
      judge(
        base,
        set([
          ["a\u00001", "wrong"],
          ["a\u00002", "wrong"],
          ["b\u00001", "clarified"],
        ]),
      ).ok,
    ).toBe(false);
    expect(
      judge(
        base,
        set([
          ["a\u00001", "wrong"],
          ["a\u00002", "right"],
          ["b\u00001", "declined"],
        ]),
      ).ok,
    ).toBe(false);
    expect(
      judge(
        base,
        set([
          ["a\u00001", "declined"],
          ["a\u00002", "right"],
          ["b\u00001", "clarified"],
        ]),
      ).ok,
    ).toBe(false);
    expect(
      judge(
        base,
        set([
          ["a\u00001", "clarified"],
          ["a\u00002", "clarified"],
          ["b\u00001", "clarified"],
        ]),
        1,
      ).ok,
    ).toBe(false);
  });
  it("checks a phrasing before it is added", () => {
    expect(checkPhrasing("收不到验证码")).toBeNull();
    expect(checkPhrasing("x")).toMatch(/太短/);
    expect(checkPhrasing("两行\n文字")).toMatch(/一行/);
    expect(checkPhrasing("我的号3704**********1234")).toMatch(/遮蔽/);
  });
});
