/**
 * The training session and the functional API: batched tangents = separate tangents,
 * seeded determinism, windows and states, local and global hypergradients, snapshots,
 * divergence, counts.
 */
import {
  InnerTraining,
  GlocalError,
  datasets,
  globalHypergradient,
  hypergradientTrajectory,
  localHypergradient,
  optimizers,
} from "../../src/index";
import type { HyperName, Problem } from "../../src/index";
import {
  MODELS,
  OPTIMIZERS,
  N_TRAIN,
  TINY_DATA,
  allHypers,
  fdGradient,
  optimizer,
  tinyProblem,
  tinyWeights,
  unrolledValLoss,
} from "../support/training";
import { relErr } from "../support/helpers";

/** max |a − b| / max |b| */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

function column(m: { rows: number; cols: number; data: Float64Array }, j: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
}

const problems = new Map<string, Problem>();
function problem(name: (typeof MODELS)[number]): Problem {
  if (!problems.has(name)) problems.set(name, tinyProblem(name));
  return problems.get(name) as Problem;
}
afterAll(() => problems.forEach((p) => p.dispose()));

describe("batched tangents", () => {
  for (const model of MODELS) {
    for (const opt of OPTIMIZERS) {
      it(`${model} × ${opt}: one step carrying q tangents = q single-tangent runs`, () => {
        const hypers = allHypers(opt);
        const base = { batchSize: 4, seed: 3, weights: tinyWeights("sigmoid") };
        const all = new InnerTraining(problem(model), optimizer(opt), { ...base, hyper: hypers });
        all.step(6);
        const Tall = all.tangent(),
          hall = all.hypergradient();
        let col = 0;
        for (const h of hypers) {
          const one = new InnerTraining(problem(model), optimizer(opt), { ...base, hyper: [h] });
          one.step(6);
          const T1 = one.tangent(),
            h1 = one.hypergradient();
          for (let j = 0; j < one.q; j++, col++) {
            expect(maxRel(column(Tall, col), column(T1, j))).toBeLessThan(1e-14);
            expect(Math.abs(hall[col] - h1[j])).toBeLessThanOrEqual(1e-14 * Math.max(1e-3, Math.abs(h1[j])));
          }
          one.dispose();
        }
        expect(col).toBe(all.q);
        all.dispose();
      });
    }
  }

  it("a subset of example weights (weights.indices) = those columns of the all-weights run", () => {
    const base = { batchSize: 4, seed: 3, hyper: ["lr", "weights"] as HyperName[] };
    const all = new InnerTraining(problem("softmax"), optimizer("adam"), { ...base, weights: { initial: 0.3 } });
    const some = new InnerTraining(problem("softmax"), optimizer("adam"), {
      ...base,
      weights: { initial: 0.3, indices: [5, 2] },
    });
    expect(some.names).toEqual(["log_lr", "w[2]", "w[5]"]);
    all.step(8);
    some.step(8);
    const ha = all.hypergradient(),
      hs = some.hypergradient();
    expect(maxRel([hs[0], hs[1], hs[2]], [ha[0], ha[3], ha[6]])).toBeLessThan(1e-14);
    all.dispose();
    some.dispose();
  });

  it("the tangent does not perturb training: θ after tangent steps = θ after plain steps (bit for bit)", () => {
    for (const model of MODELS) {
      const a = new InnerTraining(problem(model), optimizer("adam"), {
        hyper: ["lr", "wd", "momentum"],
        batchSize: 4,
        seed: 1,
      });
      const b = new InnerTraining(problem(model), optimizer("adam"), {
        hyper: ["lr", "wd", "momentum"],
        batchSize: 4,
        seed: 1,
      });
      a.step(7);
      b.step(7, { tangent: false });
      expect(a.theta()).toEqual(b.theta());
      a.dispose();
      b.dispose();
    }
  });
});

