// The knowledge ids the code depends on, named once. The full list (the contract with the
// evaluation files, ../shared/knowledge-ids.md) is KNOWN_IDS in schema.ts.
import type { KnowledgeId } from "./schema.ts";

export const IDS = {
  handoff: "handoff.human",
  greeting: "smalltalk.greeting",
  thanks: "smalltalk.thanks",
  cannotLogin: "login.cannot-login",
  accountNotFound: "login.account-not-found",
  wrongRole: "login.wrong-role",
  underReview: "login.under-review",
  wrongPassword: "login.wrong-password",
  passwordForgot: "password.forgot",
  registerHow: "register.how",
  adminAlsoStaff: "register.admin-also-staff",
  titleDate: "register.title-date",
  wrongUnit: "register.wrong-unit",
  reviewTime: "register.review-time",
  transferUnit: "staff.transfer-unit",
  editInfo: "staff.edit-info",
  hrssInternal: "special.hrss-internal",
  township: "special.township",
  centralProvincial: "special.central-provincial",
  checkProgress: "action.check-progress",
  withdraw: "action.withdraw",
  transfer: "action.transfer",
} as const satisfies Record<string, KnowledgeId>;

/** The acting flows, in the order they are offered for a bare ID number. */
export const ACTION_IDS = [IDS.checkProgress, IDS.withdraw, IDS.transfer] as const;
