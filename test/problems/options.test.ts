/**
 * The problem options `bias` and `decay`, checked by identities that hold only if the
 * option does what it says: a model without bias on data with a constant-1 column IS a
 * model with bias; decay on weights only differs from decay on everything by exactly
 * −αλb on the bias rows after one step; per-feature and per-layer hyperparameters set to a
 * common value reproduce the shared one, and their hypergradients sum to its.
 */
import { InnerTraining, datasets, optimizers, problems } from "../../src/index";
import type { HyperName, Matrix, OptimizerSpec, Problem, SyntheticData, TrainingState } from "../../src/index";
import { OPTIMIZERS, OptimizerName, TINY_DATA, optimizer, tinyProblem } from "../support/training";
import { code, relErr } from "../support/helpers";

type LinearKind = "linear" | "logistic" | "softmax";
const LINEAR: LinearKind[] = ["linear", "logistic", "softmax"];

function data(kind: LinearKind | "mlp"): SyntheticData {
  const common = { ...TINY_DATA, seed: 3 };
  if (kind === "linear") return datasets.synthetic({ kind: "regression", outputs: 2, ...common });
  if (kind === "logistic") return datasets.synthetic({ kind: "binary", ...common });
  return datasets.synthetic({ kind: "multiclass", classes: 3, ...common });
}

/** x with a constant-1 column appended (last). */
function withOnes(x: Matrix): Matrix {
  const out = new Float64Array(x.rows * (x.cols + 1));
  for (let i = 0; i < x.rows; i++) {
    out.set(x.data.subarray(i * x.cols, (i + 1) * x.cols), i * (x.cols + 1));
    out[i * (x.cols + 1) + x.cols] = 1;
  }
  return { rows: x.rows, cols: x.cols + 1, data: out };
}

function build(kind: LinearKind | "mlp", d: SyntheticData, options: Record<string, unknown>): Problem {
  if (kind === "mlp") return problems.mlp(d, { classes: 3, hidden: [5], seed: 7, ...options });
  if (kind === "softmax") return problems.softmax(d, { classes: 3, ...options });
  return problems[kind](d, options);
}

/** θ and the hypergradient after `steps` mini-batch steps (from θ₀, or from `start`). */
function run(
  problem: Problem,
  opt: OptimizerSpec,
  hyper: HyperName[],
  steps = 15,
  phi?: Float64Array,
  start?: Float64Array,
) {
  const state = start && { step: 0, theta: start, buffers: zeroBuffers(opt, start.length) };
  const s = new InnerTraining(problem, opt, { hyper, batchSize: 4, seed: 2, phi, state });
  try {
    s.step(steps);
    return { theta: s.theta(), h: s.hypergradient(), names: s.names.slice(), val: s.valLoss() };
  } finally {
    s.dispose();
  }
}

function zeroBuffers(opt: OptimizerSpec, P: number): Record<string, Float64Array> {
  const names = opt.kind === "sgd" ? [] : opt.kind === "momentum" ? ["velocity"] : ["m", "v"];
  return Object.fromEntries(names.map((n) => [n, new Float64Array(P)]));
}

