/**
 * Forward-mode hypergradients against 4th-order central finite differences of the
 * unrolled training (ε = 1e-3 in φ, vector relative error ≤ 1e-8, per-component floor) for
 * every model × optimiser × new option or hyperparameter: no bias row, weight decay on the
 * weights only, one weight decay per input feature, per-layer learning rates and weight
 * decays, and per-layer bias flags of the MLP. φ is given explicitly with a distinct value
 * per feature and per layer, so each entry's derivative is its own.
 */
import * as fs from "fs";
import * as path from "path";
import { InnerTraining } from "../../src/index";
import type { HyperName } from "../../src/index";
import {
  MODELS,
  OPTIMIZERS,
  ModelName,
  OptimizerName,
  TinyOptions,
  fdGradient,
  optimizer,
  tinyProblem,
  unrolledValLoss,
} from "../support/training";
import { relErr } from "../support/helpers";

const TOL = 1e-8;
const FLOOR = 1e-11;
const STEPS = 12;
const measured: Record<string, number> = {};

afterAll(() => {
  const dir = path.join(__dirname, "..", "..", "test-artifacts");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "forward-fd-options-errors.json"), JSON.stringify(measured, null, 2));
});

interface Variant {
  name: string;
  problem: TinyOptions;
  hyper: HyperName[];
}

const LINEAR_VARIANTS: Variant[] = [
  { name: "featureWd, decay on weights only", problem: { decay: "weights" }, hyper: ["lr", "featureWd"] },
  { name: "featureWd, no bias", problem: { bias: false }, hyper: ["lr", "featureWd"] },
  { name: "wd on weights only", problem: { decay: "weights" }, hyper: ["lr", "wd"] },
  { name: "no bias", problem: { bias: false }, hyper: ["lr", "wd"] },
  { name: "layerLr, layerWd", problem: {}, hyper: ["layerLr", "layerWd"] },
];

function mlpVariants(model: ModelName): Variant[] {
  const two = model.startsWith("mlp2");
  return [
    { name: "layerLr, layerWd, decay on weights only", problem: { decay: "weights" }, hyper: ["layerLr", "layerWd"] },
    {
      name: "bias on some layers only",
      problem: { bias: two ? [true, false, true] : [false, true] },
      hyper: ["lr", "wd"],
    },
    { name: "featureWd (first layer), layerLr", problem: { decay: "weights" }, hyper: ["layerLr", "featureWd"] },
  ];
}

/** φ from the optimiser's values, spread so that no two per-layer or per-feature entries agree. */
function spreadPhi(model: ModelName, opt: OptimizerName, v: Variant, hyper: HyperName[]): Float64Array {
  const problem = tinyProblem(model, 1, v.problem);
  try {
    const s = new InnerTraining(problem, optimizer(opt), { hyper });
    const phi = s.getPhi();
    s.names.forEach((n, j) => {
      if (n.includes("[")) phi[j] += 0.35 * ((j % 5) - 2); // log λ_j, log α_l spread over ±0.7
    });
    s.dispose();
    return phi;
  } finally {
    problem.dispose();
  }
}

function check(model: ModelName, opt: OptimizerName, v: Variant): void {
  const hyper: HyperName[] = opt === "sgd" ? v.hyper : [...v.hyper, "momentum"];
  const phi = spreadPhi(model, opt, v, hyper);
  const problem = tinyProblem(model, 1, v.problem);
  try {
    const options = { hyper, batchSize: 4, seed: 5, phi };
    const session = new InnerTraining(problem, optimizer(opt), options);
    session.step(STEPS);
    const h = session.hypergradient();
    const names = session.names;
    session.dispose();
    const fd = fdGradient((p) => unrolledValLoss(problem, optimizer(opt), options, p, STEPS), phi);
    expect(relErr(h, fd)).toBeLessThan(TOL);
    measured[`${model} ${opt} ${v.name}`] = relErr(h, fd);
    const scale = Math.hypot(...fd);
    for (let j = 0; j < h.length; j++) {
      if (Math.abs(h[j] - fd[j]) > TOL * Math.max(Math.abs(fd[j]), scale) + FLOOR) {
        throw new Error(`${names[j]}: forward ${h[j]} vs finite differences ${fd[j]}`);
      }
    }
    // Every new entry moves the validation loss (a zero column would pass trivially).
    names.forEach((n, j) => {
      if (n.includes("[")) expect(Math.abs(fd[j])).toBeGreaterThan(1e-9);
    });
  } finally {
    problem.dispose();
  }
}

describe("forward-mode = finite differences, new problem options and hyperparameters", () => {
  for (const model of MODELS) {
    const variants = model.startsWith("mlp") ? mlpVariants(model) : LINEAR_VARIANTS;
    if (model === "mlp-gelu" || model === "mlp2-tanh") continue; // activations are covered by fd.test.ts
    for (const v of variants) {
      for (const opt of OPTIMIZERS) {
        it(`${model} × ${opt}: ${v.name}`, () => check(model, opt, v));
      }
    }
  }
});
