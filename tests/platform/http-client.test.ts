// The HTTP client against the real sandbox service on loopback: reads, idempotent writes,
// timeouts, and the circuit breaker (its cool-down is read from a hand-moved clock).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../bot/clock.ts";
import { startSandboxServer, type SandboxServer } from "../../adapters/platform/sandbox-server.ts";
import { HttpPlatform } from "../../adapters/platform/http-client.ts";
import { createPlatform } from "../../adapters/platform/index.ts";
import { PlatformError } from "../../adapters/platform/types.ts";

const ZHANG = "370402198503122013";
const LI = "370902199006153021";
const SUN = "370403199304113844";
const CHEN = "370405198709051264";
const ZHOU = "370982199511302755";

const dirs: string[] = [];
const servers: SandboxServer[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "platform-http-"));
  dirs.push(d);
  return d;
}
async function start(opts: { dir?: string; port?: number; delayMs?: number; clock?: ManualClock } = {}): Promise<SandboxServer> {
  const s = await startSandboxServer({
    port: opts.port ?? 0,
    host: "127.0.0.1",
    dir: opts.dir ?? (await tempDir()),
    fixedCode: true,
    delayMs: opts.delayMs,
    clock: opts.clock,
  });
  servers.push(s);
  return s;
}
async function errorOf(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return e as PlatformError;
  }
  throw new Error("expected a PlatformError");
}
async function outboxLines(dir: string): Promise<number> {
  return (await readFile(join(dir, "outbox.jsonl"), "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("against a healthy service", () => {
  let server: SandboxServer;
  let client: HttpPlatform;
  beforeAll(async () => {
    server = await start({ clock: new ManualClock() });
    client = new HttpPlatform({ baseUrl: server.url + "/", timeoutMs: 2000, retries: 1, backoffMs: 10 });
  });

  it("reads registrations, accounts, units and transfers", async () => {
    expect(await client.getRegistration(LI, "李华")).toMatchObject({ state: "approved", unit: { name: "泰安市示例人民医院" } });
    expect(await client.getRegistration(ZHANG, "张明")).toMatchObject({ state: "pending", reviewer: { name: "枣庄市示例第一中学", role: "employer" } });
    expect(await client.getRegistration(ZHANG, "李四")).toBeNull(); // name mismatch reads as not found
    expect(await client.getRegistration(ZHOU, "周杰")).toBeNull();
    expect(await client.getAccount("370911198807231634")).toMatchObject({ roles: ["employer"], state: "approved" });
    expect(await client.getAccount(ZHOU)).toBeNull();
    expect((await client.findUnits("市第二人民医院"))[0].name).toBe("枣庄市第二人民医院");
    expect((await client.findUnits("人民医院", "taian")).every((u) => u.city === "taian")).toBe(true);
    expect(await client.getTransfer(SUN)).toMatchObject({ state: "pending_out", to: { name: "枣庄市示例第一中学" } });
    expect(await client.getTransfer(LI)).toBeNull();
    expect(client.circuitState).toBe("closed");
  });

  it("refuses an invalid ID number before any request", async () => {
    expect((await errorOf(client.getRegistration("370402198503122015", "张明"))).code).toBe("invalid_id");
  });

  it("a withdrawal sent twice with one idempotency key acts once", async () => {
    expect(await client.sendCode(ZHANG, "withdraw")).toEqual({ maskedPhone: "138****0001" });
    const first = await client.withdrawRegistration(ZHANG, "000000", "key-zhang-1");
    expect(first.state).toBe("withdrawn");
    // He registers again; the repeated request must not withdraw the new registration.
    const reg = await fetch(server.url + "/sandbox/registrations", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ role: "professional", idNumber: ZHANG, name: "张明", phone: "13800000001", unitId: "zz-e06" }),
    });
    expect(reg.status).toBe(200);
    const again = await client.withdrawRegistration(ZHANG, "000000", "key-zhang-1");
    expect(again).toEqual(first);
    expect(await client.getRegistration(ZHANG, "张明")).toMatchObject({ state: "pending", unit: { name: "枣庄市实验中学" } });
  });

  it("checks a code early over HTTP and withdraws with the grant", async () => {
    await client.sendCode(ZHANG, "withdraw");
    expect((await errorOf(client.verifyCode(ZHANG, "withdraw", "123456"))).code).toBe("bad_code");
    const { grant } = await client.verifyCode(ZHANG, "withdraw", "000000");
    expect(await client.withdrawRegistration(ZHANG, grant, "key-zhang-grant")).toMatchObject({ state: "withdrawn" });
  });

  it("maps the platform's refusals to PlatformError codes", async () => {
    expect((await errorOf(client.sendCode(LI, "withdraw"))).code).toBe("not_pending");
    expect((await errorOf(client.sendCode(SUN, "transfer"))).code).toBe("has_pending");
    expect((await errorOf(client.sendCode(ZHOU, "transfer"))).code).toBe("not_found");
    await client.sendCode(CHEN, "transfer");
    expect((await errorOf(client.startTransfer(CHEN, "zz-e01", "123456", "t-bad"))).code).toBe("bad_code");
    expect((await errorOf(client.startTransfer(CHEN, "nope", "000000", "t-nope"))).code).toBe("unit_not_found");
    const t = await client.startTransfer(CHEN, "zz-e01", "000000", "t-chen");
    expect(t).toMatchObject({ state: "pending_out", from: { name: "台儿庄区示例卫生院" }, to: { name: "枣庄市示例第一中学" } });
    expect(await client.startTransfer(CHEN, "zz-e01", "000000", "t-chen")).toEqual(t);
    expect(await client.getTransfer(CHEN)).toEqual(t);
    expect(client.circuitState).toBe("closed"); // refusals are answers, not failures
  });

  it("answers bad input with 4xx JSON, never 5xx", async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const cases: Array<[Promise<Response>, number, string]> = [
      [post("/withdrawals", "{not json", { "idempotency-key": "k" }), 400, "bad_request"],
      [post("/withdrawals", JSON.stringify({ idNumber: ZHANG, code: "000000" })), 400, "bad_request"], // no key
      [post("/codes", JSON.stringify({ idNumber: ZHANG, purpose: "steal" })), 400, "bad_request"],
      [post("/codes", JSON.stringify({ idNumber: "370402198503122015", purpose: "withdraw" })), 400, "invalid_id"],
      [post("/codes", "[]"), 400, "bad_request"],
      [fetch(server.url + "/codes", { method: "POST", headers: { "content-type": "application/xml" }, body: "<x/>" }), 415, "bad_request"],
      [fetch(server.url + "/registrations/" + ZHANG), 400, "bad_request"], // name missing
      [fetch(server.url + "/units?city=beijing&q=x"), 400, "bad_request"],
      [fetch(server.url + "/nowhere"), 404, "no_route"],
    ];
    for (const [res, status, error] of cases) {
      const r = await res;
      expect(r.status).toBe(status);
      expect(r.headers.get("content-type")).toContain("application/json");
      expect(await r.json()).toMatchObject({ error });
    }
    const h = await fetch(server.url + "/healthz");
    expect(await h.json()).toEqual({ ok: true });
  });
});

