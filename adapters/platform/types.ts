// The platform port: everything the assistant may ask of the continuing-education platform.
// Two implementations: the in-process sandbox (default) and an HTTP client.

export type Role = "professional" | "employer" | "supervisor" | "hrss";
export type RegistrationState = "pending" | "approved" | "rejected" | "withdrawn";
export type TransferState = "pending_out" | "pending_in" | "completed" | "rejected" | "withdrawn";

export interface UnitRef {
  id: string;
  name: string;
  /** What kind of organisation reviews: 用人单位 / 主管部门 / 人社部门. */
  role: Role;
  city: "zaozhuang" | "taian";
  /** District or county-level city (市中区, 滕州市 …), for telling same-named units apart. */
  district?: string;
}

export interface RegistrationInfo {
  /** Masked in every log; the adapter returns full data only to the flow that asked. */
  idNumber: string;
  name: string;
  role: Role;
  state: RegistrationState;
  unit: UnitRef;
  /** Who reviews a pending registration (the chosen unit). */
  reviewer?: UnitRef;
  submittedAt: string; // ISO date
  decidedAt?: string;
  rejectReason?: string;
}

export interface AccountInfo {
  idNumber: string;
  roles: Role[];
  /** Approved if any role is approved, else pending if any is, else rejected. */
  state: RegistrationState;
  /** State per registered role (a unit admin may also be registered as a professional). */
  roleStates?: Partial<Record<Role, RegistrationState>>;
}

export interface TransferInfo {
  id: string;
  idNumber: string;
  from: UnitRef;
  to: UnitRef;
  state: TransferState;
  startedAt: string;
  /** Time of the latest review step (out approved, in approved, rejected, withdrawn). */
  updatedAt?: string;
  rejectReason?: string;
}

export type PlatformErrorCode =
  | "not_found"
  | "invalid_id"
  | "name_mismatch"
  | "not_pending"
  | "has_pending"
  | "bad_code"
  | "code_expired"
  | "unit_not_found"
  | "unavailable"
  | "conflict"
  /** A malformed request (missing idempotency key, unknown purpose …): a caller's bug, not the user's. */
  | "bad_request";

/** A checked one-time code's stand-in for one action (PlatformAdapter.verifyCode). */
export interface CodeGrant {
  grant: string;
  /** ISO time after which the grant (like the code) no longer works. */
  expiresAt: string;
}

export class PlatformError extends Error {
  constructor(
    public code: PlatformErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PlatformError";
  }
}

export interface PlatformAdapter {
  /** Registration and review state of a person, checked against the name. null = not registered. */
  getRegistration(idNumber: string, name: string): Promise<RegistrationInfo | null>;
  /** Roles and state of an account (login flow). null = no such account. */
  getAccount(idNumber: string): Promise<AccountInfo | null>;
  /** Units whose name is close to the query, best first. */
  findUnits(query: string, city?: "zaozhuang" | "taian"): Promise<UnitRef[]>;
  /** Sends a one-time code to the person's registered phone; returns the phone masked (138****0001). */
  sendCode(idNumber: string, purpose: "withdraw" | "transfer"): Promise<{ maskedPhone: string }>;
  /**
   * Checks a one-time code as soon as it is typed (a wrong one counts as an attempt, as at the
   * action). A right one is kept for the action and answered with a grant: a random token that
   * stands for the code in that one action until the code would expire, so the code itself need
   * not be held anywhere between the check and the explicit yes.
   */
  verifyCode(idNumber: string, purpose: "withdraw" | "transfer", code: string): Promise<CodeGrant>;
  /** Withdraws a pending registration. `code` is the one-time code or its grant. The idempotency key makes a repeat a no-op returning the same result. */
  withdrawRegistration(idNumber: string, code: string, idempotencyKey: string): Promise<RegistrationInfo>;
  /** Starts a transfer to another unit; needs no pending items. Idempotent by key. `code` is the one-time code or its grant. */
  startTransfer(idNumber: string, toUnitId: string, code: string, idempotencyKey: string): Promise<TransferInfo>;
  /** The person's latest transfer, if any. */
  getTransfer(idNumber: string): Promise<TransferInfo | null>;
}
