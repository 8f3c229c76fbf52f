// bot/main/config.ts: every variable of CONTRACTS.md (and the README) is accepted with a valid
// value, a wrong value names its variable, an unknown HELPDESK_* name is a warning, and defaults.
import { describe, it, expect } from "vitest";
import { readConfig, ConfigError, KNOWN_VARIABLES, parseIsoTime, nowFrom } from "../../bot/main/config.ts";

const VALID: Record<string, string> = {
  PORT: "8080",
  HOST: "127.0.0.1",
  HELPDESK_DATA_DIR: "/srv/helpdesk/data",
  HELPDESK_SANDBOX_DIR: "/srv/helpdesk/sandbox",
  HELPDESK_PLATFORM_URL: "http://127.0.0.1:3979",
  HELPDESK_RATE_LIMIT: "60",
  HELPDESK_REDIS_URL: "redis://127.0.0.1:6379/0",
  HELPDESK_DATABASE_URL: "postgres://helpdesk:pw@127.0.0.1:5432/helpdesk",
  WECHATY_PUPPET: "wechaty-puppet-service",
  WECHATY_PUPPET_SERVICE_TOKEN: "puppet_token_123",
  WECHATY_TOKEN: "other_token",
  WECHATY_NAME: "helpdesk-bot",
  HELPDESK_WECHAT_PREFIX: "客服",
  HELPDESK_WECHAT_ROOMS: "继续教育群,room-123@chatroom",
  HELPDESK_WECHAT_SEND_PER_MINUTE: "30",
  MicrosoftAppId: "00000000-0000-0000-0000-000000000001",
  MicrosoftAppPassword: "secret pass",
  MicrosoftAppType: "SingleTenant",
  MicrosoftAppTenantId: "00000000-0000-0000-0000-000000000002",
  HELPDESK_SECRET_KEY: "k".repeat(44),
  HELPDESK_CACHE_DIR: "/var/cache/helpdesk",
  HELPDESK_KNOWLEDGE_DIR: "/srv/helpdesk/knowledge",
  HELPDESK_SANDBOX_FIXED_CODE: "1",
  HELPDESK_TRUST_PROXY: "10.0.0.0/8,127.0.0.1",
  HELPDESK_ALLOWED_ORIGINS: "https://www.sdgsxt.cn, http://localhost:8080/",
  HELPDESK_TIMEZONE: "Asia/Shanghai",
  HELPDESK_RETENTION_DAYS: "90",
  HELPDESK_WORKING_HOURS: "Mon-Sat 09:00-18:00",
  HELPDESK_HOLIDAYS: "2026-10-01,2026-10-02",
  HELPDESK_EXTRA_WORKDAYS: "2026-09-27",
  HELPDESK_NOW: "2026-11-24T10:00:00+08:00",
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    readConfig(env, "/work");
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(env)}`);
}

describe("readConfig", () => {
  it("knows every variable of CONTRACTS.md's table and the README", () => {
    expect([...KNOWN_VARIABLES].sort()).toEqual(Object.keys(VALID).sort());
  });

  it("gives the documented defaults with an empty environment", () => {
    const { config, warnings } = readConfig({}, "/work");
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      port: 3978,
      host: "0.0.0.0",
      dataDir: "/work/data",
      sandboxDir: "/work/sandbox-data",
      rateLimit: 120,
      wechat: null,
      botFramework: {},
      sandboxFixedCode: false,
      trustProxy: false,
      retentionDays: 180,
      hours: { timeZone: "Asia/Shanghai", days: [1, 2, 3, 4, 5], start: "08:30", end: "17:30", holidays: [], extraDays: [] },
    });
    expect(config.platformUrl).toBeUndefined();
    expect(config.allowedOrigins).toBeUndefined();
    expect(config.now).toBeUndefined();
    expect(config.knowledgeDir).toBeUndefined();
    expect(config.cacheDir).toMatch(/helpdesk-cache$/);
  });

  it("treats an empty variable as unset", () => {
    const { config } = readConfig({ PORT: "", WECHATY_PUPPET: "", MicrosoftAppId: " ", HELPDESK_TIMEZONE: "" }, "/work");
    expect(config.port).toBe(3978);
    expect(config.wechat).toBeNull();
    expect(config.botFramework.appId).toBeUndefined();
  });

  it("accepts every variable with a valid value, all at once, and parses them", () => {
    const { config, warnings } = readConfig(VALID, "/work");
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      dataDir: "/srv/helpdesk/data",
      sandboxDir: "/srv/helpdesk/sandbox",
      platformUrl: "http://127.0.0.1:3979",
      rateLimit: 60,
      redisUrl: VALID.HELPDESK_REDIS_URL,
      databaseUrl: VALID.HELPDESK_DATABASE_URL,
      wechat: {
        puppet: "wechaty-puppet-service",
        token: "puppet_token_123",
        name: "helpdesk-bot",
        prefix: "客服",
        rooms: ["继续教育群", "room-123@chatroom"],
        sendPerMinute: 30,
      },
      botFramework: { appId: VALID.MicrosoftAppId, appPassword: "secret pass", appType: "SingleTenant", tenantId: VALID.MicrosoftAppTenantId },
      secretKey: VALID.HELPDESK_SECRET_KEY,
      cacheDir: "/var/cache/helpdesk",
      knowledgeDir: "/srv/helpdesk/knowledge",
      sandboxFixedCode: true,
      trustProxy: ["10.0.0.0/8", "127.0.0.1"],
      allowedOrigins: ["https://www.sdgsxt.cn", "http://localhost:8080"],
      hours: {
        timeZone: "Asia/Shanghai",
        days: [1, 2, 3, 4, 5, 6],
        start: "09:00",
        end: "18:00",
        holidays: ["2026-10-01", "2026-10-02"],
        extraDays: ["2026-09-27"],
      },
      retentionDays: 90,
      now: Date.parse("2026-11-24T02:00:00Z"),
    });
  });

  it.each(Object.entries(VALID))("accepts %s=%s on its own", (name, value) => {
    const env: Record<string, string> = { [name]: value };
    // Bot Framework app types need their companions; the rest stand alone.
    if (name === "MicrosoftAppType") Object.assign(env, { MicrosoftAppId: "a", MicrosoftAppPassword: "p", MicrosoftAppTenantId: "t" });
    expect(() => readConfig(env, "/work")).not.toThrow();
  });

  it("accepts the other documented forms", () => {
    for (const env of [
      { PORT: "0" },
      { HELPDESK_RATE_LIMIT: "0" },
      { HELPDESK_TRUST_PROXY: "true" },
      { HELPDESK_TRUST_PROXY: "2" },
      { HELPDESK_TRUST_PROXY: "loopback" },
      { HELPDESK_TRUST_PROXY: "false" },
      { HELPDESK_ALLOWED_ORIGINS: "*" },
      { HELPDESK_SANDBOX_FIXED_CODE: "0" },
      { HELPDESK_TIMEZONE: "UTC" },
      { HELPDESK_PLATFORM_URL: "https://platform.example.com/api" },
      { HELPDESK_REDIS_URL: "rediss://u:p@redis:6380" },
      { HELPDESK_DATABASE_URL: "postgresql://db/helpdesk" },
      { MicrosoftAppType: "multitenant", MicrosoftAppId: "a", MicrosoftAppPassword: "p" },
      { MicrosoftAppType: "UserAssignedMSI", MicrosoftAppId: "a", MicrosoftAppTenantId: "t" },
      { HELPDESK_NOW: "2026-11-24" },
      { HELPDESK_NOW: "2026-11-24T10:00:00Z" },
      { HELPDESK_NOW: "2026-11-24T10:00:00.123+0800" },
    ])
      expect(() => readConfig(env, "/work"), JSON.stringify(env)).not.toThrow();
    expect(readConfig({ HELPDESK_TRUST_PROXY: "2" }).config.trustProxy).toBe(2);
    expect(readConfig({ HELPDESK_TRUST_PROXY: "true" }).config.trustProxy).toBe(true);
    expect(readConfig({ HELPDESK_ALLOWED_ORIGINS: "*" }).config.allowedOrigins).toBe("*");
    expect(readConfig({ MicrosoftAppType: "multitenant", MicrosoftAppId: "a" }).config.botFramework.appType).toBe("MultiTenant");
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["HELPDESK_TIMEZONE", "Asia/Shanghia"],
    ["HELPDESK_TIMEZONE", "CST+8"],
    ["HELPDESK_RATE_LIMIT", "lots"],
    ["HELPDESK_RATE_LIMIT", "-5"],
    ["HELPDESK_PLATFORM_URL", "127.0.0.1:3979"],
    ["HELPDESK_PLATFORM_URL", "ftp://x"],
    ["HELPDESK_REDIS_URL", "http://127.0.0.1:6379"],
    ["HELPDESK_DATABASE_URL", "mysql://db"],
    ["HELPDESK_WECHAT_SEND_PER_MINUTE", "0"],
    ["HELPDESK_WECHAT_SEND_PER_MINUTE", "fast"],
    ["WECHATY_NAME", "../etc/x"],
    ["MicrosoftAppType", "SingleTennant"],
    ["HELPDESK_SANDBOX_FIXED_CODE", "maybe"],
    ["HELPDESK_TRUST_PROXY", "yes please"],
    ["HELPDESK_TRUST_PROXY", "10.0.0.0/99"],
    ["HELPDESK_ALLOWED_ORIGINS", "www.example.com"],
    ["HELPDESK_ALLOWED_ORIGINS", "https://a.example.com/widget"],
    ["HELPDESK_RETENTION_DAYS", "0"],
    ["HELPDESK_RETENTION_DAYS", "half a year"],
    ["HELPDESK_WORKING_HOURS", "9 to 5"],
    ["HELPDESK_WORKING_HOURS", "Mon-Fri 18:00-09:00"],
    ["HELPDESK_HOLIDAYS", "2026-02-30"],
    ["HELPDESK_EXTRA_WORKDAYS", "next saturday"],
    ["HELPDESK_NOW", "tomorrow"],
    ["HELPDESK_NOW", "2026-13-01T00:00:00Z"],
    ["HELPDESK_NOW", "1732413600000"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    const e = errorOf({ [name]: value });
    expect(e.variable).toBe(name);
    expect(e.message.startsWith(`${name}: `)).toBe(true);
    expect(e.message).not.toContain("\n");
  });

  it("checks the Bot Framework credentials botbuilder would assert on the first request", () => {
    expect(errorOf({ MicrosoftAppType: "SingleTenant", MicrosoftAppId: "a", MicrosoftAppPassword: "p" }).variable).toBe("MicrosoftAppTenantId");
    expect(errorOf({ MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: "t", MicrosoftAppPassword: "p" }).variable).toBe("MicrosoftAppId");
    expect(errorOf({ MicrosoftAppType: "SingleTenant", MicrosoftAppId: "a", MicrosoftAppTenantId: "t" }).variable).toBe("MicrosoftAppPassword");
    expect(errorOf({ MicrosoftAppType: "UserAssignedMSI", MicrosoftAppId: "a", MicrosoftAppTenantId: "t", MicrosoftAppPassword: "p" }).variable).toBe(
      "MicrosoftAppPassword",
    );
  });

  it("warns about an unknown HELPDESK_* name (suggesting a near one) and ignores other names", () => {
    const { warnings } = readConfig({ HELPDESK_FOO: "1", HELPDESK_TIMEZOME: "Asia/Shanghai", PATH: "/bin", NODE_ENV: "production" }, "/work");
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^HELPDESK_FOO: unknown variable/);
    expect(warnings[1]).toMatch(/^HELPDESK_TIMEZOME: .*did you mean HELPDESK_TIMEZONE\?/);
  });

  it("warns about settings that have no effect", () => {
    expect(readConfig({ HELPDESK_WECHAT_PREFIX: "客服" }).warnings.join()).toMatch(/WECHATY_PUPPET: not set/);
    expect(readConfig({ MicrosoftAppPassword: "p" }).warnings.join()).toMatch(/MicrosoftAppId: not set/);
    expect(readConfig({ HELPDESK_SECRET_KEY: "short" }).warnings.join()).toMatch(/HELPDESK_SECRET_KEY/);
    expect(readConfig({ HELPDESK_DATA_DIR: "/d", HELPDESK_SANDBOX_DIR: "/d/sandbox" }).warnings.join()).toMatch(/HELPDESK_SANDBOX_DIR: inside/);
  });

  it("resolves relative directories against the working directory", () => {
    const { config } = readConfig({ HELPDESK_DATA_DIR: "var/data", HELPDESK_CACHE_DIR: "cache" }, "/work");
    expect(config.dataDir).toBe("/work/var/data");
    expect(config.cacheDir).toBe("/work/cache");
  });

  it("reads HELPDESK_NOW without an offset in the working-hours zone, not the machine's", () => {
    expect(parseIsoTime("2026-11-24T10:00:00")).toBe(Date.parse("2026-11-24T02:00:00Z"));
    expect(readConfig({ HELPDESK_NOW: "2026-11-24T10:00", HELPDESK_TIMEZONE: "UTC" }).config.now).toBe(Date.parse("2026-11-24T10:00:00Z"));
    expect(nowFrom({ HELPDESK_NOW: "2026-11-24T10:00:00+08:00" })).toBe(Date.parse("2026-11-24T02:00:00Z"));
    expect(nowFrom({})).toBeUndefined();
    expect(() => nowFrom({ HELPDESK_NOW: "soon" })).toThrow(/^HELPDESK_NOW: /);
  });
});
