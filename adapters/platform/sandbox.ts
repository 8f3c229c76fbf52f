// The sandbox platform: a small state machine that follows the platform's rules in the seeds
// (registration order and review, withdrawing a pending registration, transfers out then in),
// kept in a lowdb file so a demo survives a restart. It stands in for the real platform in
// development, replay and tests; `sandbox-server.ts` puts the same object behind HTTP.
//
// Privacy: getRegistration returns null when the name does not match the ID number, exactly as
// for an unknown number, so a caller cannot probe which numbers exist.
// Codes: 6 digits, 10 minutes, 5 attempts; the state keeps only a salted hash and the code itself
// is appended to `${dir}/outbox.jsonl` (the stand-in for an SMS). Nothing else logs it.
import { mkdir, access, appendFile } from "node:fs/promises";
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import path from "node:path";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import Fuse from "fuse.js";
import { systemClock, type Clock } from "../../bot/clock.ts";
import {
  PlatformError,
  type AccountInfo,
  type CodeGrant,
  type PlatformAdapter,
  type RegistrationInfo,
  type RegistrationState,
  type Role,
  type TransferInfo,
  type UnitRef,
} from "./types.ts";
import { maskIdNumber, maskPhone, validateIdNumber, type IdType } from "./id-number.ts";
import {
  emptyData,
  seedData,
  type City,
  type CodeRecord,
  type PersonRecord,
  type RegistrationRecord,
  type SandboxData,
  type TransferRecord,
  type UnitRecord,
} from "./sandbox-seed.ts";

export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_ATTEMPTS = 5;
/** Idempotency keys are kept this long, far longer than any user would take to confirm again. */
const IDEMPOTENCY_TTL_MS = 7 * 24 * 3600 * 1000;

export interface SandboxOptions {
  /** Directory for platform.json and outbox.jsonl; created if missing. */
  dir: string;
  clock?: Clock;
  /** Every code is 000000 (HELPDESK_SANDBOX_FIXED_CODE=1). Default false. */
  fixedCode?: boolean;
}

export type LoginCheck = "ok" | "no_account" | "wrong_role" | "pending" | "rejected";

export type RegisterInput =
  | (PersonInput & { role: "professional"; unitId: string })
  | (PersonInput & { role: "employer"; unit: NewUnit & { supervisorId?: string; parentId?: string; hrssId?: string } })
  | (PersonInput & { role: "supervisor"; unit: NewUnit & { hrssId: string } });
interface PersonInput {
  idNumber: string;
  idType?: IdType;
  name: string;
  phone: string;
  city?: City;
  district?: string;
}
interface NewUnit {
  name: string;
  city: City;
  district?: string;
}

// ---------------------------------------------------------------------------------------------
// One Low instance and one write queue per file, shared by every SandboxPlatform in the process.

class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.tail.then(fn);
    this.tail = r.then(
      () => undefined,
      () => undefined,
    );
    return r;
  }
}
interface Store {
  db: Low<SandboxData>;
  lock: Serial;
  refs: number;
}
const stores = new Map<string, Promise<Store>>();

async function acquireStore(file: string): Promise<Store> {
  let p = stores.get(file);
  if (!p) {
    p = (async () => {
      await mkdir(path.dirname(file), { recursive: true });
      const exists = await access(file).then(
        () => true,
        () => false,
      );
      const db = new Low<SandboxData>(new JSONFile<SandboxData>(file), emptyData());
      if (exists) {
        await db.read();
        if (!db.data || db.data.version !== 1) throw new Error(`${file}: not a sandbox platform file (version 1)`);
        db.data = { ...emptyData(), ...db.data };
      } else {
        db.data = seedData();
        await db.write();
      }
      return { db, lock: new Serial(), refs: 0 };
    })();
    stores.set(file, p);
    p.catch(() => stores.delete(file));
  }
  const s = await p;
  s.refs++;
  return s;
}

// ---------------------------------------------------------------------------------------------

function normName(s: string): string {
  return s
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/[.•・‧･]/g, "·");
}
/** Unit names compared without spaces, brackets and punctuation. */
function normUnit(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s·•・.,，。、()（）[\]【】\-—_'"“”‘’]/g, "");
}
function isSubsequence(q: string, s: string): boolean {
  let i = 0;
  for (const ch of s) if (ch === q[i]) i++;
  return i === q.length;
}
function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}
function fail(code: ConstructorParameters<typeof PlatformError>[0], message: string): never {
  throw new PlatformError(code, message);
}
const ACTIVE: RegistrationState[] = ["pending", "approved"];

