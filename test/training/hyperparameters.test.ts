/**
 * φ as the one source of truth: the default `hyper`, sessions built from φ alone, the
 * log parametrisation of weight decay, and `hyperparameters()`, the report of what a
 * session actually uses.
 */
import { GlocalError, InnerTraining, hypergradientTrajectory, optimizers } from "../../src/index";
import type { HyperName } from "../../src/index";
import { optimizer, tinyProblem } from "../support/training";

function error(fn: () => unknown): GlocalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GlocalError) return e;
    throw e;
  }
  throw new Error("expected a GlocalError");
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("the default hyper: every hyperparameter the optimiser has", () => {
  const p = tinyProblem("softmax");
  afterAll(() => p.dispose());
  const names = (opt: ConstructorParameters<typeof InnerTraining>[1], phi?: number[]) => {
    const s = new InnerTraining(p, opt, { phi });
    const n = s.names.slice();
    s.dispose();
    return n;
  };

  it("SGD: lr and wd; wd left out when it is 0 and no φ gives it", () => {
    expect(names(optimizers.sgd({ lr: 0.1, wd: 0.01 }))).toEqual(["log_lr", "log_wd"]);
    expect(names(optimizers.sgd({ lr: 0.1 }))).toEqual(["log_lr"]);
    expect(names(optimizers.sgd({}), [Math.log(0.1), Math.log(1e-3)])).toEqual(["log_lr", "log_wd"]);
  });

  it("heavy ball: lr, wd and momentum", () => {
    expect(names(optimizers.momentum({ lr: 0.1, wd: 0.01 }))).toEqual(["log_lr", "log_wd", "logit_momentum"]);
    expect(names(optimizers.momentum({ lr: 0.1 }))).toEqual(["log_lr", "logit_momentum"]);
  });

  it("Adam: lr and wd (β₁ only on request, as 'momentum')", () => {
    expect(names(optimizers.adam({ lr: 0.1, wd: 0.01 }))).toEqual(["log_lr", "log_wd"]);
    const s = new InnerTraining(p, optimizers.adam({ lr: 0.1, wd: 0.01, beta1: 0.8 }), {
      hyper: ["lr", "wd", "momentum"],
    });
    expect(s.names).toEqual(["log_lr", "log_wd", "logit_momentum"]);
    expect(s.hyperparameters().momentum).toBeCloseTo(0.8, 15);
    s.dispose();
  });
});

describe("a session built with φ", () => {
  const p = tinyProblem("logistic");
  afterAll(() => p.dispose());

  it("needs no natural values φ holds, and trains exactly as one given them", () => {
    const phi = [Math.log(0.2), Math.log(0.03), 1.1];
    const hyper: HyperName[] = ["lr", "wd", "momentum"];
    const fromPhi = hypergradientTrajectory(p, optimizers.momentum({}), { steps: 10, hyper, phi, batchSize: 4 });
    const natural = hypergradientTrajectory(
      p,
      optimizers.momentum({ lr: Math.exp(phi[0]), wd: Math.exp(phi[1]), momentum: sigmoid(phi[2]) }),
      { steps: 10, hyper, batchSize: 4 },
    );
    expect(Array.from(fromPhi.state.theta)).toEqual(Array.from(natural.state.theta));
    const a = fromPhi.trajectory.data,
      b = natural.trajectory.data;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-13 * Math.abs(b[i]));
  });

  it("φ wins over the optimiser's values", () => {
    const s = new InnerTraining(p, optimizers.sgd({ lr: 5, wd: 9 }), { phi: [Math.log(0.1), Math.log(0.01)] });
    const r = s.hyperparameters();
    expect(r.lr).toBeCloseTo(0.1, 15);
    expect(r.wd).toBeCloseTo(0.01, 15);
    s.dispose();
  });

  it("still needs a learning rate that φ does not hold", () => {
    const e = error(() => new InnerTraining(p, optimizers.sgd({ wd: 0.1 }), { hyper: ["wd"], phi: [-2] }));
    expect(e.code).toBe("E_OPTION");
    expect(e.argument).toBe("optimizer.lr");
    expect(e.message).toMatch(/not among the hyperparameters in phi/);
    expect(error(() => new InnerTraining(p, optimizers.sgd({}), { hyper: ["lr"] })).argument).toBe("optimizer.lr");
  });

  it("does not mutate the φ it was given", () => {
    const phi = new Float64Array([Math.log(0.2), Math.log(0.03)]);
    const s = new InnerTraining(p, optimizers.sgd({}), { phi });
    s.setPhi([0, 0]);
    expect(Array.from(phi)).toEqual([Math.log(0.2), Math.log(0.03)]);
    s.dispose();
  });
});

