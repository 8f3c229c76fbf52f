// Daily figures (in the working-hours zone, Asia/Shanghai by default): questions, answered,
// clarified, declined, handed off, negative feedback; by channel and by region; top topics.
import type { LoggedEvent } from "./events.ts";
import { dayKey, dayStart, nextDay } from "../../bot/zoned.ts";

export interface Counts {
  questions: number;
  answered: number;
  clarified: number;
  declined: number;
  handedOff: number;
  negative: number;
  positive: number;
}
const zero = (): Counts => ({ questions: 0, answered: 0, clarified: 0, declined: 0, handedOff: 0, negative: 0, positive: 0 });

export interface DayFigures extends Counts {
  day: string;
  byChannel: Record<string, Counts>;
  byRegion: Record<string, Counts>;
}

export interface Figures {
  from: string;
  to: string;
  timeZone: string;
  days: DayFigures[];
  total: Counts;
  byChannel: Record<string, Counts>;
  byRegion: Record<string, Counts>;
  topTopics: { id: string; count: number }[];
}

/** Region key as the figures show it; no region known is "none". */
const regionKey = (r: string | null | undefined) => r ?? "none";

function add(c: Counts, e: LoggedEvent): void {
  if (e.kind === "feedback") {
    if (e.helpful) c.positive++;
    else c.negative++;
    return;
  }
  // Acknowledgements ("我是滕州的") and interruptions (取消, a password warning) are not questions.
  if (e.band === "ack" || e.band === "interrupt") return;
  c.questions++;
  if (e.band === "answer" || e.band === "flow") c.answered++;
  else if (e.band === "clarify") c.clarified++;
  else if (e.band === "decline") c.declined++;
  else if (e.band === "handoff") c.handedOff++;
}

/** Figures for the days from..to inclusive (YYYY-MM-DD in timeZone). */
export function computeFigures(events: readonly LoggedEvent[], from: string, to: string, timeZone: string, topN = 10): Figures {
  const start = dayStart(from, timeZone);
  const end = dayStart(nextDay(to), timeZone);
  const days = new Map<string, DayFigures>();
  for (let d = from, guard = 0; d <= to && guard < 400; d = nextDay(d), guard++) {
    days.set(d, { day: d, ...zero(), byChannel: {}, byRegion: {} });
  }
  const total = zero();
  const byChannel: Record<string, Counts> = {};
  const byRegion: Record<string, Counts> = {};
  const topics = new Map<string, number>();
  for (const e of events) {
    if (e.at < start || e.at >= end) continue;
    const day = days.get(dayKey(e.at, timeZone));
    if (!day) continue;
    const ch = e.channel,
      rg = regionKey(e.region);
    for (const c of [day, total, (day.byChannel[ch] ??= zero()), (day.byRegion[rg] ??= zero()), (byChannel[ch] ??= zero()), (byRegion[rg] ??= zero())])
      add(c, e);
    if (e.kind === "turn" && e.topic && (e.band === "answer" || e.band === "flow")) topics.set(e.topic, (topics.get(e.topic) ?? 0) + 1);
  }
  const topTopics = [...topics]
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
    .slice(0, topN);
  return { from, to, timeZone, days: [...days.values()], total, byChannel, byRegion, topTopics };
}

const COLUMNS: [keyof Counts, string][] = [
  ["questions", "提问数"],
  ["answered", "已解答"],
  ["clarified", "反问澄清"],
  ["declined", "拒答"],
  ["handedOff", "转人工"],
  ["negative", "差评"],
  ["positive", "好评"],
];

const csvCell = (v: string | number) => {
  const s = String(v);
  // A leading =, +, - or @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One row per day and scope (all / channel / region); with a BOM so Excel reads the Chinese. */
export function figuresCsv(f: Figures): string {
  const rows: (string | number)[][] = [["日期", "范围", "取值", ...COLUMNS.map(([, h]) => h)]];
  const line = (day: string, scope: string, key: string, c: Counts) => rows.push([day, scope, key, ...COLUMNS.map(([k]) => c[k])]);
  for (const d of f.days) {
    line(d.day, "全部", "", d);
    for (const [k, c] of Object.entries(d.byChannel).sort()) line(d.day, "渠道", k, c);
    for (const [k, c] of Object.entries(d.byRegion).sort()) line(d.day, "地区", k, c);
  }
  return "\ufeff" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
