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

export interface Day { year: number; month: number; day: number }

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