describe("determinism and windows", () => {
  const opts = { steps: 12, stride: 3, hyper: ["lr", "wd", "momentum"] as HyperName[], batchSize: 5, seed: 42 };

  it("the same seed gives bit-identical trajectories; another seed does not", () => {
    const a = hypergradientTrajectory(problem("mlp-tanh"), optimizer("momentum"), opts);
    const b = hypergradientTrajectory(problem("mlp-tanh"), optimizer("momentum"), opts);
    const c = hypergradientTrajectory(problem("mlp-tanh"), optimizer("momentum"), { ...opts, seed: 43 });
    expect(a.trajectory.data).toEqual(b.trajectory.data);
    expect(a.state.theta).toEqual(b.state.theta);
    expect(a.trajectory.data).not.toEqual(c.trajectory.data);
  });

  it("trajectory: m = steps/stride rows, names, final state, counts", () => {
    const r = hypergradientTrajectory(problem("softmax"), optimizer("momentum"), opts);
    expect(r.trajectory.rows).toBe(4);
    expect(r.trajectory.cols).toBe(3);
    expect(r.names).toEqual(["log_lr", "log_wd", "logit_momentum"]);
    expect(r.state.step).toBe(12);
    expect(Object.keys(r.state.buffers)).toEqual(["velocity"]);
    expect(r.approximate).toBe(false);
    expect(r.counts).toEqual({ steps: 12, tangentSteps: 12, jvps: 36, valGradients: 4 });
    expect(Number.isFinite(r.valLoss)).toBe(true);
    // Row i is h after (i+1)·stride steps: the stride-1 trajectory's every third row.
    const dense = hypergradientTrajectory(problem("softmax"), optimizer("momentum"), { ...opts, stride: 1 });
    for (let i = 0; i < 4; i++) {
      expect(Array.from(r.trajectory.data.subarray(i * 3, i * 3 + 3))).toEqual(
        Array.from(dense.trajectory.data.subarray((3 * i + 2) * 3, (3 * i + 3) * 3)),
      );
    }
  });

  it("a window continues from the previous window's state, with the tangent reset", () => {
    const w1 = hypergradientTrajectory(problem("logistic"), optimizer("adam"), opts);
    const w2 = hypergradientTrajectory(problem("logistic"), optimizer("adam"), { ...opts, state: w1.state });
    const s = new InnerTraining(problem("logistic"), optimizer("adam"), { hyper: opts.hyper, batchSize: 5, seed: 42 });
    s.step(12);
    s.resetTangent();
    s.step(12);
    expect(s.hypergradient()).toEqual(w2.trajectory.data.subarray(9, 12));
    expect(s.theta()).toEqual(w2.state.theta);
    s.dispose();
  });

  it("globalHypergradient = h_T of one window from θ₀, and matches finite differences", () => {
    const g = globalHypergradient(problem("linear"), optimizer("sgd"), {
      steps: 15,
      hyper: ["lr", "wd"],
      batchSize: 3,
      seed: 9,
    });
    const t = hypergradientTrajectory(problem("linear"), optimizer("sgd"), {
      steps: 15,
      hyper: ["lr", "wd"],
      batchSize: 3,
      seed: 9,
    });
    expect(g.hypergradient).toEqual(t.trajectory.data.subarray(28, 30));
    const phi = g.phi;
    const fd = fdGradient(
      (p) =>
        unrolledValLoss(problem("linear"), optimizer("sgd"), { hyper: ["lr", "wd"], batchSize: 3, seed: 9 }, p, 15),
      phi,
    );
    expect(relErr(g.hypergradient, fd)).toBeLessThan(1e-8);
  });

  it("globalHypergradient takes the session's backend options (its type allows them; E_OPTION before)", () => {
    const opts = { steps: 6, hyper: ["lr", "wd"] as HyperName[], batchSize: 3, seed: 9 };
    const a = globalHypergradient(problem("linear"), optimizer("sgd"), opts);
    const b = globalHypergradient(problem("linear"), optimizer("sgd"), { ...opts, backend: "wasm" });
    expect(b.hypergradient).toEqual(a.hypergradient);
  });
});

describe("local hypergradient", () => {
  it("= resetTangent(); step(1); hypergradient(), and leaves the session unchanged", () => {
    const s = new InnerTraining(problem("mlp2-tanh"), optimizer("adam"), {
      hyper: ["lr", "wd", "momentum", "weights"],
      batchSize: 4,
      seed: 8,
    });
    s.step(5);
    const theta = s.theta(),
      tangent = s.tangent(),
      step = s.stepIndex;
    const local = s.localHypergradient();
    expect(s.theta()).toEqual(theta);
    expect(s.tangent().data).toEqual(tangent.data);
    expect(s.stepIndex).toBe(step);
    s.resetTangent();
    s.step(1);
    expect(s.hypergradient()).toEqual(local);
    s.dispose();
  });

  it("localHypergradient(...) = finite differences of one step from the state", () => {
    const start = hypergradientTrajectory(problem("softmax"), optimizer("momentum"), {
      steps: 4,
      hyper: ["lr"],
      batchSize: 4,
      seed: 2,
    }).state;
    const options = { hyper: ["lr", "wd", "momentum"] as HyperName[], batchSize: 4, seed: 2, state: start };
    const r = localHypergradient(problem("softmax"), optimizer("momentum"), options);
    expect(r.state.step).toBe(4);
    const fd = fdGradient((p) => unrolledValLoss(problem("softmax"), optimizer("momentum"), options, p, 1), r.phi);
    expect(relErr(r.hypergradient, fd)).toBeLessThan(1e-8);
  });
});

