/** Jest runs the TypeScript sources through ts-jest (TypeScript 5.9, transpile-only; `npm test`
 *  type-checks src/ and test/ first with `tsc -p tsconfig.test.json`). The WebAssembly must be
 *  built first (`npm test` does). test/<area>/ mirrors src/<area>/; helpers are in test/support/. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }],
  },
  testTimeout: 60000,
  reporters: ["default", "<rootDir>/test/support/json-summary-reporter.js"],
};
