/** tfjs problems against the built-in f64 problems: same model, data, θ₀ and batches. */
import { globalHypergradient, optimizers } from "../../src/index";
import { TwinModel, relErrMax, twins } from "../support/tfjs";

describe("tfjs problems match the built-in f64 problems", () => {
  const cases: [TwinModel, "function" | "layers"][] = [
    ["logistic", "function"],
    ["softmax", "function"],
    ["mlp-tanh", "function"],
    ["logistic", "layers"],
    ["softmax", "layers"],
    ["mlp-tanh", "layers"],
  ];
  it.each(cases)("%s (%s form): h_T of T = 100 full-batch GD steps within 1e-4", (model, form) => {
    const { builtin, tfjs } = twins(model, form);
    try {
      const opt = optimizers.sgd({ lr: 0.3, wd: 0.02 });
      const options = { steps: 100, hyper: ["lr", "wd"] as const };
      const ref = globalHypergradient(builtin, opt, { ...options, hyper: ["lr", "wd"] });
      const got = globalHypergradient(tfjs, opt, { ...options, hyper: ["lr", "wd"] });
      expect(got.approximation).toBeUndefined();
      expect(got.approximate).toBe(false);
      expect(got.names).toEqual(ref.names);
      const err = relErrMax(got.hypergradient, ref.hypergradient);
      expect(err).toBeLessThan(1e-4);
      expect(relErrMax(got.state.theta, ref.state.theta)).toBeLessThan(1e-4);
    } finally {
      builtin.dispose();
      tfjs.dispose();
    }
  });
});
