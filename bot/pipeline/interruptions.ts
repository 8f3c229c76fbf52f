// Whole-message interruptions, checked before anything else once the user has been heard
// (DESIGN.md: interruptions first, then what the active step expects, then a new question).
// The table's order is the order they are tried.

export type InterruptionName = "cancel" | "restart" | "back" | "human";

export const INTERRUPTIONS: ReadonlyArray<{ name: InterruptionName; pattern: RegExp }> = [
  { name: "cancel", pattern: /^(取消|算了|不用了|不要了|不需要了|没事了|不办了|退出|结束|取消吧|算了吧|不用了谢谢)$/ },
  { name: "restart", pattern: /^(重新开始|重来|从头开始|重新来|从头来)$/ },
  { name: "back", pattern: /^(返回上一步|上一步|返回|回到上一步|退回上一步)$/ },
  { name: "human", pattern: /^(转人工|人工|人工客服|找人工|真人|真人客服|人工服务|转人工客服|我要人工|找客服|客服)$/ },
];

/** The interruption a whole message is, if any (punctuation and spaces ignored). */
export function interruptionOf(text: string): InterruptionName | null {
  const whole = text.normalize("NFKC").replace(/[\s。.!！?？~～]+/g, "");
  return INTERRUPTIONS.find((i) => i.pattern.test(whole))?.name ?? null;
}

// ---------------------------------------------------------------- stop said inside a sentence

/** A pause word at the start ("算了，…", "等等，…"): what follows may be a new question. */
const PAUSE_LEAD = /^(算了吧?|算啦|等等|等一下|等一等|先等等|先等一下|稍等|停一下|不对不对|哎呀?)(?=[\s，,。.!！…~、]|$)[\s，,。.!！…~、]*/;
/** Stop in one's own words: 不调了, 不想调了, 先不弄了, 不用办了, 不需要撤回了. */
const STOP =
  /(不想?再?|先不|不用|不需要|不要|别)(调|调转|调了|办|办理|弄|撤|撤回|查|转|改|做|搞|申请|继续|提交)?了|^(算了吧?|先这样吧?|以后再说吧?|改天再说吧?|不弄了|不搞了)$/;
const STOP_EXCEPT = /不了解|不用了解|不办理的话|不查了解/;

/**
 * "Stop" said inside a sentence while a flow runs: null when the text is not a stop; else
 * `rest` is what follows a pause word when it is not itself a stop ("等等，我密码忘了" → "我密码忘了"),
 * a question the user switches to. "我算了一下学时" is no stop: 算了 is not its first word.
 */
export function stopWithin(text: string): { rest: string } | null {
  const t = text.normalize("NFKC").trim();
  const lead = t.match(PAUSE_LEAD);
  if (lead) {
    const rest = t.slice(lead[0].length).trim();
    if (!rest || isStop(rest)) return { rest: "" };
    return { rest };
  }
  return isStop(t) ? { rest: "" } : null;
}
const isStop = (t: string): boolean => {
  const s = t.replace(/[\s，,。.!！…~、]+/g, "");
  return !STOP_EXCEPT.test(s) && STOP.test(s) && [...s].length <= 12;
};

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** "1", "第一个", "选2", "2." → 1-based number, else undefined. */
export function parseChoiceNumber(text: string): number | undefined {
  const t = text
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/[。.、，,!！]$/, "");
  let m = t.match(/^(?:选|选择|回复)?(?:第)?(\d{1,2}|[一二两三四五六七八九十])(?:个|条|项|种)?$/);
  if (!m) m = t.match(/^第(\d{1,2}|[一二两三四五六七八九十])(?:个|条|项|种)?$/);
  if (!m) return undefined;
  return /\d/.test(m[1]) ? Number(m[1]) : CN_NUM[m[1]];
}

/** The index a message picks among labels: a number in range, or the label itself. */
export function pickedIndex(text: string, labels: string[], clicked?: string): number | undefined {
  const n = parseChoiceNumber(text);
  if (n !== undefined && n >= 1 && n <= labels.length) return n - 1;
  const i = labels.indexOf(clicked ?? text.trim());
  return i >= 0 ? i : undefined;
}
