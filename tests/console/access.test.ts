// Access to the console over real HTTP: sessions, CSRF, roles, sign-in throttling, accounts
// created from the command line while the server runs, the audit log.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { startConsole, Client, type TestConsole } from "./helpers.ts";
import { consoleRoutes } from "../../adapters/console/routes/index.ts";
import { createStores, sharedMatcher } from "../../bot/assistant.ts";
import { UnderstandingRef } from "../../bot/turn.ts";
import { ConsoleService } from "../../adapters/console/service.ts";
import { DeliveryHub } from "../../bot/delivery.ts";
import { ManualClock } from "../../bot/clock.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

let t: TestConsole;
const routes: { method: string; url: string }[] = [];
const PUBLIC = new Set(["GET /console", "GET /console/assets/:name", "GET /api/console/csrf", "POST /api/console/login", "POST /api/feedback"]);

beforeAll(async () => {
  // The plugin's own route list, collected as fastify registers it.
  const dir = mkdtempSync(join(tmpdir(), "console-routes-"));
  const app = Fastify();
  app.addHook("onRoute", (r) => {
    for (const m of [r.method].flat()) if (m !== "HEAD") routes.push({ method: m, url: r.url });
  });
  const clock = new ManualClock();
  const stores = createStores(dir, clock);
  const service = await ConsoleService.create({
    understanding: new UnderstandingRef(sharedMatcher()),
    ...stores,
    hub: new DeliveryHub(stores.conversationLog),
    dataDir: dir,
    clock,
    prewarmAfterMs: -1,
    sweepEveryMs: 0,
  });
  await app.register(consoleRoutes, { service });
  await app.ready();
  await app.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });

  t = await startConsole();
  await t.addAccount("admin1", "admin-password-1", "admin");
  await t.addAccount("agent1", "agent-password-1", "agent");
});
afterAll(async () => {
  await t?.close();
});

const fill = (url: string) => url.replace(":id", "T000").replace(":name", "agent1");

