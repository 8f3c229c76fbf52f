// Nothing secret at rest, through the real core (lowdb sessions and log in a temp data dir, the
// sandbox platform): every phrasing of a password, a one-time code typed at any moment and personal
// numbers in every written form are sent, then every file under the data directory is searched.
import { describe, it, expect, beforeEach, afterEach, beforeAll } from "vitest";
import { mkdtempSync, rmSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAssistant, sharedMatcher } from "../../bot/assistant.ts";
import { createPlatform } from "../../adapters/platform/index.ts";
import type { Assistant } from "../../bot/turn.ts";
import type { TurnEvent } from "../../bot/ports.ts";
import { ManualClock } from "../../bot/clock.ts";
import { renderAllText } from "../../bot/render.ts";
import { LowdbStore } from "../../adapters/storage/lowdb-store.ts";
import { SecretBox, keyFileFor } from "../../adapters/storage/secret-box.ts";
import { sweepDataDir } from "../../adapters/storage/files.ts";
import { startServer, postJson, waitFor } from "../channels/helpers.ts";
import { WebChannel } from "../../adapters/channels/web.ts";
import type { Session } from "../../bot/session.ts";

const ID = "370402198503122013";
const PASSWORDS: [string, string][] = [
  ["Zx9#kPq2w", "Zx9#kPq2w"],
  ["密码 qwer1234", "qwer1234"],
  ["密码Abc@12345登不上", "Abc@12345"],
  ["Abc@12345 是我的密码", "Abc@12345"],
  ["password: hunter2", "hunter2"],
  ["pwd=S3cr3t!", "S3cr3t!"],
  ["我的密码是Qq112233", "Qq112233"],
  ["Ｈｅｌｌｏ＠２０２４", "Ｈｅｌｌｏ＠２０２４"],
];

let dir: string;
let clock: ManualClock;
let engine: Assistant;
let turns: TurnEvent[];

beforeAll(() => {
  sharedMatcher();
}, 120_000);

async function open(): Promise<Assistant> {
  const platform = await createPlatform({ HELPDESK_SANDBOX_DIR: join(dir, "sandbox"), HELPDESK_SANDBOX_FIXED_CODE: "1" } as NodeJS.ProcessEnv);
  return createAssistant({ dataDir: join(dir, "data"), platform, clock, onTurn: (e) => turns.push(e) });
}
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "privacy-"));
  clock = new ManualClock();
  turns = [];
  engine = await open();
});
afterEach(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const say = (t: string, who = "u1") => engine.handle({ key: { channel: "cli", conversationId: who, userId: who }, text: t });

/** Every file under the data directory (and the key file next to it), as text. */
function filesUnder(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: p, text: readFileSync(p, "utf8") });
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}
function holding(secret: string): string[] {
  return [...filesUnder(join(dir, "data")), { path: keyFileFor(join(dir, "data")), text: readFileSync(keyFileFor(join(dir, "data")), "utf8") }]
    .filter((f) => f.text.includes(secret))
    .map((f) => f.path);
}

describe("passwords are never stored, logged or echoed", () => {
  it.each(PASSWORDS)("%s", async (message, secret) => {
    const r = await say(message);
    expect(renderAllText(r.replies)).toContain("不要在对话中发送密码");
    expect(renderAllText(r.replies)).not.toContain(secret);
    await engine.close();
    expect(holding(secret)).toEqual([]);
    expect(turns.map((t) => t.text).join("\n")).not.toContain(secret);
    expect(turns.at(-1)?.text).toBe("[已隐藏：疑似密码]");
    engine = await open();
  });

  it("one typed at a flow's name step is refused and the flow waits for the name", async () => {
    await say("帮我把注册申请撤回");
    await say(ID);
    const r = await say("Hello@2024");
    expect(renderAllText(r.replies)).toContain("不要在对话中发送密码");
    expect(r.flow).toBe("withdraw");
    await engine.close();
    expect(holding("Hello@2024")).toEqual([]);
    expect(holding(ID)).toEqual([]);
    engine = await open();
  });

  it.each(["密码是对的", "密码忘了怎么办", "我的密码错误", "山东省立医院", "zhang.ming@163.com"])("an ordinary message is not taken for one: %s", async (m) => {
    const r = await say(m);
    expect(renderAllText(r.replies)).not.toContain("不要在对话中发送密码");
  });
});

describe("one-time codes", () => {
  it("the code typed at the code step, and a code typed at any other moment, never reach the files or the turn events", async () => {
    await say("帮我把注册申请撤回");
    await say(ID);
    await say("张明");
    await say("000000");
    await say("763540", "u2"); // another conversation, no flow
    await say("验证码 482913 收不到", "u3");
    await engine.close();
    for (const code of ["000000", "763540", "482913"]) {
      expect(holding(code)).toEqual([]);
      expect(turns.map((t) => t.text).join("\n")).not.toContain(code);
    }
    expect(turns.filter((t) => t.text.includes("[验证码]")).length).toBeGreaterThanOrEqual(3);
    engine = await open();
  });
});

