// What an operator sees of the service at GET /metrics (Prometheus text, prom-client): turns by
// channel and outcome, turn time, HTTP requests by route and status, the process's own figures.
// One registry per server (tests build several in one process).
import { Registry, Counter, Histogram, collectDefaultMetrics } from "prom-client";
import type { TurnEvent } from "./ports.ts";

export class Metrics {
  readonly registry = new Registry();
  private turns = new Counter({
    name: "helpdesk_turns_total",
    help: "Turns by channel and outcome",
    labelNames: ["channel", "band"] as const,
    registers: [this.registry],
  });
  private turnSeconds = new Histogram({
    name: "helpdesk_turn_seconds",
    help: "Time to answer one turn",
    labelNames: ["channel"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private http = new Counter({
    name: "helpdesk_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "helpdesk_" });
  }

  turn(e: TurnEvent): void {
    this.turns.inc({ channel: e.channel, band: e.band });
  }
  turnTime(channel: string, seconds: number): void {
    this.turnSeconds.observe({ channel }, seconds);
  }
  request(method: string, route: string, status: number): void {
    this.http.inc({ method, route, status: String(status) });
  }
  text(): Promise<string> {
    return this.registry.metrics();
  }
  get contentType(): string {
    return this.registry.contentType;
  }
}
