// ESLint with typescript-eslint: `npm run lint` (CI runs it). Production code may not use `any`
// or non-null assertions without a disable comment that says why; tests may.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "sandbox-data/", "test-artifacts/", "models/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "no-control-regex": "off", // control characters are stripped on purpose (adapters/channels/common.ts)
    },
  },
  {
    files: ["bot/web/**/*.js", "adapters/console/assets/login.js"],
    languageOptions: { globals: { ...globals.browser }, sourceType: "script" },
  },
  {
    // The console's browser code: ES modules, one per tab.
    files: ["adapters/console/assets/**/*.js"],
    ignores: ["adapters/console/assets/login.js"],
    languageOptions: { globals: { ...globals.browser }, sourceType: "module" },
  },
  {
    files: ["tests/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
