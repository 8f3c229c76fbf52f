// The one place the environment is read. `readConfig()` checks every variable of
// ../shared/CONTRACTS.md and the README through one zod schema, once, at start: a wrong value
// throws a ConfigError naming the variable; an unknown HELPDESK_* name is a warning, not fatal.
// Everything else receives the parsed, typed Config (or the part of it it needs).
//
// This module imports no channel, no engine and no heavy library: it is safe to import first.
import { isIP } from "node:net";
import { resolve, sep } from "node:path";
import { z } from "zod";
import { cacheDirFrom } from "./cache-dir.ts";
import { DEFAULT_HOURS, parseHoursSpec, type WorkingHours } from "../working-hours.ts";
import { zonedTime } from "../zoned.ts";

export type Env = Record<string, string | undefined>;
export { cacheDirFrom };

/** A wrong value of one variable: the message names it and says what is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

export type BotFrameworkAppType = "MultiTenant" | "SingleTenant" | "UserAssignedMSI";
export type TrustProxy = boolean | number | string[];

export interface WechatConfig {
  /** WECHATY_PUPPET: the puppet module to start. */
  puppet: string;
  /** WECHATY_PUPPET_SERVICE_TOKEN, else WECHATY_TOKEN. */
  token?: string;
  /** WECHATY_NAME: login memory file name under the data directory. */
  name: string;
  /** HELPDESK_WECHAT_PREFIX */
  prefix?: string;
  /** HELPDESK_WECHAT_ROOMS; empty → every group. */
  rooms: string[];
  /** HELPDESK_WECHAT_SEND_PER_MINUTE */
  sendPerMinute: number;
}

export interface BotFrameworkConfig {
  appId?: string;
  appPassword?: string;
  appType?: BotFrameworkAppType;
  tenantId?: string;
}

export interface Config {
  /** PORT (0 = any free port) and HOST. */
  port: number;
  host: string;
  /** HELPDESK_DATA_DIR, absolute. */
  dataDir: string;
  /** HELPDESK_SANDBOX_DIR, absolute. */
  sandboxDir: string;
  /** HELPDESK_PLATFORM_URL; undefined → the in-process sandbox. */
  platformUrl?: string;
  /** HELPDESK_RATE_LIMIT: requests per minute per client on /api/; 0 = off. */
  rateLimit: number;
  /** HELPDESK_REDIS_URL; undefined → embedded storage. */
  redisUrl?: string;
  /** HELPDESK_DATABASE_URL; undefined → embedded storage. */
  databaseUrl?: string;
  /** WECHATY_*, HELPDESK_WECHAT_*; null → the WeChat channel is off (wechaty is not loaded). */
  wechat: WechatConfig | null;
  /** MicrosoftApp*; no app id → open for local testing (loopback service URLs only). */
  botFramework: BotFrameworkConfig;
  /** HELPDESK_SECRET_KEY; undefined → a key generated on first start into `<dataDir>.key` (adapters/storage/secret-box.ts). */
  secretKey?: string;
  /** HELPDESK_CACHE_DIR, absolute. */
  cacheDir: string;
  /** HELPDESK_KNOWLEDGE_DIR, absolute; undefined → the repository's knowledge/. */
  knowledgeDir?: string;
  /** HELPDESK_SANDBOX_FIXED_CODE=1: every one-time code is 000000. */
  sandboxFixedCode: boolean;
  /** HELPDESK_TRUST_PROXY: true, a hop count, or addresses / CIDRs. */
  trustProxy: TrustProxy;
  /** HELPDESK_ALLOWED_ORIGINS; undefined → same origin only. */
  allowedOrigins?: string[] | "*";
  /** HELPDESK_TIMEZONE, HELPDESK_WORKING_HOURS, HELPDESK_HOLIDAYS, HELPDESK_EXTRA_WORKDAYS. */
  hours: WorkingHours;
  /** HELPDESK_RETENTION_DAYS */
  retentionDays: number;
  /** HELPDESK_NOW as epoch ms; undefined → the real clock. */
  now?: number;
}

