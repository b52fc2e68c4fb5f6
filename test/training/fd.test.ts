/**
 * Forward-mode hypergradients against 4th-order central finite differences of the
 * unrolled training (ε = 1e-3 in φ), for every built-in model × optimiser, with every
 * hyperparameter of the optimiser plus the per-example loss weights (DESIGN §4: vector
 * relative error ≤ 1e-8; measured independently 2e-13 … 3e-10). Also the model gradients
 * against finite differences in θ.
 */
import * as fs from "fs";
import * as path from "path";
import { InnerTraining } from "../../src/index";
import {
  MODELS,
  OPTIMIZERS,
  ModelName,
  OptimizerName,
  allHypers,
  fdGradient,
  optimizer,
  tinyProblem,
  tinyWeights,
  unrolledValLoss,
} from "../support/training";
import { relErr } from "../support/helpers";

const TOL = 1e-8;
// Per-component absolute floor: entries near zero sit at the finite-difference noise
// (≈ 1e-16·|ℓ̃| / ε ≈ 1e-13 here).
const FLOOR = 1e-11;
const measured: Record<string, Record<string, number>> = {};

afterAll(() => {
  const dir = path.join(__dirname, "..", "..", "test-artifacts");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "forward-fd-errors.json"), JSON.stringify(measured, null, 2));
});

function check(
  model: ModelName,
  opt: OptimizerName,
  steps: number,
  batchSize: number | undefined,
  transform: "sigmoid" | "softplus",
): void {
  const problem = tinyProblem(model);
  try {
    const options = { hyper: allHypers(opt), batchSize, seed: 5, weights: tinyWeights(transform) };
    const session = new InnerTraining(problem, optimizer(opt), options);
    const phi = session.getPhi();
    session.step(steps);
    const h = session.hypergradient();
    const names = session.names;
    session.dispose();
    const fd = fdGradient((p) => unrolledValLoss(problem, optimizer(opt), options, p, steps), phi);

    expect(relErr(h, fd)).toBeLessThan(TOL);
    const scale = Math.hypot(...fd);
    for (let j = 0; j < h.length; j++) {
      if (Math.abs(h[j] - fd[j]) > TOL * Math.max(Math.abs(fd[j]), scale) + FLOOR) {
        throw new Error(`${names[j]}: forward ${h[j]} vs finite differences ${fd[j]}`);
      }
    }
    // Error per hyperparameter group, for the record.
    const groups: Record<string, number[]> = {};
    names.forEach((n, j) => (groups[n.startsWith("w[") ? "weights" : n] ??= []).push(j));
    const key = `${model} ${opt}${batchSize ? "" : " full-batch"} ${transform}`;
    measured[key] = { all: relErr(h, fd) };
    for (const [g, idx] of Object.entries(groups)) {
      measured[key][g] = relErr(
        idx.map((j) => h[j]),
        idx.map((j) => fd[j]),
      );
    }
  } finally {
    problem.dispose();
  }
}

describe("forward-mode hypergradient = 4th-order finite differences of the unrolled training", () => {
  for (const model of MODELS) {
    for (const opt of OPTIMIZERS) {
      it(`${model} × ${opt}: lr, wd${opt === "sgd" ? "" : ", momentum"}, per-example weights (mini-batch)`, () => {
        check(model, opt, 12, 4, opt === "adam" ? "softplus" : "sigmoid");
      });
    }
  }
  for (const opt of OPTIMIZERS) {
    it(`softmax × ${opt}, full batch, softplus weights, 25 steps`, () =>
      check("softmax", opt, 25, undefined, "softplus"));
  }
  for (const opt of ["sgd", "momentum"] as const) {
    it(`mlp2-gelu × ${opt}, full batch, sigmoid weights, 25 steps`, () =>
      check("mlp2-gelu", opt, 25, undefined, "sigmoid"));
  }

  // Full-batch Adam on this MLP has a training-gradient entry of 1.75e-5 (a cancellation)
  // that Adam's normalisation turns into a full-size step, so ℓ̃(θ_T(φ)) is strongly
  // curved in the loss weights and ε = 1e-3 is outside the asymptotic range of the
  // 4th-order formula (relative error 8e-7). The forward value is the limit: the
  // finite-difference error falls as ε⁴ onto it.
  it("mlp2-gelu × adam, full batch: finite differences converge as ε⁴ onto the forward value", () => {
    const problem = tinyProblem("mlp2-gelu");
    try {
      const options = { hyper: allHypers("adam"), seed: 5, weights: tinyWeights("sigmoid") };
      const session = new InnerTraining(problem, optimizer("adam"), options);
      const phi = session.getPhi();
      session.step(25);
      const h = session.hypergradient();
      session.dispose();
      const errs = [1e-3, 5e-4, 2.5e-4].map((eps) =>
        relErr(
          h,
          fdGradient((p) => unrolledValLoss(problem, optimizer("adam"), options, p, 25), phi, eps),
        ),
      );
      // Truncation error ∝ ε⁴: each halving divides it by about 16.
      expect(errs[0] / errs[1]).toBeGreaterThan(12);
      expect(errs[1] / errs[2]).toBeGreaterThan(12);
      expect(errs[2]).toBeLessThan(TOL);
      measured["mlp2-gelu adam full-batch sigmoid (eps 1e-3, 5e-4, 2.5e-4)"] = {
        eps1e3: errs[0],
        eps5e4: errs[1],
        eps2p5e4: errs[2],
      };
    } finally {
      problem.dispose();
    }
  });
});

describe("model gradients = finite differences in θ", () => {
  for (const model of MODELS) {
    it(`${model}: ∇ℓ̃(θ) at a random θ`, () => {
      const problem = tinyProblem(model);
      const session = new InnerTraining(problem, optimizer("sgd"), { batchSize: 4, seed: 2 });
      try {
        session.step(3, { tangent: false }); // a θ away from the (possibly zero) θ₀
        const theta = session.theta();
        const g = session.validationGradient();
        const f = (t: Float64Array) => problem.evaluate(t, "val").loss;
        const fd = fdGradient(f, theta, 1e-3);
        expect(relErr(g, fd)).toBeLessThan(1e-9);
      } finally {
        session.dispose();
        problem.dispose();
      }
    });
  }
});
