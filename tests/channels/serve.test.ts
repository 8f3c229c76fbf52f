// `npm start` as a process: embedded defaults, /healthz, the routes, SIGTERM → exit 0 with the
// stores flushed, and no personal numbers in the log.
import { describe, it, expect } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { postJson, getJson, waitFor } from "./helpers.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("npm start", () => {
  it("serves everything on one port, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-"));
    const child = spawn(process.execPath, [join(ROOT, "bot", "bin.js"), "serve"], {
      cwd: dir, // relative defaults (./data, ./sandbox-data) land in the temp dir
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        HELPDESK_DATA_DIR: join(dir, "data"),
        HELPDESK_SANDBOX_DIR: join(dir, "sandbox"),
        HELPDESK_RATE_LIMIT: "0",
        WECHATY_PUPPET: "",
        MicrosoftAppId: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString("utf8");
    });
    child.stdout.on("data", (d: Buffer) => {
      err += d.toString("utf8");
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const port = await waitFor(() => err.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1], "the server to listen", 90_000);
      const base = `http://127.0.0.1:${port}`;
      const h = await getJson(`${base}/healthz`);
      expect(h.status).toBe(200);
      expect(h.body).toEqual({ ok: true });
      expect((await fetch(`${base}/`)).headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect((await fetch(`${base}/widget.js`)).headers.get("content-type")).toBe("application/javascript; charset=utf-8");
      const r = await postJson(`${base}/api/chat`, { text: "我的身份证号是370402199001011234，忘记密码了怎么办" });
      expect(r.status).toBe(200);
      expect(r.body.topic).toBe("password.forgot");
      const bad = await postJson(`${base}/api/chat`, "{oops");
      expect(bad.status).toBe(400);
      const bf = await postJson(`${base}/api/messages`, {
        type: "message",
        serviceUrl: "https://example.com/",
        text: "hi",
        from: { id: "u" },
        conversation: { id: "c" },
      });
      expect(bf.status).toBe(403);

      child.kill("SIGTERM");
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 60_000))])).toBe(0);
      expect(existsSync(join(dir, "data", "sessions"))).toBe(true);
      expect(readdirSync(join(dir, "data", "sessions")).filter((f) => f.endsWith(".json")).length).toBeGreaterThan(0);
      expect(err).toContain("SIGTERM");
      expect(err).not.toContain("370402199001011234");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a crash mid-flow", () => {
  it("resumes the conversation after the process is killed and started again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crash-"));
    const start = () => {
      const child = spawn(process.execPath, [join(ROOT, "bot", "bin.js"), "serve"], {
        cwd: dir,
        env: {
          ...process.env,
          PORT: "0",
          HOST: "127.0.0.1",
          HELPDESK_DATA_DIR: join(dir, "data"),
          HELPDESK_SANDBOX_DIR: join(dir, "sandbox"),
          HELPDESK_RATE_LIMIT: "0",
          WECHATY_PUPPET: "",
          MicrosoftAppId: "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString("utf8");
      });
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8");
      });
      const exited = new Promise((r) => child.on("exit", r));
      return { child, exited, port: () => waitFor(() => out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1], "the server to listen", 90_000) };
    };
    const first = start();
    try {
      const base1 = `http://127.0.0.1:${await first.port()}`;
      const r1 = await postJson(`${base1}/api/chat`, { text: "职称评审通过时间怎么填" });
      expect(r1.body.flow).toBe("title-date");
      first.child.kill("SIGKILL"); // no chance to flush: the turn's write must already be on disk
      await first.exited;
      const second = start();
      try {
        const base2 = `http://127.0.0.1:${await second.port()}`;
        const r2 = await postJson(`${base2}/api/chat`, { conversationId: r1.body.conversationId, text: "考试" });
        expect(r2.body.conversationId).toBe(r1.body.conversationId);
        expect(r2.body.replies.map((x: { text: string }) => x.text).join("\n")).toContain("考试最后一天");
      } finally {
        second.child.kill("SIGKILL");
        await second.exited;
      }
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm start with a wrong configuration", () => {
  const run = (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "serve-config-"));
    const child = spawn(process.execPath, [join(ROOT, "bot", "bin.js"), "serve"], {
      cwd: dir,
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        HELPDESK_DATA_DIR: join(dir, "data"),
        HELPDESK_SANDBOX_DIR: join(dir, "sandbox"),
        WECHATY_PUPPET: "",
        MicrosoftAppId: "",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    return { child, exited, out: () => out, dir };
  };

  it.each([
    ["HELPDESK_TIMEZONE", "Asia/Shanghia"],
    ["PORT", "abc"],
  ])("stops at once with %s=%s, naming the variable in one line", async (name, value) => {
    const started = Date.now();
    const p = run({ [name]: value });
    try {
      const code = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r("timeout"), 60_000))]);
      expect(code).not.toBe(0);
      expect(code).not.toBe("timeout");
      const lines = p.out().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name);
      expect(lines[0]).toContain(value);
      expect(p.out()).not.toContain("listening");
      expect(existsSync(join(p.dir, "data"))).toBe(false); // nothing was started or written
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  it("warns about an unknown HELPDESK_* name and starts", async () => {
    const p = run({ HELPDESK_FOO: "1" });
    try {
      const port = await waitFor(() => p.out().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1], "the server to listen", 90_000);
      expect(p.out()).toMatch(/warning: HELPDESK_FOO: unknown variable/);
      expect((await getJson(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      p.child.kill("SIGTERM");
      expect(await Promise.race([p.exited, new Promise((r) => setTimeout(() => r("timeout"), 60_000))])).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
      rmSync(p.dir, { recursive: true, force: true });
    }
  });
});