export class SandboxPlatform implements PlatformAdapter {
  readonly dir: string;
  readonly file: string;
  readonly outboxFile: string;
  private readonly clock: Clock;
  private readonly fixedCode: boolean;
  private store?: Store;
  private opening?: Promise<void>;
  private closed = false;

  constructor(opts: SandboxOptions) {
    this.dir = path.resolve(opts.dir);
    this.file = path.join(this.dir, "platform.json");
    this.outboxFile = path.join(this.dir, "outbox.jsonl");
    this.clock = opts.clock ?? systemClock;
    this.fixedCode = opts.fixedCode ?? false;
  }

  static async open(opts: SandboxOptions): Promise<SandboxPlatform> {
    const p = new SandboxPlatform(opts);
    await p.open();
    return p;
  }

  /** Loads the file, seeding it when absent. Idempotent; every method calls it. */
  open(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("sandbox platform closed"));
    this.opening ??= acquireStore(this.file).then((s) => {
      this.store = s;
    });
    return this.opening;
  }

  /** Waits for queued writes and releases the file (the last user drops the shared instance). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.opening) return;
    await this.opening.catch(() => undefined);
    const s = this.store;
    if (!s) return;
    await s.lock.run(async () => undefined);
    if (--s.refs === 0) stores.delete(this.file);
  }

  // --- transactions ------------------------------------------------------------------------

  private async ready(): Promise<Store> {
    if (this.closed) throw new PlatformError("unavailable", "sandbox platform closed");
    await this.open();
    if (!this.store) throw new PlatformError("unavailable", "sandbox platform not open");
    return this.store;
  }

  private async read<T>(fn: (d: SandboxData) => T): Promise<T> {
    const s = await this.ready();
    return s.lock.run(async () => structuredClone(fn(s.db.data)));
  }

  /**
   * Runs fn under the file's lock and saves if the data changed. A PlatformError thrown by fn
   * still saves (a wrong code must count as an attempt); any other error rolls back.
   */
  private async mutate<T>(fn: (d: SandboxData) => T | Promise<T>): Promise<T> {
    const s = await this.ready();
    return s.lock.run(async () => {
      const before = JSON.stringify(s.db.data);
      let result: T | undefined;
      let error: unknown;
      try {
        result = await fn(s.db.data);
      } catch (e) {
        if (!(e instanceof PlatformError)) {
          s.db.data = JSON.parse(before) as SandboxData;
          throw e;
        }
        error = e;
      }
      if (JSON.stringify(s.db.data) !== before) {
        try {
          await s.db.write();
        } catch (e) {
          s.db.data = JSON.parse(before) as SandboxData;
          throw new PlatformError("unavailable", `sandbox could not save its state: ${(e as Error).message}`);
        }
      }
      if (error) throw error;
      return structuredClone(result as T);
    });
  }

  private now(): number {
    return this.clock.now();
  }
  private iso(): string {
    return new Date(this.now()).toISOString();
  }
  private nextId(d: SandboxData, prefix: string): string {
    return `${prefix}${String(++d.seq).padStart(6, "0")}`;
  }

  private checkId(raw: string, type?: IdType): string {
    const r = validateIdNumber(String(raw ?? ""), type);
    if (!r.ok) fail("invalid_id", `invalid ID number ${maskIdNumber(r.idNumber)} (${r.reason})`);
    return r.idNumber;
  }

  // --- lookups -----------------------------------------------------------------------------

  private unit(d: SandboxData, id: string): UnitRecord | undefined {
    return d.units.find((u) => u.id === id);
  }
  private unitRef(d: SandboxData, id: string): UnitRef {
    const u = this.unit(d, id);
    if (!u) throw new Error(`sandbox data: unknown unit ${id}`);
    const ref: UnitRef = { id: u.id, name: u.name, role: u.role, city: u.city };
    if (u.district) ref.district = u.district;
    return ref;
  }
  private person(d: SandboxData, idNumber: string): PersonRecord | undefined {
    return d.people.find((p) => p.idNumber === idNumber);
  }
  private regsOf(d: SandboxData, idNumber: string, role?: Role): RegistrationRecord[] {
    // Latest first: by submission time, then by insertion order.
    return d.registrations
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => r.idNumber === idNumber && (!role || r.role === role))
      .sort((a, b) => b.r.submittedAt.localeCompare(a.r.submittedAt) || b.i - a.i)
      .map(({ r }) => r);
  }
  private latestTransfer(d: SandboxData, idNumber: string): TransferRecord | undefined {
    const ts = d.transfers.filter((t) => t.idNumber === idNumber);
    return ts[ts.length - 1];
  }
  /** The superior that reviews a unit: its supervisor, else its parent unit, else its hrss office. */
  private superiorOf(u: { supervisorId?: string; parentId?: string; hrssId?: string }): string | undefined {
    return u.supervisorId ?? u.parentId ?? u.hrssId;
  }

  private regInfo(d: SandboxData, r: RegistrationRecord): RegistrationInfo {
    // A registration is only ever written together with its person (register()).
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion
    const p = this.person(d, r.idNumber)!;
    const info: RegistrationInfo = {
      idNumber: r.idNumber,
      name: p.name,
      role: r.role,
      state: r.state,
      unit: this.unitRef(d, r.unitId),
      reviewer: this.unitRef(d, r.reviewerId),
      submittedAt: r.submittedAt,
    };
    if (r.decidedAt) info.decidedAt = r.decidedAt;
    if (r.rejectReason) info.rejectReason = r.rejectReason;
    return info;
  }
  private transferInfo(d: SandboxData, t: TransferRecord): TransferInfo {
    const info: TransferInfo = {
      id: t.id,
      idNumber: t.idNumber,
      from: this.unitRef(d, t.fromUnitId),
      to: this.unitRef(d, t.toUnitId),
      state: t.state,
      startedAt: t.startedAt,
    };
    if (t.updatedAt) info.updatedAt = t.updatedAt;
    if (t.rejectReason) info.rejectReason = t.rejectReason;
    return info;
  }

  // --- the port ----------------------------------------------------------------------------

  /**
   * The registration a person asks about: a pending one if any, else the latest that is not
   * withdrawn, else the latest withdrawn. null when unknown OR when the name does not match.
   */
  async getRegistration(idNumber: string, name: string, role?: Role): Promise<RegistrationInfo | null> {
    const id = this.checkId(idNumber);
    return this.read((d) => {
      const p = this.person(d, id);
      if (!p || normName(p.name) !== normName(String(name ?? ""))) return null;
      const regs = this.regsOf(d, id, role);
      const r = regs.find((x) => x.state === "pending") ?? regs.find((x) => x.state !== "withdrawn") ?? regs[0];
      return r ? this.regInfo(d, r) : null;
    });
  }

  /** Roles whose latest registration is not withdrawn. null when there is none. */
  async getAccount(idNumber: string): Promise<AccountInfo | null> {
    const id = this.checkId(idNumber);
    return this.read((d) => this.account(d, id));
  }

  private account(d: SandboxData, id: string): AccountInfo | null {
    const roleStates: Partial<Record<Role, RegistrationState>> = {};
    for (const r of this.regsOf(d, id)) if (r.state !== "withdrawn" && !roleStates[r.role]) roleStates[r.role] = r.state;
    const roles = (["professional", "employer", "supervisor", "hrss"] as Role[]).filter((r) => roleStates[r]);
    if (!roles.length) return null;
    const states = roles.flatMap((r) => roleStates[r] ?? []);
    const state: RegistrationState = states.includes("approved") ? "approved" : states.includes("pending") ? "pending" : "rejected";
    return { idNumber: id, roles, state, roleStates };
  }

  /**
   * Approved units whose name is close to the query, best first: exact, then containing the
   * query, then the query's characters in order (枣庄二院), then fuse.js for typos.
   */
  async findUnits(query: string, city?: City, opts: { role?: Role; limit?: number } = {}): Promise<UnitRef[]> {
    const q = normUnit(String(query ?? ""));
    if (!q) return [];
    const limit = opts.limit ?? 10;
    return this.read((d) => {
      const cands = d.units
        .filter((u) => u.state === "approved" && (!city || u.city === city) && (!opts.role || u.role === opts.role))
        .map((u) => ({ u, n: normUnit(u.name) }));
      const score = new Map<string, number>();
      const better = (id: string, s: number) => score.set(id, Math.min(score.get(id) ?? Infinity, s));
      for (const { u, n } of cands) {
        if (n === q) better(u.id, 0);
        else if (n.includes(q)) better(u.id, 0.05 + 0.1 * (1 - q.length / n.length));
        else if (q.includes(n)) better(u.id, 0.15);
        else if (q.length >= 2 && isSubsequence(q, n)) better(u.id, 0.2 + 0.1 * (1 - q.length / n.length));
      }
      const fuse = new Fuse(cands, { keys: ["n"], includeScore: true, ignoreLocation: true, threshold: 0.4 });
      for (const r of fuse.search(q)) better(r.item.u.id, 0.3 + 0.7 * (r.score ?? 1));
      return cands
        .filter(({ u }) => score.has(u.id))
        .sort((a, b) => (score.get(a.u.id) ?? 1) - (score.get(b.u.id) ?? 1) || a.n.length - b.n.length || a.u.id.localeCompare(b.u.id))
        .slice(0, limit)
        .map(({ u }) => this.unitRef(d, u.id));
    });
  }

  /**
   * Sends a code to the registered phone (appends to the outbox). Checks first that the action
   * is possible at all, so nobody is sent a code for nothing: withdraw needs a pending
   * registration (not_pending), transfer needs an approved professional with nothing pending.
   */
  async sendCode(idNumber: string, purpose: "withdraw" | "transfer"): Promise<{ maskedPhone: string }> {
    const id = this.checkId(idNumber);
    if (purpose !== "withdraw" && purpose !== "transfer") fail("bad_request", "unknown code purpose");
    return this.mutate(async (d) => {
      const p = this.person(d, id) ?? fail("not_found", `no account ${maskIdNumber(id)}`);
      if (purpose === "withdraw") this.pendingRegistration(d, id);
      else this.transferableRegistration(d, id);
      const code = this.fixedCode ? "000000" : String(randomInt(0, 1_000_000)).padStart(6, "0");
      const salt = randomBytes(8).toString("hex");
      const now = this.now();
      d.codes = d.codes.filter((c) => c.expiresAt > now && !(c.idNumber === id && c.purpose === purpose));
      d.codes.push({ idNumber: id, purpose, salt, hash: sha256(salt + code).toString("hex"), issuedAt: now, expiresAt: now + CODE_TTL_MS, attempts: 0 });
      await appendFile(this.outboxFile, JSON.stringify({ time: new Date(now).toISOString(), phone: p.phone, code, purpose }) + "\n");
      return { maskedPhone: maskPhone(p.phone) };
    });
  }

  /** A code checked before the action: a wrong one counts as an attempt; a right one stays for
   * the action, which then also accepts the grant returned here. */
  async verifyCode(idNumber: string, purpose: "withdraw" | "transfer", code: string): Promise<CodeGrant> {
    const id = this.checkId(idNumber);
    if (purpose !== "withdraw" && purpose !== "transfer") fail("bad_request", "unknown code purpose");
    return this.mutate((d) => {
      const c = this.checkCode(d, id, purpose, code, false);
      const grant = randomBytes(16).toString("hex");
      c.grantHash = sha256(c.salt + grant).toString("hex");
      return { grant, expiresAt: new Date(c.expiresAt).toISOString() };
    });
  }

  /** Checks and consumes a code (or its grant). Mutates attempts; the caller's mutate() saves even on error. */
  private verifyCodeFor(d: SandboxData, id: string, purpose: "withdraw" | "transfer", code: string): void {
    this.checkCode(d, id, purpose, code, true);
  }

  private checkCode(d: SandboxData, id: string, purpose: "withdraw" | "transfer", code: string, consume: boolean): CodeRecord {
    const now = this.now();
    const i = d.codes.findIndex((c) => c.idNumber === id && c.purpose === purpose);
    const c = d.codes[i];
    if (!c || now >= c.expiresAt) {
      if (c) d.codes.splice(i, 1);
      fail("code_expired", "no valid code: request a new one");
    }
    const given = String(code ?? "")
      .normalize("NFKC")
      .replace(/\s+/g, "");
    const digest = sha256(c.salt + given);
    const isGrant = !!c.grantHash && timingSafeEqual(digest, Buffer.from(c.grantHash, "hex"));
    if (!isGrant && !timingSafeEqual(digest, Buffer.from(c.hash, "hex"))) {
      c.attempts++;
      const left = CODE_MAX_ATTEMPTS - c.attempts;
      if (left <= 0) d.codes.splice(i, 1); // burned: the next try gets code_expired
      fail("bad_code", left > 0 ? `wrong code, ${left} attempts left` : "wrong code, no attempts left: request a new one");
    }
    if (consume) d.codes.splice(i, 1); // one-time
    return c;
  }

  private idempotent(d: SandboxData, key: string, op: "withdraw" | "transfer", fingerprint: string): { hit: true; result: unknown } | { hit: false } {
    if (typeof key !== "string" || !key || key.length > 200) fail("bad_request", "an idempotency key (1–200 characters) is required");
    const rec = d.idempotency[key];
    if (!rec) return { hit: false };
    if (rec.op !== op || rec.fingerprint !== fingerprint) fail("conflict", "idempotency key already used for another request");
    return { hit: true, result: rec.result };
  }
  private remember(d: SandboxData, key: string, op: "withdraw" | "transfer", fingerprint: string, result: unknown): void {
    const now = this.now();
    for (const [k, v] of Object.entries(d.idempotency)) if (now - v.at > IDEMPOTENCY_TTL_MS) delete d.idempotency[k];
    d.idempotency[key] = { op, fingerprint, at: now, result };
  }

  private pendingRegistration(d: SandboxData, id: string, role?: Role): RegistrationRecord {
    return this.regsOf(d, id, role).find((r) => r.state === "pending") ?? fail("not_pending", `no pending registration for ${maskIdNumber(id)}`);
  }

  /** Seed §11: only with nothing pending (registration, transfer, hours claim, change of data). */
  private transferableRegistration(d: SandboxData, id: string): RegistrationRecord {
    const p = this.person(d, id) ?? fail("not_found", `no account ${maskIdNumber(id)}`);
    if (this.regsOf(d, id).some((r) => r.state === "pending")) fail("has_pending", "a registration is waiting for review");
    const t = this.latestTransfer(d, id);
    if (t && (t.state === "pending_out" || t.state === "pending_in")) fail("has_pending", "a transfer is already waiting for review");
    if (p.pendingItems?.length) fail("has_pending", `items waiting for review: ${p.pendingItems.join(", ")}`);
    return this.regsOf(d, id, "professional").find((r) => r.state === "approved") ?? fail("not_found", "no approved professional registration");
  }

  /** Withdraws the person's pending registration (seed §10, 方式1); the code replaces the password. */
  async withdrawRegistration(idNumber: string, code: string, idempotencyKey: string): Promise<RegistrationInfo> {
    const id = this.checkId(idNumber);
    return this.mutate((d) => {
      const prior = this.idempotent(d, idempotencyKey, "withdraw", id);
      if (prior.hit) return prior.result as RegistrationInfo;
      if (!this.person(d, id)) fail("not_found", `no account ${maskIdNumber(id)}`);
      const r = this.pendingRegistration(d, id);
      this.verifyCodeFor(d, id, "withdraw", code);
      r.state = "withdrawn";
      r.decidedAt = this.iso();
      this.settleUnit(d, r);
      const result = this.regInfo(d, r);
      this.remember(d, idempotencyKey, "withdraw", id, result);
      return result;
    });
  }

  /** Starts a transfer (seed §11, 方式一): pending_out until the old unit approves. */
  async startTransfer(idNumber: string, toUnitId: string, code: string, idempotencyKey: string): Promise<TransferInfo> {
    const id = this.checkId(idNumber);
    const fingerprint = `${id}>${toUnitId}`;
    return this.mutate((d) => {
      const prior = this.idempotent(d, idempotencyKey, "transfer", fingerprint);
      if (prior.hit) return prior.result as TransferInfo;
      const reg = this.transferableRegistration(d, id);
      const to = this.unit(d, String(toUnitId));
      if (!to || to.role !== "employer" || to.state !== "approved") fail("unit_not_found", `no approved employer ${toUnitId}`);
      if (to.id === reg.unitId) fail("conflict", "already registered in that unit");
      this.verifyCodeFor(d, id, "transfer", code);
      const t: TransferRecord = { id: this.nextId(d, "T"), idNumber: id, fromUnitId: reg.unitId, toUnitId: to.id, state: "pending_out", startedAt: this.iso() };
      d.transfers.push(t);
      const result = this.transferInfo(d, t);
      this.remember(d, idempotencyKey, "transfer", fingerprint, result);
      return result;
    });
  }

  async getTransfer(idNumber: string): Promise<TransferInfo | null> {
    const id = this.checkId(idNumber);
    return this.read((d) => {
      const t = this.latestTransfer(d, id);
      return t ? this.transferInfo(d, t) : null;
    });
  }

  // --- sandbox-side operations (tests, console, the HTTP service's /sandbox routes) ------------

  async getUnit(unitId: string): Promise<UnitRef | null> {
    return this.read((d) => (this.unit(d, unitId) ? this.unitRef(d, unitId) : null));
  }

  /** What the login page would say for this ID number and chosen role (seed §2). */
  async checkLogin(idNumber: string, role: Role): Promise<LoginCheck> {
    const id = this.checkId(idNumber);
    return this.read((d) => {
      const a = this.account(d, id);
      if (!a) return "no_account";
      const s = a.roleStates?.[role];
      if (!s) return "wrong_role";
      return s === "approved" ? "ok" : s === "pending" ? "pending" : "rejected";
    });
  }

  /**
   * Registers a person (seed §1): a professional under an approved employer (or hrss office);
   * a unit admin together with a new unit under an approved superior. The new registration,
   * and the new unit, wait for the reviewer. hrss accounts are assigned, never registered.
   */
  async register(input: RegisterInput): Promise<RegistrationInfo> {
    const v = validateIdNumber(String(input.idNumber ?? ""), input.idType);
    if (!v.ok) fail("invalid_id", `invalid ID number ${maskIdNumber(v.idNumber)} (${v.reason})`);
    const { idNumber: id, type: idType } = v;
    const role = input.role as Role;
    if (role === "hrss") fail("conflict", "hrss accounts are assigned by the platform, not registered");
    if (!["professional", "employer", "supervisor"].includes(role)) fail("bad_request", "unknown role");
    const name = normName(String(input.name ?? ""));
    if (!name) fail("bad_request", "name required");
    if (!/^1[3-9]\d{9}$/.test(String(input.phone ?? ""))) fail("bad_request", "a mainland mobile number is required");
    return this.mutate((d) => {
      const existing = this.person(d, id);
      if (existing && normName(existing.name) !== name) fail("name_mismatch", "the name does not match the registered ID number");
      if (this.regsOf(d, id, role).some((r) => ACTIVE.includes(r.state))) fail("conflict", `already registered as ${role}`);
      let unitId: string;
      let reviewerId: string;
      if (input.role === "professional") {
        const u = this.unit(d, String(input.unitId));
        if (!u || u.state !== "approved" || (u.role !== "employer" && u.role !== "hrss")) fail("unit_not_found", `no approved employer ${input.unitId}`);
        unitId = reviewerId = u.id;
      } else {
        const nu = input.unit;
        // Seed §20: 主管部门 if chosen, else 上级单位, else 同级人社部门; a supervisor registers under hrss.
        let superiorId: string | undefined;
        let wanted: Role;
        if (input.role === "supervisor") [superiorId, wanted] = [nu.hrssId, "hrss"];
        else if (input.unit.supervisorId) [superiorId, wanted] = [input.unit.supervisorId, "supervisor"];
        else if (input.unit.parentId) [superiorId, wanted] = [input.unit.parentId, "employer"];
        else [superiorId, wanted] = [input.unit.hrssId, "hrss"];
        const superior = superiorId ? this.unit(d, String(superiorId)) : undefined;
        if (!superior || superior.state !== "approved" || superior.role !== wanted)
          fail("unit_not_found", `superior unit ${superiorId ?? "(none)"} is not registered and approved`);
        const unitName = String(nu.name ?? "").trim();
        if (!unitName) fail("bad_request", "unit name required");
        if (d.units.some((u) => normUnit(u.name) === normUnit(unitName) && (u.state === "approved" || u.state === "pending")))
          fail("conflict", "a unit with that name is already registered");
        const rec: UnitRecord = {
          id: this.nextId(d, input.role === "supervisor" ? "S" : "E"),
          name: unitName,
          role: input.role,
          city: nu.city,
          state: "pending",
        };
        if (nu.district) rec.district = nu.district;
        if (wanted === "supervisor") rec.supervisorId = superior.id;
        else if (wanted === "employer") rec.parentId = superior.id;
        else rec.hrssId = superior.id;
        d.units.push(rec);
        unitId = rec.id;
        reviewerId = superior.id;
      }
      if (!existing) {
        const city = input.city ?? this.unit(d, unitId)?.city;
        if (!city) fail("bad_request", "city required");
        const p: PersonRecord = { idNumber: id, idType, name, phone: input.phone, city };
        if (input.district) p.district = input.district;
        d.people.push(p);
      }
      const r: RegistrationRecord = { id: this.nextId(d, "R"), idNumber: id, role, unitId, reviewerId, state: "pending", submittedAt: this.iso() };
      d.registrations.push(r);
      return this.regInfo(d, r);
    });
  }

  /** The reviewing unit's admin approves or rejects (seed §10 方式2) a pending registration. */
  async reviewRegistration(idNumber: string, approve: boolean, reason?: string, role?: Role): Promise<RegistrationInfo> {
    const id = this.checkId(idNumber);
    return this.mutate((d) => {
      const r = this.pendingRegistration(d, id, role);
      r.state = approve ? "approved" : "rejected";
      r.decidedAt = this.iso();
      if (!approve && reason) r.rejectReason = reason;
      this.settleUnit(d, r);
      return this.regInfo(d, r);
    });
  }

  /** A unit admin's registration decides the new unit's fate too. */
  private settleUnit(d: SandboxData, r: RegistrationRecord): void {
    if (r.role === "professional") return;
    const u = this.unit(d, r.unitId);
    if (u && u.state === "pending") u.state = r.state === "approved" ? "approved" : r.state === "rejected" ? "rejected" : "withdrawn";
  }

  /** The old unit decides on the move out: pending_out → pending_in, or rejected. */
  async reviewTransferOut(idNumber: string, approve: boolean, reason?: string): Promise<TransferInfo> {
    return this.reviewTransfer(idNumber, "pending_out", approve ? "pending_in" : "rejected", reason);
  }
  /** The new unit decides on the move in: pending_in → completed (the person now belongs there), or rejected. */
  async reviewTransferIn(idNumber: string, approve: boolean, reason?: string): Promise<TransferInfo> {
    return this.reviewTransfer(idNumber, "pending_in", approve ? "completed" : "rejected", reason);
  }
  approveTransferOut(idNumber: string): Promise<TransferInfo> {
    return this.reviewTransferOut(idNumber, true);
  }
  approveTransferIn(idNumber: string): Promise<TransferInfo> {
    return this.reviewTransferIn(idNumber, true);
  }
  /** The person takes back a transfer still under review (seed §11 温馨提示). */
  async withdrawTransfer(idNumber: string): Promise<TransferInfo> {
    const id = this.checkId(idNumber);
    return this.mutate((d) => {
      const t = this.latestTransfer(d, id);
      if (!t || (t.state !== "pending_out" && t.state !== "pending_in")) fail("not_pending", "no transfer under review");
      t.state = "withdrawn";
      t.updatedAt = this.iso();
      return this.transferInfo(d, t);
    });
  }

  private async reviewTransfer(idNumber: string, from: "pending_out" | "pending_in", to: TransferRecord["state"], reason?: string): Promise<TransferInfo> {
    const id = this.checkId(idNumber);
    return this.mutate((d) => {
      const t = this.latestTransfer(d, id);
      if (!t || t.state !== from) fail("not_pending", `no transfer in state ${from}`);
      t.state = to;
      t.updatedAt = this.iso();
      if (to === "rejected" && reason) t.rejectReason = reason;
      if (to === "completed") {
        const reg = this.regsOf(d, id, "professional").find((r) => r.state === "approved");
        if (reg) reg.unitId = reg.reviewerId = t.toUnitId;
      }
      return this.transferInfo(d, t);
    });
  }
}
