/**
 * Work budgets: for any request -- rows m, hyperparameters q, a delay (or auto), a method
 * (or auto), the rank rule, held-out rows and DMD diagnostics, from a few rows to 10⁶ --
 * the estimate is refused with E_TOO_LARGE, at once and naming the option, exactly when the
 * predicted cost exceeds the budget; and where it runs, the measured high-water mark of
 * WebAssembly scratch stays below the prediction (the bound the budget relies on).
 */
import fc from "fast-check";
import { GlocalError, estimateGlobal } from "../../src/index";
import type { EstimateOptions } from "../../src/index";
import { resetScratchPeak, scratchPeak } from "../../src/core/load";
import { MAX_ESTIMATE_BYTES, MAX_ESTIMATE_WORK, predictWork } from "../../src/estimate/budget";
import { resolveOptions } from "../../src/estimate/options";
import { assert, fail } from "../support/property/contract";
import { check, note, writeSummaryPart } from "../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

/** Requests small enough to run in a test: this much predicted work at most (≈ 0.1 s). */
const RUN_WORK = 5e6;

const arb = fc.record({
  m: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 3, max: 300 }) },
    { weight: 2, arbitrary: fc.integer({ min: 300, max: 20000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 20000, max: 1_000_000 }) },
  ),
  q: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }, fc.integer({ min: 5, max: 3000 })),
  delay: fc.oneof(
    { weight: 3, arbitrary: fc.constant<number | "auto" | undefined>(undefined) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 1, arbitrary: fc.integer({ min: 13, max: 5000 }) },
    { weight: 1, arbitrary: fc.constant<"auto">("auto") },
  ),
  method: fc.constantFrom<EstimateOptions["method"]>(undefined, "limit", "affine", "rre", "mpe", "auto"),
  rank: fc.constantFrom<EstimateOptions["rank"]>(undefined, "svht", "auto", { kind: "fixed", rank: 2 }),
  heldOut: fc.oneof({ weight: 3, arbitrary: fc.constant<number | undefined>(undefined) }, fc.constant(0)),
  dmdDiagnostics: fc.constantFrom<boolean | undefined>(undefined, false),
  seed: fc.integer({ min: 1, max: 1000 }),
});

describe("the work budget", () => {
  it("refuses exactly what exceeds it, at once and naming the option; the prediction bounds what runs", () => {
    check(
      "estimate work budget",
      arb,
      (c) => {
        const options: Record<string, unknown> = {};
        for (const k of ["delay", "method", "rank", "heldOut", "dmdDiagnostics"] as const)
          if (c[k] !== undefined) options[k] = c[k];
        const { m, q } = c;
        if (typeof c.delay === "number" && c.delay >= m) return; // too short: another test's concern
        if (m * q > 2e6) return; // the window itself (not what is tested) would take too long to build
        let resolved;
        try {
          resolved = resolveOptions(options, m, q);
        } catch {
          return; // an option invalid for this window
        }
        const p = predictWork(m, q, resolved);
        const over = p.bytes > MAX_ESTIMATE_BYTES || p.work > MAX_ESTIMATE_WORK;
        if (!over && p.work > RUN_WORK) return; // accepted, but too slow to run here
        let x = c.seed;
        const data = new Float64Array(m * q);
        for (let i = 0; i < m * q; i++) {
          x = (x * 16807) % 2147483647;
          data[i] = 0.95 ** Math.floor(i / q) * ((i % q) + 1) + 1e-3 * (x / 2147483647 - 0.5);
        }
        resetScratchPeak();
        const t0 = Date.now();
        let error: unknown = null;
        try {
          estimateGlobal({ rows: m, cols: q, data }, options as EstimateOptions);
        } catch (e) {
          error = e;
        }
        const ms = Date.now() - t0;
        if (over) {
          if (!(error instanceof GlocalError)) fail(`ran a request beyond the budget (${JSON.stringify(p)})`);
          assert(error.code === "E_TOO_LARGE", `threw ${error.code} (${error.message}) beyond the budget`);
          const allowed = ["delay", "method", "rank", "trajectory"];
          assert(allowed.includes(error.argument ?? ""), `E_TOO_LARGE names ${error.argument}`);
          if (error.argument !== "trajectory")
            assert((error.argument ?? "") in options, `names ${error.argument}, not given`);
          assert(ms < 2000 + m * q * 1e-3, `took ${ms} ms to refuse`);
          assert(scratchPeak() <= 32 * m * q + 2 ** 20, "allocated more than the window before refusing");
          note("E_TOO_LARGE");
        } else {
          if (error instanceof GlocalError) {
            assert(error.code !== "E_TOO_LARGE" || !/budget/.test(error.message), "refused a request within budget");
            note(error.code);
          } else if (error !== null) fail(`threw ${String(error)}`);
          else note("ok");
          assert(scratchPeak() <= p.bytes, `scratch high-water ${scratchPeak()} B above the predicted ${p.bytes} B`);
        }
      },
      2,
    );
  });
});