export const DEFAULTS = {
  port: 3978,
  host: "0.0.0.0",
  dataDir: "./data",
  sandboxDir: "./sandbox-data",
  rateLimit: 120,
  wechatName: "helpdesk-wechat",
  wechatSendPerMinute: 20,
  retentionDays: 180,
} as const;

// ---------------------------------------------------------------------------------------------
// One field per variable. Every field sees the raw string with blanks already turned into
// undefined (an empty variable is the same as an unset one); a failed check's message is the
// problem, and the variable's name is added by readConfig.

const str = z.string().optional();

const intIn = (min: number, max: number, what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not ${what}` });
        return z.NEVER;
      }
      return Number(v);
    });

const positiveNumber = (what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not ${what}` });
        return z.NEVER;
      }
      return n;
    });

const url = (protocols: string[], example: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not a URL (e.g. ${example})` });
        return z.NEVER;
      }
      if (!protocols.includes(u.protocol)) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} must start with ${protocols.map((p) => `${p}//`).join(" or ")} (e.g. ${example})` });
        return z.NEVER;
      }
      return v;
    });

const flag = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return false;
    const s = v.toLowerCase();
    if (["1", "true", "yes", "on"].includes(s)) return true;
    if (["0", "false", "no", "off"].includes(s)) return false;
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not 1 or 0` });
    return z.NEVER;
  });

/** Is `tz` a time zone Intl knows (IANA name such as Asia/Shanghai, or UTC)? */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z
  .string()
  .optional()
  .refine((v) => v === undefined || isTimeZone(v), {
    error: (iss) => `${JSON.stringify(iss.input)} is not an IANA time zone (e.g. Asia/Shanghai)`,
  });

const listOf = (v: string, re: RegExp) =>
  v
    .split(re)
    .map((s) => s.trim())
    .filter(Boolean);

const dates = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    const out = listOf(v, /[\s,，]+/);
    for (const d of out) {
      const m = d.match(/^(\d{4})-(\d{2})-(\d{2})$/);
      const t = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : undefined;
      if (!m || !t || t.getUTCMonth() !== +m[2] - 1 || t.getUTCDate() !== +m[3]) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(d)} is not a date YYYY-MM-DD (a list separated by commas)` });
        return z.NEVER;
      }
    }
    return out;
  });

const workingHours = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    try {
      return parseHoursSpec(v);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  });

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx): TrustProxy => {
    if (v === undefined) return false;
    const s = v.toLowerCase();
    if (s === "false") return false;
    if (s === "true") return true;
    if (/^\d+$/.test(s)) return Number(s) === 0 ? false : Number(s); // hop count (proxy-addr)
    const parts = listOf(v, /,/);
    for (const p of parts) {
      const [addr, bits, ...rest] = p.split("/");
      const family = isIP(addr);
      const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
      if (!(PROXY_NAMES.has(p.toLowerCase()) || (family && okBits && rest.length === 0))) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(p)} is not true, a hop count, an address, a CIDR range or loopback/linklocal/uniquelocal` });
        return z.NEVER;
      }
    }
    return parts;
  });

const origins = z
  .string()
  .optional()
  .transform((v, ctx): string[] | "*" | undefined => {
    if (v === undefined) return undefined;
    if (v === "*") return "*";
    const out: string[] = [];
    for (const o of listOf(v, /,/)) {
      const bare = o.replace(/\/+$/, "");
      let u: URL | undefined;
      try {
        u = new URL(bare);
      } catch {
        /* reported below */
      }
      if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || u.origin !== bare.toLowerCase()) {
        ctx.addIssue({
          code: "custom",
          message: `${JSON.stringify(o)} is not an origin such as https://www.example.com (scheme, host and optional port, no path), or *`,
        });
        return z.NEVER;
      }
      out.push(u.origin);
    }
    return out;
  });

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
/**
 * HELPDESK_NOW: an ISO time. With an offset (Z, +08:00) it is that instant; without one it is a
 * wall-clock time in `timeZone` (the working-hours zone, Asia/Shanghai by default), never the
 * machine's zone. Returns epoch ms, or undefined when it is not an ISO time.
 */
