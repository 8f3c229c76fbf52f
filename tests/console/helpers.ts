// The console under test: the real server (buildServer) on a loopback port, a temporary data
// directory and a temporary copy of the knowledge, a clock the test sets, an HTTP client that
// keeps cookies like a browser.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { KNOWLEDGE_DIR, loadKnowledge } from "../../knowledge/loader.ts";
import { Matcher } from "../../bot/nlu/matcher.ts";
import { ManualClock } from "../../bot/clock.ts";
import { buildServer, type BuiltServer } from "../../bot/server.ts";
import type { ConsoleService } from "../../adapters/console/service.ts";
import { AccountStore, type Role } from "../../adapters/console/accounts.ts";
import { zonedTime } from "../../bot/zoned.ts";

/** 2026-11-24 (a Tuesday) 10:00 in Shanghai: inside working hours. */
export const TUESDAY_10 = zonedTime(2026, 11, 24, 10, 0);

export interface TestConsole {
  dir: string;
  dataDir: string;
  knowledgeDir: string;
  clock: ManualClock;
  built: BuiltServer;
  svc: ConsoleService;
  base: string;
  close(): Promise<void>;
  addAccount(name: string, password: string, role: Role): Promise<void>;
}

export async function startConsole(opts: { at?: number } = {}): Promise<TestConsole> {
  const dir = mkdtempSync(join(tmpdir(), "console-test-"));
  const knowledgeDir = join(dir, "knowledge");
  cpSync(KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
  const dataDir = join(dir, "data");
  const clock = new ManualClock(opts.at ?? TUESDAY_10);
  // The server builds the console and the core; the console edits the knowledge copy.
  const built = await buildServer({ dataDir, clock, matcher: new Matcher(loadKnowledge(knowledgeDir)), rateLimit: 0, console: { knowledgeDir } });
  await built.app.listen({ port: 0, host: "127.0.0.1" });
  const svc = built.console;
  if (!svc) throw new Error("the server did not build the console");
  const port = (built.app.server.address() as AddressInfo).port;
  const accounts = new AccountStore(join(dataDir, "console", "accounts.json"));
  return {
    dir,
    dataDir,
    knowledgeDir,
    clock,
    built,
    svc,
    base: `http://127.0.0.1:${port}`,
    addAccount: async (name, password, role) => {
      await accounts.create({ name, password, role, by: "test", now: clock.now() });
    },
    close: async () => {
      await built.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A browser-like client: keeps cookies, sends the CSRF token it was given. */
export class Client {
  cookies = new Map<string, string>();
  csrf: string | undefined;
  constructor(readonly base: string) {}

  private absorb(h: Headers): void {
    for (const c of h.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const k = pair.slice(0, i).trim(),
        v = decodeURIComponent(pair.slice(i + 1));
      if (/max-age=0/i.test(c) || v === "") this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }

  async req<T = any>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}, opts: { csrf?: boolean } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && this.csrf && opts.csrf !== false && !("x-csrf-token" in extra)) headers["x-csrf-token"] = this.csrf;
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
    this.absorb(r.headers);
    const text = await r.text();
    let parsed: unknown = text;
    if ((r.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* left as text */
      }
    }
    return { status: r.status, body: parsed as T, headers: r.headers, text };
  }
  get<T = any>(path: string) {
    return this.req<T>("GET", path);
  }
  post<T = any>(path: string, body?: unknown, extra?: Record<string, string>) {
    return this.req<T>("POST", path, body, extra);
  }

  async login(name: string, password: string): Promise<Res> {
    const pre = await this.get<{ token: string }>("/api/console/csrf");
    const r = await this.req("POST", "/api/console/login", { name, password }, { "x-csrf-token": pre.body.token });
    if (r.status === 200) this.csrf = r.body.csrf;
    return r;
  }
}

/** Polls until fn returns a truthy value (for things delivered asynchronously). */
export async function until<T>(fn: () => Promise<T> | T, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
