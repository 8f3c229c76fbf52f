// One client cannot take the service down: the API's per-client limit over real HTTP on loopback
// sees the route the router decodes, and behind a proxy keys on the address the trusted hops report.
import { describe, it, expect, beforeAll } from "vitest";
import { startServer, postJson } from "./helpers.ts";
import { sharedMatcher } from "../../bot/assistant.ts";

beforeAll(() => {
  sharedMatcher();
}, 120_000);

const chat = (base: string, path: string, headers: Record<string, string> = {}) => postJson(`${base}${path}`, { text: "你好" }, headers);

describe("rate limit on the decoded route", () => {
  it.each(["/%61pi/chat", "/api/%63hat", "/%61%70%69/chat"])("%s is the widget API and is limited like /api/chat", async (encoded) => {
    const s = await startServer({ rateLimit: 2 });
    try {
      expect((await chat(s.base, encoded)).status).toBe(200); // the router takes it as /api/chat
      expect((await chat(s.base, "/api/chat")).status).toBe(200);
      expect((await chat(s.base, encoded)).status).toBe(429);
      expect((await chat(s.base, "/api/chat")).status).toBe(429);
    } finally {
      await s.stop();
    }
  });
  it("an encoded path alone cannot exceed the limit", async () => {
    const s = await startServer({ rateLimit: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await chat(s.base, "/%61pi/chat")).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    } finally {
      await s.stop();
    }
  });
});

describe("rate limit behind a proxy", () => {
  // What a proxy in front sends: whatever the client wrote, then the address the proxy saw.
  const viaProxy = (spoofed: string, real = "203.0.113.7", hops = 1) => ({ "x-forwarded-for": [spoofed, real, ...(hops > 1 ? ["10.0.0.2"] : [])].join(", ") });

  it.each([
    ["one trusted hop", 1],
    ["two trusted hops (the nearest proxy vouches for the one before)", 2],
    ["true (the nearest proxy only)", true],
    ["the proxy's address", ["127.0.0.1", "::1"]],
  ] as const)("%s: a client rotating X-Forwarded-For gets no fresh bucket", async (_what, trustProxy) => {
    const s = await startServer({ rateLimit: 2, trustProxy: trustProxy as never });
    try {
      const statuses: number[] = [];
      const hops = trustProxy === 2 ? 2 : 1;
      for (let i = 0; i < 5; i++) statuses.push((await chat(s.base, "/api/chat", viaProxy(`198.51.100.${i + 1}`, "203.0.113.7", hops))).status);
      expect(statuses).toEqual([200, 200, 429, 429, 429]);
      // Another real client behind the same proxy has its own bucket.
      expect((await chat(s.base, "/api/chat", viaProxy("198.51.100.99", "203.0.113.8", hops))).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it("without a trusted proxy, X-Forwarded-For is ignored", async () => {
    const s = await startServer({ rateLimit: 2 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await chat(s.base, "/api/chat", { "x-forwarded-for": `198.51.100.${i + 1}` })).status);
      expect(statuses).toEqual([200, 200, 429, 429]);
    } finally {
      await s.stop();
    }
  });
});