export function parseIsoTime(v: string, timeZone: string = DEFAULT_HOURS.timeZone): number | undefined {
  const m = v.trim().match(ISO);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = m;
  const check = new Date(Date.UTC(+y, +mo - 1, +d));
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return undefined;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  if (zone) {
    const t = Date.parse(
      `${y}-${mo}-${d}T${h.padStart(2, "0")}:${mi}:${s.padStart(2, "0")}.${String(ms).padStart(3, "0")}${zone.toUpperCase() === "Z" ? "Z" : zone.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")}`,
    );
    return Number.isFinite(t) ? t : undefined;
  }
  return zonedTime(+y, +mo, +d, +h, +mi, timeZone) + +s * 1000 + ms;
}

const isoTime = z
  .string()
  .optional()
  .refine((v) => v === undefined || parseIsoTime(v) !== undefined, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an ISO time such as 2026-11-24T10:00:00+08:00`,
  });

const fileName = z
  .string()
  .optional()
  .refine((v) => v === undefined || !/[\\/]|^\.\.?$/.test(v), {
    error: (iss) => `${JSON.stringify(iss.input)} must be a plain name, not a path`,
  });

const appType = z
  .string()
  .optional()
  .transform((v, ctx): BotFrameworkAppType | undefined => {
    if (v === undefined) return undefined;
    const found = (["MultiTenant", "SingleTenant", "UserAssignedMSI"] as const).find((t) => t.toLowerCase() === v.toLowerCase());
    if (!found) {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not MultiTenant, SingleTenant or UserAssignedMSI` });
      return z.NEVER;
    }
    return found;
  });

/** Every variable the assistant reads, with its check. The keys are the variables' names. */
export const ENV_SCHEMA = z.object({
  PORT: intIn(0, 65535, "a port number (0–65535)"),
  HOST: str,
  HELPDESK_DATA_DIR: str,
  HELPDESK_SANDBOX_DIR: str,
  HELPDESK_PLATFORM_URL: url(["http:", "https:"], "http://127.0.0.1:3979"),
  HELPDESK_RATE_LIMIT: intIn(0, 1_000_000, "a whole number of requests per minute (0 turns it off)"),
  HELPDESK_REDIS_URL: url(["redis:", "rediss:"], "redis://127.0.0.1:6379"),
  HELPDESK_DATABASE_URL: url(["postgres:", "postgresql:"], "postgres://user:pass@127.0.0.1:5432/helpdesk"),
  WECHATY_PUPPET: str,
  WECHATY_PUPPET_SERVICE_TOKEN: str,
  WECHATY_TOKEN: str,
  WECHATY_NAME: fileName,
  HELPDESK_WECHAT_PREFIX: str,
  HELPDESK_WECHAT_ROOMS: str,
  HELPDESK_WECHAT_SEND_PER_MINUTE: positiveNumber("a number of messages per minute above 0"),
  MicrosoftAppId: str,
  MicrosoftAppPassword: str,
  MicrosoftAppType: appType,
  MicrosoftAppTenantId: str,
  HELPDESK_SECRET_KEY: str,
  HELPDESK_CACHE_DIR: str,
  HELPDESK_KNOWLEDGE_DIR: str,
  HELPDESK_SANDBOX_FIXED_CODE: flag,
  HELPDESK_TRUST_PROXY: trustProxy,
  HELPDESK_ALLOWED_ORIGINS: origins,
  HELPDESK_TIMEZONE: timeZone,
  HELPDESK_RETENTION_DAYS: intIn(1, 100_000, "a whole number of days above 0"),
  HELPDESK_WORKING_HOURS: workingHours,
  HELPDESK_HOLIDAYS: dates,
  HELPDESK_EXTRA_WORKDAYS: dates,
  HELPDESK_NOW: isoTime,
});

/** The names readConfig knows; any other HELPDESK_* name is warned about. */
export const KNOWN_VARIABLES: readonly string[] = Object.keys(ENV_SCHEMA.shape);