describe("bias: false", () => {
  it("removes the bias row from the parameter blocks", () => {
    const p = tinyProblem("softmax", 1, { bias: false });
    expect(p.blocks).toEqual([{ name: "layer1", rows: 4, cols: 3, bias: false }]);
    expect(p.parameterCount).toBe(12);
    expect(p.initialTheta().length).toBe(12);
    expect(p.decay).toBe("all");
    p.dispose();
    const m = tinyProblem("mlp2-tanh", 1, { bias: [false, true, false] });
    expect(m.blocks.map((b) => [b.rows, b.cols, b.bias])).toEqual([
      [4, 4, false],
      [5, 3, true],
      [3, 3, false],
    ]);
    m.dispose();
    const d = tinyProblem("mlp-tanh");
    expect(d.blocks.every((b) => b.bias)).toBe(true);
    d.dispose();
  });

  for (const kind of [...LINEAR, "mlp"] as const) {
    for (const opt of OPTIMIZERS) {
      it(`${kind} × ${opt}: no bias + a constant-1 column = the model's own bias (θ and hypergradient)`, () => {
        const d = data(kind);
        const ones = { train: { ...d.train, x: withOnes(d.train.x) }, val: { ...d.val, x: withOnes(d.val.x) } };
        // The MLP's hidden layer gets its intercept from the column; the output layer keeps its bias.
        const own = build(kind, d, {});
        const mine = build(kind, ones, { bias: kind === "mlp" ? [false, true] : false });
        try {
          expect(mine.parameterCount).toBe(own.parameterCount);
          const hyper: HyperName[] = opt === "sgd" ? ["lr", "wd"] : ["lr", "wd", "momentum"];
          // The same θ₀ for both (the MLP draws its random θ₀ by fan-in, which differs).
          const start = own.initialTheta();
          const a = run(own, optimizer(opt), hyper, 15, undefined, start),
            b = run(mine, optimizer(opt), hyper, 15, undefined, start);
          // The column's weight row sits where the bias row was: θ in the same order.
          expect(relErr(b.theta, a.theta)).toBeLessThan(1e-13);
          expect(relErr(b.h, a.h)).toBeLessThan(1e-12);
          // And with the bias kept, the column is a second intercept: a different model.
          const both = build(kind, ones, {});
          expect(both.parameterCount).toBe(own.parameterCount + own.blocks[0].cols);
          both.dispose();
        } finally {
          own.dispose();
          mine.dispose();
        }
      });
    }
  }
});

describe("decay: 'weights'", () => {
  /** θ after one step from a state whose every entry (biases included) is nonzero. */
  function oneStep(problem: Problem, opt: OptimizerName): Float64Array {
    const P = problem.parameterCount;
    const theta = Float64Array.from({ length: P }, (_, i) => 0.3 * Math.sin(1.7 * i + 0.4));
    const state: TrainingState = { step: 0, theta, buffers: zeroBuffers(optimizer(opt), P) };
    const s = new InnerTraining(problem, optimizer(opt), { hyper: ["lr"], batchSize: 4, seed: 2, state });
    s.step(1);
    const out = s.theta();
    s.dispose();
    return out;
  }

  for (const kind of ["logistic", "softmax", "mlp"] as const) {
    for (const opt of OPTIMIZERS) {
      it(`${kind} × ${opt}: one step differs from decay 'all' by exactly −αλb on the bias rows`, () => {
        const d = data(kind);
        const all = build(kind, d, {}),
          weights = build(kind, d, { decay: "weights" });
        try {
          expect(weights.decay).toBe("weights");
          const a = oneStep(all, opt),
            w = oneStep(weights, opt);
          const theta0 = Float64Array.from({ length: all.parameterCount }, (_, i) => 0.3 * Math.sin(1.7 * i + 0.4));
          const { lr, wd } = optimizer(opt) as { lr: number; wd: number };
          let o = 0;
          for (const b of all.blocks) {
            for (let r = 0; r < b.rows; r++) {
              for (let c = 0; c < b.cols; c++, o++) {
                // decay 'all' decays the bias too: θ_all − θ_weights = −αλθ₀ there, 0 on weights.
                const expected = r === b.rows - 1 ? -lr * wd * theta0[o] : 0;
                expect(Math.abs(a[o] - w[o] - expected)).toBeLessThanOrEqual(1e-15 * (1 + Math.abs(a[o])));
              }
            }
          }
        } finally {
          all.dispose();
          weights.dispose();
        }
      });
    }
  }
});

