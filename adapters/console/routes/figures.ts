// 数据统计: counts per day, channel, region and topic, and the same as CSV.
import { dayKey, isDayKey, nextDay } from "../../../bot/zoned.ts";
import { HttpError } from "../http.ts";
import { computeFigures, figuresCsv } from "../figures.ts";
import { titleOf } from "./learning.ts";
import type { TabRoutes } from "./context.ts";

type RangeQuery = { Querystring: { from?: string; to?: string } };

export const figuresRoutes: TabRoutes = (app, { svc, now, audit }) => {
  function range(q: { from?: string; to?: string }): { from: string; to: string } {
    const today = dayKey(now(), svc.hours.timeZone);
    let to = q.to && isDayKey(q.to) ? q.to : today;
    let from = q.from && isDayKey(q.from) ? q.from : "";
    if (!from) {
      from = to;
      for (let i = 0; i < 13; i++) from = dayKey(Date.parse(`${from}T12:00:00Z`) - 86_400_000, "UTC");
    }
    if (from > to) [from, to] = [to, from];
    let n = 0;
    for (let d = from; d <= to; d = nextDay(d)) if (++n > 366) throw new HttpError(400, "一次最多统计 366 天");
    return { from, to };
  }
  app.get<RangeQuery>("/api/console/figures", async (req) => {
    const { from, to } = range(req.query);
    const f = computeFigures(svc.events.all(), from, to, svc.hours.timeZone);
    return { ...f, topTopics: f.topTopics.map((t) => ({ ...t, title: titleOf(svc, t.id) })) };
  });
  app.get<RangeQuery>("/api/console/figures.csv", async (req, reply) => {
    const { from, to } = range(req.query);
    void audit(req, "figures-export", `${from}..${to}`);
    return reply
      .header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="helpdesk-figures-${from}-${to}.csv"`)
      .send(figuresCsv(computeFigures(svc.events.all(), from, to, svc.hours.timeZone)));
  });
};
