// Everything time-dependent reads a Clock so tests set the time instead of waiting.
export interface Clock {
  now(): number; // epoch milliseconds
}
export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t = Date.parse("2026-11-24T02:00:00Z")) {}
  now(): number { return this.t; }
  set(ms: number): void { this.t = ms; }
  advance(ms: number): void { this.t += ms; }
}
