// Merges the per-file parts the property tests write (GLOCAL_PROPERTY_PARTS, by default
// test-artifacts/property-long; see summary.ts) into test-artifacts/property-summary.json:
// cases tried per function, their outcomes, failures with counterexamples, the seeds and
// the wall time.
const fs = require("fs");
const path = require("path");

class PropertySummaryReporter {
  constructor(globalConfig) {
    this.root = path.join(globalConfig.rootDir, "test-artifacts");
    this.parts = path.resolve(
      globalConfig.rootDir,
      process.env.GLOCAL_PROPERTY_PARTS || path.join("test-artifacts", "property-long"),
    );
    process.env.GLOCAL_PROPERTY_PARTS = this.parts; // the workers write there
  }

  onRunStart() {
    this.started = Date.now();
    fs.rmSync(this.parts, { recursive: true, force: true });
  }

  onRunComplete(_contexts, results) {
    const functions = {};
    const files = {};
    const dir = fs.existsSync(this.parts) ? fs.readdirSync(this.parts) : [];
    let runs = null;
    for (const name of dir.filter((f) => f.endsWith(".json"))) {
      const part = JSON.parse(fs.readFileSync(path.join(this.parts, name), "utf8"));
      runs = part.runs;
      files[part.file] = { seed: part.seed };
      for (const [fn, s] of Object.entries(part.functions)) {
        const t = (functions[fn] ??= { cases: 0, failures: 0, seconds: 0, outcomes: {}, counterexamples: [] });
        t.cases += s.cases;
        t.failures += s.failures;
        t.seconds += s.ms / 1000;
        for (const [k, v] of Object.entries(s.outcomes)) t.outcomes[k] = (t.outcomes[k] ?? 0) + v;
        t.counterexamples.push(...s.counterexamples);
      }
    }
    for (const t of Object.values(functions)) t.seconds = Math.round(t.seconds * 10) / 10;
    const summary = {
      runsPerFunction: runs,
      wallTimeSeconds: Math.round((Date.now() - this.started) / 100) / 10,
      finishedAt: new Date().toISOString(),
      success: results.numFailedTests === 0 && results.numRuntimeErrorTestSuites === 0,
      tests: { passed: results.numPassedTests, failed: results.numFailedTests },
      totalCases: Object.values(functions).reduce((a, t) => a + t.cases, 0),
      totalFailures: Object.values(functions).reduce((a, t) => a + t.failures, 0),
      files,
      functions,
    };
    fs.mkdirSync(this.root, { recursive: true });
    fs.writeFileSync(path.join(this.root, "property-summary.json"), JSON.stringify(summary, null, 2));
    process.stdout.write(
      `property summary: ${summary.totalCases} cases, ${summary.totalFailures} failures, ${summary.wallTimeSeconds} s -> test-artifacts/property-summary.json\n`,
    );
  }
}
module.exports = PropertySummaryReporter;
