// Chooses the platform adapter from the environment: the HTTP service when
// HELPDESK_PLATFORM_URL is set, else the in-process sandbox in HELPDESK_SANDBOX_DIR.
import type { Clock } from "../../bot/clock.ts";
import type { PlatformAdapter } from "./types.ts";
import { HttpPlatform, type HttpPlatformOptions } from "./http-client.ts";
import { SandboxPlatform } from "./sandbox.ts";

export * from "./types.ts";
export { HttpPlatform, CircuitBreaker, type HttpPlatformOptions, type CircuitState } from "./http-client.ts";
export { SandboxPlatform, type SandboxOptions, type RegisterInput, type LoginCheck } from "./sandbox.ts";
export { maskIdNumber, maskPhone, maskPersonalNumbers, validateIdNumber, isValidResidentId, normalizeIdNumber, ID_TYPES, type IdType } from "./id-number.ts";

export type ClosablePlatform = PlatformAdapter & { close(): Promise<void> };

export interface CreatePlatformOptions {
  clock?: Clock;
  /** Overrides for the HTTP client (timeouts, retries, breaker). */
  http?: Omit<HttpPlatformOptions, "baseUrl" | "clock">;
}

export async function createPlatform(env: NodeJS.ProcessEnv = process.env, opts: CreatePlatformOptions = {}): Promise<ClosablePlatform> {
  const url = env.HELPDESK_PLATFORM_URL?.trim();
  if (url) return new HttpPlatform({ ...opts.http, baseUrl: url, clock: opts.clock });
  return SandboxPlatform.open({
    dir: env.HELPDESK_SANDBOX_DIR?.trim() || "./sandbox-data",
    clock: opts.clock,
    fixedCode: env.HELPDESK_SANDBOX_FIXED_CODE === "1",
  });
}
