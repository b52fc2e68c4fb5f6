/** Jest runs the TypeScript sources through ts-jest (TypeScript 5.9, transpile-only; the
 *  build's `tsc` does the type checking). The WebAssembly must be built first (`npm test` does). */
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
