// Everything time-dependent reads a Clock so tests set the time instead of waiting.
export interface Clock {
  now(): number; // epoch milliseconds
}
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that reads `start` now and runs on from there (HELPDESK_NOW: the server, eval and replay). */
export function clockStartingAt(start: number, base: Clock = systemClock): Clock {
  const offset = start - base.now();
  return { now: () => base.now() + offset };
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t = Date.parse("2026-11-24T02:00:00Z")) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
