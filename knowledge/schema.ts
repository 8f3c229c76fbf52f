// The shape of one knowledge file (YAML, one file per topic). Staff edit these files by hand;
// `helpdesk kb check` validates them against this schema and across files.
import { z } from "zod";

export const KNOWN_IDS = [
  "register.how", "register.admin-also-staff", "register.major-not-found", "register.title-series",
  "register.title-date", "register.no-response", "register.review-time", "register.wrong-unit",
  "register.no-credit-code", "login.cannot-login", "login.account-not-found", "login.wrong-role",
  "login.under-review", "login.wrong-password", "password.forgot", "staff.transfer-unit",
  "staff.edit-info", "staff.delete-account", "unit.change-parent", "unit.manage-admins",
  "hours.past-years", "hours.where-to-study", "hours.standard", "special.hrss-internal",
  "special.township", "special.central-provincial", "special.private-enterprise",
  "special.freelancer", "special.dispatched", "special.responsibilities",
  "action.check-progress", "action.withdraw", "action.transfer", "handoff.human",
  "smalltalk.greeting", "smalltalk.thanks",
] as const;
export type KnowledgeId = (typeof KNOWN_IDS)[number];

const text = z.string().trim().min(1, "must not be empty");
const region = z.enum(["zaozhuang", "taian"]);

export const sourceSchema = z.object({
  edition: z.enum(["zaozhuang", "taian", "both"]),
  /** The seed's section, e.g. "2、无法登录 提示四". */
  section: text,
  /** The passage as the seed has it (OCR damage and all), for reviewers. */
  passage: text,
});

export const entrySchema = z.strictObject({
  id: z.enum(KNOWN_IDS, { error: (iss) => `unknown id ${JSON.stringify(iss.input)}` }),
  title: text,
  /** When the answer was last checked against the seeds / policy (YYYY-MM-DD). */
  confirmed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "confirmed must be YYYY-MM-DD"),
  /** Kind of entry: faq answers from the seeds; action/handoff/smalltalk are handled by the engine. */
  kind: z.enum(["faq", "action", "handoff", "smalltalk"]).default("faq"),
  source: z.array(sourceSchema).default([]),
  /** The answer every region gets. */
  answer: text,
  /** Region-specific parts, added after the common answer. A variant present for one city only is
   * content of that edition only: others get it labelled with its source. */
  variants: z.partialRecord(region, text).optional(),
  /** Messages the platform shows, verbatim as the Tai'an edition punctuates them. */
  platform_messages: z.array(text).default([]),
  /** Phrasings real users type. */
  phrasings: z.array(text).min(5, "needs at least 5 phrasings"),
  /** Ids worth offering next to this one. */
  related: z.array(z.enum(KNOWN_IDS)).default([]),
});
export type Entry = z.infer<typeof entrySchema>;

/** Out-of-scope groups: questions near our topics that the bot must decline, never answer. */
export const outOfScopeSchema = z.strictObject({
  groups: z.array(z.strictObject({
    name: text,
    /** What to say instead (where to go), without inventing policy. */
    hint: z.string().optional(),
    phrasings: z.array(text).min(1),
  })).min(1),
});
export type OutOfScope = z.infer<typeof outOfScopeSchema>;
