/**
 * The nightly property run: `npm run test:property:long` (GLOCAL_PROPERTY_RUNS=10000 by
 * default) runs test/property only, without time limits, and merges what each file tried
 * into test-artifacts/property-summary.json.
 */
const base = require("../../jest.config.js");

module.exports = {
  ...base,
  rootDir: "../..",
  roots: ["<rootDir>/test/property"],
  testTimeout: 24 * 3600 * 1000,
  reporters: ["default", "<rootDir>/test/property/support/summary-reporter.js"],
};
