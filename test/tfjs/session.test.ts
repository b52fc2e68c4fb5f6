/** TfjsTraining: the TrainingSession contract, every optimiser and mini-batches against the built-in engine, memory. */
import { InnerTraining, hypergradientTrajectory, localHypergradient, optimizers, GlocalError } from "../../src/index";
import type { OptimizerSpec } from "../../src/index";
import { TfjsTraining, tfjsProblem } from "../../src/tfjs/index";
import { relErrMax, tf, twins } from "../support/tfjs";

describe("tfjs sessions", () => {
  const cases: [string, OptimizerSpec, ("lr" | "wd" | "momentum")[]][] = [
    ["heavy ball", optimizers.momentum({ lr: 0.1, wd: 0.02, momentum: 0.6 }), ["lr", "wd", "momentum"]],
    ["AdamW", optimizers.adam({ lr: 0.05, wd: 0.02, beta1: 0.8, beta2: 0.95 }), ["lr", "wd", "momentum"]],
  ];
  it.each(cases)("%s with mini-batches of 5 (seed 3): the built-in trajectory within 1e-4", (_name, opt, hyper) => {
    const { builtin, tfjs } = twins("mlp-tanh", "function");
    try {
      const options = { steps: 30, stride: 10, hyper, batchSize: 5, seed: 3 };
      const ref = hypergradientTrajectory(builtin, opt, options);
      const got = hypergradientTrajectory(tfjs, opt, options);
      expect(got.names).toEqual(["log_lr", "log_wd", "logit_momentum"]);
      expect(relErrMax(got.trajectory.data, ref.trajectory.data)).toBeLessThan(1e-4);
      for (const [name, buffer] of Object.entries(ref.state.buffers))
        expect(relErrMax(got.state.buffers[name], buffer)).toBeLessThan(1e-4);
      // The next window from the state reached: the same as the built-in engine's.
      const ref2 = hypergradientTrajectory(builtin, opt, { ...options, state: ref.state });
      const got2 = hypergradientTrajectory(tfjs, opt, { ...options, state: got.state });
      expect(got2.state.step).toBe(60);
      expect(relErrMax(got2.trajectory.data, ref2.trajectory.data)).toBeLessThan(1e-4);
      expect(got.counts).toEqual(ref.counts);
    } finally {
      builtin.dispose();
      tfjs.dispose();
    }
  });

  it("local hypergradient, snapshot/restore, losses and accuracy as the built-in session's", () => {
    const { builtin, tfjs } = twins("softmax", "layers");
    const opt = optimizers.sgd({ lr: 0.3, wd: 0.02 });
    const a = new InnerTraining(builtin, opt, { hyper: ["lr", "wd"], batchSize: 4, seed: 2 });
    const b = tfjs.createSession(opt, { hyper: ["lr", "wd"], batchSize: 4, seed: 2 });
    try {
      a.step(7, { tangent: false });
      b.step(7, { tangent: false });
      expect(relErrMax(b.localHypergradient(), a.localHypergradient())).toBeLessThan(1e-5);
      expect(
        relErrMax(
          localHypergradient(tfjs, opt, { hyper: ["lr", "wd"], batchSize: 4, seed: 2, state: b.state() }).hypergradient,
          a.localHypergradient(),
        ),
      ).toBeLessThan(1e-5);
      expect(b.stepIndex).toBe(7);
      const snap = b.snapshot();
      b.step(3);
      const h = b.hypergradient();
      b.restore(snap);
      b.step(3);
      expect(b.hypergradient()).toEqual(h);
      a.step(3);
      expect(Math.abs(b.valLoss() - a.valLoss())).toBeLessThan(1e-5);
      expect(Math.abs(b.trainLoss() - a.trainLoss())).toBeLessThan(1e-5);
      expect(b.valAccuracy()).toBe(a.valAccuracy());
      expect(relErrMax(b.theta(), a.theta())).toBeLessThan(1e-5);
      expect(b.tangent().rows).toBe(tfjs.parameterCount);
      expect(relErrMax(b.tangent().data, a.tangent().data)).toBeLessThan(1e-4);
    } finally {
      a.dispose();
      b.dispose();
      builtin.dispose();
      tfjs.dispose();
    }
  });

  it("keeps tfjs memory flat: the tensor count after every step, evaluation and dispose", () => {
    const start = tf.memory().numTensors;
    const { builtin, tfjs } = twins("mlp-tanh", "layers");
    builtin.dispose();
    const held = tf.memory().numTensors;
    const s = tfjs.createSession(optimizers.adam({ lr: 0.05, wd: 0.01 }), {
      hyper: ["lr", "wd", "momentum"],
      batchSize: 4,
    });
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      s.step(1);
      counts.push(tf.memory().numTensors);
      s.step(1, { tangent: false });
      counts.push(tf.memory().numTensors);
    }
    s.hypergradient();
    s.localHypergradient();
    s.valLoss();
    s.trainAccuracy();
    counts.push(tf.memory().numTensors);
    expect(counts.every((c) => c === held)).toBe(true);
    s.dispose();
    expect(tf.memory().numTensors).toBe(held);
    tfjs.dispose();
    // What is left is the caller's model (its variables), created by the fixture.
    expect(tf.memory().numTensors - start).toBe(4);
  });

  it("leaves the caller's model and tensors as they were", () => {
    const x = tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      y = tf.tensor1d([1, 0, 1]);
    const w = tf.tensor2d([[0.1], [-0.2]]),
      b = tf.tensor1d([0.05]);
    const before = [w, b].map((t) => Array.from(t.dataSync()));
    const p = tfjsProblem({
      params: [w, b],
      loss: (ps, xx, yy) => {
        const z = tf.reshape(tf.add(tf.matMul(xx, ps[0]), ps[1]), [-1]);
        return tf.mean(tf.sub(tf.softplus(z), tf.mul(yy, z))) as tf.Scalar;
      },
      train: { x, y },
      val: { x, y },
    });
    const s = p.createSession(optimizers.sgd({ lr: 0.5, wd: 0.1 }), { hyper: ["lr", "wd"] });
    s.step(5);
    s.hypergradient();
    s.dispose();
    p.dispose();
    expect([w, b].map((t) => Array.from(t.dataSync()))).toEqual(before);
    expect(x.isDisposed || y.isDisposed).toBe(false);
    tf.dispose([x, y, w, b]);
  });

  it("rejects what it cannot do with typed errors that name the option", () => {
    const { builtin, tfjs } = twins("logistic", "function");
    builtin.dispose();
    const opt = optimizers.sgd({ lr: 0.1, wd: 0.01 });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(GlocalError);
        return `${(e as GlocalError).code} ${(e as GlocalError).argument}`;
      }
      return "no error";
    };
    expect(code(() => tfjs.createSession(opt, { hyper: ["weights"] }))).toBe("E_OPTION hyper[0]");
    expect(code(() => tfjs.createSession(opt, { hyper: ["lr", "layerWd"] }))).toBe("E_OPTION hyper[1]");
    expect(code(() => tfjs.createSession(opt, { weights: { indices: [0] } } as never))).toBe("E_OPTION weights");
    expect(code(() => tfjs.createSession(opt, { hyper: "lr" } as never))).toBe("E_OPTION hyper");
    expect(code(() => tfjs.createSession(opt, { backend: "gpu" }))).toBe("E_OPTION backend");
    expect(code(() => tfjs.createSession(opt, { batchSize: 99 }))).toBe("E_OPTION batchSize");
    expect(code(() => tfjs.createSession(opt, { phi: [1] }))).toBe("E_SHAPE phi");
    expect(code(() => tfjs.createSession(opt, { hyper: ["momentum"] }))).toBe("E_OPTION hyper[0]");
    const s = tfjs.createSession(opt, {});
    expect(code(() => s.step(-1))).toBe("E_OPTION nSteps");
    expect(code(() => s.restore({}))).toBe("E_TYPE snapshot");
    s.dispose();
    expect(code(() => s.step())).toBe("E_DISPOSED session");
    tfjs.dispose();
    expect(code(() => tfjs.createSession(opt, {}))).toBe("E_DISPOSED problem");
    expect(code(() => tfjs.evaluate(new Float64Array(5)))).toBe("E_DISPOSED problem");
  });

  it("reports divergence as E_DIVERGED and recovers from a snapshot", () => {
    const { builtin, tfjs } = twins("softmax", "function");
    builtin.dispose();
    const s: TfjsTraining = tfjs.createSession(optimizers.sgd({ lr: 1e300 }), {});
    const snap = s.snapshot();
    expect(() => s.step(5)).toThrow(expect.objectContaining({ code: "E_DIVERGED" }));
    expect(() => s.hypergradient()).toThrow(expect.objectContaining({ code: "E_DIVERGED" }));
    s.restore(snap);
    expect(s.stepIndex).toBe(0);
    s.dispose();
    tfjs.dispose();
  });
});
