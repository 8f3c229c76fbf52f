import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    reporters: ["default", "./tests/summary-reporter.ts"],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: "forks",
    maxWorkers: 2,
  },
});
