// What an operator and a balancer see: liveness, readiness (knowledge and stores), Prometheus metrics.
import { describe, it, expect, afterAll } from "vitest";
import { startServer, postJson, type TestServer } from "./helpers.ts";

describe("liveness, readiness and metrics", () => {
  let s: TestServer;
  afterAll(async () => {
    await s?.stop();
  });

  it("answers /livez and /readyz, and counts turns and requests in /metrics", async () => {
    s = await startServer();
    expect((await fetch(`${s.base}/livez`)).status).toBe(200);
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { knowledge: true, sessions: true, log: true } });
    await postJson(`${s.base}/api/chat`, { text: "忘记密码了怎么办" });
    await postJson(`${s.base}/api/chat`, { text: "今天天气怎么样" });
    const res = await fetch(`${s.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/helpdesk_turns_total\{channel="web",band="flow"\} 1/);
    expect(text).toMatch(/helpdesk_turns_total\{channel="web",band="decline"\} 1/);
    expect(text).toMatch(/helpdesk_turn_seconds_count\{channel="web"\} 2/);
    expect(text).toMatch(/helpdesk_http_requests_total\{method="POST",route="\/api\/chat",status="200"\} 2/);
    expect(text).toContain("helpdesk_process_resident_memory_bytes");
  });
});
