// 转人工队列: working hours, the queue, one ticket's transcript, take / reply / hand back / close.
import { z } from "zod";
import { parseBody } from "../http.ts";
import { excerpt } from "../audit.ts";
import { queueRow, type TicketView } from "../handoff.ts";
import { describeHours, describeOpening, isOpen, nextOpening } from "../../../bot/working-hours.ts";
import { text, type TabRoutes } from "./context.ts";

const replyBody = z.object({ text: text(2000) });

export const queueRoutes: TabRoutes = (app, { svc, now, audit, agentOf }) => {
  const hoursInfo = () => {
    const t = now();
    const next = nextOpening(t, svc.hours);
    return {
      open: isOpen(t, svc.hours),
      description: describeHours(svc.hours),
      nextOpening: next,
      nextOpeningText: next === null ? null : describeOpening(next, t, svc.hours),
      timeZone: svc.hours.timeZone,
    };
  };
  app.get("/api/console/hours", async () => hoursInfo());

  app.get("/api/console/queue", async () => {
    const tickets = await svc.queue.list();
    const t = now();
    return { now: t, version: svc.queue.version, hours: hoursInfo(), tickets: tickets.map((x) => queueRow(x, t)) };
  });

  const viewed = new Set<string>();
  const ticketView = (t: TicketView) => ({
    ...queueRow(t, now()),
    now: now(),
    closedAt: t.closedAt ?? null,
    ending: t.ending ?? null,
    transcript: t.transcript,
  });
  app.get<{ Params: { id: string } }>("/api/console/tickets/:id", async (req) => {
    const a = agentOf(req);
    const t = await svc.queue.view(req.params.id, a.name);
    // Reading a transcript is access to personal data: audited once per agent and ticket.
    const key = `${a.name}|${t.id}`;
    if (!viewed.has(key)) {
      viewed.add(key);
      void audit(req, "ticket-view", t.id);
    }
    return ticketView(t);
  });
  app.post<{ Params: { id: string } }>("/api/console/tickets/:id/take", async (req) => {
    const a = agentOf(req);
    const t = await svc.queue.take(req.params.id, a.name, a.displayName);
    void audit(req, "ticket-take", t.id);
    return ticketView(t);
  });
  app.post<{ Params: { id: string } }>("/api/console/tickets/:id/reply", async (req) => {
    const a = agentOf(req);
    const b = parseBody(replyBody, req.body);
    const r = await svc.queue.reply(req.params.id, a.name, a.role === "admin", b.text);
    void audit(req, "ticket-reply", r.ticket.id, `${r.delivered ? "" : "[未送达] "}${excerpt(b.text)}`);
    return { ...ticketView(r.ticket), delivered: r.delivered };
  });
  for (const how of ["handback", "close"] as const) {
    app.post<{ Params: { id: string } }>(`/api/console/tickets/:id/${how}`, async (req) => {
      const a = agentOf(req);
      const t = await svc.queue.end(req.params.id, a.name, a.role === "admin", how);
      void audit(req, `ticket-${how}`, t.id);
      return ticketView(t);
    });
  }
};
