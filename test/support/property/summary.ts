/**
 * Runs properties through fast-check and records, per library function, the cases tried,
 * what they ended in (ok or an error code) and any failure. Each test file writes its part
 * to $GLOCAL_PROPERTY_PARTS/<file>.json; summary-reporter.js merges the parts into
 * test-artifacts/property-summary.json.
 */
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { RUNS, SEED, runsFor } from "./config";

interface FunctionStats {
  cases: number;
  failures: number;
  outcomes: Record<string, number>;
  counterexamples: string[];
  ms: number;
}

const stats: Record<string, FunctionStats> = {};
let current: { stats: FunctionStats; remaining: number } | null = null;

function entry(fn: string): FunctionStats {
  return (stats[fn] ??= { cases: 0, failures: 0, outcomes: {}, counterexamples: [], ms: 0 });
}

/** Counts one outcome of the running property (shrinking runs are not counted). */
export function note(outcome: string): void {
  if (!current || current.remaining <= 0) return;
  current.remaining--;
  current.stats.outcomes[outcome] = (current.stats.outcomes[outcome] ?? 0) + 1;
}

/**
 * Ends a property run started at t0: records its time, cases and any failure under `fn`,
 * and throws the failure with fast-check's report (seed, path and counterexample).
 */
function recordDetails<T>(fn: string, s: FunctionStats, t0: number, details: fc.RunDetails<T>): void {
  current = null;
  s.ms += Date.now() - t0;
  s.cases += details.numRuns;
  if (details.failed) {
    s.failures++;
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    s.counterexamples.push(`${cause.slice(0, 500)} :: ${fc.stringify(details.counterexample).slice(0, 2000)}`);
    throw new Error(`${fn}: ${cause}\n${fc.defaultReportMessage(details) ?? "property failed"}`);
  }
}

/**
 * Checks `body` on `runsFor(cost)` generated cases and records them under `fn`. The body
 * throws on a violation; it may call `note` (contract() does) to count outcomes.
 */
export function check<T>(fn: string, arb: fc.Arbitrary<T>, body: (value: T) => void, cost = 1): void {
  const numRuns = runsFor(cost);
  const s = entry(fn);
  current = { stats: s, remaining: numRuns };
  const t0 = Date.now();
  const details = fc.check(
    fc.property(arb, (v) => {
      body(v);
    }),
    { numRuns, seed: SEED },
  );
  recordDetails(fn, s, t0, details);
}

/** `check` for an asynchronous body. */
export async function checkAsync<T>(
  fn: string,
  arb: fc.Arbitrary<T>,
  body: (value: T) => Promise<void>,
  cost = 1,
): Promise<void> {
  const numRuns = runsFor(cost);
  const s = entry(fn);
  current = { stats: s, remaining: numRuns };
  const t0 = Date.now();
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      await body(v);
    }),
    { numRuns, seed: SEED },
  );
  recordDetails(fn, s, t0, details);
}

/** Records cases run outside fast-check (e.g. the CLI's fixed abuse cases). */
export function record(fn: string, cases: number, outcome: string): void {
  const s = entry(fn);
  s.cases += cases;
  s.outcomes[outcome] = (s.outcomes[outcome] ?? 0) + cases;
}

/**
 * Writes this file's part of the summary (call from afterAll) into GLOCAL_PROPERTY_PARTS,
 * set by `npm run test:property:long`; a plain `npm test` writes nothing (so one running
 * beside the long run cannot overwrite its parts).
 */
export function writeSummaryPart(testFile: string): void {
  if (!process.env.GLOCAL_PROPERTY_PARTS) return;
  const dir = path.resolve(process.env.GLOCAL_PROPERTY_PARTS);
  fs.mkdirSync(dir, { recursive: true });
  // The path under test/, dots for slashes: property tests sit beside their area's tests
  // (test/linalg/blas.property.test.ts → linalg.blas.property), so base names may repeat.
  const name = path
    .relative(path.join(__dirname, "..", ".."), testFile)
    .replace(/\.test\.ts$/, "")
    .split(path.sep)
    .join(".");
  fs.writeFileSync(
    path.join(dir, `${name}.json`),
    JSON.stringify({ file: name, runs: RUNS, seed: SEED, functions: stats }, null, 1),
  );
}
