/**
 * Prototype pollution: properties set on Object.prototype (as a polluted dependency
 * would) under the name of every option the library reads, and a catalogue of public
 * calls made without those options. A call must give bit-for-bit the result it gives
 * on a clean prototype: an option is an own property of the caller's object or absent.
 */
import {
  GlocalEstimator,
  PluginTraining,
  InnerTraining,
  datasets,
  dmd,
  estimateGlobal,
  globalHypergradient,
  hankel,
  hypergradientTrajectory,
  linalg,
  localHypergradient,
  matrix,
  optimize,
  optimizers,
  problems,
  toArray,
  toMatrix,
  transpose,
  productDefaults,
} from "../../src/index";
import type { PluginModel, Strategy } from "../../src/index";
import { linearTrajectory } from "./synthetic";
import { snapshot } from "./property/contract";

/** Option names and a value each that would change a result (or break the call) if read. */
export const POLLUTION: ReadonlyArray<readonly [string, unknown]> = [
  ["rank", { kind: "fixed", rank: 1 }],
  ["rank", 1],
  ["method", "rre"],
  ["delay", 3],
  ["horizon", 7],
  ["tolerance", 0.5],
  ["unstable", "drop"],
  ["heldOut", 0],
  ["trust", { magnitude: 1e-9, heldOutError: 1e-12 }],
  ["magnitude", 1e-9],
  ["heldOutError", 1e-12],
  ["modeWeight", 1e9],
  ["dmdDiagnostics", false],
  ["transA", true],
  ["transB", true],
  ["trans", true],
  ["alpha", 2],
  ["beta", 3],
  ["vectors", false],
  ["rcond", 0.5],
  ["full", true],
  ["window", 3],
  ["dim", 3],
  ["target", "remaining"],
  ["stride", 2],
  ["seed", 7],
  ["initScale", 5],
  ["classes", 5],
  ["hidden", 2],
  ["activation", "relu"],
  ["lr", 0.5],
  ["wd", 0.3],
  ["momentum", 0.1],
  ["beta1", 0.1],
  ["beta2", 0.2],
  ["eps", 0.5],
  ["kind", "adam"],
  ["clip", 1e-3],
  ["hyper", ["wd"]],
  ["weights", { transform: "exp" }],
  ["batchSize", 2],
  ["outerSteps", 1],
  ["evalEvery", 3],
  ["tangent", false],
  ["steps", 2],
  ["jvp", "finite-difference"],
  ["fdStep", 0.1],
  ["state", { step: 3, state: [1, 2, 3] }],
  ["phi", [9, 9]],
  ["thetaSize", 1],
  ["valLoss", () => 42],
  ["backend", "gpu"],
  ["gpuMode", "cpu"],
  ["crossover", 1],
  ["features", 2],
  ["outputs", 3],
  ["noise", 5],
  ["allowEmpty", true],
  ["binary", "nonsense"],
  ["onProgress", 5],
  ["signal", { aborted: true }],
  ["aborted", true],
  ["transform", "sigmoid"],
  ["initial", 3],
  ["indices", [0]],
];

/** Runs `fn` with Object.prototype[key] = value for each pair; always cleans up. */
export function polluted<T>(pairs: ReadonlyArray<readonly [string, unknown]>, fn: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  const set: string[] = [];
  try {
    for (const [key, value] of pairs) {
      if (Object.prototype.hasOwnProperty.call(proto, key)) continue;
      Object.defineProperty(proto, key, { value, writable: true, configurable: true, enumerable: false });
      set.push(key);
    }
    return fn();
  } finally {
    for (const key of set) delete proto[key];
  }
}

const traj = linearTrajectory(
  40,
  [1, -2],
  [
    { r: 0.8, theta: 0, u: [1, 0.5] },
    { r: 0.6, theta: 0.4, u: [0.3, -0.2], v: [0.1, 0.2] },
  ],
);
const A = { rows: 3, cols: 3, data: Float64Array.from([4, 1, 0.5, 2, 3, 0.2, 0.7, 0.1, 2]) }; // not symmetric: transA matters
const B = { rows: 3, cols: 2, data: Float64Array.from([1, 2, 3, 4, 5, 6]) };

function data(kind: "regression" | "binary" | "multiclass") {
  return datasets.synthetic({ kind, train: 12, val: 8, features: 3, seed: 3 });
}

/** A plug-in model: scalar ridge regression by gradient descent, θ ← θ − lr (θ − 1 + wd θ). */
const plugin: PluginModel = {
  names: ["lr", "wd"],
  initialState: [0, 0, 0],
  step: (s, phi) => Float64Array.from(s, (v) => v - phi[0] * (v - 1 + phi[1] * v)),
  jvp: (s, phi, tangents) =>
    tangents.map((t, j) =>
      Float64Array.from(s, (v, i) => (1 - phi[0] * (1 + phi[1])) * t[i] - (j === 0 ? v - 1 + phi[1] * v : phi[0] * v)),
    ),
  valGrad: (theta) => Float64Array.from(theta, (v) => v - 0.5),
};

