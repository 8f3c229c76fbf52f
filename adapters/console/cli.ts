// `helpdesk triage …` and `helpdesk admin …`: the console's terminal side.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { Region } from "../../bot/message.ts";
import type { TriageResult } from "./triage.ts";

type Flags = { positional: string[]; flags: Map<string, string | true> };

function parseArgs(args: string[], valued: string[]): Flags {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      if (v !== undefined) flags.set(k, v);
      else if (valued.includes(k) && i + 1 < args.length) flags.set(k, args[++i]);
      else flags.set(k, true);
    } else positional.push(a);
  }
  return { positional, flags };
}
const str = (f: Flags, k: string) => {
  const v = f.flags.get(k);
  return typeof v === "string" ? v : undefined;
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Tickets in a file: JSON lines ({text} / {q} / {message}), or blocks separated by "---", or one ticket. */
export function splitTickets(content: string): string[] {
  const lines = content.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length && lines.every((l) => l.trim().startsWith("{"))) {
    try {
      return lines.map((l) => {
        const v = JSON.parse(l) as Record<string, unknown>;
        const t = v.text ?? v.q ?? v.message ?? v.ticket;
        if (typeof t !== "string") throw new Error("no text");
        return t;
      });
    } catch {
      /* not JSON lines after all: plain text */
    }
  }
  return content
    .split(/^\s*(?:-{3,}|={3,})\s*$/m)
    .map((t) => t.trim())
    .filter(Boolean);
}

const LEVEL = { high: "高", medium: "中", low: "低" } as const;
const CITY: Record<string, string> = { zaozhuang: "枣庄", taian: "泰安", other: "其他城市" };

function table(n: number, r: TriageResult): string {
  const out: string[] = [];
  const where = r.region
    ? `${CITY[r.region]}${r.place && r.place.name !== CITY[r.region] ? `（${r.place.name}）` : ""}`
    : r.place
      ? `${r.place.name}（${CITY[r.place.region]}）`
      : "未知";
  out.push(`#${n}  地区：${where}   ${r.text.replace(/\s+/g, " ").slice(0, 60)}${r.text.length > 60 ? "…" : ""}`);
  if (!r.topics.length) out.push("    （没有匹配的知识条目）");
  const w = Math.max(8, ...r.topics.map((t) => t.id.length));
  for (const t of r.topics) out.push(`    ${t.id.padEnd(w)}  ${t.confidence.toFixed(2)}  ${LEVEL[t.level]}  ${t.title}`);
  if (r.outOfScope) out.push(`    超出范围：${r.outOfScope.group}${r.outOfScope.hint ? ` — ${r.outOfScope.hint}` : ""}`);
  for (const m of r.missing) out.push(`    缺少：${m.question}`);
  for (const m of r.warnings) out.push(`    注意：${m}`);
  return out.join("\n");
}

