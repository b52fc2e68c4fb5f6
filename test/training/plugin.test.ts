/** Plug-in models: exact and finite-difference tangents, agreement with the built-in engine. */
import {
  GlocalError,
  InnerTraining,
  PluginTraining,
  datasets,
  hypergradientTrajectory,
  optimizers,
  problems,
} from "../../src/index";
import type { PluginModel } from "../../src/index";
import { main, momentumRegression } from "../../examples/plugin-model";
import { fdGradient } from "../support/training";
import { relErr } from "../support/helpers";

function unrolled(model: PluginModel, phi: Float64Array, steps: number): number {
  let s = Float64Array.from(model.initialState);
  for (let t = 0; t < steps; t++) s = Float64Array.from(model.step(s, phi, t));
  return (model.valLoss as (t: Float64Array) => number)(s.subarray(0, model.thetaSize ?? s.length));
}

describe("plug-in models", () => {
  const phi = new Float64Array([Math.log(0.2), Math.log(0.01)]);

  it("exact plug-in JVP = 4th-order finite differences of the unrolled plug-in training", () => {
    const r = hypergradientTrajectory(momentumRegression, { phi, steps: 30 });
    expect(r.approximate).toBe(false);
    expect(r.names).toEqual(["log_lr", "log_wd"]);
    const fd = fdGradient((p) => unrolled(momentumRegression, p, 30), phi);
    expect(relErr(r.trajectory.data.subarray(58, 60), fd)).toBeLessThan(1e-8);
    expect(r.state.step).toBe(30);
    expect(r.counts).toEqual({ steps: 30, tangentSteps: 30, jvps: 60, valGradients: 30 });
  });

  it("finite-difference JVP is labelled approximate and close to the exact one", () => {
    const { exact, approx } = main(() => undefined);
    expect(approx.approximate).toBe(true);
    expect(relErr(approx.trajectory.data, exact.trajectory.data)).toBeLessThan(1e-6);
  });

  it("a plug-in written in plain TS reproduces the built-in logistic regression", () => {
    const data = datasets.synthetic({ kind: "binary", train: 20, val: 10, features: 3, seed: 4 });
    const X = data.train.x,
      y = data.train.y as Int32Array,
      XV = data.val.x,
      yv = data.val.y as Int32Array;
    const p = 3;
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const grad = (theta: ArrayLike<number>, x: typeof X, labels: Int32Array) => {
      const g = new Float64Array(p + 1);
      for (let i = 0; i < x.rows; i++) {
        let z = theta[p];
        for (let j = 0; j < p; j++) z += x.data[i * p + j] * theta[j];
        const r = (sig(z) - labels[i]) / x.rows;
        for (let j = 0; j < p; j++) g[j] += r * x.data[i * p + j];
        g[p] += r;
      }
      return g;
    };
    const hvp = (theta: ArrayLike<number>, dir: ArrayLike<number>) => {
      const g = new Float64Array(p + 1);
      for (let i = 0; i < X.rows; i++) {
        let z = theta[p],
          zd = dir[p];
        for (let j = 0; j < p; j++) {
          z += X.data[i * p + j] * theta[j];
          zd += X.data[i * p + j] * dir[j];
        }
        const r = (sig(z) * (1 - sig(z)) * zd) / X.rows;
        for (let j = 0; j < p; j++) g[j] += r * X.data[i * p + j];
        g[p] += r;
      }
      return g;
    };
    const model: PluginModel = {
      names: ["log_lr", "log_wd"],
      initialState: new Float64Array(p + 1),
      step(s, f) {
        const lr = Math.exp(f[0]),
          wd = Math.exp(f[1]),
          g = grad(s, X, y);
        return s.map((v, i) => v - lr * (g[i] + wd * v));
      },
      jvp(s, f, tangents) {
        const lr = Math.exp(f[0]),
          wd = Math.exp(f[1]),
          g = grad(s, X, y);
        return tangents.map((t, j) => {
          const h = hvp(s, t);
          return t.map(
            (v, i) =>
              v - lr * (h[i] + wd * v) - (j === 0 ? lr * (g[i] + wd * s[i]) : 0) - (j === 1 ? lr * wd * s[i] : 0),
          );
        });
      },
      valGrad: (theta) => grad(theta, XV, yv),
    };
    const opt = optimizers.sgd({ lr: 0.5, wd: 0.05 });
    const phi2 = [Math.log(0.5), Math.log(0.05)];
    const plug = hypergradientTrajectory(model, { phi: phi2, steps: 20 });
    const problem = problems.logistic(data);
    const builtin = hypergradientTrajectory(problem, opt, { steps: 20, hyper: ["lr", "wd"], phi: phi2 });
    problem.dispose();
    expect(relErr(plug.trajectory.data, builtin.trajectory.data)).toBeLessThan(1e-12);
    expect(relErr(plug.state.state, builtin.state.theta)).toBeLessThan(1e-13);
    expect(plug.valLoss).toBeNull(); // no valLoss() in this model
  });

  it("the session interface: local hypergradient, snapshot/restore, tangent discarded without it", () => {
    const s = new PluginTraining(momentumRegression, { phi });
    s.step(5);
    const snap = s.snapshot();
    const local = s.localHypergradient();
    expect(s.stepIndex).toBe(5);
    s.resetTangent();
    s.step(1);
    expect(s.hypergradient()).toEqual(local);
    s.restore(snap);
    s.step(3, { tangent: false });
    expect(Array.from(s.hypergradient())).toEqual([0, 0]);
    expect(s.tangent().rows).toBe(3);
    s.dispose();
    expect(() => s.step()).toThrow(expect.objectContaining({ code: "E_DISPOSED" }));
  });

  it("the plug-in cannot corrupt the session by mutating what it is given", () => {
    const evil: PluginModel = {
      ...momentumRegression,
      step(s, f, t) {
        const out = (momentumRegression.step(s, f, t) as Float64Array).slice();
        s.fill(1e9);
        f.fill(1e9);
        return out;
      },
    };
    const a = hypergradientTrajectory(evil, { phi, steps: 10 });
    const b = hypergradientTrajectory(momentumRegression, { phi, steps: 10 });
    expect(a.trajectory.data).toEqual(b.trajectory.data);
  });

  it("bad plug-ins and options → typed errors", () => {
    const { jvp: _j, ...noJvp } = momentumRegression;
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return { code: (e as GlocalError).code, argument: (e as GlocalError).argument };
      }
      return null;
    };
    expect(err(() => hypergradientTrajectory(noJvp, { phi, steps: 2 }))).toEqual({ code: "E_OPTION", argument: "jvp" });
    expect(err(() => hypergradientTrajectory(momentumRegression, { phi: [0], steps: 2 }))).toEqual({
      code: "E_SHAPE",
      argument: "phi",
    });
    expect(
      err(() => hypergradientTrajectory(momentumRegression, { phi, steps: 2, jvp: "adjoint" as "exact" })),
    ).toEqual({ code: "E_OPTION", argument: "jvp" });
    expect(
      err(() => hypergradientTrajectory({ ...momentumRegression, step: () => [1, 2] }, { phi, steps: 2 })),
    ).toEqual({ code: "E_SHAPE", argument: "step(state, phi, t)" });
    expect(
      err(() =>
        hypergradientTrajectory(
          { ...momentumRegression, step: () => new Float64Array(6).fill(NaN) },
          { phi, steps: 2 },
        ),
      ),
    ).toEqual({ code: "E_DIVERGED", argument: "step" });
    expect(err(() => hypergradientTrajectory({ ...momentumRegression, jvp: () => [] }, { phi, steps: 2 }))).toEqual({
      code: "E_SHAPE",
      argument: "model.jvp",
    });
    expect(
      err(() => hypergradientTrajectory({ ...momentumRegression, valGrad: () => [NaN, 0, 0] }, { phi, steps: 2 })),
    ).toEqual({ code: "E_DIVERGED", argument: "valGrad(theta)" });
    expect(err(() => hypergradientTrajectory({ ...momentumRegression, thetaSize: 7 }, { phi, steps: 2 }))).toEqual({
      code: "E_OPTION",
      argument: "model.thetaSize",
    });
    expect(err(() => hypergradientTrajectory(momentumRegression, { phi, steps: 2, lr: 1 } as never))).toEqual({
      code: "E_OPTION",
      argument: "options.lr",
    });
    expect(err(() => new InnerTraining(momentumRegression as never, optimizers.sgd({ lr: 1 })))).toEqual({
      code: "E_TYPE",
      argument: "problem",
    });
  });
});