describe("session state", () => {
  it("snapshot/restore comes back bit for bit (tangent, φ, mini-batch position)", () => {
    const s = new InnerTraining(problem("mlp-gelu"), optimizer("momentum"), {
      hyper: ["lr", "momentum"],
      batchSize: 5,
      seed: 4,
    });
    s.step(4);
    const snap = s.snapshot();
    s.step(6);
    const h1 = s.hypergradient(),
      t1 = s.theta();
    s.setPhi([Math.log(0.01), 0]);
    s.restore(snap);
    expect(s.getPhi()).toEqual(snap.phi);
    s.step(6);
    expect(s.hypergradient()).toEqual(h1);
    expect(s.theta()).toEqual(t1);
    s.dispose();
  });

  it("a step without tangent discards it: h = 0, and the next window starts there", () => {
    const s = new InnerTraining(problem("softmax"), optimizer("sgd"), { hyper: ["lr"], batchSize: 4, seed: 1 });
    s.step(3);
    s.step(2, { tangent: false });
    expect(Array.from(s.hypergradient())).toEqual([0]);
    expect(s.tangent().data.every((v) => v === 0)).toBe(true);
    s.step(3);
    const w = hypergradientTrajectory(problem("softmax"), optimizer("sgd"), {
      steps: 3,
      hyper: ["lr"],
      batchSize: 4,
      seed: 1,
      state: { step: 5, theta: stateAfter(5), buffers: {} },
    });
    expect(s.hypergradient()).toEqual(w.trajectory.data.subarray(2, 3)); // row 2: after 3 steps
    s.dispose();
  });

  function stateAfter(n: number): Float64Array {
    const s = new InnerTraining(problem("softmax"), optimizer("sgd"), { hyper: ["lr"], batchSize: 4, seed: 1 });
    s.step(n, { tangent: false });
    const t = s.theta();
    s.dispose();
    return t;
  }

  it("counts steps, JVPs (q per tangent step) and validation gradients, also across restore", () => {
    const s = new InnerTraining(problem("linear"), optimizer("momentum"), { hyper: ["lr", "wd", "momentum"] });
    s.step(4);
    s.step(2, { tangent: false });
    s.hypergradient();
    const snap = s.snapshot();
    s.localHypergradient();
    s.restore(snap);
    expect(s.counts).toEqual({ steps: 7, tangentSteps: 5, jvps: 15, valGradients: 2 });
    s.dispose();
  });

  it("divergence throws E_DIVERGED; the session refuses to go on until restored", () => {
    const s = new InnerTraining(problem("linear"), optimizers.sgd({ lr: 50 }), { hyper: ["lr"] });
    const snap = s.snapshot();
    let err: unknown;
    try {
      s.step(400);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GlocalError);
    expect((err as GlocalError).code).toBe("E_DIVERGED");
    expect(() => s.hypergradient()).toThrow(expect.objectContaining({ code: "E_DIVERGED" }));
    expect(() => s.step(1)).toThrow(expect.objectContaining({ code: "E_DIVERGED" }));
    s.restore(snap);
    s.setPhi([Math.log(0.1)]);
    s.step(5);
    expect(s.hypergradient().every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(s.valLoss())).toBe(true);
    s.dispose();
  });

  it("reports losses and accuracy; natural hyperparameter values follow φ", () => {
    const s = new InnerTraining(problem("logistic"), optimizer("momentum"), {
      hyper: ["lr", "momentum", "weights"],
      weights: { transform: "softplus" },
    });
    expect(s.valAccuracy()).toBeGreaterThanOrEqual(0);
    expect(s.valAccuracy()).toBeLessThanOrEqual(1);
    // θ₀ = 0: every logit is 0, read as class 0 (z > 0 is class 1), so the accuracy is the
    // share of 0 labels in the validation split (tinyProblem's data, regenerated here).
    const valY = Array.from(datasets.synthetic({ kind: "binary", ...TINY_DATA, seed: 1 }).val.y as Int32Array);
    expect(s.valAccuracy()).toBe(valY.filter((y) => y === 0).length / valY.length);
    expect(s.trainLoss()).toBeCloseTo(Math.log(2), 12); // θ₀ = 0: every logit is 0
    const phi = s.getPhi();
    phi[0] = Math.log(0.05);
    phi[1] = 0; // μ = 0.5
    phi[2] = 2;
    s.setPhi(phi);
    const v = s.hyperValues();
    expect(v.lr).toBeCloseTo(0.05, 15);
    expect(v.momentum).toBe(0.5);
    expect(v.weights?.[0]).toBeCloseTo(Math.log1p(Math.exp(2)), 14);
    expect(v.weights?.length).toBe(N_TRAIN);
    expect(s.names.slice(0, 4)).toEqual(["log_lr", "logit_momentum", "w[0]", "w[1]"]);
    s.dispose();
    const r = new InnerTraining(problem("linear"), optimizer("sgd"));
    expect(r.valAccuracy()).toBeNull();
    expect(r.names).toEqual(["log_lr", "log_wd"]); // default: lr, and wd since wd > 0
    r.dispose();
  });
});
