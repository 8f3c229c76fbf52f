import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    reporters: ["default", "./tests/summary-reporter.ts"],
    testTimeout: 120000, // a bound for spawned processes on a loaded 2-core machine, not a timing check
    hookTimeout: 60000,
    pool: "forks",
    maxWorkers: 2,
  },
});
