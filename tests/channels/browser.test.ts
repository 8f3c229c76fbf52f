// The widget on the demo login page in real headless Chromium. A browser that cannot start makes
// this test FAIL (never skip): install it with `apt-get install -y chromium fonts-wqy-microhei`.
import { describe, it, expect, beforeEach, afterAll } from "vitest";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page, type Response } from "playwright-core";
import { startServer, waitFor, LOGIN_MESSAGES, ANSWER_TOPICS, type TestServer } from "./helpers.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

let s: TestServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

const widget = (p: Page = page) => p.locator("#sd-helpdesk-widget");
const log = (p: Page = page) => widget(p).getByRole("log");
const items = (p: Page = page) => log(p).getByRole("listitem");

async function openWidget(p: Page = page): Promise<void> {
  const box = widget(p).getByRole("textbox", { name: "输入问题" });
  if (!(await box.isVisible())) await widget(p).getByRole("button", { name: "在线客服", exact: true }).click();
  await box.waitFor({ state: "visible" });
}

/** Types a question, sends it, waits for the API's answer; returns the answer's JSON. */
async function ask(text: string, p: Page = page): Promise<any> {
  await openWidget(p);
  const box = widget(p).getByRole("textbox", { name: "输入问题" });
  await box.fill(text);
  const answered = p.waitForResponse((r: Response) => r.url().endsWith("/api/chat") && r.request().method() === "POST");
  await widget(p).getByRole("button", { name: "发送", exact: true }).click();
  const res = await answered;
  expect(res.status()).toBe(200);
  const body = await res.json();
  // The rendered reply is in the log.
  const first = String(body.replies[0].text).split("\n")[0];
  await items(p)
    .filter({ hasText: first.slice(0, 12) })
    .last()
    .waitFor();
  return body;
}

