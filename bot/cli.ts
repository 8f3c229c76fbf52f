// The `helpdesk` command line.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Region } from "./message.ts";

const [cmd, ...args] = process.argv.slice(2);

function flag(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const has = (name: string) => args.includes(`--${name}`);
function regionArg(): Region | null {
  const r = flag("region");
  if (r === undefined) return null;
  if (r !== "zaozhuang" && r !== "taian") {
    console.error(`--region must be zaozhuang or taian, not ${r}`);
    process.exit(2);
  }
  return r;
}
/** One JSON object per line; fields are read defensively by each command. */
type Row = Record<string, unknown>;
function readJsonl(file: string): { line: number; value: Row }[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as Error).message}`);
    process.exit(2);
  }
  const out: { line: number; value: Row }[] = [];
  text.split("\n").forEach((l, i) => {
    if (!l.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(l) });
    } catch {
      console.error(`${file}:${i + 1}: not valid JSON`);
      process.exit(2);
    }
  });
  return out;
}
const rendered = async () => (await import("./render.ts")).renderAllText;
const lastChoicesOf = async () => (await import("./message.ts")).lastChoices;
/** HELPDESK_NOW as a clock for eval and replay (bot/main/config.ts checks it); undefined → the real clock. */
async function configuredClock() {
  const { nowFrom } = await import("./main/config.ts");
  const { clockStartingAt } = await import("./clock.ts");
  const now = nowFrom();
  return now === undefined ? undefined : clockStartingAt(now);
}

async function main(): Promise<number> {
  switch (cmd) {
    case "ask": {
      const { createAssistant } = await import("./assistant.ts");
      const replyText = await rendered();
      const q = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1] === "--region")).join(" ");
      if (!q) {
        console.error('usage: helpdesk ask "问题" [--region zaozhuang|taian] [--json]');
        return 2;
      }
      const assistant = createAssistant();
      const r = await assistant.handle({ key: { channel: "cli", conversationId: "ask", userId: "cli" }, text: q, region: regionArg() });
      if (has("json")) {
        const m = assistant.matcher.match(q);
        console.log(
          JSON.stringify({
            q,
            got: r.topic,
            offered: r.offered,
            confidence: r.confidence ?? m.confidence,
            reply: replyText(r.replies),
            band: r.band ?? m.band,
            flow: r.flow,
            scores: m.candidates.slice(0, 5).map((c) => ({
              id: c.id,
              score: +c.score.toFixed(3),
              bm25: +c.bm25.toFixed(3),
              char: +c.char.toFixed(3),
              answer: +c.answer.toFixed(3),
              message: +c.message.toFixed(3),
            })),
            normalized: m.normalized,
            tokens: m.tokens,
          }),
        );
      } else console.log(replyText(r.replies));
      return 0;
    }
    case "chat": {
      const { createAssistant } = await import("./assistant.ts");
      const { W } = await import("./wording.ts");
      const { openSandbox } = await import("./platform.ts");
      const { IDS } = await import("../knowledge/ids.ts");
      const replyText = await rendered();
      // The acting flows need a platform: the sandbox, in the data folder when one is given (its
      // state then lasts between chats), else in a temporary one. Codes are random (read them in
      // the sandbox's outbox.jsonl) unless HELPDESK_SANDBOX_FIXED_CODE=1 makes them 000000.
      const dataDir = flag("data");
      const tmp = dataDir ? null : mkdtempSync(join(tmpdir(), "helpdesk-chat-"));
      const sandboxDir = join(dataDir ?? tmp ?? "", "sandbox");
      const platform = await openSandbox(sandboxDir, { fixedCode: process.env.HELPDESK_SANDBOX_FIXED_CODE === "1" });
      const assistant = createAssistant({ dataDir, platform });
      const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "您> " });
      console.log(W.welcome);
      if (process.env.HELPDESK_SANDBOX_FIXED_CODE !== "1") console.log(`（沙箱平台：验证码见 ${join(sandboxDir, "outbox.jsonl")}）`);
      rl.prompt();
      try {
        for await (const line of rl) {
          if (line.trim()) {
            const r = await assistant.handle({ key: { channel: "cli", conversationId: "chat", userId: "cli" }, text: line, region: regionArg() });
            // No agent's console is connected to the terminal: say so rather than promise one.
            const honest = r.topic === IDS.handoff ? `\n${W.handoffTerminal}` : "";
            console.log(`\n${replyText(r.replies)}${honest}\n`);
          }
          rl.prompt();
        }
      } finally {
        await assistant.close();
        await (platform as { close?: () => Promise<void> }).close?.();
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
      return 0;
    }
    case "eval": {
      const file = args[0];
      if (!file) {
        console.error("usage: helpdesk eval FILE");
        return 2;
      }
      const rows = readJsonl(file);
      const { createAssistant } = await import("./assistant.ts");
      const replyText = await rendered();
      const assistant = createAssistant({ clock: await configuredClock() });
      let answered = 0;
      for (const [i, { value }] of rows.entries()) {
        const q = String(value.q ?? "");
        const region = value.region === "zaozhuang" || value.region === "taian" ? value.region : null;
        const r = await assistant.handle({ key: { channel: "eval", conversationId: `eval-${i}`, userId: "eval" }, text: q, region });
        if (r.topic) answered++;
        process.stdout.write(
          JSON.stringify({ q: value.q, got: r.topic, offered: r.offered, confidence: Number((r.confidence ?? 0).toFixed(3)), reply: replyText(r.replies) }) +
            "\n",
        );
      }
      console.error(`eval: ${rows.length} questions, ${answered} answered`);
      return 0;
    }
    case "replay": {
      const file = args[0];
      if (!file) {
        console.error("usage: helpdesk replay FILE");
        return 2;
      }
      const rows = readJsonl(file);
      const clock = await configuredClock();
      const { createAssistant } = await import("./assistant.ts");
      const { openSandbox } = await import("./platform.ts"); // one-time codes 000000 (CONTRACTS.md)
      const replyText = await rendered();
      const replyChoices = await lastChoicesOf();
      for (const { value } of rows) {
        // Each dialogue: its own conversation, data directory and sandbox state.
        const dir = mkdtempSync(join(tmpdir(), "helpdesk-replay-"));
        try {
          const platform = await openSandbox(join(dir, "sandbox"), { clock });
          const assistant = createAssistant({ dataDir: join(dir, "data"), platform, clock });
          const region = value.region === "zaozhuang" || value.region === "taian" ? value.region : null;
          const turns = [];
          for (const user of (value.turns ?? []) as string[]) {
            const r = await assistant.handle({ key: { channel: "replay", conversationId: String(value.id), userId: "replay" }, text: String(user), region });
            turns.push({ user, topic: r.topic, flow: r.flow ?? null, reply: replyText(r.replies), choices: replyChoices(r.replies) });
          }
          await assistant.close();
          await (platform as { close?: () => Promise<void> }).close?.();
          process.stdout.write(JSON.stringify({ id: value.id, turns }) + "\n");
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      return 0;
    }
    case "kb": {
      if (args[0] === "snapshot") {
        // Used by bot/nlu/snapshot.ts: validated knowledge and tokenised texts as JSON on stdout.
        const { loadKnowledge } = await import("../knowledge/loader.ts");
        const { Matcher } = await import("./nlu/matcher.ts");
        const { knowledgeHash } = await import("./nlu/snapshot.ts");
        const knowledge = loadKnowledge();
        const m = new Matcher(knowledge);
        const { byId: _, ...rest } = knowledge;
        process.stdout.write(JSON.stringify({ hash: knowledgeHash(), knowledge: rest, prepared: m.prepared, sounds: m.norm.sounds }));
        return 0;
      }
      if (args[0] !== "check") {
        console.error("usage: helpdesk kb check [--strict] [--quiet] [--list]");
        return 2;
      }
      if (has("list")) {
        const { CHECKS } = await import("../knowledge/checks/index.ts");
        for (const c of CHECKS) console.log(`${c.name}: ${c.about}`);
        console.log("matcher (bot/nlu/evaluate.ts): no phrasing answered with another entry or equal to another entry's once normalised; leave-one-out figure");
        return 0;
      }
      const { runKbCheck } = await import("./nlu/evaluate.ts");
      return runKbCheck({ quiet: has("quiet"), strict: has("strict") });
    }
    case "serve": {
      // The configuration first: a wrong variable stops here, before anything loads.
      const { readConfig, ConfigError } = await import("./main/config.ts");
      let config;
      try {
        const read = readConfig();
        for (const w of read.warnings) console.error(`warning: ${w}`);
        config = read.config;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        console.error(`configuration error: ${e.message}`);
        return 2;
      }
      const { serve } = await import("./server.ts");
      await serve(config);
      return -1; // keep running
    }
    case "platform-sandbox": {
      const { startSandboxServer } = await import("../adapters/platform/sandbox-server.ts");
      const port = Number(flag("port") ?? 3979);
      const { config } = (await import("./main/config.ts")).readConfig();
      const s = await startSandboxServer({
        port,
        host: flag("host") ?? "127.0.0.1",
        dir: flag("dir") ?? config.sandboxDir,
        fixedCode: config.sandboxFixedCode,
      });
      console.error(`sandbox platform listening on ${s.url}`);
      return -1;
    }
    case "triage": {
      const { runTriageCli } = await import("../adapters/console/cli.ts");
      return runTriageCli(args);
    }
    case "admin": {
      const { runAdminCli } = await import("../adapters/console/cli.ts");
      return runAdminCli(args);
    }
    case "bench": {
      const { runBench } = await import("../bench/bench.ts");
      await runBench();
      return 0;
    }
    default:
      console.error(`usage: helpdesk <command>
  ask "问题" [--region zaozhuang|taian] [--json]   answer one question
  chat [--region R] [--data DIR]                  talk in the terminal
  eval FILE                                       one JSON line per question (CONTRACTS.md)
  replay FILE                                     replay dialogues (CONTRACTS.md)
  kb check [--strict] [--quiet] [--list]          validate the knowledge files (--strict: warnings fail too)
  serve                                           start the HTTP server (npm start)
  platform-sandbox --port N [--dir D]             run the sandbox platform as an HTTP service
  triage "…" | --file F [--json]                  triage a ticket for an agent
  admin create NAME                               create the first admin (password on stdin)
  bench                                           print speed figures`);
      return cmd ? 2 : 0;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
