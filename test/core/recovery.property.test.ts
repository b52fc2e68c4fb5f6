/**
 * After any error the module stays usable: random sequences interleave failing calls --
 * validation errors, traps forced inside kernels (out-of-bounds pointers through
 * withScope, also nested and after allocations), allocations beyond the limits, a
 * non-converging eig, a diverging training session, a disposed estimator -- with valid
 * calls, which must give bit-identical answers to a clean run, while the scratch stack
 * returns to empty and WebAssembly memory to its size after warm-up.
 */
import fc from "fast-check";
import {
  GlocalError,
  GlocalEstimator,
  InnerTraining,
  dmd,
  estimateGlobal,
  hypergradientTrajectory,
  linalg,
  memoryStats,
  optimizers,
  problems,
  toMatrix,
} from "../../src/index";
import { withScope } from "../../src/core/scope";
import { gaussian } from "../support/helpers";
import { assert, fail } from "../support/property/contract";
import { check, writeSummaryPart, note } from "../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

const g = gaussian(42);
const mat = (r: number, c: number) => ({ rows: r, cols: c, data: Float64Array.from({ length: r * c }, () => g()) });
const A = mat(12, 7),
  B = mat(7, 5),
  S = mat(9, 9),
  b = Float64Array.from({ length: 12 }, () => g());
const traj = Array.from({ length: 40 }, (_, t) => [1 - 0.8 ** (t + 1) + 0.1 * Math.cos(t), 0.5 * 0.7 ** t]);
const data = {
  train: { x: mat(20, 3), y: Array.from({ length: 20 }, (_, i) => i % 3) },
  val: { x: mat(10, 3), y: Array.from({ length: 10 }, (_, i) => i % 3) },
};
const problem = problems.softmax(data, { classes: 3 });
// Least squares with a learning rate of 10: the iteration grows until it overflows.
const diverging = problems.linear({
  train: { x: mat(20, 3), y: Array.from({ length: 20 }, () => g()) },
  val: { x: mat(5, 3), y: [1, 2, 3, 4, 5] },
});
const estimator = new GlocalEstimator({ dim: 2, window: 50, delay: 3 });
for (const row of traj) estimator.push(row);
const OOB = 0x7ffffff0; // far beyond any memory the tests reserve

/** The valid calls, each returning the numbers compared with the clean run. */
const VALID: Record<string, () => ArrayLike<number>> = {
  gemm: () => linalg.gemm(A, B).data,
  svd: () => linalg.svd(A).S,
  eig: () => linalg.eig(S).values.re,
  qr: () => linalg.qr(A).R.data,
  lstsq: () => linalg.lstsq(A, b).x,
  estimate: () => estimateGlobal(traj, { delay: 3, method: "affine" }).estimate,
  estimateAuto: () => estimateGlobal(traj, { method: "auto", delay: "auto" }).estimate,
  dmd: () =>
    dmd(
      { rows: 3, cols: 6, data: Float64Array.from(traj.flat().slice(0, 18)) },
      { rows: 3, cols: 6, data: Float64Array.from(traj.flat().slice(2, 20)) },
    ).eigenvalues.re,
  streaming: () => estimator.estimate().estimate,
  trajectory: () =>
    hypergradientTrajectory(problem, optimizers.momentum({ lr: 0.1, wd: 0.01 }), {
      steps: 6,
      hyper: ["lr", "wd"],
      batchSize: 5,
      seed: 2,
    }).trajectory.data,
};