describe("when the service is slow or down", () => {
  let clock: ManualClock;

  it("a slow answer ends in unavailable within the timeout", async () => {
    const server = await start({ delayMs: 5000 });
    const client = new HttpPlatform({ baseUrl: server.url, timeoutMs: 150, retries: 1, backoffMs: 10 });
    const t0 = performance.now();
    const e = await errorOf(client.getRegistration(LI, "李华"));
    expect(e.code).toBe("unavailable");
    expect(performance.now() - t0).toBeLessThan(2000); // two attempts of 150 ms, not 5 s
    await server.close();
  });

  it("a write is sent once, never retried by the client", async () => {
    const dir = await tempDir();
    const server = await start({ dir, delayMs: 300 });
    const client = new HttpPlatform({ baseUrl: server.url, timeoutMs: 100, retries: 3, backoffMs: 10 });
    expect((await errorOf(client.sendCode(ZHANG, "withdraw"))).code).toBe("unavailable");
    expect(server.requestCount()).toBe(1);
    // The one delayed request still completes on the server (the client cannot know): the
    // reason writes carry idempotency keys instead of being retried blindly.
    await new Promise((r) => setTimeout(r, 500));
    expect(await outboxLines(dir)).toBe(1);
    // A read is retried: 1 + 3 attempts.
    expect((await errorOf(client.getAccount(LI))).code).toBe("unavailable");
    expect(server.requestCount()).toBe(5);
    await server.close();
  });

  it("a closed server gives unavailable, opens the circuit, and recovers after the cool-down", async () => {
    clock = new ManualClock();
    const dir = await tempDir();
    let server = await start({ dir });
    const port = server.port;
    const client = new HttpPlatform({ baseUrl: server.url, timeoutMs: 1000, retries: 0, failureThreshold: 3, coolDownMs: 30_000, clock });
    expect(await client.getRegistration(LI, "李华")).not.toBeNull();

    await server.close();
    for (let i = 0; i < 3; i++) {
      expect(client.circuitState).toBe("closed");
      expect((await errorOf(client.getAccount(LI))).code).toBe("unavailable");
    }
    expect(client.circuitState).toBe("open");

    // Back up, but the circuit is still open: the client does not even try.
    server = await start({ dir, port });
    expect((await errorOf(client.getAccount(LI))).message).toMatch(/circuit open/);
    expect((await errorOf(client.withdrawRegistration(ZHANG, "000000", "while-open"))).code).toBe("unavailable");

    clock.advance(29_999);
    expect(client.circuitState).toBe("open");
    clock.advance(1);
    expect(client.circuitState).toBe("half_open");
    expect(await client.getAccount(LI)).toMatchObject({ state: "approved" });
    expect(client.circuitState).toBe("closed");
    // The withdrawal refused while open never reached the platform.
    expect(await client.getRegistration(ZHANG, "张明")).toMatchObject({ state: "pending" });
  });

  it("a failed trial in half-open re-opens the circuit at once", async () => {
    clock = new ManualClock();
    const dir = await tempDir();
    let server = await start({ dir });
    const port = server.port;
    const client = new HttpPlatform({ baseUrl: server.url, timeoutMs: 1000, retries: 0, failureThreshold: 2, coolDownMs: 10_000, clock });
    await server.close();
    await errorOf(client.getAccount(LI));
    await errorOf(client.getAccount(LI));
    expect(client.circuitState).toBe("open");
    clock.advance(10_000);
    expect(client.circuitState).toBe("half_open");
    expect((await errorOf(client.getAccount(LI))).code).toBe("unavailable"); // the trial fails
    expect(client.circuitState).toBe("open");
    server = await start({ dir, port });
    clock.advance(10_000);
    expect(await client.getTransfer(SUN)).toMatchObject({ state: "pending_out" });
    expect(client.circuitState).toBe("closed");
  });

  it("nothing listening at all is unavailable too, and createPlatform picks HTTP from the environment", async () => {
    const server = await start();
    const port = server.port;
    await server.close();
    const client = await createPlatform({ HELPDESK_PLATFORM_URL: `http://127.0.0.1:${port}` }, { http: { retries: 0, timeoutMs: 500 } });
    expect(client).toBeInstanceOf(HttpPlatform);
    expect((await errorOf(client.findUnits("医院"))).code).toBe("unavailable");
  });
});