/** Variables of other tools that start with HELPDESK_ and are not ours to judge (none yet). */
const NOT_OURS = new Set<string>();

function blanksToUndefined(env: Env): Env {
  const out: Env = {};
  for (const k of KNOWN_VARIABLES) {
    const v = env[k]?.trim();
    if (v) out[k] = v;
  }
  // Secrets keep their exact value (a password may end in a space); only an empty one is unset.
  for (const k of ["MicrosoftAppPassword", "HELPDESK_SECRET_KEY", "WECHATY_PUPPET_SERVICE_TOKEN", "WECHATY_TOKEN"]) {
    if (env[k]?.trim()) out[k] = env[k];
  }
  return out;
}

/**
 * Reads and checks the environment. Throws a ConfigError naming the first wrong variable.
 * `cwd` resolves relative directories (default the process's).
 */
export function readConfig(env: Env = process.env, cwd: string = process.cwd()): { config: Config; warnings: string[] } {
  const warnings: string[] = [];
  const parsed = ENV_SCHEMA.safeParse(blanksToUndefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? "environment"), issue.message);
  }
  const e = parsed.data;

  for (const k of Object.keys(env).sort()) {
    if (k.startsWith("HELPDESK_") && !KNOWN_VARIABLES.includes(k) && !NOT_OURS.has(k)) {
      const tail = k.slice("HELPDESK_".length);
      const near = KNOWN_VARIABLES.find(
        (known) => known.startsWith("HELPDESK_") && distance(known.slice("HELPDESK_".length), tail) <= Math.max(1, Math.floor(tail.length / 4)),
      );
      warnings.push(`${k}: unknown variable, ignored${near ? ` (did you mean ${near}?)` : ""}`);
    }
  }

  // Bot Framework: the same rules botbuilder asserts, checked now instead of on the first request.
  const bf: BotFrameworkConfig = {
    appId: e.MicrosoftAppId,
    appPassword: e.MicrosoftAppPassword,
    appType: e.MicrosoftAppType,
    tenantId: e.MicrosoftAppTenantId,
  };
  if (bf.appType === "SingleTenant" || bf.appType === "UserAssignedMSI") {
    if (!bf.appId) throw new ConfigError("MicrosoftAppId", `is required when MicrosoftAppType is ${bf.appType}`);
    if (!bf.tenantId) throw new ConfigError("MicrosoftAppTenantId", `is required when MicrosoftAppType is ${bf.appType}`);
  }
  if (bf.appType === "SingleTenant" && !bf.appPassword) throw new ConfigError("MicrosoftAppPassword", "is required when MicrosoftAppType is SingleTenant");
  if (bf.appType === "UserAssignedMSI" && bf.appPassword)
    throw new ConfigError("MicrosoftAppPassword", "must not be set when MicrosoftAppType is UserAssignedMSI");
  if (!bf.appId && (bf.appPassword || bf.tenantId || bf.appType))
    warnings.push("MicrosoftAppId: not set, so the other MicrosoftApp* variables are ignored and /api/messages stays open for local testing");

  const wechatSet = [
    "WECHATY_PUPPET_SERVICE_TOKEN",
    "WECHATY_TOKEN",
    "WECHATY_NAME",
    "HELPDESK_WECHAT_PREFIX",
    "HELPDESK_WECHAT_ROOMS",
    "HELPDESK_WECHAT_SEND_PER_MINUTE",
  ].filter((k) => e[k as keyof typeof e] !== undefined);
  if (!e.WECHATY_PUPPET && wechatSet.length)
    warnings.push(`WECHATY_PUPPET: not set, so WeChat is off and ${wechatSet.join(", ")} ${wechatSet.length > 1 ? "are" : "is"} ignored`);
  const token = e.WECHATY_PUPPET_SERVICE_TOKEN?.trim() || e.WECHATY_TOKEN?.trim();
  const wechat: WechatConfig | null = e.WECHATY_PUPPET
    ? {
        puppet: e.WECHATY_PUPPET,
        ...(token ? { token } : {}),
        name: e.WECHATY_NAME ?? DEFAULTS.wechatName,
        ...(e.HELPDESK_WECHAT_PREFIX ? { prefix: e.HELPDESK_WECHAT_PREFIX } : {}),
        rooms: e.HELPDESK_WECHAT_ROOMS ? listOf(e.HELPDESK_WECHAT_ROOMS, /[,，\n]/) : [],
        sendPerMinute: e.HELPDESK_WECHAT_SEND_PER_MINUTE ?? DEFAULTS.wechatSendPerMinute,
      }
    : null;

  if (e.HELPDESK_SECRET_KEY !== undefined && e.HELPDESK_SECRET_KEY.length < 32)
    warnings.push("HELPDESK_SECRET_KEY: shorter than 32 characters; use a long random key");

  const hours: WorkingHours = { ...(e.HELPDESK_WORKING_HOURS ?? DEFAULT_HOURS) };
  if (e.HELPDESK_TIMEZONE) hours.timeZone = e.HELPDESK_TIMEZONE;
  if (e.HELPDESK_HOLIDAYS) hours.holidays = e.HELPDESK_HOLIDAYS;
  if (e.HELPDESK_EXTRA_WORKDAYS) hours.extraDays = e.HELPDESK_EXTRA_WORKDAYS;

  const dataDir = resolve(cwd, e.HELPDESK_DATA_DIR ?? DEFAULTS.dataDir);
  const sandboxDir = resolve(cwd, e.HELPDESK_SANDBOX_DIR ?? DEFAULTS.sandboxDir);
  if (sandboxDir === dataDir || sandboxDir.startsWith(dataDir + sep)) {
    warnings.push("HELPDESK_SANDBOX_DIR: inside HELPDESK_DATA_DIR; the sandbox's demo data should live outside the assistant's data");
  }

  const config: Config = {
    port: e.PORT ?? DEFAULTS.port,
    host: e.HOST ?? DEFAULTS.host,
    dataDir,
    sandboxDir,
    platformUrl: e.HELPDESK_PLATFORM_URL,
    rateLimit: e.HELPDESK_RATE_LIMIT ?? DEFAULTS.rateLimit,
    redisUrl: e.HELPDESK_REDIS_URL,
    databaseUrl: e.HELPDESK_DATABASE_URL,
    wechat,
    botFramework: bf,
    secretKey: e.HELPDESK_SECRET_KEY,
    cacheDir: cacheDirFrom(env, cwd),
    knowledgeDir: e.HELPDESK_KNOWLEDGE_DIR ? resolve(cwd, e.HELPDESK_KNOWLEDGE_DIR) : undefined,
    sandboxFixedCode: e.HELPDESK_SANDBOX_FIXED_CODE,
    trustProxy: e.HELPDESK_TRUST_PROXY,
    allowedOrigins: e.HELPDESK_ALLOWED_ORIGINS,
    hours,
    retentionDays: e.HELPDESK_RETENTION_DAYS ?? DEFAULTS.retentionDays,
    now: e.HELPDESK_NOW === undefined ? undefined : parseIsoTime(e.HELPDESK_NOW, hours.timeZone),
  };
  return { config, warnings };
}

/** HELPDESK_NOW alone (eval and replay): epoch ms, undefined when unset; a ConfigError when wrong. */
export function nowFrom(env: Env = process.env): number | undefined {
  const v = env.HELPDESK_NOW?.trim();
  if (!v) return undefined;
  const tz = env.HELPDESK_TIMEZONE?.trim() && isTimeZone(env.HELPDESK_TIMEZONE.trim()) ? env.HELPDESK_TIMEZONE.trim() : DEFAULT_HOURS.timeZone;
  const t = parseIsoTime(v, tz);
  if (t === undefined) throw new ConfigError("HELPDESK_NOW", `${JSON.stringify(v)} is not an ISO time such as 2026-11-24T10:00:00+08:00`);
  return t;
}

/** Edit distance, for "did you mean" on misspelt names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}
