// The small test runner of the suites that run outside jest (browser/run.mjs, consumer/run.mjs):
// each test in order, its time and first error line printed, and a jest-like result file
// (numPassedTests, numFailedTests) that .ci/run adds to the jest counts.
import { writeFileSync } from "node:fs";

/** Runs `tests` ({ name, fn }) one after another; a setup error fails every one of them. */
export async function runTests(tests, setupError) {
  const results = [];
  for (const t of tests) {
    const t0 = Date.now();
    if (setupError) {
      results.push({ name: t.name, status: "failed", ms: 0, error: `setup: ${setupError.message}` });
      continue;
    }
    try {
      await t.fn();
      results.push({ name: t.name, status: "passed", ms: Date.now() - t0 });
      console.log(`  ✓ ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const message = String(e?.message ?? e);
      results.push({ name: t.name, status: "failed", ms: Date.now() - t0, error: message });
      console.log(`  ✕ ${t.name} (${Date.now() - t0} ms)\n      ${message.split("\n").join("\n      ")}`);
    }
  }
  return results;
}

/** Writes the result file; returns the counts. */
export function writeResults(file, results, started) {
  const passed = results.filter((r) => r.status === "passed").length;
  const failed = results.length - passed;
  const summary = {
    numTotalTests: results.length,
    numPassedTests: passed,
    numFailedTests: failed,
    success: failed === 0,
    startTime: started,
    elapsedMs: Date.now() - started,
    tests: results,
  };
  writeFileSync(file, JSON.stringify(summary, null, 2) + "\n");
  return { passed, failed };
}
