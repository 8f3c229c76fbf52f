// Personal data in free text: masks personal numbers before anything is stored, logged or shown in
// a group, and spots passwords and one-time codes (the privacy guard, bot/pipeline/privacy.ts).
//
// Numbers are found in every common written form: full-width digits, groups separated by spaces or
// hyphens ("138 0000 0005", "138-0000-0005", "3709 0219 9006 1530 21", "370902-19900615-3021"), a
// country code ("+86 138 0000 0002"), 15-digit IDs and IDs ending in X. Ordinary numbers (years,
// dates such as 2021.5.1 or 2021-05-01, counts, 6-digit codes) are left alone.

const DIGIT = "[0-9\\uFF10-\\uFF19]";
const SEP = "[ \\t\\u00A0\\u3000\\-\\uFF0D\\u2010\\u2011\\u2013]{1,2}";
const X = "[XxＸｘ]";
/** A run of digit groups, optionally after "+" and optionally ending in X. */
const RUN = new RegExp(
  `(?<![0-9\\uFF10-\\uFF19])(?:[+＋]${SEP.replace("{1,2}", "{0,2}")})?${DIGIT}+(?:${SEP}${DIGIT}+)*(?:${SEP.replace("{1,2}", "{0,1}")}${X})?(?![0-9\\uFF10-\\uFF19])`,
  "g",
);
const SEP_SPLIT = new RegExp(`(${SEP})`);

/** Full-width digits and X to ASCII. */
function ascii(s: string): string {
  return s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48)).replace(/[xＸｘ]/g, "X");
}

/** The masked form of one personal number written as bare digits, or null when it is none. */
function maskNumber(digits: string, plus: boolean): string | null {
  const phone = /^(0086|86)?(1[3-9]\d)\d{4}(\d{4})$/.exec(digits);
  if (phone && (phone[1] || !plus)) return `${plus ? "+" : ""}${phone[1] ? phone[1] + " " : ""}${phone[2]}****${phone[3]}`;
  if (plus) return null;
  if (/^\d{17}[\dX]$/.test(digits)) return `${digits.slice(0, 4)}${"*".repeat(10)}${digits.slice(-4)}`;
  if (/^\d{15}$/.test(digits)) return `${digits.slice(0, 4)}${"*".repeat(8)}${digits.slice(-3)}`;
  return null;
}

/** One run of digit groups: the longest consecutive groups that form a personal number are masked. */
function maskRun(run: string): string {
  let plus = false;
  let body = run;
  const lead = /^[+＋][ \t\u00A0\u3000\-\uFF0D\u2010\u2011\u2013]*/.exec(body);
  if (lead) {
    plus = true;
    body = body.slice(lead[0].length);
  }
  // [group, sep, group, sep, …, group]; a trailing X is part of the last group.
  const parts = body.split(SEP_SPLIT);
  if (parts.length > 1 && /^[XxＸｘ]$/.test(parts[parts.length - 1])) {
    const x = parts.pop() ?? "";
    parts.pop();
    parts[parts.length - 1] += x;
  }
  const groups = parts.filter((_, i) => i % 2 === 0);
  const seps = parts.filter((_, i) => i % 2 === 1);
  let out = "";
  let i = 0;
  while (i < groups.length) {
    let done = false;
    for (let j = groups.length - 1; j >= i; j--) {
      const joined = ascii(groups.slice(i, j + 1).join(""));
      if (/X/.test(joined.slice(0, -1))) continue;
      const masked = maskNumber(joined, plus && i === 0);
      if (masked) {
        out += masked + (j < seps.length ? seps[j] : "");
        i = j + 1;
        done = true;
        break;
      }
    }
    if (!done) {
      out += (plus && i === 0 ? (lead?.[0] ?? "") : "") + groups[i] + (i < seps.length ? seps[i] : "");
      i++;
    }
  }
  return out;
}

export function maskPersonal(text: string): string {
  return text.replace(RUN, (run) => maskRun(run));
}

// ---- passwords ----------------------------------------------------------------------------------

/** Text as the guard reads it: NFKC (full width → ASCII), no zero-width characters. */
function plain(text: string): string {
  return text.normalize("NFKC").replace(/[\u200B-\u200D\uFEFF]/g, "");
}

