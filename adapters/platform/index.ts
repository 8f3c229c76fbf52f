// Chooses the platform adapter from the configuration: the HTTP service when
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

export interface PlatformSettings extends CreatePlatformOptions {
  /** HELPDESK_PLATFORM_URL; absent → the in-process sandbox. */
  url?: string;
  /** HELPDESK_SANDBOX_DIR */
  sandboxDir: string;
  /** HELPDESK_SANDBOX_FIXED_CODE=1 */
  fixedCode?: boolean;
}

/** The platform the configuration asks for (the composition root passes bot/main/config.ts's values). */
export async function openPlatform(s: PlatformSettings): Promise<ClosablePlatform> {
  if (s.url) return new HttpPlatform({ ...s.http, baseUrl: s.url, clock: s.clock });
  return SandboxPlatform.open({ dir: s.sandboxDir, clock: s.clock, fixedCode: s.fixedCode ?? false });
}

/** The same from variables given as a record (tests); the process environment is read only by bot/main/config.ts. */
export async function createPlatform(env: Record<string, string | undefined>, opts: CreatePlatformOptions = {}): Promise<ClosablePlatform> {
  return openPlatform({
    ...opts,
    url: env.HELPDESK_PLATFORM_URL?.trim() || undefined,
    sandboxDir: env.HELPDESK_SANDBOX_DIR?.trim() || "./sandbox-data",
    fixedCode: env.HELPDESK_SANDBOX_FIXED_CODE === "1",
  });
}
