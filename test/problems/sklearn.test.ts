/**
 * A logistic regression configured as scikit-learn configures it — mean log-loss, L2 on
 * the weights only (`decay: 'weights'`, wd = 1/(C·n)) — reproduces an independent
 * plain-numpy float64 reference (test/fixtures/reference/sklearn_logistic.py; see the
 * README there): the gradient-descent trajectory, the minimiser scikit-learn's solvers
 * return, and the forward-mode hypergradients, shared and per feature.
 */
import * as fs from "fs";
import * as path from "path";
import { InnerTraining, optimizers, problems } from "../../src/index";
import type { Problem } from "../../src/index";
import { relErr } from "../support/helpers";

const dir = path.join(__dirname, "..", "fixtures", "reference");
const data = JSON.parse(fs.readFileSync(path.join(dir, "sklearn_logistic_data.json"), "utf8"));
const ref = JSON.parse(fs.readFileSync(path.join(dir, "sklearn_logistic.json"), "utf8"));

let problem: Problem;
const measured: Record<string, number> = {};
beforeAll(() => {
  problem = problems.logistic(data, { decay: "weights" });
});
afterAll(() => {
  problem.dispose();
  const out = path.join(__dirname, "..", "..", "test-artifacts");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "sklearn-reference.json"), JSON.stringify(measured, null, 2));
});

/** Records a measured relative error under `key` and returns it. */
function record(key: string, value: number): number {
  measured[key] = Math.max(measured[key] ?? 0, value);
  return value;
}

describe("logistic regression as scikit-learn configures it = numpy reference", () => {
  it("gradient-descent trajectory, checkpoint by checkpoint", () => {
    const s = new InnerTraining(problem, optimizers.sgd({ lr: ref.lr, wd: ref.lam }), { hyper: ["lr", "wd"] });
    let done = 0;
    for (const [t, theta] of Object.entries(ref.checkpoints) as [string, number[]][]) {
      s.step(Number(t) - done, { tangent: false });
      done = Number(t);
      expect(record("trajectory", relErr(s.theta(), theta))).toBeLessThan(1e-13); // measured 1.6e-16 at T = 400
    }
    expect(record("valLoss", Math.abs(s.valLoss() - ref.val_loss_T))).toBeLessThan(1e-13);
    s.dispose();
  });

  it("converges to the minimiser of mean log-loss + (λ/2)‖w‖² (the scikit-learn solution)", () => {
    const s = new InnerTraining(problem, optimizers.sgd({ lr: ref.lr, wd: ref.lam }), { hyper: [] });
    s.step(6000, { tangent: false });
    expect(record("minimiser", relErr(s.theta(), ref.minimiser))).toBeLessThan(1e-12); // measured 7.9e-15
    s.dispose();
  });

  it("the default (decay on every parameter) does not: the intercept is penalised", () => {
    const all = problems.logistic(data);
    const s = new InnerTraining(all, optimizers.sgd({ lr: ref.lr, wd: ref.lam }), { hyper: [] });
    s.step(6000, { tangent: false });
    expect(record("minimiser with decay 'all'", relErr(s.theta(), ref.minimiser))).toBeGreaterThan(1e-3); // measured 1.4e-3
    s.dispose();
    all.dispose();
  });

  it("hypergradient d ℓ̃(θ_T)/d(log lr, log wd)", () => {
    const s = new InnerTraining(problem, optimizers.sgd({ lr: ref.lr, wd: ref.lam }), { hyper: ["lr", "wd"] });
    s.step(ref.steps);
    expect(record("hypergradient", relErr(s.hypergradient(), ref.hypergradient_shared.value))).toBeLessThan(1e-12); // measured 6.4e-16
    s.dispose();
  });

  it("one weight decay per feature: d ℓ̃(θ_T)/d log λ_j for every feature", () => {
    const f = ref.per_feature;
    const phi = [Math.log(ref.lr), ...f.lam.map(Math.log)];
    const s = new InnerTraining(problem, optimizers.sgd({}), { hyper: ["lr", "featureWd"], phi });
    expect(s.names).toEqual(f.names);
    s.step(ref.steps);
    const h = s.hypergradient();
    expect(record("per-feature hypergradient", relErr(h, f.hypergradient))).toBeLessThan(1e-12);
    s.dispose();
  });
});