function optimizeRun(strategy: Strategy): unknown {
  const problem = problems.logistic(data("binary"), {});
  try {
    const r = optimize({
      problem,
      optimizer: optimizers.momentum({ lr: 0.2, wd: 0.01, momentum: 0.5 }),
      strategy,
      innerSteps: 12,
      window: 6,
      outerSteps: 2,
      hyper: ["lr", "wd"],
    });
    // Wall times differ between runs; everything else must not.
    return {
      history: r.history.map(({ wallTimeMs: _w, ...e }) => e),
      final: r.final,
      counts: r.counts,
      events: r.events,
      stopped: r.stopped,
    };
  } finally {
    problem.dispose();
  }
}

/** Public calls, each without the options POLLUTION names, and a canonical text of its result. */
export const CALLS: ReadonlyArray<readonly [string, () => unknown]> = [
  ["estimateGlobal()", () => estimateGlobal(traj)],
  ["estimateGlobal({ method: 'limit' })", () => estimateGlobal(traj, { method: "limit" })],
  ["estimateGlobal({ method: 'auto' })", () => estimateGlobal(traj, { method: "auto" })],
  [
    "GlocalEstimator",
    () => {
      const e = new GlocalEstimator({ dim: 2 });
      try {
        for (const row of traj) e.push(row);
        return [e.estimate(), e.estimate({ method: "limit" }), e.window, e.length];
      } finally {
        e.dispose();
      }
    },
  ],
  ["hankel({ delay: 2 })", () => hankel(traj, { delay: 2 })],
  ["dmd()", () => dmd(hankel(traj, { delay: 2 }).X, hankel(traj, { delay: 2 }).Y)],
  ["linalg.gemm", () => linalg.gemm(A, B)],
  ["linalg.gemv", () => linalg.gemv(A, [1, 2, 3])],
  ["linalg.svd", () => linalg.svd(B)],
  ["linalg.eig", () => linalg.eig(A)],
  ["linalg.lstsq", () => linalg.lstsq(B, { rows: 3, cols: 1, data: Float64Array.from([1, 0, 2]) })],
  ["linalg.qr", () => linalg.qr(B)],
  ["linalg.gram", () => linalg.gram(B)],
  ["matrix helpers", () => [matrix(2, 2, [1, 2, 3, 4]), toMatrix([[1, 2]], "m"), toArray(B), transpose(B)]],
  ["datasets.synthetic", () => datasets.synthetic({ kind: "multiclass", train: 5, val: 4 })],
  [
    "problems.*",
    () =>
      [problems.linear(data("regression")), problems.softmax(data("multiclass"), {})].map((p) => {
        try {
          return [p.initialTheta(), p.parameterCount];
        } finally {
          p.dispose();
        }
      }),
  ],
  [
    "problems.mlp",
    () => {
      const p = problems.mlp(data("multiclass"), { hidden: 3 });
      try {
        return p.initialTheta();
      } finally {
        p.dispose();
      }
    },
  ],
  ["optimizers.*", () => [optimizers.sgd({ lr: 0.1 }), optimizers.momentum({ lr: 0.1 }), optimizers.adam({ lr: 0.1 })]],
  [
    "InnerTraining",
    () => {
      const p = problems.logistic(data("binary"));
      const s = new InnerTraining(p, optimizers.adam({ lr: 0.1 }), {});
      try {
        s.step(3);
        return [s.hypergradient(), s.localHypergradient(), s.valLoss(), s.names];
      } finally {
        s.dispose();
        p.dispose();
      }
    },
  ],
  [
    "hypergradientTrajectory / globalHypergradient / localHypergradient",
    () => {
      const p = problems.linear(data("regression"));
      try {
        const opt = optimizers.sgd({ lr: 0.1 });
        return [
          hypergradientTrajectory(p, opt, { steps: 4 }),
          globalHypergradient(p, opt, { steps: 4 }),
          localHypergradient(p, opt, {}),
        ];
      } finally {
        p.dispose();
      }
    },
  ],
  [
    "PluginTraining",
    () => {
      const s = new PluginTraining(plugin, { phi: [0.3, 0.1] });
      s.step(3);
      const snap = s.snapshot();
      s.step(2);
      s.restore(snap);
      return [s.hypergradient(), s.state(), hypergradientTrajectory(plugin, { phi: [0.3, 0.1], steps: 3 })];
    },
  ],
  ["optimize global", () => optimizeRun("global")],
  ["optimize local", () => optimizeRun("local")],
  ["optimize truncated", () => optimizeRun("truncated")],
  ["optimize glocal", () => optimizeRun("glocal")],
  ["productDefaults", () => productDefaults()],
];

/** The outcome of a call as text: its result, or its error's code and message. */
export function outcome(call: () => unknown): string {
  try {
    return "ok " + snapshot(call());
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    return `threw ${err?.name}/${err?.code}: ${err?.message}`;
  }
}
