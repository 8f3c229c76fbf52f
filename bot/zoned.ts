// Wall-clock parts in a named time zone (Asia/Shanghai by default), whatever the machine's zone.
// Intl does the zone arithmetic, so a zone with daylight saving would also work.

export const DEFAULT_TZ = "Asia/Shanghai";

export interface ZonedParts {
  year: number;
  month: number; // 1–12
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export function zonedParts(t: number, tz = DEFAULT_TZ): ZonedParts {
  const out: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    weekday: WEEKDAY[out.weekday] ?? 0,
    hour: Number(out.hour) % 24,
    minute: Number(out.minute),
    second: Number(out.second),
  };
}

/** YYYY-MM-DD of the instant in the zone. */
export function dayKey(t: number, tz = DEFAULT_TZ): string {
  const p = zonedParts(t, tz);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** Offset of the zone from UTC at instant t, in ms. */
function offsetAt(t: number, tz: string): number {
  const p = zonedParts(t, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant at which the zone's wall clock shows the given date and time. */
export function zonedTime(year: number, month: number, day: number, hour = 0, minute = 0, tz = DEFAULT_TZ): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetAt(guess, tz);
  // Second pass settles the rare case where the offset differs at the corrected instant.
  return guess - offsetAt(first, tz);
}

/** Start of the zone's day "YYYY-MM-DD". */
export function dayStart(key: string, tz = DEFAULT_TZ): number {
  const [y, m, d] = key.split("-").map(Number);
  return zonedTime(y, m, d, 0, 0, tz);
}

/** The day after "YYYY-MM-DD" (calendar arithmetic, no zone involved). */
export function nextDay(key: string): string {
  const [y, m, d] = key.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return t.toISOString().slice(0, 10);
}

export const isDayKey = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
