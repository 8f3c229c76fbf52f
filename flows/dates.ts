// Dates as people type them: 2020年6月, 2020.6.15, 20年6月, 2020-06-15, 2020/6.
export interface LooseDate {
  year: number;
  month?: number;
  day?: number;
}

const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };
const RELATIVE_YEAR: Record<string, number> = { 今年: 0, 去年: -1, 前年: -2, 大前年: -3 };

/**
 * A date as people type it, absolute (2021年5月, 2021.5, 21年5月1号) or relative to `now`
 * (去年, 前年三月, 去年年底): null when the text holds none.
 */
export function parseLooseDate(text: string, now?: number): LooseDate | null {
  const s = text.normalize("NFKC").replace(/\s+/g, "");
  const rel = s.match(/(大前年|前年|去年|今年)(年初|年中|年底|年末|(\d{1,2}|十[一二]?|[一二两三四五六七八九])月(?:份)?(?:(\d{1,2})[日号])?)?/);
  if (rel && now !== undefined) {
    const year = new Date(now).getFullYear() + RELATIVE_YEAR[rel[1]];
    const part = rel[2];
    if (!part) return { year };
    if (part === "年初") return { year, month: 1 };
    if (part === "年中") return { year, month: 6 };
    if (part === "年底" || part === "年末") return { year, month: 12 };
    const month = /\d/.test(rel[3]) ? Number(rel[3]) : CN_DIGIT[rel[3]];
    if (!month || month > 12) return null;
    return rel[4] ? { year, month, day: Number(rel[4]) } : { year, month };
  }
  const m = s.match(/(?<!\d)(\d{4}|\d{2})\s*(?:年|[.\-/])\s*(\d{1,2})?\s*(?:月|[.\-/])?\s*(\d{1,2})?\s*(?:日|号)?/);
  if (!m) return null;
  let year = Number(m[1]);
  if (m[1].length === 2) year += 2000;
  if (year < 1950 || year > 2100) return null;
  const month = m[2] ? Number(m[2]) : undefined;
  const day = m[3] ? Number(m[3]) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return null;
  if (day !== undefined && (day < 1 || day > 31)) return null;
  return { year, month, day };
}

export interface Day {
  year: number;
  month: number;
  day: number;
}

/** A YYYY-MM-DD day (the knowledge files' form). */
export function parseIsoDay(iso: string): Day {
  const [year, month, day] = iso.split("-").map(Number);
  return { year, month, day };
}

/** Tai'an's switch of rule; the flow passes the day from knowledge/flows/title-date.yaml. */
const TAIAN_SWITCH: Day = { year: 2021, month: 5, day: 1 };

/** Before, on or after the switch day; "need-day" / "need-month" when the date is too coarse to tell. */
export function relativeToSwitch(d: LooseDate, at: Day = TAIAN_SWITCH): "before" | "after" | "on" | "need-day" | "need-month" {
  const cmp = (y: number, m: number, day: number) => (y - at.year) * 10000 + (m - at.month) * 100 + (day - at.day);
  if (d.month === undefined) {
    if (d.year < at.year) return "before";
    if (d.year > at.year) return "after";
    return "need-month";
  }
  if (d.day === undefined) {
    if (d.year === at.year && d.month === at.month) return "need-day";
    return cmp(d.year, d.month, 1) < 0 ? "before" : "after";
  }
  const c = cmp(d.year, d.month, d.day);
  return c < 0 ? "before" : c > 0 ? "after" : "on";
}