describe("the console's contract", () => {
  it("GET /console is the sign-in page without a session and the console with one", async () => {
    const anon = await new Client(t.base).get("/console");
    expect(anon.status).toBe(200);
    expect(anon.headers.get("content-type")).toMatch(/text\/html; charset=utf-8/);
    expect(anon.text).toContain('id="login-form"');
    expect(anon.text).not.toContain("panel-queue");
    const c = new Client(t.base);
    expect((await c.login("agent1", "agent-password-1")).status).toBe(200);
    const page = await c.get("/console");
    expect(page.text).toContain("panel-queue");
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
  });

  it("GET /api/console/me: 401 without a session, name and role with one", async () => {
    expect((await new Client(t.base).get("/api/console/me")).status).toBe(401);
    const c = new Client(t.base);
    await c.login("admin1", "admin-password-1");
    const me = await c.get("/api/console/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: "admin1", role: "admin" });
  });

  it("the session cookie is httpOnly and SameSite=Strict", async () => {
    const pre = await new Client(t.base).get("/api/console/csrf");
    const c = new Client(t.base);
    c.cookies.set("hd_console_pre", pre.body.token);
    const r = await c.req("POST", "/api/console/login", { name: "agent1", password: "agent-password-1" }, { "x-csrf-token": pre.body.token });
    const set = r.headers.getSetCookie().find((x) => x.startsWith("hd_console="))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(r.body.csrf).toBeTruthy();
  });
});

describe("every console route needs a session", () => {
  it("collected the plugin's routes", () => {
    expect(routes.length).toBeGreaterThan(30);
  });
  it("refuses each one without a session (401)", async () => {
    const anon = new Client(t.base);
    const checked: string[] = [];
    for (const r of routes) {
      if (PUBLIC.has(`${r.method} ${r.url}`)) continue;
      const res = await anon.req(r.method, fill(r.url), r.method === "GET" ? undefined : {});
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
      checked.push(r.url);
    }
    expect(checked).toContain("/api/console/me");
    expect(checked).toContain("/api/console/tickets/:id/reply");
    expect(checked).toContain("/api/console/admin/agents");
  });
  it("the console script itself needs a session; the sign-in assets do not", async () => {
    const anon = new Client(t.base);
    expect((await anon.get("/console/assets/console.js")).status).toBe(401);
    expect((await anon.get("/console/assets/login.js")).status).toBe(200);
    expect((await anon.get("/console/assets/../routes.ts")).status).toBe(404);
  });
});

describe("CSRF", () => {
  it("refuses every change without the token (403), with a session", async () => {
    const c = new Client(t.base);
    await c.login("admin1", "admin-password-1");
    for (const r of routes) {
      if (r.method === "GET" || PUBLIC.has(`${r.method} ${r.url}`)) continue;
      const res = await c.req(r.method, fill(r.url), {}, {}, { csrf: false });
      expect(res.status, `${r.method} ${r.url}`).toBe(403);
    }
    const wrong = await c.req("POST", "/api/console/notices", { text: "x", topics: ["*"], expiresAt: Date.now() + 1e6 }, { "x-csrf-token": "not-the-token" });
    expect(wrong.status).toBe(403);
  });
  it("refuses a cross-site POST even if it carried the cookie", async () => {
    const c = new Client(t.base);
    await c.login("admin1", "admin-password-1");
    // What a form on another site would send: the cookie (if the browser sent it), no token.
    const forged = await c.req(
      "POST",
      "/api/console/admin/agents",
      { name: "evil", password: "evil-password-1", role: "admin" },
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { csrf: false },
    );
    expect(forged.status).toBe(403);
    // Even with a stolen token, another origin is refused.
    const withToken = await c.req(
      "POST",
      "/api/console/admin/agents",
      { name: "evil", password: "evil-password-1", role: "admin" },
      { origin: "https://evil.example" },
    );
    expect(withToken.status).toBe(403);
    expect(t.svc.accounts.get("evil")).toBeUndefined();
  });
  it("sign-in itself needs the pre-session token", async () => {
    const r = await new Client(t.base).req("POST", "/api/console/login", { name: "agent1", password: "agent-password-1" });
    expect(r.status).toBe(403);
  });
});

describe("roles", () => {
  it("an agent cannot use admin routes (403)", async () => {
    const c = new Client(t.base);
    await c.login("agent1", "agent-password-1");
    const adminRoutes = routes.filter((r) => r.url.startsWith("/api/console/admin/") || r.url === "/api/console/knowledge/reload");
    expect(adminRoutes.length).toBeGreaterThanOrEqual(8);
    for (const r of adminRoutes) {
      const res = await c.req(
        r.method,
        fill(r.url),
        r.method === "GET" ? undefined : { name: "x2", password: "password-123456", role: "admin", dryRun: true, userId: "u" },
      );
      expect(res.status, `${r.method} ${r.url}`).toBe(403);
    }
    expect(t.svc.accounts.get("x2")).toBeUndefined();
    // The refusals are in the audit log.
    expect((await t.svc.audit.recent(50, { who: "agent1", action: "admin-refused" })).length).toBeGreaterThan(0);
  });
  it("an admin creates an agent who can then sign in; a disabled agent is signed out", async () => {
    const a = new Client(t.base);
    await a.login("admin1", "admin-password-1");
    const created = await a.post("/api/console/admin/agents", { name: "agent2", password: "second-secret-22", role: "agent", displayName: "小李" });
    expect(created.status).toBe(200);
    expect(created.body).not.toHaveProperty("hash");
    const b = new Client(t.base);
    expect((await b.login("agent2", "second-secret-22")).status).toBe(200);
    expect((await b.get("/api/console/me")).status).toBe(200);
    expect((await a.post("/api/console/admin/agents/agent2/update", { active: false })).status).toBe(200);
    expect((await b.get("/api/console/me")).status).toBe(401);
    expect((await new Client(t.base).login("agent2", "second-secret-22")).status).toBe(401);
  });
  it("the last admin cannot be disabled", async () => {
    const a = new Client(t.base);
    await a.login("admin1", "admin-password-1");
    const r = await a.post("/api/console/admin/agents/admin1/update", { active: false });
    expect(r.status).toBe(409);
  });
});

describe("sign-in throttling", () => {
  it("locks a name+address out after 5 failures, on the injectable clock", async () => {
    await t.addAccount("agent3", "third-secret-333", "agent");
    const c = new Client(t.base);
    for (let i = 0; i < 5; i++) expect((await c.login("agent3", "wrong-password")).status).toBe(401);
    const locked = await c.login("agent3", "third-secret-333");
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatch(/分钟后再试/);
    // Another name from the same address is not locked.
    expect((await new Client(t.base).login("agent1", "agent-password-1")).status).toBe(200);
    t.clock.advance(16 * 60_000);
    expect((await c.login("agent3", "third-secret-333")).status).toBe(200);
  });
  it("a wrong name and a wrong password give the same answer", async () => {
    const a = await new Client(t.base).login("nobody-here", "whatever-password");
    const b = await new Client(t.base).login("agent1", "whatever-password");
    expect(a.status).toBe(401);
    expect(a.body).toEqual(b.body);
  });
});

describe("passwords", () => {
  it("are stored as scrypt hashes, never in clear", () => {
    const file = readFileSync(join(t.dataDir, "console", "accounts.json"), "utf8");
    expect(file).not.toContain("agent-password-1");
    expect(file).toMatch(/scrypt\$32768\$8\$1\$/);
  });
  it("changing one's password ends the other sessions and keeps this one", async () => {
    await t.addAccount("agent4", "fourth-secret-44", "agent");
    const a = new Client(t.base),
      b = new Client(t.base);
    await a.login("agent4", "fourth-secret-44");
    await b.login("agent4", "fourth-secret-44");
    const r = await a.post("/api/console/password", { current: "fourth-secret-44", next: "fourth-secret-new" });
    expect(r.status).toBe(200);
    a.csrf = r.body.csrf;
    expect((await a.get("/api/console/me")).status).toBe(200);
    expect((await b.get("/api/console/me")).status).toBe(401);
    expect((await new Client(t.base).login("agent4", "fourth-secret-new")).status).toBe(200);
  });
});

describe("helpdesk admin create", () => {
  const cli = (args: string[], stdin: string) =>
    new Promise<{ code: number; err: string }>((resolve) => {
      const p = spawn(process.execPath, [join(process.cwd(), "bot", "bin.js"), "admin", ...args], { stdio: ["pipe", "pipe", "pipe"] });
      let err = "";
      p.stderr.on("data", (d) => {
        err += d;
      });
      p.on("close", (code) => resolve({ code: code ?? -1, err }));
      p.stdin.end(stdin);
    });

  it("creates an admin from standard input while the server runs, without losing the server's own change", async () => {
    const a = new Client(t.base);
    await a.login("admin1", "admin-password-1");
    // The command and the running server write the same file at the same time.
    const [r, viaApi] = await Promise.all([
      cli(["create", "boss", "--data", t.dataDir], "chief-secret-01\n"),
      a.post("/api/console/admin/agents", { name: "agent5", password: "fifth-secret-555", role: "agent" }),
    ]);
    expect(r.err).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(viaApi.status).toBe(200);
    expect(t.svc.accounts.get("boss")?.role).toBe("admin");
    expect(t.svc.accounts.get("agent5")?.role).toBe("agent");
    const c = new Client(t.base);
    expect((await c.login("boss", "chief-secret-01")).status).toBe(200);
    expect((await c.get("/api/console/me")).body).toMatchObject({ name: "boss", role: "admin" });
  });
  it("refuses a short password and an existing name", async () => {
    expect((await cli(["create", "shorty", "--data", t.dataDir], "short\n")).code).toBe(1);
    expect((await cli(["create", "boss", "--data", t.dataDir], "another-password-1\n")).code).toBe(1);
    expect(t.svc.accounts.get("shorty")).toBeUndefined();
  });
});

describe("audit log", () => {
  it("records agent actions with personal numbers masked", async () => {
    const c = new Client(t.base);
    await c.login("agent1", "agent-password-1");
    await c.post("/api/console/triage", { text: "我的身份证号370402199001011234，登录提示账号不存在" });
    await t.svc.audit.flush();
    const lines = readFileSync(join(t.dataDir, "console", "audit.jsonl"), "utf8");
    expect(lines).toContain('"action":"triage"');
    expect(lines).toContain('"action":"login"');
    expect(lines).toContain('"action":"login-failed"');
    expect(lines).not.toContain("370402199001011234");
    expect(lines).toContain("3704**********1234");
  });
});
