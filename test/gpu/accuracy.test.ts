/**
 * Accuracy of the gpu.js (f32) product path against WebAssembly f64, in gpu.js's own f32
 * modes ('webasm' accumulates in f32 like a GPU; 'cpu' rounds operands and results to f32):
 * hypergradient trajectories agree to a cosine >= 0.999 per hyperparameter; the default
 * estimate from them gets the same trust verdict, and an affine fit (d = 6) agrees to a
 * relative error <= 1e-2. Measured on these cases (and the wider sweep in docs/performance.md, "The GPU
 * offload: accuracy"): cosines >= 0.99999995, affine estimates 4e-8 … 8.8e-3 apart, default (mpe)
 * estimates 2e-7 … 2.6e-2 apart, all on windows the estimator does not trust.
 */
import { estimateGlobal, hypergradientTrajectory, optimize, optimizers } from "../../src/index";
import type { OptimizerSpec, Problem, HyperName } from "../../src/index";
import { makeProblem, worstColumnCosine } from "../support/gpu";
import { relErr } from "../support/helpers";

export const TRAJECTORY_COSINE = 0.999;
export const ESTIMATE_REL_ERROR = 1e-2;

const problems = new Map<string, Problem>();
const problem = (k: "softmax" | "logistic" | "mlp") => {
  if (!problems.has(k)) problems.set(k, makeProblem(k));
  return problems.get(k) as Problem;
};
afterAll(() => problems.forEach((p) => p.dispose()));

const OPT: Record<string, () => OptimizerSpec> = {
  sgd: () => optimizers.sgd({ lr: 0.1, wd: 0.01 }),
  momentum: () => optimizers.momentum({ lr: 0.05, wd: 0.01, momentum: 0.8 }),
  adam: () => optimizers.adam({ lr: 0.003, wd: 0.01 }),
};

const CASES: Array<["softmax" | "logistic" | "mlp", keyof typeof OPT, "webasm" | "cpu"]> = [
  ["softmax", "momentum", "webasm"],
  ["softmax", "adam", "webasm"],
  ["mlp", "adam", "webasm"],
  ["logistic", "sgd", "cpu"],
];

describe("gpu.js f32 products vs WebAssembly f64", () => {
  for (const [model, opt, gpuMode] of CASES) {
    it(`${model} × ${opt} (gpu.js ${gpuMode}): trajectory cosine >= ${TRAJECTORY_COSINE}, estimate within ${ESTIMATE_REL_ERROR}`, () => {
      const hyper: HyperName[] = opt === "sgd" ? ["lr", "wd"] : ["lr", "wd", "momentum"];
      const common = { hyper, steps: 120, batchSize: 50, seed: 3 };
      const f64 = hypergradientTrajectory(problem(model), OPT[opt](), { ...common, backend: "wasm" });
      const f32 = hypergradientTrajectory(problem(model), OPT[opt](), { ...common, backend: "gpu", gpuMode });
      expect(worstColumnCosine(f32.trajectory, f64.trajectory)).toBeGreaterThanOrEqual(TRAJECTORY_COSINE);
      // Really the f32 path: not bit-identical to f64.
      expect(relErr(f32.trajectory.data, f64.trajectory.data)).toBeGreaterThan(0);
      expect(relErr(f32.trajectory.data, f64.trajectory.data)).toBeLessThan(1e-3);
      const e64 = estimateGlobal(f64.trajectory),
        e32 = estimateGlobal(f32.trajectory);
      // The default gives the same verdict on both…
      expect(e32.method).toBe(e64.method);
      expect(e32.trusted).toBe(e64.trusted);
      // …and the estimator itself is as accurate on f32 input as the input: checked on a
      // well-conditioned fit (affine, d = 6). The default, mpe at d = 11, solves a wider
      // least-squares problem, whose estimates of these untrusted mini-batch windows moved by
      // up to 2.6e-2 under f32 rounding (so did h_m itself, by 3.9e-2 for softmax × adam).
      const a64 = estimateGlobal(f64.trajectory, { method: "affine", delay: 6 }),
        a32 = estimateGlobal(f32.trajectory, { method: "affine", delay: 6 });
      expect(relErr(a32.estimate, a64.estimate)).toBeLessThanOrEqual(ESTIMATE_REL_ERROR);
    });
  }

  it("a glocal hyperparameter optimisation on gpu.js ends where the f64 one does", () => {
    const run = (backend: "wasm" | "gpu") =>
      optimize({
        problem: problem("softmax"),
        optimizer: OPT.momentum(),
        strategy: "glocal",
        hyper: ["lr", "wd", "momentum"],
        innerSteps: 60,
        window: 20,
        batchSize: 50,
        seed: 2,
        metaOptimizer: { kind: "adam", lr: 0.05 },
        ...(backend === "gpu" ? { backend, gpuMode: "webasm" as const } : { backend }),
      });
    const a = run("wasm"),
      b = run("gpu");
    expect(b.stopped).toBe("done");
    expect(b.counts.updates).toBe(a.counts.updates);
    expect(relErr(b.final.phi, a.final.phi)).toBeLessThan(1e-4);
    expect(Math.abs((b.final.valLoss as number) - (a.final.valLoss as number))).toBeLessThan(
      1e-4 * (a.final.valLoss as number),
    );
  });
});
