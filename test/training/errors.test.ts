/** Bad inputs → typed errors naming the argument; inputs never mutated; memory released. */
import {
  GlocalError,
  InnerTraining,
  datasets,
  hypergradientTrajectory,
  memoryStats,
  optimizers,
  problems,
} from "../../src/index";
import { optimizer, tinyProblem } from "../support/training";
import { code } from "../support/helpers";

const x3 = [
  [1, 2],
  [3, 4],
  [5, 6],
];

describe("problem data", () => {
  it("shape mismatches", () => {
    expect(code(() => problems.softmax({ train: { x: x3, y: [0, 1] }, val: { x: x3, y: [0, 1, 0] } }))).toEqual({
      code: "E_SHAPE",
      argument: "train.y",
    });
    expect(code(() => problems.softmax({ train: { x: x3, y: [0, 1, 0] }, val: { x: [[1, 2, 3]], y: [0] } }))).toEqual({
      code: "E_SHAPE",
      argument: "val.x",
    });
    expect(
      code(() =>
        problems.linear({
          train: {
            x: x3,
            y: [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
          },
          val: { x: x3, y: [1, 2, 3] },
        }),
      ),
    ).toEqual({ code: "E_SHAPE", argument: "val.y" });
    expect(
      code(() => problems.softmax({ train: { x: [[1, 2], [3]], y: [0, 1] }, val: { x: x3, y: [0, 1, 0] } })),
    ).toEqual({ code: "E_SHAPE", argument: "train.x" });
    expect(code(() => problems.softmax({ train: { x: [], y: [] }, val: { x: x3, y: [0, 1, 0] } }))).toEqual({
      code: "E_SHAPE",
      argument: "train.x",
    });
  });

  it("NaN data and NaN targets", () => {
    expect(
      code(() =>
        problems.logistic({
          train: {
            x: [
              [1, NaN],
              [0, 1],
            ],
            y: [0, 1],
          },
          val: { x: x3, y: [0, 1, 0] },
        }),
      ),
    ).toEqual({ code: "E_NONFINITE", argument: "train.x" });
    expect(
      code(() => problems.linear({ train: { x: x3, y: [1, Infinity, 2] }, val: { x: x3, y: [1, 2, 3] } })),
    ).toEqual({ code: "E_NONFINITE", argument: "train.y" });
  });

  it("labels out of range or not class indices", () => {
    expect(
      code(() => problems.softmax({ train: { x: x3, y: [0, 1, 3] }, val: { x: x3, y: [0, 1, 0] } }, { classes: 3 })),
    ).toEqual({ code: "E_OPTION", argument: "train.y" });
    expect(code(() => problems.softmax({ train: { x: x3, y: [0, 1, -1] }, val: { x: x3, y: [0, 1, 0] } }))).toEqual({
      code: "E_OPTION",
      argument: "train.y",
    });
    expect(code(() => problems.softmax({ train: { x: x3, y: [0, 1.5, 1] }, val: { x: x3, y: [0, 1, 0] } }))).toEqual({
      code: "E_TYPE",
      argument: "train.y",
    });
    expect(code(() => problems.logistic({ train: { x: x3, y: [0, 1, 2] }, val: { x: x3, y: [0, 1, 0] } }))).toEqual({
      code: "E_OPTION",
      argument: "train.y",
    });
    expect(
      code(() =>
        problems.mlp(
          { train: { x: x3, y: new Int32Array([0, 1, 1]) }, val: { x: x3, y: new Float64Array([0, 2, 0]) } },
          { classes: 2 },
        ),
      ),
    ).toEqual({ code: "E_OPTION", argument: "val.y" });
    expect(code(() => problems.softmax({ train: { x: x3, y: [0, 0, 0] }, val: { x: x3, y: [0, 0, 0] } }))).toEqual({
      code: "E_SHAPE",
      argument: "train.y",
    });
  });

  it("bad problem options", () => {
    const d = { train: { x: x3, y: [0, 1, 0] }, val: { x: x3, y: [1, 0, 1] } };
    expect(code(() => problems.mlp(d, { hidden: [4, 3, 2] }))).toEqual({ code: "E_OPTION", argument: "hidden" });
    expect(code(() => problems.mlp(d, { hidden: 0 }))).toEqual({ code: "E_OPTION", argument: "hidden" });
    expect(code(() => problems.mlp(d, { activation: "relu" as "tanh" }))).toEqual({
      code: "E_OPTION",
      argument: "activation",
    });
    expect(code(() => problems.softmax(d, { classes: 1 }))).toEqual({ code: "E_OPTION", argument: "classes" });
    expect(code(() => problems.logistic(d, { seed: -1 }))).toEqual({ code: "E_OPTION", argument: "seed" });
    expect(code(() => problems.logistic(d, { lr: 1 } as object))).toEqual({ code: "E_OPTION", argument: "options.lr" });
    expect(code(() => problems.logistic(undefined as never))).toEqual({ code: "E_TYPE", argument: "data" });
  });

  it("evaluate() validates θ", () => {
    const p = tinyProblem("softmax");
    expect(code(() => p.evaluate(new Float64Array(3)))).toEqual({ code: "E_SHAPE", argument: "theta" });
    expect(code(() => p.evaluate(new Float64Array(p.parameterCount).fill(NaN)))).toEqual({
      code: "E_NONFINITE",
      argument: "theta",
    });
    expect(code(() => p.evaluate(p.initialTheta(), "test" as "val"))).toEqual({ code: "E_OPTION", argument: "split" });
    expect(p.evaluate(p.initialTheta()).loss).toBeCloseTo(Math.log(3), 14);
    p.dispose();
  });

  it("inputs are never mutated", () => {
    const x = [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      y = new Int32Array([0, 1, 0, 1]);
    const xv = { rows: 2, cols: 2, data: new Float64Array([1, 1, 2, 2]) },
      yv = new Float64Array([1, 0]);
    const copy = JSON.stringify([x, Array.from(y), Array.from(xv.data), Array.from(yv)]);
    const p = problems.logistic({ train: { x, y }, val: { x: xv, y: yv } });
    const phi = new Float64Array([Math.log(0.1), Math.log(0.01)]);
    const s = new InnerTraining(p, optimizers.sgd({ lr: 0.1, wd: 0.01 }), { phi, batchSize: 2 });
    s.step(5);
    s.setPhi(phi);
    const state = s.state();
    const before = state.theta.slice();
    hypergradientTrajectory(p, optimizers.sgd({ lr: 0.1, wd: 0.01 }), { steps: 2, state });
    expect(state.theta).toEqual(before);
    expect(JSON.stringify([x, Array.from(y), Array.from(xv.data), Array.from(yv)])).toBe(copy);
    expect(Array.from(phi)).toEqual([Math.log(0.1), Math.log(0.01)]);
    s.dispose();
    p.dispose();
  });
});

describe("optimisers and hyperparameters", () => {
  it("learning rate, weight decay, momentum and Adam constants in range", () => {
    expect(code(() => optimizers.sgd({ lr: 0 }))).toEqual({ code: "E_OPTION", argument: "optimizer.lr" });
    expect(code(() => optimizers.sgd({ lr: -1 }))).toEqual({ code: "E_OPTION", argument: "optimizer.lr" });
    expect(code(() => optimizers.sgd({ lr: NaN }))).toEqual({ code: "E_OPTION", argument: "optimizer.lr" });
    // lr may be left out of the spec (φ can supply it); a session that needs it says so.
    expect(code(() => new InnerTraining(tinyProblem("linear"), optimizers.sgd({})))).toEqual({
      code: "E_OPTION",
      argument: "optimizer.lr",
    });
    expect(code(() => optimizers.sgd({ lr: 0.1, wd: -1 }))).toEqual({ code: "E_OPTION", argument: "optimizer.wd" });
    expect(code(() => optimizers.momentum({ lr: 0.1, momentum: 1 }))).toEqual({
      code: "E_OPTION",
      argument: "optimizer.momentum",
    });
    expect(code(() => optimizers.momentum({ lr: 0.1, momentum: 0 }))).toEqual({
      code: "E_OPTION",
      argument: "optimizer.momentum",
    });
    expect(code(() => optimizers.adam({ lr: 0.1, beta2: 1 }))).toEqual({
      code: "E_OPTION",
      argument: "optimizer.beta2",
    });
    expect(code(() => optimizers.adam({ lr: 0.1, eps: 0 }))).toEqual({ code: "E_OPTION", argument: "optimizer.eps" });
    expect(code(() => optimizers.sgd({ lr: 0.1, momentum: 0.9 } as { lr: number }))).toEqual({
      code: "E_OPTION",
      argument: "sgd options.momentum",
    });
    expect(code(() => new InnerTraining(tinyProblem("linear"), { kind: "rmsprop", lr: 1 } as never))).toEqual({
      code: "E_OPTION",
      argument: "optimizer.kind",
    });
  });

  it("session options", () => {
    const p = tinyProblem("softmax");
    const opt = optimizer("sgd");
    expect(code(() => new InnerTraining(p, opt, { hyper: ["lr", "beta" as "lr"] }))).toEqual({
      code: "E_OPTION",
      argument: "hyper[1]",
    });
    expect(code(() => new InnerTraining(p, opt, { hyper: ["momentum"] }))).toEqual({
      code: "E_OPTION",
      argument: "hyper[0]",
    });
    expect(code(() => new InnerTraining(p, optimizers.sgd({ lr: 0.1 }), { hyper: ["wd"] }))).toEqual({
      code: "E_OPTION",
      argument: "hyper[0]",
    });
    expect(code(() => new InnerTraining(p, opt, { hyper: ["lr", "lr"] }))).toEqual({
      code: "E_OPTION",
      argument: "hyper[1]",
    });
    expect(code(() => new InnerTraining(p, opt, { hyper: "lr" as never }))).toEqual({
      code: "E_OPTION",
      argument: "hyper",
    });
    for (const b of [0, 13, 2.5, "4"])
      expect(code(() => new InnerTraining(p, opt, { batchSize: b as number }))).toEqual({
        code: "E_OPTION",
        argument: "batchSize",
      });
    expect(code(() => new InnerTraining(p, opt, { seed: 1.5 }))).toEqual({ code: "E_OPTION", argument: "seed" });
    expect(code(() => new InnerTraining(p, opt, { lr: 1 } as object))).toEqual({
      code: "E_OPTION",
      argument: "options.lr",
    });
    expect(code(() => new InnerTraining(p, opt, { hyper: ["weights"], weights: { initial: 1 } }))).toEqual({
      code: "E_OPTION",
      argument: "weights.initial",
    });
    expect(code(() => new InnerTraining(p, opt, { weights: { initial: [1, 2] } }))).toEqual({
      code: "E_SHAPE",
      argument: "weights.initial",
    });
    expect(code(() => new InnerTraining(p, opt, { weights: { transform: "exp" as "sigmoid" } }))).toEqual({
      code: "E_OPTION",
      argument: "weights.transform",
    });
    expect(code(() => new InnerTraining(p, opt, { hyper: ["weights"], weights: { indices: [3, 3] } }))).toEqual({
      code: "E_OPTION",
      argument: "weights.indices",
    });
    expect(code(() => new InnerTraining(p, opt, { hyper: ["weights"], weights: { indices: [12] } }))).toEqual({
      code: "E_OPTION",
      argument: "weights.indices",
    });
    expect(code(() => new InnerTraining(p, opt, { weights: { indices: [1] } }))).toEqual({
      code: "E_OPTION",
      argument: "weights.indices",
    });
    expect(code(() => new InnerTraining(p, opt, { phi: [0] }))).toEqual({ code: "E_SHAPE", argument: "phi" });
    expect(
      code(() => new InnerTraining(p, opt, { state: { step: 0, theta: new Float64Array(3), buffers: {} } })),
    ).toEqual({ code: "E_SHAPE", argument: "state.theta" });
    expect(
      code(() => new InnerTraining(p, optimizer("adam"), { state: { step: 0, theta: p.initialTheta(), buffers: {} } })),
    ).toEqual({ code: "E_OPTION", argument: "state.buffers.m" });
    expect(code(() => new InnerTraining({} as never, opt))).toEqual({ code: "E_TYPE", argument: "problem" });
    const s = new InnerTraining(p, opt, { hyper: ["lr", "wd"] });
    expect(code(() => s.setPhi([0, NaN]))).toEqual({ code: "E_NONFINITE", argument: "phi" });
    expect(code(() => s.setPhi([0]))).toEqual({ code: "E_SHAPE", argument: "phi" });
    expect(code(() => s.setPhi([800, 0]))).toEqual({ code: "E_OPTION", argument: "phi" }); // α = e^800 = ∞
    expect(Array.from(s.getPhi())).toEqual([Math.log(0.3), Math.log(0.02)]); // a rejected φ changes nothing
    expect(code(() => s.step(-1))).toEqual({ code: "E_OPTION", argument: "nSteps" });
    expect(code(() => s.step(1, { tangnet: true } as object))).toEqual({
      code: "E_OPTION",
      argument: "step options.tangnet",
    });
    expect(code(() => hypergradientTrajectory(p, opt, { steps: 10, stride: 3 }))).toEqual({
      code: "E_OPTION",
      argument: "steps",
    });
    expect(code(() => hypergradientTrajectory(p, opt, {} as never))).toEqual({ code: "E_OPTION", argument: "steps" });
    s.dispose();
    p.dispose();
  });
});

describe("disposal and memory", () => {
  it("a disposed session or problem refuses to work", () => {
    const p = tinyProblem("logistic");
    const s = new InnerTraining(p, optimizer("sgd"));
    s.dispose();
    s.dispose(); // idempotent
    expect(code(() => s.step())).toEqual({ code: "E_DISPOSED", argument: "session" });
    const s2 = new InnerTraining(p, optimizer("sgd"));
    p.dispose();
    expect(p.disposed).toBe(true);
    expect(code(() => s2.hypergradient())).toEqual({ code: "E_DISPOSED", argument: "problem" });
    expect(code(() => new InnerTraining(p, optimizer("sgd")))).toEqual({ code: "E_DISPOSED", argument: "problem" });
    s2.dispose();
  });

  it("dispose() frees the WebAssembly memory: 200 problems and sessions leave it where it was", () => {
    const data = datasets.synthetic({ kind: "multiclass", train: 40, val: 20, features: 12, classes: 4, seed: 1 });
    const cycle = () => {
      const p = problems.mlp(data, { hidden: 8 });
      const s = new InnerTraining(p, optimizer("adam"), { hyper: ["lr", "wd", "momentum", "weights"], batchSize: 16 });
      s.step(2);
      s.hypergradient();
      expect(() => s.setPhi([])).toThrow(GlocalError);
      s.dispose();
      p.dispose();
    };
    cycle();
    const before = memoryStats();
    for (let i = 0; i < 200; i++) cycle();
    const after = memoryStats();
    expect(after.wasmBytes).toBe(before.wasmBytes);
    expect(after.openScratchBlocks).toBe(0);
  });

  it("a diverging step releases its scratch memory", () => {
    const p = tinyProblem("linear");
    const s = new InnerTraining(p, optimizers.sgd({ lr: 1e3 }));
    expect(() => s.step(100)).toThrow(expect.objectContaining({ code: "E_DIVERGED" }));
    expect(memoryStats().openScratchBlocks).toBe(0);
    s.dispose();
    p.dispose();
  });
});
