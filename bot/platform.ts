// Opens the platform adapter the configuration asks for.
import { createPlatform } from "../adapters/platform/index.ts";
import type { PlatformAdapter } from "../adapters/platform/types.ts";

export async function openSandbox(dir: string): Promise<PlatformAdapter> {
  return createPlatform({ HELPDESK_SANDBOX_DIR: dir, HELPDESK_SANDBOX_FIXED_CODE: process.env.HELPDESK_SANDBOX_FIXED_CODE } as NodeJS.ProcessEnv);
}