export async function runTriageCli(args: string[]): Promise<number> {
  const f = parseArgs(args, ["file", "region", "knowledge"]);
  const usage = 'usage: helpdesk triage "用户的消息或工单" | --file FILE|- [--json] [--region zaozhuang|taian] [--knowledge DIR] [--answers]';
  const region = str(f, "region");
  if (region !== undefined && region !== "zaozhuang" && region !== "taian") {
    console.error(`--region must be zaozhuang or taian, not ${region}`);
    return 2;
  }
  let tickets: string[];
  const file = str(f, "file");
  if (file) {
    let content: string;
    try {
      content = file === "-" ? await readStdin() : readFileSync(file, "utf8");
    } catch (e) {
      console.error(`cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
    tickets = splitTickets(content);
  } else if (f.positional.length) tickets = [f.positional.join(" ")];
  else {
    console.error(usage);
    return 2;
  }
  if (!tickets.length) {
    console.error("no tickets found");
    return 2;
  }

  const { Matcher } = await import("../../bot/nlu/matcher.ts");
  const { loadKnowledge, KnowledgeError } = await import("../../knowledge/loader.ts");
  const { triage } = await import("./triage.ts");
  let matcher;
  try {
    matcher = new Matcher(loadKnowledge(str(f, "knowledge") ?? undefined));
  } catch (e) {
    console.error(e instanceof KnowledgeError ? `knowledge has errors:\n${e.message}` : (e as Error).message);
    return 1;
  }
  const json = f.flags.has("json");
  tickets.forEach((t, i) => {
    const r = triage(t, matcher, { region: (region as Region | undefined) ?? null });
    if (json) process.stdout.write(JSON.stringify({ ticket: i + 1, ...r }) + "\n");
    else {
      process.stdout.write(table(i + 1, r) + "\n");
      if (f.flags.has("answers")) for (const tp of r.topics) process.stdout.write(`\n  【${tp.title}】\n${tp.answer.replace(/^/gm, "  ")}\n`);
      process.stdout.write("\n");
    }
  });
  return 0;
}

/** Reads a password: the first line of piped stdin, or typed twice without echo on a terminal. */
async function readPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) {
    const all = await readStdin();
    return all.split(/\r?\n/)[0] ?? "";
  }
  let muted = false;
  const out = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output: out, terminal: true });
  const ask = (q: string) =>
    new Promise<string>((res) => {
      muted = false;
      process.stderr.write(q);
      muted = true;
      rl.question("", (a) => {
        process.stderr.write("\n");
        res(a);
      });
    });
  try {
    const a = await ask("密码：");
    const b = await ask("再输入一次：");
    if (a !== b) {
      console.error("两次输入的密码不一致");
      return null;
    }
    return a;
  } finally {
    rl.close();
  }
}

export async function runAdminCli(args: string[]): Promise<number> {
  const f = parseArgs(args, ["data", "role", "display"]);
  const [sub, name] = f.positional;
  const usage = `usage: helpdesk admin create NAME [--role admin|agent] [--display 显示名] [--data DIR]   (password from stdin)
       helpdesk admin passwd NAME [--data DIR]                                            (password from stdin)
       helpdesk admin list [--data DIR]`;
  const dataDir = resolve(str(f, "data") ?? (await import("../../bot/main/config.ts")).readConfig().config.dataDir);
  const { AccountStore, AccountError, checkName, checkPassword } = await import("./accounts.ts");
  // The same file, lock and atomic write as the running server: the two never lose each other's changes.
  const store = new AccountStore(join(dataDir, "console", "accounts.json"));
  try {
    switch (sub) {
      case "create": {
        const role = str(f, "role") ?? "admin";
        if (!name || (role !== "admin" && role !== "agent")) {
          console.error(usage);
          return 2;
        }
        const badName = checkName(name);
        if (badName) {
          console.error(badName);
          return 2;
        }
        if (store.get(name)) {
          console.error(`账号 ${name} 已存在`);
          return 1;
        }
        const password = await readPassword();
        if (password === null) return 1;
        const bad = checkPassword(password, name);
        if (bad) {
          console.error(bad);
          return 1;
        }
        await store.create({ name, password, role, displayName: str(f, "display"), by: "cli", now: Date.now() });
        console.error(`已创建${role === "admin" ? "管理员" : "客服"}账号 ${name}（${join(dataDir, "console", "accounts.json")}）`);
        return 0;
      }
      case "passwd": {
        if (!name) {
          console.error(usage);
          return 2;
        }
        if (!store.get(name)) {
          console.error(`没有账号 ${name}`);
          return 1;
        }
        const password = await readPassword();
        if (password === null) return 1;
        await store.setPassword(name, password, Date.now());
        console.error(`已修改 ${name} 的密码；该账号已登录的会话随即失效`);
        return 0;
      }
      case "list": {
        for (const a of store.all()) console.log(`${a.name}\t${a.role}\t${a.active ? "active" : "disabled"}\t${new Date(a.createdAt).toISOString()}`);
        return 0;
      }
      default:
        console.error(usage);
        return 2;
    }
  } catch (e) {
    console.error(e instanceof AccountError ? e.message : `failed: ${(e as Error).message}`);
    return 1;
  }
}
