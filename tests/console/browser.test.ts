// The console in real headless Chromium against the real server: sign in, triage a pasted
// ticket, take a handed-off widget conversation and reply (seen in the widget of a second
// page), add a phrasing from the unanswered list and see the bot answer it without a restart,
// roll it back. Accessibility checked with axe-core. A browser that cannot start fails.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startConsole, type TestConsole } from "./helpers.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let t: TestConsole;
let browser: Browser;
let agentCtx: BrowserContext;
let userCtx: BrowserContext | undefined;
let con: Page; // the agent's console
let user: Page; // a user's page with the widget

beforeAll(async () => {
  t = await startConsole();
  await t.addAccount("boss", "admin-secret-01", "admin");
  // No fallback and no skip: if Chromium cannot start, this throws and the tests fail.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  agentCtx = await browser.newContext({ locale: "zh-CN" });
  await agentCtx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.base });
  con = await agentCtx.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Serious accessibility problems on the page, as axe-core reports them. */
async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  return result;
}

// The widget's messages (explicit listitems; numbered lines inside a message are plain <li>).
const widgetItems = (p: Page) => p.getByRole("log").locator('[role="listitem"]');
async function openWidget(): Promise<void> {
  userCtx = await browser.newContext({ locale: "zh-CN" }); // a new visitor, a new conversation
  user = await userCtx.newPage();
  await user.goto(`${t.base}/`);
  await user.getByRole("button", { name: "在线客服" }).click();
  await user.getByRole("textbox", { name: "输入问题" }).waitFor();
}
/** Sends a message in the widget; returns what the bot said back. */
async function widgetSay(text: string): Promise<string> {
  const before = await widgetItems(user).count();
  await user.getByRole("textbox", { name: "输入问题" }).fill(text);
  await user.getByRole("button", { name: "发送", exact: true }).click();
  await user.waitForFunction(
    (n) => {
      const host = [...document.querySelectorAll("*")].find((e) => e.shadowRoot);
      return (host?.shadowRoot?.querySelectorAll('[role="listitem"]').length ?? 0) >= n;
    },
    before + 2,
    { timeout: 10_000 },
  );
  const texts = await widgetItems(user).allTextContents();
  return texts.slice(before + 1).join("\n");
}

