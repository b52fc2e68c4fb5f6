/**
 * The nightly property run: `npm run test:property:long` (GLOCAL_PROPERTY_RUNS=10000 by
 * default) runs the property tests only (test/<area>/*.property.test.ts, beside each area's
 * other tests), without time limits, and merges what each file tried into
 * test-artifacts/property-summary.json (test/support/property/summary-reporter.js).
 */
const base = require("../../jest.config.js");

module.exports = {
  ...base,
  rootDir: "../..",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.property.test.ts"],
  testTimeout: 24 * 3600 * 1000,
  reporters: ["default", "<rootDir>/test/support/property/summary-reporter.js"],
};
