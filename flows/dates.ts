// Dates as people type them: 2020年6月, 2020.6.15, 20年6月, 2020-06-15, 2020/6.
export interface LooseDate { year: number; month?: number; day?: number }

export function parseLooseDate(text: string): LooseDate | null {
  const s = text.normalize("NFKC").replace(/\s+/g, "");
  const m = s.match(/(\d{4}|\d{2})\s*(?:年|[.\-/])\s*(\d{1,2})?\s*(?:月|[.\-/])?\s*(\d{1,2})?\s*(?:日|号)?/);
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

/** Before, on or after 2021-05-01 (Tai'an's switch of rule); "unknown" when the day is needed and missing. */
export function relativeToSwitch(d: LooseDate): "before" | "after" | "on" | "need-day" | "need-month" {
  const cmp = (y: number, m: number, day: number) => (y - 2021) * 10000 + (m - 5) * 100 + (day - 1);
  if (d.month === undefined) {
    if (d.year < 2021) return "before";
    if (d.year > 2021) return "after";
    return "need-month";
  }
  if (d.day === undefined) {
    if (d.year === 2021 && d.month === 5) return "need-day";
    return cmp(d.year, d.month, 1) < 0 ? "before" : "after";
  }
  const c = cmp(d.year, d.month, d.day);
  return c < 0 ? "before" : c > 0 ? "after" : "on";
}
