// What the console may treat as a user's question: text the privacy guard replaced (a password,
// a one-time code), placeholders ("[身份证号]"), masked numbers and lone words are not questions
// to learn from, and never become phrasings.
import { W } from "../../bot/wording.ts";
import { looksLikePassword, maskPersonal } from "../../bot/mask.ts";

/** "[验证码]", "[已隐藏：疑似密码]", "[身份证号]", full-width brackets too. */
const PLACEHOLDER = /[[［【][^\]］】\n]{0,30}[\]］】]/gu;
/** "3704**********1234", "138****0002". */
const MASKED = /[\dXx]*\*{3,}[\dXx]*/g;
/** Particles that carry no meaning on their own. */
const FILLER = /[的了吗呢啊吧呀哦嗯么哈]/gu;
const SECRETS = [W.hiddenPassword, W.hiddenCode];

export const hasPlaceholder = (text: string) => /[[［【][^\]］】\n]{0,30}[\]］】]/u.test(text);
export const hasMaskedNumber = (text: string) => /\*{3,}/.test(text);
/** What the privacy guard wrote instead of a secret (the whole text or part of it). */
export const hidesSecret = (text: string) => text.startsWith("[已隐藏") || SECRETS.some((s) => text.includes(s));

/** Letters and digits left once placeholders, masked numbers and particles are taken out. */
export function meaningfulLength(text: string): number {
  const rest = text.replace(PLACEHOLDER, " ").replace(MASKED, " ").replace(FILLER, "");
  return [...rest.matchAll(/[\p{L}\p{N}]/gu)].length;
}

/** The fewest meaningful characters a question to learn from, or a new phrasing, must have. */
export const MIN_MEANINGFUL = 3;

/** Whether a logged text may be shown in the learning queue as a question. */
export function isLearnableQuestion(text: string): boolean {
  const t = text.trim();
  if (!t || hidesSecret(t)) return false;
  return meaningfulLength(t) >= MIN_MEANINGFUL;
}

/** Why a text cannot become a phrasing, or null when it can. */
export function phrasingProblem(text: string): string | null {
  const t = text.trim();
  if (hidesSecret(t) || looksLikePassword(t)) return `问法中有被隐藏的密码或验证码，不能添加：“${t}”`;
  if (hasPlaceholder(t)) return `问法中有占位符（如“[身份证号]”），请改写成用户会怎么问：“${t}”`;
  if (hasMaskedNumber(t)) return `问法中有遮蔽的个人号码，请改写后再添加：“${t}”`;
  if (maskPersonal(t) !== t) return `问法中有身份证号或手机号，请改写后再添加：“${t}”`;
  if (meaningfulLength(t) < MIN_MEANINGFUL) return `问法太短，看不出在问什么：“${t}”`;
  return null;
}