describe("the console in a browser", () => {
  it("signs in (sign-in page first), with no serious accessibility problems", async () => {
    await con.goto(`${t.base}/console`);
    expect(await con.getByRole("heading", { name: "客服工作台" }).isVisible()).toBe(true);
    expect(await axeProblems(con)).toEqual([]);
    await con.getByLabel("账号").fill("boss");
    await con.getByLabel("密码").fill("wrong-password");
    await con.getByRole("button", { name: "登录" }).click();
    await con.getByRole("alert").filter({ hasText: "账号或密码错误" }).waitFor();
    await con.getByLabel("密码").fill("admin-secret-01");
    await con.getByRole("button", { name: "登录" }).click();
    await con.locator("#me").filter({ hasText: "boss（管理员）" }).waitFor();
    expect(await con.getByRole("tab", { name: "管理" }).isVisible()).toBe(true);
    expect(await axeProblems(con)).toEqual([]);
  });

  it("triages a pasted ticket: topic, region, what is missing, a copyable answer", async () => {
    await con.getByRole("tab", { name: "工单分诊" }).click();
    await con
      .getByLabel(/粘贴用户的消息或工单/)
      .fill(
        [
          "王老师 2026-11-20 14:02:11",
          "您好，我是新泰一中的老师，登录的时候提示：您选择的登录角色未注册，请选择正确的登录角色",
          "王老师 2026-11-20 14:02:30",
          "我手机号13912345678",
        ].join("\n"),
      );
    await con.getByRole("button", { name: "分析" }).click();
    const card = con.locator('[data-topic="login.wrong-role"]');
    await card.waitFor();
    expect(await con.locator("#triage-region-result").textContent()).toContain("泰安市");
    expect(await card.textContent()).toContain("置信度");
    const answer = (await card.locator("pre.answer").first().textContent()) ?? "";
    expect(answer).toContain("登录角色");
    await card.getByRole("button", { name: "复制答复" }).click();
    await card.getByRole("button", { name: "已复制" }).waitFor();
    expect(await con.evaluate(() => navigator.clipboard.readText())).toBe(answer);
    expect(await con.locator("#triage-result").textContent()).not.toContain("13912345678");
    expect(await axeProblems(con)).toEqual([]);
  });

  it("takes a handed-off widget conversation and replies; the widget shows it; the bot stays quiet", async () => {
    await openWidget();
    await widgetSay("我的身份证号是370402199001011234，注册的时候单位选错了");
    await user.getByRole("button", { name: "转人工" }).click();
    await user.getByRole("listitem").filter({ hasText: "正在为您转接人工客服" }).waitFor();

    await con.getByRole("tab", { name: /转人工队列/ }).click();
    const row = con.locator("#queue-list button").first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain("等待接手");
    await row.click();
    const log = con.getByRole("log", { name: "对话记录" });
    await log.getByText("3704**********1234", { exact: false }).waitFor();
    expect(await log.textContent()).not.toContain("370402199001011234");
    await con.getByRole("button", { name: "接手", exact: true }).click();
    await user.getByRole("listitem").filter({ hasText: "人工客服已接入" }).waitFor({ timeout: 10_000 });

    await con.getByLabel("回复用户").fill("您好，注册还在审核中的话，可以在“注册审核进度查询”里撤回后重新注册。");
    await con.getByRole("button", { name: "发送", exact: true }).click();
    await user.getByRole("listitem").filter({ hasText: "注册还在审核中的话" }).waitFor({ timeout: 10_000 });
    expect(await axeProblems(con)).toEqual([]);

    // The user answers: it reaches the agent, and the bot says nothing.
    const before = await widgetItems(user).count();
    await user.getByRole("textbox", { name: "输入问题" }).fill("好的，我去看看，现在还是审核中");
    await user.getByRole("button", { name: "发送", exact: true }).click();
    await log.getByText("好的，我去看看，现在还是审核中").waitFor({ timeout: 10_000 });
    expect(await widgetItems(user).count()).toBe(before + 1);

    await con.getByRole("button", { name: "交还机器人" }).click();
    await user.getByRole("listitem").filter({ hasText: "人工客服已离开" }).waitFor({ timeout: 10_000 });
    expect(await widgetSay("忘记密码了怎么办")).toContain("重置登录密码");
  });

  it("adds a phrasing from the unanswered list; the bot answers it without a restart; rolls it back", async () => {
    await openWidget();
    expect(await widgetSay("收不到验证码")).toContain("抱歉");

    await con.getByRole("tab", { name: "待学习问题" }).click();
    const card = con.locator("article.group").filter({ has: con.getByRole("heading", { name: "收不到验证码" }) });
    await card.waitFor();
    await card.getByLabel("知识条目").selectOption("password.forgot");
    await card.getByRole("button", { name: "加入该条目的问法" }).click();
    const accepted = con.locator("#change-accepted");
    await accepted.waitFor({ timeout: 60_000 });
    expect(await accepted.textContent()).toContain("收不到验证码");
    expect(await accepted.textContent()).toMatch(/回归集答对 \d+\/\d+ → \d+\/\d+/);

    expect(await widgetSay("收不到验证码")).toContain("重置登录密码");

    await accepted.getByRole("button", { name: "撤销这次修改" }).click();
    await con.locator("#rollback-done").waitFor({ timeout: 60_000 });
    await openWidget(); // the answer above started the password flow, which now awaits a reply
    expect(await widgetSay("收不到验证码")).toContain("抱歉");

    // The history shows both, on the knowledge tab.
    await con.getByRole("tab", { name: "知识与通知" }).click();
    await con.locator("#history tbody tr").nth(1).waitFor();
    expect(await con.locator("#history").textContent()).toContain("回滚：为“忘记登录密码”");
    expect(await axeProblems(con)).toEqual([]);
  }, 120_000);

  it("hit-tests a question and draws the day's figures as an inline chart", async () => {
    await con.getByRole("tab", { name: "命中测试" }).click();
    await con.getByLabel("问题", { exact: true }).fill("忘记密码了怎么办");
    await con.getByRole("button", { name: "测试" }).click();
    await con.locator("#hit-band").filter({ hasText: "直接回答" }).waitFor();
    expect(await con.locator("#hit-entry").textContent()).toContain("password.forgot");
    expect(await con.locator("#hit-candidates tbody tr").count()).toBeGreaterThan(1);

    await con.getByRole("tab", { name: "数据统计" }).click();
    await con.locator("#figures-svg rect").first().waitFor();
    // Earlier tests asked several questions in the widget (flow steps are not counted as questions).
    expect(Number(await con.locator('[data-total="questions"] strong').textContent())).toBeGreaterThan(0);
    expect(await con.locator("#figures-csv").getAttribute("href")).toMatch(/figures\.csv\?from=\d{4}-\d{2}-\d{2}&to=/);
    expect(await axeProblems(con)).toEqual([]);
  });

  it("polls the queue one request at a time, the next only after the answer arrives", async () => {
    // A slow server: every queue request takes 3 s, longer than the 2 s between looks. The
    // console must never have two open (a fixed 2 s clock would).
    let open = 0,
      most = 0,
      seen = 0;
    await con.route("**/api/console/queue", async (route) => {
      open++;
      seen++;
      most = Math.max(most, open);
      await new Promise((r) => setTimeout(r, 3000));
      try {
        await route.fulfill({ response: await route.fetch() });
      } finally {
        open--;
      }
    });
    try {
      await con.getByRole("tab", { name: /转人工队列/ }).click();
      // Opening the tab again while a look is under way does not start a second one.
      await con.getByRole("tab", { name: /转人工队列/ }).click();
      const until = Date.now() + 30_000;
      while (seen < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(seen).toBeGreaterThanOrEqual(3);
      expect(most).toBe(1);
    } finally {
      await con.unrouteAll({ behavior: "wait" });
    }
  }, 60_000);
});
