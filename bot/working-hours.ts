// Agents' working hours: when a handed-off conversation can expect a person, and when not.
// Configured as a zone, weekdays and a daily window, plus holidays and make-up working days
// (China moves working days around public holidays, so both lists matter).
import { DEFAULT_TZ, dayKey, nextDay, zonedParts, zonedTime } from "./zoned.ts";

export interface WorkingHours {
  timeZone: string;
  /** Working weekdays, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** "HH:MM" in the zone. */
  start: string;
  end: string;
  /** Closed dates (YYYY-MM-DD), e.g. public holidays. */
  holidays: string[];
  /** Open dates that are not normally working days (调休 weekends). */
  extraDays: string[];
}

export const DEFAULT_HOURS: WorkingHours = {
  timeZone: DEFAULT_TZ,
  days: [1, 2, 3, 4, 5],
  start: "08:30",
  end: "17:30",
  holidays: [],
  extraDays: [],
};

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY_CN = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/**
 * Parses "Mon-Fri 08:30-17:30" (also "Mon,Wed,Fri 09:00-12:00"), the form of
 * HELPDESK_WORKING_HOURS. Throws with a readable message on anything else.
 */
export function parseHoursSpec(spec: string, base: WorkingHours = DEFAULT_HOURS): WorkingHours {
  const m = spec
    .trim()
    .toLowerCase()
    .match(/^([a-z,-]+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/);
  if (!m) throw new Error(`working hours must look like "Mon-Fri 08:30-17:30", not ${JSON.stringify(spec)}`);
  const days = new Set<number>();
  for (const part of m[1].split(",")) {
    const [a, b] = part.split("-");
    const from = DAY_NAMES.indexOf(a.slice(0, 3));
    const to = b === undefined ? from : DAY_NAMES.indexOf(b.slice(0, 3));
    if (from < 0 || to < 0) throw new Error(`unknown weekday in ${JSON.stringify(spec)}`);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  const pad = (s: string) => s.padStart(5, "0");
  const start = pad(m[2]),
    end = pad(m[3]);
  if (minutes(start) >= minutes(end) || minutes(end) > 24 * 60) throw new Error(`working hours end must be after start in ${JSON.stringify(spec)}`);
  return { ...base, days: [...days].sort(), start, end };
}

function isWorkday(key: string, weekday: number, h: WorkingHours): boolean {
  if (h.holidays.includes(key)) return false;
  return h.extraDays.includes(key) || h.days.includes(weekday);
}

export function isOpen(t: number, h: WorkingHours = DEFAULT_HOURS): boolean {
  const p = zonedParts(t, h.timeZone);
  const key = dayKey(t, h.timeZone);
  if (!isWorkday(key, p.weekday, h)) return false;
  const m = p.hour * 60 + p.minute;
  return m >= minutes(h.start) && m < minutes(h.end);
}

/** The next instant at or after t when agents are at work; null if none within 60 days. */
export function nextOpening(t: number, h: WorkingHours = DEFAULT_HOURS): number | null {
  if (isOpen(t, h)) return t;
  let key = dayKey(t, h.timeZone);
  const [sh, sm] = h.start.split(":").map(Number);
  for (let i = 0; i < 60; i++, key = nextDay(key)) {
    const [y, mo, d] = key.split("-").map(Number);
    const at = zonedTime(y, mo, d, sh, sm, h.timeZone);
    const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
    if (at >= t && isWorkday(key, weekday, h)) return at;
  }
  return null;
}

/** "周一至周五 08:30–17:30" */
export function describeHours(h: WorkingHours = DEFAULT_HOURS): string {
  const d = [...h.days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  const run = d.length > 2 && d.every((x, i) => i === 0 || x === (d[i - 1] + 1) % 7);
  const days = run ? `${DAY_CN[d[0]]}至${DAY_CN[d[d.length - 1]]}` : d.map((x) => DAY_CN[x]).join("、");
  return `${days} ${h.start}–${h.end}`;
}

/** When the next opening is, in words a user reads: "今天 13:30", "明天（周二）08:30", "12月1日（周一）08:30". */
export function describeOpening(at: number, now: number, h: WorkingHours = DEFAULT_HOURS): string {
  const p = zonedParts(at, h.timeZone);
  const time = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  const today = dayKey(now, h.timeZone);
  const day = dayKey(at, h.timeZone);
  if (day === today) return `今天 ${time}`;
  if (day === nextDay(today)) return `明天（${DAY_CN[p.weekday]}）${time}`;
  return `${p.month}月${p.day}日（${DAY_CN[p.weekday]}）${time}`;
}
