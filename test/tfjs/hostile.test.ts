/**
 * The tfjs problem under the library's hostile-input rules: options are read only as own
 * properties (a polluted Object.prototype changes nothing), bad input is a typed
 * GlocalError naming the argument, and the driver's validation subsets work as they do on
 * a built-in problem.
 */
import { GlocalError, optimize, optimizers } from "../../src/index";
import { tfjsProblem } from "../../src/tfjs/index";
import { POLLUTION, polluted } from "../support/pollution";
import { relErrMax, tf, twins } from "../support/tfjs";

/** The tfjs problem's own option names, each with a value that would break or change a run. */
const TFJS_POLLUTION: ReadonlyArray<readonly [string, unknown]> = [
  ["model", {}],
  ["params", [1]],
  ["loss", "meanSquaredError"],
  ["accuracy", () => 1],
  ["train", { x: [1], y: [1] }],
  ["val", { x: [1], y: [1] }],
  ["jvp", "finite-difference"],
  ["fdStep", 0.5],
  ["tf", {}],
  ["x", [1]],
  ["y", [1]],
  ["valSubsample", 2],
];

function glocalRun(valSubsample?: number, dirty: ReadonlyArray<readonly [string, unknown]> = []) {
  const { builtin, tfjs } = twins("softmax", "function");
  try {
    const options = {
      optimizer: optimizers.momentum({ lr: 0.05, wd: 0.01, momentum: 0.5 }),
      hyper: ["lr", "wd"] as ("lr" | "wd")[],
      strategy: "glocal" as const,
      innerSteps: 20,
      window: 10,
      batchSize: 6,
      seed: 2,
      glocal: valSubsample === undefined ? { stride: 2 } : { stride: 2, valSubsample },
    };
    const got = polluted(dirty, () => optimize({ ...options, problem: tfjs }));
    const ref = optimize({ ...options, problem: builtin });
    const strip = (r: typeof got) => ({
      final: r.final,
      counts: r.counts,
      phis: r.history.map((e) => e.phi),
      estimates: r.history.map((e) => e.estimate ?? null),
    });
    return { got: strip(got), ref: strip(ref) };
  } finally {
    builtin.dispose();
    tfjs.dispose();
  }
}

it("a polluted Object.prototype changes nothing: options are own properties", () => {
  const clean = glocalRun().got;
  const held = tf.memory().numTensors; // after tfjs's first run (it keeps a few constants)
  // TensorFlow.js itself reads `rank` of objects it is handed (a polluted `rank` breaks
  // tfjs's own ops, with or without glocal): that one name is left out.
  const names = [...POLLUTION, ...TFJS_POLLUTION].filter(([key]) => key !== "rank");
  const dirty = glocalRun(undefined, names).got;
  expect(dirty).toEqual(clean);
  expect(tf.memory().numTensors).toBe(held);
});

it("an inherited spec field is not read: the missing option is named", () => {
  const x = tf.tensor2d([[1], [2]]),
    y = tf.tensor1d([0, 1]);
  try {
    const proto = { val: { x, y } };
    const spec = Object.assign(Object.create(proto) as object, {
      params: [tf.zeros([1])],
      loss: (p: tf.Tensor[], a: tf.Tensor) => tf.mean(tf.mul(tf.sum(a, -1), p[0])),
      train: { x, y },
    });
    expect(() => tfjsProblem(spec as never)).toThrow(expect.objectContaining({ code: "E_OPTION", argument: "val.x" }));
  } finally {
    tf.dispose([x, y]);
  }
});

it("glocal.valSubsample on a tfjs problem: the built-in problem's path (same subsets)", () => {
  const { got, ref } = glocalRun(5);
  expect(got.counts).toEqual(ref.counts);
  expect(relErrMax(got.final.phi, ref.final.phi)).toBeLessThan(1e-4);
  // The fitted trajectories are the subsets', not the whole set's.
  const whole = glocalRun().got.estimates.filter((e) => e !== null) as number[][];
  const subset = got.estimates.filter((e) => e !== null) as number[][];
  expect(subset.length).toBeGreaterThan(0);
  expect(subset.length).toBe(whole.length);
  expect(Math.max(...subset.map((e, i) => relErrMax(e, whole[i])))).toBeGreaterThan(1e-6);
});

it("setValidationSubset: typed errors for bad rows; null returns to the whole set", () => {
  const { builtin, tfjs } = twins("logistic", "function");
  builtin.dispose();
  const s = tfjs.createSession(optimizers.sgd({ lr: 0.1, wd: 0.01 }), {});
  try {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(GlocalError);
        return `${(e as GlocalError).code} ${(e as GlocalError).argument}`;
      }
      return "no error";
    };
    expect(code(() => s.setValidationSubset([]))).toBe("E_TYPE rows");
    expect(code(() => s.setValidationSubset("0" as never))).toBe("E_TYPE rows");
    expect(code(() => s.setValidationSubset([0, tfjs.valSize]))).toBe("E_OPTION rows");
    expect(code(() => s.setValidationSubset([0.5]))).toBe("E_OPTION rows");
    s.step(3);
    const whole = s.hypergradient();
    s.setValidationSubset([0, 1, 2]);
    const part = s.hypergradient();
    expect(relErrMax(part, whole)).toBeGreaterThan(1e-6);
    s.setValidationSubset(null);
    expect(Array.from(s.hypergradient())).toEqual(Array.from(whole));
  } finally {
    s.dispose();
    tfjs.dispose();
  }
});
