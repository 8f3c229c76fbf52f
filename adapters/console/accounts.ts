// Agent accounts (roles agent and admin), passwords hashed with scrypt.
// The file is shared with `helpdesk admin create`, which runs in another process: every change
// takes the lock file, re-reads, changes and writes atomically; reads notice a changed file by
// its stat and read it again.
import { scrypt, randomBytes, timingSafeEqual } from "node:crypto";
import { statSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { withFileLock, writeFileAtomic, readJsonFile } from "./file-lock.ts";

export type Role = "agent" | "admin";

export interface Account {
  name: string;
  role: Role;
  /** Shown to users when this agent joins a conversation; the login name never is. */
  displayName?: string;
  hash: string;
  active: boolean;
  createdAt: number;
  createdBy: string;
  passwordChangedAt: number;
  /** Bumped by every password change; a session remembers the value it signed in with. */
  passwordVersion?: number;
}

interface AccountsFile {
  v: 1;
  accounts: Account[];
}

// scrypt cost: N=2^15, r=8 needs 32 MiB per hash, ~0.1 s here: slow for a guesser, fine for a login.
const N = 1 << 15,
  R = 8,
  P = 1,
  KEYLEN = 32,
  MAXMEM = 96 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, salt, key] = parts;
  const expected = Buffer.from(key, "base64");
  const got = await scryptAsync(password, Buffer.from(salt, "base64"), Number(n), Number(r), Number(p));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

// Verified when the name is unknown, so a wrong name costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => (dummyHash ??= hashPassword(randomBytes(12).toString("hex")));

export const NAME_RULE = /^[A-Za-z0-9_.\-\u4e00-\u9fa5]{2,32}$/;
export const PASSWORD_MIN = 10;

export function checkName(name: string): string | null {
  return NAME_RULE.test(name) ? null : "账号名须为 2–32 个字符（字母、数字、汉字、_ . -）";
}
export function checkPassword(password: string, name?: string): string | null {
  if (password.length < PASSWORD_MIN) return `密码至少 ${PASSWORD_MIN} 个字符`;
  if (password.length > 200) return "密码太长";
  if (name && password.toLowerCase().includes(name.toLowerCase())) return "密码不能包含账号名";
  return null;
}

export class AccountError extends Error {
  constructor(
    message: string,
    public status = 400,
  ) {
    super(message);
  }
}

export class AccountStore {
  private cache: { sig: string; data: AccountsFile } | undefined;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  private sig(): string {
    try {
      const s = statSync(this.file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return "none";
    }
  }

  private read(): AccountsFile {
    const sig = this.sig();
    if (this.cache?.sig === sig) return this.cache.data;
    const data = readJsonFile<AccountsFile>(this.file, { v: 1, accounts: [] });
    this.cache = { sig, data };
    return data;
  }

  all(): Account[] {
    return this.read().accounts;
  }
  get(name: string): Account | undefined {
    return this.read().accounts.find((a) => a.name === name);
  }
  hasAdmin(): boolean {
    return this.all().some((a) => a.role === "admin" && a.active);
  }

  /** Re-reads under the lock, applies fn, writes atomically. */
  private async change<T>(fn: (data: AccountsFile) => T): Promise<T> {
    return withFileLock(`${this.file}.lock`, () => {
      const data = readJsonFile<AccountsFile>(this.file, { v: 1, accounts: [] });
      const out = fn(data);
      // Password hashes: readable by the service's own user only.
      writeFileAtomic(this.file, JSON.stringify(data, null, 2) + "\n", 0o600);
      this.cache = undefined;
      return out;
    });
  }

  async create(input: { name: string; password: string; role: Role; displayName?: string; by: string; now: number }): Promise<Account> {
    const bad = checkName(input.name) ?? checkPassword(input.password, input.name);
    if (bad) throw new AccountError(bad);
    const hash = await hashPassword(input.password); // outside the lock: it is the slow part
    return this.change((data) => {
      if (data.accounts.some((a) => a.name.toLowerCase() === input.name.toLowerCase())) throw new AccountError(`账号 ${input.name} 已存在`, 409);
      const a: Account = {
        name: input.name,
        role: input.role,
        displayName: input.displayName?.trim() || undefined,
        hash,
        active: true,
        createdAt: input.now,
        createdBy: input.by,
        passwordChangedAt: input.now,
      };
      data.accounts.push(a);
      return a;
    });
  }

  async setPassword(name: string, password: string, now: number): Promise<void> {
    const bad = checkPassword(password, name);
    if (bad) throw new AccountError(bad);
    const hash = await hashPassword(password);
    await this.change((data) => {
      const a = data.accounts.find((x) => x.name === name);
      if (!a) throw new AccountError(`没有账号 ${name}`, 404);
      a.hash = hash;
      a.passwordChangedAt = now;
      a.passwordVersion = (a.passwordVersion ?? 0) + 1;
    });
  }

  async update(name: string, patch: Partial<Pick<Account, "active" | "role" | "displayName">>): Promise<Account> {
    return this.change((data) => {
      const a = data.accounts.find((x) => x.name === name);
      if (!a) throw new AccountError(`没有账号 ${name}`, 404);
      const next = { ...a, ...patch };
      // Never leave the desk without an active admin.
      const admins = data.accounts.filter((x) => x.name !== name && x.role === "admin" && x.active).length;
      if (a.role === "admin" && a.active && (!next.active || next.role !== "admin") && admins === 0) {
        throw new AccountError("这是最后一个管理员账号，不能停用或降级", 409);
      }
      Object.assign(a, patch);
      return a;
    });
  }

  /** Checks a password; unknown names take as long as known ones. */
  async verify(name: string, password: string): Promise<Account | null> {
    const a = this.get(name);
    const ok = await verifyPassword(password, a?.hash ?? (await dummyPasswordHash()));
    return a && a.active && ok ? a : null;
  }
}

/** What the console shows of an account. */
export const publicAccount = (a: Account) => ({
  name: a.name,
  role: a.role,
  displayName: a.displayName ?? null,
  active: a.active,
  createdAt: a.createdAt,
  createdBy: a.createdBy,
});