describe("personal numbers at rest", () => {
  it("every written form of a number is masked in the log and the turn events", async () => {
    const forms = ["+86 138 0000 0002", "138-0000-0005", "１３８００００００１０", "3709 0219 9006 1530 21", "370902-19900615-3021"];
    for (const f of forms) await say(`我的号码是${f}`, "u9");
    await engine.close();
    const digits = (s: string) => s.normalize("NFKC").replace(/\D/g, "");
    const all =
      filesUnder(join(dir, "data"))
        .map((f) => f.text)
        .join("\n") + turns.map((t) => t.text).join("\n");
    for (const f of forms) {
      expect(all).not.toContain(f);
      expect(all.replace(/[\s-]/g, "")).not.toContain(digits(f).slice(-11));
    }
    engine = await open();
  });

  it("a waiting flow's full ID number is not readable in the session file; the same key carries on after a restart", async () => {
    await say("帮我把注册申请撤回");
    await say(ID);
    await engine.close();
    const sessions = filesUnder(join(dir, "data", "sessions"));
    expect(sessions.length).toBeGreaterThan(0);
    for (const f of sessions) {
      expect(f.text.startsWith("helpdesk-sealed:v1:")).toBe(true);
      expect(f.text).not.toContain(ID);
      expect(f.text).not.toContain("withdraw");
    }
    expect(holding(ID)).toEqual([]);
    engine = await open();
    const r = await say("张明");
    expect(renderAllText(r.replies)).toContain("138****0001"); // the flow went on with the stored number
  });

  it("a copied data directory reveals nothing without the key, and another key cannot read it", async () => {
    await say("帮我把注册申请撤回");
    await say(ID);
    await engine.close();
    const other = new LowdbStore<Session>(join(dir, "data", "sessions"), () => {}, { box: SecretBox.fromSecret("another deployment's key, 32+ chars long") });
    expect(await other.read("cli:u1:u1")).toBeNull();
    engine = await open();
  });

  it("HELPDESK_SECRET_KEY: instances given the same key read each other's sessions", async () => {
    const key = "k".repeat(40);
    const a = new LowdbStore<{ id: string }>(join(dir, "shared"), () => {}, { box: SecretBox.fromSecret(key) });
    await a.write("k1", { id: ID });
    const b = new LowdbStore<{ id: string }>(join(dir, "shared"), () => {}, { box: SecretBox.fromSecret(key) });
    expect(await b.read("k1")).toEqual({ id: ID });
    expect(
      readdirSync(join(dir, "shared"))
        .map((f) => readFileSync(join(dir, "shared", f), "utf8"))
        .join(""),
    ).not.toContain(ID);
  });

  it("the generated key lives next to the data directory, not in it, 0600", async () => {
    const file = keyFileFor(join(dir, "data"));
    expect(file).toBe(join(dir, "data.key"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64").length).toBe(32);
  });
});

describe("files", () => {
  it("session and log files are 0600 in 0700 directories", async () => {
    await say("登录不上");
    await engine.close();
    for (const d of ["sessions", "log"]) {
      expect(statSync(join(dir, "data", d)).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(join(dir, "data", d))) expect(statSync(join(dir, "data", d, f)).mode & 0o777).toBe(0o600);
    }
    engine = await open();
  });

  it("temporary copies a kill -9 left are removed at start and on erasure", async () => {
    await say("登录不上");
    await engine.close();
    const sessions = join(dir, "data", "sessions");
    const [file] = readdirSync(sessions).filter((f) => f.endsWith(".json"));
    writeFileSync(join(sessions, `.${file}.tmp`), JSON.stringify({ key: "cli:u1:u1", value: { id: ID } }));
    writeFileSync(join(sessions, "stale.json.tmp"), ID);
    engine = await open();
    expect(readdirSync(sessions).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // Erasure: a copy beside the file goes with it.
    writeFileSync(join(sessions, `.${file}.tmp`), ID);
    await engine.conversations.store.delete("cli:u1:u1");
    expect(readdirSync(sessions)).toEqual([]);
  });

  it("the start-up sweep finds copies anywhere under the data directory and tightens modes", () => {
    const d = join(dir, "loose");
    mkdirSync(join(d, "console"), { recursive: true, mode: 0o755 });
    writeFileSync(join(d, "console", "tickets.json.tmp"), ID, { mode: 0o644 });
    writeFileSync(join(d, "console", "tickets.json"), "{}", { mode: 0o644 });
    const removed = sweepDataDir(d, { harden: true });
    expect(removed).toEqual([join(d, "console", "tickets.json.tmp")]);
    expect(statSync(join(d, "console")).mode & 0o777).toBe(0o700);
    expect(statSync(join(d, "console", "tickets.json")).mode & 0o777).toBe(0o600);
  });
});

describe("idle conversations lose their flow state", () => {
  it("sweepIdle clears a waiting flow after the 30-minute expiry, not before", async () => {
    await say("帮我把注册申请撤回");
    await say(ID);
    clock.advance(29 * 60 * 1000);
    expect(await engine.sweepIdle()).toBe(0);
    clock.advance(2 * 60 * 1000);
    expect(await engine.sweepIdle()).toBe(1);
    const s = await engine.conversations.store.read("cli:u1:u1");
    expect(s?.flow).toBeNull();
    expect(JSON.stringify(s)).not.toContain(ID);
  });

  it("the server sweeps on a timer, reading idleness on its clock", async () => {
    const s = await startServer({ clock, idleSweepMs: 40 });
    try {
      const r1 = await postJson(`${s.base}/api/chat`, { text: "帮我把注册申请撤回" });
      const id = r1.body.conversationId as string;
      await postJson(`${s.base}/api/chat`, { conversationId: id, text: ID });
      const key = WebChannel.keyOf(id);
      expect((await s.assistant.conversations.store.read(key))?.flow?.name).toBe("withdraw");
      await new Promise((r) => setTimeout(r, 150));
      expect((await s.assistant.conversations.store.read(key))?.flow?.name).toBe("withdraw"); // not idle yet
      clock.advance(31 * 60 * 1000);
      await waitFor(async () => (await s.assistant.conversations.store.read(key))?.flow === null, "the flow state swept");
      const files = filesUnder(join(s.dir, "data"))
        .map((f) => f.text)
        .join("\n");
      expect(files).not.toContain(ID);
    } finally {
      await s.stop();
    }
  });
});
