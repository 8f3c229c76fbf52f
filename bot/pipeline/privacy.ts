// The privacy guard: a password is never used, stored, logged or echoed; a one-time code typed
// where the flow expects one is logged as a placeholder.
import { looksLikePassword } from "../mask.ts";
import { W } from "../wording.ts";

export { looksLikePassword };

/** What the log keeps of the user's message, or null when the message is a password. */
export function loggedText(text: string, expectsSecret: boolean): string {
  if (looksLikePassword(text)) return W.hiddenPassword;
  return expectsSecret ? W.hiddenCode : text;
}
