// Writes jest's aggregated results (the same counts `jest --json` reports) to
// test-artifacts/jest-results.json, so .ci/run can print "N passed, N failed" after a
// plain `npm test`.
const fs = require("fs");
const path = require("path");

class JsonSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    const dir = path.join(this.rootDir, "test-artifacts");
    fs.mkdirSync(dir, { recursive: true });
    const summary = {
      numTotalTests: results.numTotalTests,
      numPassedTests: results.numPassedTests,
      numFailedTests: results.numFailedTests,
      numPendingTests: results.numPendingTests,
      numTotalTestSuites: results.numTotalTestSuites,
      numFailedTestSuites: results.numFailedTestSuites,
      numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
      success: results.success,
      startTime: results.startTime,
    };
    fs.writeFileSync(path.join(dir, "jest-results.json"), JSON.stringify(summary, null, 2));
  }
}
module.exports = JsonSummaryReporter;
