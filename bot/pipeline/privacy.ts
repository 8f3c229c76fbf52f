// The privacy guard: a password is never used, stored, logged or echoed (the core refuses the
// message before anything else sees it); a one-time code typed where the flow expects one, or a
// 6-digit code typed at any other moment, is logged as a placeholder; personal numbers are masked.
import { hideCodes, looksLikePassword, maskPersonal } from "../mask.ts";
import { W } from "../wording.ts";

export { looksLikePassword };

/** What the log (and the turn's figures, and a person's queue) keep of the user's message. */
export function loggedText(text: string, expectsSecret: boolean): string {
  if (looksLikePassword(text)) return W.hiddenPassword;
  if (expectsSecret) return W.hiddenCode;
  return hideCodes(maskPersonal(text), W.hiddenCode);
}
