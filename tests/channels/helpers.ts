// Shared set-up for the channel tests: real lowdb in a temp dir, real HTTP on loopback (port 0),
// the sandbox platform when its adapter is there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildServer, type BuiltServer, type ServerOptions } from "../../bot/server.ts";
import type { PlatformAdapter } from "../../adapters/platform/types.ts";

export interface TestServer extends BuiltServer {
  base: string;
  dir: string;
  platform?: PlatformAdapter & { close?: () => Promise<void> };
  stop(): Promise<void>;
}

/** The sandbox platform in `dir`, or none when the platform adapter is not there yet. */
export async function testPlatform(dir: string): Promise<(PlatformAdapter & { close?: () => Promise<void> }) | undefined> {
  try {
    const mod = (await import("../../adapters/platform/index.ts")) as {
      createPlatform?: (env: NodeJS.ProcessEnv) => Promise<PlatformAdapter & { close?: () => Promise<void> }>;
    };
    return mod.createPlatform
      ? await mod.createPlatform({ HELPDESK_SANDBOX_DIR: join(dir, "sandbox"), HELPDESK_SANDBOX_FIXED_CODE: "1" } as NodeJS.ProcessEnv)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "channels-"));
  const platform = (opts.platform as (PlatformAdapter & { close?: () => Promise<void> }) | undefined) ?? (await testPlatform(dir));
  const built = await buildServer({ dataDir: join(dir, "data"), rateLimit: 0, console: false, ...opts, platform });
  await built.app.listen({ port: 0, host: "127.0.0.1" });
  const port = (built.app.server.address() as AddressInfo).port;
  return {
    ...built,
    base: `http://127.0.0.1:${port}`,
    dir,
    platform,
    async stop() {
      await built.close();
      await platform?.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Polls `check` until it returns a value (bounded). */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A Bot Framework channel stand-in: records every Activity the bot sends to its service URL. */
export interface Recorder {
  url: string;
  activities: { path: string; body: any }[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const activities: { path: string; body: any }[] = [];
  let n = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
      } catch {
        body = null;
      }
      activities.push({ path: req.url ?? "", body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `sent-${++n}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    activities,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let activityN = 0;
/** A user's message Activity as a Bot Framework channel posts it. */
export function activity(serviceUrl: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "message",
    id: `act-${++activityN}`,
    timestamp: new Date().toISOString(),
    channelId: "test",
    serviceUrl,
    from: { id: "user-1", name: "测试用户" },
    recipient: { id: "bot-1", name: "客服助手" },
    conversation: { id: "conv-1" },
    text,
    locale: "zh-CN",
    ...extra,
  };
}

export const ANSWER_TOPICS = {
  forgot: { q: "忘记密码了怎么办", topic: "password.forgot", contains: "忘记登录密码" },
  register: { q: "点注册没反应", topic: "register.no-response", contains: "浏览器" },
};

export const LOGIN_MESSAGES: { message: string; topic: string }[] = [
  { message: "您的账号不存在，请核对是否输入有误!若未注册，可点此立即注册。", topic: "login.account-not-found" },
  { message: "您选择的登录角色未注册，请选择正确的登录角色", topic: "login.wrong-role" },
  { message: "您的账号正在审核中，可点击查询审核部门", topic: "login.under-review" },
  { message: "密码错误请重新输入，若忘记登录密码，可点此找回密码。", topic: "login.wrong-password" },
];

/**
 * Set-up run once, from beforeEach: if it fails, every test fails (a failing beforeAll would
 * only mark them skipped, and a skipped test hides a broken channel).
 */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