/** Tokens that are never passwords: addresses, e-mail, IDs, phones, dates, versions, error codes. */
function benign(tok: string): boolean {
  return (
    /^(?:https?:\/\/|www\.)/i.test(tok) ||
    /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(tok) || // e-mail
    (/^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/\S*)?$/i.test(tok) && /[a-z]/i.test(tok) && !/\d[a-z]|[a-z]\d/i.test(tok.split(".")[0] ?? "")) || // a host name
    /^\d{17}[\dXx]$|^\d{15}$/.test(tok) || // ID number
    /^(?:\+?86)?1[3-9]\d{9}$/.test(tok) || // mobile
    /^\d{1,4}(?:[-./:]\d{1,4})+$/.test(tok) || // date, time, version
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(tok) || // ERR_CONNECTION_RESET
    /[<>]|^[\w.$]+\(.*\)?$|^\w+=\w+\(/.test(tok) || // markup or code pasted in ("<img …>", "alert(1)")
    /^\??\w+=[^&=]*(?:&\w+=[^&=]*)+$/.test(tok)
  ); // a query string
}

interface Classes {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  symbol: boolean;
  n: number;
}
function classesOf(tok: string): Classes {
  const c = { lower: /[a-z]/.test(tok), upper: /[A-Z]/.test(tok), digit: /\d/.test(tok), symbol: /[^A-Za-z0-9]/.test(tok) };
  return { ...c, n: [c.lower, c.upper, c.digit, c.symbol].filter(Boolean).length };
}

/** A token standing alone ("Zx9#kPq2w", "Hello@2024") that can only be a password. */
function strongAlone(tok: string): boolean {
  if (tok.length < 6 || tok.length > 64 || benign(tok)) return false;
  const c = classesOf(tok);
  if (c.symbol && c.n >= 3) return true;
  // Mixed case and digits, but not a word with a number ("Windows10", "Chrome120").
  return c.lower && c.upper && c.digit && !/^[A-Z]?[a-z]+\d+$/.test(tok);
}

/** A token inside a sentence without the word 密码: letters, digits and a password symbol. */
function strongInText(tok: string): boolean {
  if (tok.length < 6 || tok.length > 64 || benign(tok)) return false;
  const c = classesOf(tok);
  return (c.lower || c.upper) && c.digit && /[!@#$%^&*~]/.test(tok);
}

/** A token next to the word 密码 ("密码 qwer1234", "Abc@12345 是我的密码"). */
function nearKeyword(tok: string): boolean {
  if (tok.length < 4 || tok.length > 64 || benign(tok)) return false;
  const c = classesOf(tok);
  return (
    c.digit || c.symbol || (c.lower && c.upper) || (tok.length >= 6 && /^[a-z]+$/i.test(tok) && !/^(?:password|passwd|wrong|error|reset|login)$/i.test(tok))
  );
}

const TOKEN = /[!-~]+/g;
const CN_KEY = "(?:密码|密碼|口令|登录密码|pwd|password|passwd)";
const AFTER = new RegExp(`${CN_KEY}\\s*(?:是|为|為|:|=|就是)?\\s*[:=]?\\s*([!-~]+)`, "gi");
const BEFORE = new RegExp(`([!-~]+)\\s*(?:就是|是|为|為)\\s*(?:我|俺)?(?:的)?(?:登录|账号|平台|帐号)?(?:的)?${CN_KEY}`, "gi");
const EN_ASSIGN = /(?:^|[^a-z])(?:password|passwd|pwd|pw|pass)\s*(?:is\s*)?[:=]\s*\S+/i;

/** A message that carries a password, in any phrasing. */
export function looksLikePassword(text: string): boolean {
  const s = plain(text).trim();
  if (!s) return false;
  if (EN_ASSIGN.test(s)) return true;
  // The whole message is one token that can only be a password.
  if (!/\s/.test(s) && /^[!-~]+$/.test(s) && strongAlone(s)) return true;
  for (const m of s.matchAll(AFTER)) if (nearKeyword(trimPunct(m[1]))) return true;
  for (const m of s.matchAll(BEFORE)) if (nearKeyword(trimPunct(m[1]))) return true;
  for (const m of s.matchAll(TOKEN)) if (strongInText(trimPunct(m[0])) || (strongAlone(trimPunct(m[0])) && /[!@#$%^&*+=?~]/.test(m[0]))) return true;
  return false;
}

/** Sentence punctuation around a token ("qwer1234," "(Abc@123)") is not part of it. */
function trimPunct(tok: string): string {
  return tok.replace(/^[("'`<[{]+/, "").replace(/[)"'`>\]},.;!?]+$/, "");
}

// ---- one-time codes -----------------------------------------------------------------------------

const CODE = /(?<![0-9\uFF10-\uFF19.\-/:])[0-9\uFF10-\uFF19]{6}(?![0-9\uFF10-\uFF19.\-/:])/g;

/** Replaces every standalone 6-digit number (a one-time code typed at any moment) by `placeholder`. */
export function hideCodes(text: string, placeholder: string): string {
  return text.replace(CODE, placeholder);
}

/** Is the message nothing but a 6-digit code ("763540", "763 540")? */
export function isBareCode(text: string): boolean {
  return /^[0-9]{6}$/.test(plain(text).replace(/[\s-]/g, ""));
}