describe("weight decay in φ is log-parametrised", () => {
  const p = tinyProblem("softmax");
  afterAll(() => p.dispose());

  for (const h of ["wd", "layerWd", "featureWd"] as HyperName[]) {
    it(`'${h}' with wd = 0: E_OPTION that explains log wd and suggests a small positive value`, () => {
      const e = error(() => new InnerTraining(p, optimizers.sgd({ lr: 0.1 }), { hyper: ["lr", h] }));
      expect(e.code).toBe("E_OPTION");
      expect(e.argument).toBe("hyper[1]");
      expect(e.message).toMatch(/log\(weight decay\)/);
      expect(e.message).toMatch(/small positive wd/);
    });
  }

  it("with φ given, wd = 0 in the optimiser is fine: φ holds log wd", () => {
    const s = new InnerTraining(p, optimizers.sgd({ lr: 0.1 }), { hyper: ["lr", "wd"], phi: [Math.log(0.1), -5] });
    expect(s.hyperparameters().wd).toBeCloseTo(Math.exp(-5), 16);
    s.dispose();
  });
});

describe("hyperparameters(): the φ and natural values a session uses", () => {
  it("shared values, every φ entry's natural value, and the problem's decay", () => {
    const p = tinyProblem("softmax", 1, { decay: "weights" });
    const s = new InnerTraining(p, optimizer("momentum"), {
      hyper: ["lr", "wd", "momentum", "weights"],
      weights: { transform: "softplus", indices: [0, 5] },
    });
    s.setPhi([-1, -3, 0.5, 0.2, 2]);
    const r = s.hyperparameters();
    expect(r.names).toEqual(["log_lr", "log_wd", "logit_momentum", "w[0]", "w[5]"]);
    expect(Array.from(r.phi)).toEqual([-1, -3, 0.5, 0.2, 2]);
    const expected = [Math.exp(-1), Math.exp(-3), sigmoid(0.5), Math.log1p(Math.exp(0.2)), Math.log1p(Math.exp(2))];
    expected.forEach((v, j) => expect(r.natural[j]).toBeCloseTo(v, 14));
    expect(r.lr).toBeCloseTo(Math.exp(-1), 15);
    expect(r.wd).toBeCloseTo(Math.exp(-3), 15);
    expect(r.momentum).toBeCloseTo(sigmoid(0.5), 15);
    expect(r.weights?.[5]).toBeCloseTo(Math.log1p(Math.exp(2)), 14);
    expect(r.weights?.[1]).toBe(1); // not optimised: the softplus default
    expect(r.decay).toBe("weights");
    expect(r.layerLr).toBeNull();
    expect(r.featureWd).toBeNull();
    s.dispose();
    p.dispose();
  });

  it("per-layer and per-feature values; SGD has no momentum", () => {
    const p = tinyProblem("mlp2-tanh");
    const s = new InnerTraining(p, optimizers.sgd({ lr: 0.1, wd: 0.01 }), { hyper: ["layerLr", "featureWd"] });
    expect(s.names).toEqual([
      "log_lr[layer1]",
      "log_lr[layer2]",
      "log_lr[layer3]",
      "log_wd[feature0]",
      "log_wd[feature1]",
      "log_wd[feature2]",
      "log_wd[feature3]",
    ]);
    s.setPhi([-1, -2, -3, -4, -5, -6, -7]);
    const r = s.hyperparameters();
    expect(r.lr).toBeNull();
    expect(Array.from(r.layerLr ?? [])).toEqual([-1, -2, -3].map(Math.exp));
    expect(Array.from(r.featureWd ?? [])).toEqual([-4, -5, -6, -7].map(Math.exp));
    expect(r.wd).toBe(0.01); // the other layers' decay, outside φ
    expect(r.momentum).toBeNull();
    s.dispose();
    p.dispose();
  });
});
