/**
 * Throwing callbacks: whatever the caller's onProgress or AbortSignal getter throws (an
 * Error, a string, null, a GlocalError of its own, an object whose getters throw), at any
 * point of any strategy, optimize reports E_CALLBACK naming the callback with the thrown
 * value as `cause` -- never E_INTERNAL -- leaves no scratch memory open, and the next run
 * gives the result of a run that never met the callback.
 */
import fc from "fast-check";
import { GlocalError, datasets, memoryStats, optimize, optimizers, problems } from "../../src/index";
import type { OptimizeOptions, OptimizeResult, Strategy } from "../../src/index";
import { assert, fail } from "../support/property/contract";
import { check, note, writeSummaryPart } from "../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

const problem = problems.logistic(datasets.synthetic({ kind: "binary", train: 16, val: 8, features: 3, seed: 4 }));
afterAll(() => problem.dispose());

const STRATS: Strategy[] = ["global", "local", "truncated", "glocal"];
const options = (strategy: Strategy): OptimizeOptions => ({
  problem,
  optimizer: optimizers.momentum({ lr: 0.2, wd: 0.01, momentum: 0.5 }),
  strategy,
  innerSteps: 12,
  window: 4,
  outerSteps: 3,
  glocal: { stride: 1 },
});
const strip = (r: OptimizeResult) =>
  JSON.stringify({ final: r.final, history: r.history.map(({ wallTimeMs: _w, ...e }) => e), counts: r.counts });
const baseline = new Map(STRATS.map((s) => [s, strip(optimize(options(s)))]));

/** Thrown values a caller's code may produce. */
const THROWN: Array<() => unknown> = [
  () => new Error("plain"),
  () => new TypeError("typed"),
  () => "a string",
  () => 42,
  () => null,
  () => undefined,
  () => new GlocalError("E_SHAPE", "the caller's own GlocalError", "x"),
  () => ({
    get message(): string {
      throw new Error("a hostile message getter");
    },
  }),
];

describe("callbacks that throw", () => {
  it("E_CALLBACK with the thrown value as cause, memory released, the next run unchanged", () => {
    const arb = fc.record({
      strategy: fc.constantFrom(...STRATS),
      where: fc.constantFrom<"onProgress" | "signal.aborted">("onProgress", "signal.aborted"),
      // Beyond the run's calls (up to ~40) the callback never throws: the run must then be the baseline.
      at: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) }, fc.integer({ min: 13, max: 60 })),
      thrown: fc.integer({ min: 0, max: THROWN.length - 1 }),
    });
    check(
      "optimize callbacks",
      arb,
      ({ strategy, where, at, thrown }) => {
        const value = THROWN[thrown]();
        let calls = 0;
        const fire = () => {
          if (++calls === at) throw value;
        };
        const o =
          where === "onProgress"
            ? { ...options(strategy), onProgress: fire }
            : {
                ...options(strategy),
                signal: {
                  get aborted(): boolean {
                    fire();
                    return false;
                  },
                },
              };
        let result: OptimizeResult | null = null;
        let error: unknown = null;
        try {
          result = optimize(o);
        } catch (e) {
          error = e;
        }
        assert(memoryStats().openScratchBlocks === 0, "scratch memory left open");
        if (calls < at) {
          assert(result !== null, () => `threw without the callback throwing: ${String(error)}`);
          assert(strip(result) === baseline.get(strategy), "a callback that never threw changed the run");
          note("ok");
        } else {
          if (!(error instanceof GlocalError)) fail(`threw ${String(error)}, not a GlocalError`);
          assert(error.code === "E_CALLBACK", `threw ${error.code} (${error.message}), not E_CALLBACK`);
          assert(error.argument === where, `argument ${error.argument}, not ${where}`);
          assert(Object.is(error.cause, value), "cause is not the thrown value");
          note("E_CALLBACK");
        }
        assert(strip(optimize(options(strategy))) === baseline.get(strategy), "the next run differs from the baseline");
      },
      20,
    );
  });
});