describe("per-feature and per-layer hyperparameters at a common value = the shared one", () => {
  for (const opt of OPTIMIZERS) {
    it(`softmax × ${opt}: featureWd all equal = wd (decay on weights); Σ_j h_j = h_wd`, () => {
      const p = tinyProblem("softmax", 1, { decay: "weights" });
      try {
        const shared = run(p, optimizer(opt), ["lr", "wd"]);
        const lr = Math.log(optimizer(opt).lr as number),
          wd = Math.log(optimizer(opt).wd);
        const phi = Float64Array.from([lr, ...new Array(p.features).fill(wd)]);
        const each = run(p, optimizer(opt), ["lr", "featureWd"], 15, phi);
        expect(each.names).toEqual([
          "log_lr",
          "log_wd[feature0]",
          "log_wd[feature1]",
          "log_wd[feature2]",
          "log_wd[feature3]",
        ]);
        expect(relErr(each.theta, shared.theta)).toBeLessThan(1e-14);
        expect(Math.abs(each.h[0] - shared.h[0])).toBeLessThan(1e-12 * Math.abs(shared.h[0]));
        const sum = each.h.slice(1).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - shared.h[1])).toBeLessThan(1e-12 * Math.abs(shared.h[1]));
        // Each feature's share is its own: they are not all equal.
        expect(new Set(Array.from(each.h.slice(1), (x) => x.toPrecision(6))).size).toBe(p.features);
      } finally {
        p.dispose();
      }
    });

    it(`mlp2-tanh × ${opt}: layerLr/layerWd all equal = lr/wd; Σ_l h_l = h`, () => {
      const p = tinyProblem("mlp2-tanh");
      try {
        const shared = run(p, optimizer(opt), ["lr", "wd"]);
        const lr = Math.log(optimizer(opt).lr as number),
          wd = Math.log(optimizer(opt).wd);
        const phi = Float64Array.from([lr, lr, lr, wd, wd, wd]);
        const each = run(p, optimizer(opt), ["layerLr", "layerWd"], 15, phi);
        expect(each.names).toEqual([
          "log_lr[layer1]",
          "log_lr[layer2]",
          "log_lr[layer3]",
          "log_wd[layer1]",
          "log_wd[layer2]",
          "log_wd[layer3]",
        ]);
        expect(relErr(each.theta, shared.theta)).toBeLessThan(1e-14);
        const sumLr = each.h[0] + each.h[1] + each.h[2],
          sumWd = each.h[3] + each.h[4] + each.h[5];
        expect(relErr([sumLr, sumWd], shared.h)).toBeLessThan(1e-12);
      } finally {
        p.dispose();
      }
    });
  }

  it("a large decay on one feature shrinks that feature's weights only", () => {
    const p = tinyProblem("softmax", 1, { decay: "weights" });
    try {
      const opt = optimizers.sgd({ lr: 0.3 });
      const phi = Float64Array.from([Math.log(0.3), Math.log(3), Math.log(1e-4), Math.log(1e-4), Math.log(1e-4)]);
      const s = new InnerTraining(p, opt, { hyper: ["lr", "featureWd"], phi });
      s.step(200, { tangent: false });
      const th = s.theta();
      const rowNorm = (r: number) => Math.hypot(th[3 * r], th[3 * r + 1], th[3 * r + 2]);
      for (const r of [1, 2, 3]) expect(rowNorm(0)).toBeLessThan(0.1 * rowNorm(r));
      expect(s.hyperparameters().featureWd).toEqual(
        Float64Array.from([3, 1e-4, 1e-4, 1e-4].map((v) => Math.exp(Math.log(v)))),
      );
      s.dispose();
    } finally {
      p.dispose();
    }
  });
});

describe("option errors", () => {
  const d = data("softmax");
  it("bias and decay are checked and named", () => {
    expect(code(() => problems.softmax(d, { bias: "yes" as never }))).toEqual({ code: "E_OPTION", argument: "bias" });
    expect(code(() => problems.logistic(data("logistic"), { decay: "bias" as never }))).toEqual({
      code: "E_OPTION",
      argument: "decay",
    });
    expect(code(() => problems.mlp(d, { hidden: [4], bias: [true] }))).toEqual({ code: "E_OPTION", argument: "bias" });
    expect(code(() => problems.mlp(d, { hidden: [4], bias: [true, 1 as never] }))).toEqual({
      code: "E_OPTION",
      argument: "bias",
    });
  });

  it("per-layer and per-feature hyperparameters exclude their shared versions", () => {
    const p = tinyProblem("softmax");
    const opt = optimizer("sgd");
    for (const hyper of [
      ["lr", "layerLr"],
      ["wd", "layerWd"],
      ["featureWd", "wd"],
      ["layerWd", "featureWd"],
    ] as HyperName[][]) {
      expect(code(() => new InnerTraining(p, opt, { hyper }))).toEqual({ code: "E_OPTION", argument: "hyper[1]" });
    }
    p.dispose();
  });
});