/** axe-core on the page and the widget's (open) shadow root: the serious and critical violations. */
async function axeViolations(p: Page = page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

// Started inside the tests, not in a hook: a browser that cannot start fails every test here
// (a failing hook would only mark them skipped).
let started: Promise<void> | undefined;
function start(): Promise<void> {
  started ??= (async () => {
    s = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "zh-CN", bypassCSP: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${s.base}/`);
  })();
  return started;
}
beforeEach(async () => {
  await start();
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe("web widget in Chromium", () => {
  it("shows the demo login page with its role tabs", async () => {
    for (const tab of ["专业技术人员", "用人单位", "主管部门", "人社部门"]) await expect(page.getByRole("tab", { name: tab }).count()).resolves.toBe(1);
    await expect(page.getByLabel("身份证号").count()).resolves.toBe(1);
    await expect(page.getByText("忘记登录密码").count()).resolves.toBeGreaterThan(0);
    const mode = await page.evaluate(() => (document.querySelector("#sd-helpdesk-widget") as HTMLElement).shadowRoot?.mode);
    expect(mode).toBe("open");
  });

  it("opens from the keyboard, answers a question with structure, and takes a choice", async () => {
    const launcher = widget().getByRole("button", { name: "在线客服", exact: true });
    await launcher.focus();
    await page.keyboard.press("Enter");
    const box = widget().getByRole("textbox", { name: "输入问题" });
    await box.waitFor({ state: "visible" });
    await waitFor(() => box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), "focus in the text box");
    await expect(items().first().textContent()).resolves.toContain("智能客服");

    const r = await ask(ANSWER_TOPICS.forgot.q);
    expect(r.topic).toBe("password.forgot");
    const answer = items().filter({ hasText: "忘记登录密码，可以通过以下两种方式重置" });
    await expect(answer.textContent()).resolves.toContain(ANSWER_TOPICS.forgot.contains);
    await expect(answer.locator("ol > li").count()).resolves.toBe(2); // numbered steps stay a list
    const choice = widget().getByRole("button", { name: "能，用注册时的邮箱或手机号找回" });
    const picked = page.waitForResponse((x) => x.url().endsWith("/api/chat"));
    await choice.click();
    expect((await (await picked).json()).topic).toBe("password.forgot");
    await items().filter({ hasText: "那就用方式一" }).waitFor();
    await expect(choice.isDisabled()).resolves.toBe(true);
  });

  it("a login message shown on the page turns 登不上 into that message's answer", async () => {
    await page.getByRole("button", { name: "提示二：登录角色未注册" }).click();
    await expect(page.locator("#login-error").textContent()).resolves.toBe(LOGIN_MESSAGES[1].message);
    await expect(page.locator("#helpdesk-widget-script").getAttribute("data-login-error")).resolves.toBe(LOGIN_MESSAGES[1].message);
    const r = await ask("登不上");
    expect(r.topic).toBe("login.wrong-role");
    await items().filter({ hasText: "请按注册账号时所选的角色类型进行登录" }).waitFor();
  });

  it("shows user text as text: no element, no script, no dialog", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    await ask(evil);
    await items().filter({ hasText: evil }).first().waitFor();
    const imgs = await page.evaluate(() => {
      const root = (document.querySelector("#sd-helpdesk-widget") as HTMLElement).shadowRoot!;
      return root.querySelectorAll("img").length + document.querySelectorAll("img").length;
    });
    expect(imgs).toBe(0);
    await page.waitForTimeout(200); // a dialog would open right away
    expect(dialogs).toEqual([]);
  });

  it("receives a pushed message (an agent's reply) over server-sent events", async () => {
    const id = await page.evaluate(() => localStorage.getItem("sd-helpdesk:conversation"));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(async () => {
      await s.hub.deliver(`web:${id}:${id}`, [{ text: "您好，我是人工客服小李，请问还有什么可以帮您？" }]);
      return true;
    }, "delivery");
    await items().filter({ hasText: "我是人工客服小李" }).first().waitFor();
    await expect(items().filter({ hasText: "我是人工客服小李" }).first().textContent()).resolves.toContain("人工客服");
  });

  it("has no serious or critical accessibility violations (page and shadow root)", async () => {
    expect(await axeViolations()).toEqual([]);
  });

  it("saves a screenshot of the widget with an answer", async () => {
    mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
    const file = join(ROOT, "test-artifacts", "widget.png");
    await items().filter({ hasText: "忘记登录密码" }).first().scrollIntoViewIfNeeded();
    await widget().locator("section").screenshot({ path: file });
    const { statSync } = await import("node:fs");
    expect(statSync(file).size).toBeGreaterThan(5000);
  });

  it("keeps the conversation over a reload", async () => {
    await page.reload();
    await openWidget();
    await items().filter({ hasText: ANSWER_TOPICS.forgot.q }).first().waitFor();
    await items().filter({ hasText: "忘记登录密码，可以通过以下两种方式重置" }).first().waitFor();
    await items().filter({ hasText: "我是人工客服小李" }).first().waitFor();
    await expect(items().filter({ hasText: "<img src=x onerror=alert(1)>" }).count()).resolves.toBeGreaterThan(0);
  });

  it("closes with Escape and gives focus back to the launcher", async () => {
    await widget().getByRole("textbox", { name: "输入问题" }).focus();
    await page.keyboard.press("Escape");
    const launcher = widget().getByRole("button", { name: "在线客服", exact: true });
    await expect(launcher.getAttribute("aria-expanded")).resolves.toBe("false");
    await waitFor(() => launcher.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), "focus on the launcher");
  });

  it("an unknown stored conversation starts afresh without an error", async () => {
    await page.evaluate(() => localStorage.setItem("sd-helpdesk:conversation", "00000000-0000-4000-8000-000000000000"));
    await page.reload();
    await openWidget();
    await expect(items().count()).resolves.toBe(1); // the welcome only
    await expect(items().first().textContent()).resolves.toContain("智能客服");
    const r = await ask(ANSWER_TOPICS.register.q);
    expect(r.conversationId).not.toBe("00000000-0000-4000-8000-000000000000");
  });

  it("fits a phone screen", async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, locale: "zh-CN" });
    const p = await phone.newPage();
    try {
      await p.goto(`${s.base}/`);
      await p.locator("#sd-helpdesk-widget").getByRole("button", { name: "在线客服", exact: true }).click();
      const box = await p.locator("#sd-helpdesk-widget section").boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.width).toBeLessThanOrEqual(375);
      expect(box!.y + box!.height).toBeLessThanOrEqual(667 + 1);
      const send = await p.locator("#sd-helpdesk-widget").getByRole("button", { name: "发送", exact: true }).boundingBox();
      expect(send!.y + send!.height).toBeLessThanOrEqual(667);
      await expect(p.locator("#sd-helpdesk-widget").getByRole("button", { name: "转人工", exact: true }).isVisible()).resolves.toBe(true);
    } finally {
      await phone.close();
    }
  });

  it("rates an answer 没帮助: a thank-you and a hint, and the rating reaches the console's learning loop", async () => {
    // POST /api/feedback belongs to the agents' console, which the other channel tests leave off:
    // this test has its own server with the console, and its own browser context.
    const c = await startServer({ console: true });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "zh-CN", bypassCSP: true }); // bypassCSP: for axe
    try {
      const p = await ctx.newPage();
      p.setDefaultTimeout(10_000);
      await p.goto(`${c.base}/`);
      await openWidget(p);
      // The welcome is no answer: no buttons.
      await expect(widget(p).getByRole("button", { name: "没帮助", exact: true }).count()).resolves.toBe(0);

      const r = await ask(ANSWER_TOPICS.forgot.q, p);
      expect(r.topic).toBe(ANSWER_TOPICS.forgot.topic);
      const answer = items(p).filter({ hasText: "忘记登录密码，可以通过以下两种方式重置" }).last();
      const down = answer.getByRole("button", { name: "没帮助", exact: true });
      await expect(answer.getByRole("button", { name: "有帮助", exact: true }).count()).resolves.toBe(1);
      await expect(down.count()).resolves.toBe(1);
      await expect(widget(p).getByRole("button", { name: "没帮助", exact: true }).count()).resolves.toBe(1); // only under the answer
      expect(await axeViolations(p)).toEqual([]);

      const rated = p.waitForResponse((x: Response) => x.url().endsWith("/api/feedback") && x.request().method() === "POST");
      await down.click();
      const res = await rated;
      expect(res.status()).toBe(200);
      expect(res.request().postDataJSON()).toEqual({ conversationId: r.conversationId, helpful: false });

      await answer.getByText("感谢您的反馈").waitFor();
      await answer.getByText("可以换个说法再问，或点“转人工”。").waitFor();
      await expect(answer.getByRole("button", { name: /有帮助|没帮助/ }).count()).resolves.toBe(0); // posted once, buttons gone

      // Server side: the console's turn log holds the 👎 with the question and the topic.
      const svc = c.console;
      expect(svc).toBeDefined();
      const fb = await waitFor(() => svc!.events.all().find((e) => e.kind === "feedback"), "the feedback event");
      expect(fb).toMatchObject({ kind: "feedback", channel: "web", helpful: false, topic: ANSWER_TOPICS.forgot.topic, question: ANSWER_TOPICS.forgot.q });
      expect(svc!.events.all().filter((e) => e.kind === "feedback")).toHaveLength(1);
      expect(await axeViolations(p)).toEqual([]);
    } finally {
      await ctx.close();
      await c.stop();
    }
  });
});