/** The failing calls, each with the code it must raise. */
const FAILING: Record<string, [string, () => unknown]> = {
  shape: ["E_SHAPE", () => linalg.gemm(A, A)],
  nan: ["E_NONFINITE", () => linalg.svd([[1, NaN]])],
  type: ["E_TYPE", () => toMatrix("matrix", "A")],
  option: ["E_OPTION", () => estimateGlobal(traj, { method: "magic" as never })],
  tooShort: ["E_TOO_SHORT", () => estimateGlobal(traj.slice(0, 3), { delay: 3 })],
  trapGemm: [
    "E_INTERNAL",
    () =>
      withScope((s) => {
        s.alloc(1000);
        s.k.gemm(0, 0, 10, 10, 10, 1, OOB, 10, OOB, 10, 0, OOB, 10);
      }),
  ],
  trapSvd: [
    "E_INTERNAL",
    () =>
      withScope((s) => {
        const p = s.put(A.data);
        s.alloc(5000);
        s.k.svd(12, 7, p, 7, OOB, OOB, OOB, 1, 1);
      }),
  ],
  trapNested: [
    "E_INTERNAL",
    () =>
      withScope((s) => {
        s.alloc(100);
        withScope((t) => {
          t.alloc(200);
          t.k.eig(4, OOB, 4, OOB, OOB, OOB, OOB, 1);
        });
      }),
  ],
  trapAfterWork: [
    "E_INTERNAL",
    () =>
      withScope((s) => {
        const p = s.put(S.data);
        s.k.eig(9, p, 9, s.alloc(9), s.alloc(9), s.alloc(81), s.alloc(81), 1);
        s.k.hankel(40, 2, 3, OOB, OOB);
      }),
  ],
  tooLargeScratch: ["E_TOO_LARGE", () => withScope((s) => s.alloc(2 ** 28))],
  tooLargeEstimator: ["E_TOO_LARGE", () => new GlocalEstimator({ dim: 1e6, window: 1e6 })],
  noConverge: [
    "E_NOCONVERGE",
    () =>
      linalg.eig([
        [9.659740590152263e-301, -1.6300185926214792e25, -4.922786278649901e-302],
        [-1.808915033144518e-301, 1.3060548291241843e-300, -1.2513702872399978e-300],
        [-1.634414901027784e-300, 9.436811497095164e-301, 1.0903569016386006e-300],
      ]),
  ],
  diverged: [
    "E_DIVERGED",
    () => {
      const s = new InnerTraining(diverging, optimizers.sgd({ lr: 10 }), {});
      try {
        s.step(2000);
      } finally {
        s.dispose();
      }
    },
  ],
  disposed: [
    "E_DISPOSED",
    () => {
      const e = new GlocalEstimator({ dim: 2 });
      e.dispose();
      e.push([1, 2]);
    },
  ],
  pushNaN: ["E_NONFINITE", () => estimator.push([NaN, 1])],
  overflow: ["E_TOO_LARGE", () => linalg.gemm([[1e300]], [[1e300]])],
};

const reference: Record<string, number[]> = {};
for (const [name, fn] of Object.entries(VALID)) reference[name] = Array.from(fn());
// Warm up: every failing call once, so the allocator has its pages.
for (const [, fn] of Object.values(FAILING)) {
  try {
    fn();
  } catch {
    // expected
  }
}
const level = memoryStats();

afterAll(() => {
  estimator.dispose();
  problem.dispose();
  diverging.dispose();
});

describe("recovery after errors", () => {
  const op = fc.oneof(
    fc.constantFrom(...Object.keys(VALID)).map((v) => ({ valid: v })),
    fc.constantFrom(...Object.keys(FAILING)).map((f) => ({ failing: f })),
  );
  it("interleaved failing and valid calls: valid answers bit-identical, scratch empty, memory back to its level", () => {
    check(
      "recovery (interleaved)",
      fc.array(op, { minLength: 1, maxLength: 25 }),
      (ops) => {
        for (const o of ops) {
          if ("valid" in o) {
            const got = Array.from(VALID[o.valid]());
            assert(
              got.length === reference[o.valid].length && got.every((v, i) => Object.is(v, reference[o.valid][i])),
              `${o.valid} differs after errors`,
            );
            note("ok");
          } else {
            const [code, fn] = FAILING[o.failing];
            try {
              fn();
              fail(`${o.failing} did not fail`);
            } catch (e) {
              assert(
                e instanceof GlocalError && e.code === code,
                `${o.failing}: ${(e as Error).message} (expected ${code})`,
              );
              note(code);
            }
          }
          assert(memoryStats().openScratchBlocks === 0, "scratch left open");
        }
        const now = memoryStats();
        assert(
          now.wasmBytes === level.wasmBytes,
          `WebAssembly memory grew from ${level.wasmBytes} to ${now.wasmBytes} bytes`,
        );
      },
      5,
    );
  });
});
