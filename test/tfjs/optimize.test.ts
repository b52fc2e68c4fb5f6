/** optimize() runs every strategy on a tfjs problem, and follows the built-in problem's run. */
import { STRATEGIES, optimize, optimizers } from "../../src/index";
import type { Strategy } from "../../src/index";
import { relErrMax, tf, twins } from "../support/tfjs";

describe("optimize with a tfjs problem", () => {
  it.each(STRATEGIES.map((s) => [s]))("%s: the same hyperparameter path as the built-in problem", (strategy) => {
    const { builtin, tfjs } = twins("softmax", "function");
    const held = tf.memory().numTensors;
    try {
      const options = {
        optimizer: optimizers.momentum({ lr: 0.05, wd: 0.01, momentum: 0.5 }),
        hyper: ["lr", "wd", "momentum"] as const,
        strategy: strategy as Strategy,
        innerSteps: 40,
        window: strategy === "local" ? 5 : 10,
        outerSteps: 3,
        batchSize: 6,
        seed: 4,
        metaOptimizer: { kind: "adam" as const, lr: 0.1 },
        glocal: { stride: 1 },
      };
      const ref = optimize({ ...options, hyper: ["lr", "wd", "momentum"], problem: builtin });
      const got = optimize({ ...options, hyper: ["lr", "wd", "momentum"], problem: tfjs });
      expect(got.stopped).toBe("done");
      expect(got.counts).toEqual(ref.counts);
      expect(got.history.length).toBe(ref.history.length);
      expect(relErrMax(got.final.phi, ref.final.phi)).toBeLessThan(1e-4);
      expect(Math.abs(got.final.valLoss - ref.final.valLoss)).toBeLessThan(1e-5);
      expect(got.final.valAccuracy).toBe(ref.final.valAccuracy);
      if (strategy === "glocal") expect(got.history.map((e) => e.trusted)).toEqual(ref.history.map((e) => e.trusted));
      expect(tf.memory().numTensors).toBe(held);
    } finally {
      builtin.dispose();
      tfjs.dispose();
    }
  });
});
