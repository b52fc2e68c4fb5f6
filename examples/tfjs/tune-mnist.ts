/**
 * Tuning a TensorFlow.js network with glocal: the learning rate and weight decay of a small
 * tf.LayersModel (784-32-10, tanh) on MNIST digits, with the glocal strategy against none
 * (the initial hyperparameters, never updated), under the same training budget. The start
 * is deliberately poor (learning rate too small, weight decay too large), as in the demo.
 *
 * Run it from a fresh clone (`npm ci` installs TensorFlow.js's core, CPU backend and
 * layers as devDependencies; `npm run build:wasm` makes the WebAssembly glocal needs):
 *   npm run build:wasm
 *   npx esbuild examples/tfjs/tune-mnist.ts --bundle --platform=node --external:@tensorflow/* --outfile=build/tune-mnist.cjs
 *   node build/tune-mnist.cjs
 * (its output, measured here: bench/results/tfjs-example.txt)
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { datasets, optimize, optimizers } from "../../src/index";
import { tfjsProblem } from "../../src/tfjs/index";

/** Sizes of the run (smaller ones make the test of this example fast). */
export interface TuneOptions {
  train: number;
  val: number;
  steps: number;
  window: number;
  batch: number;
}

export const DEFAULTS: TuneOptions = { train: 1000, val: 300, steps: 300, window: 50, batch: 50 };

export interface Row {
  strategy: "none" | "glocal";
  lr: number;
  wd: number;
  valLoss: number;
  valAccuracy: number | null;
  seconds: number;
}

export function main(log: (s: string) => void = console.log, sizes: TuneOptions = DEFAULTS): Row[] {
  // No "install tfjs-node" banner in the table (tfjs's IS_TEST flag would also slow every kernel).
  const warn = console.warn;
  console.warn = () => undefined;
  tf.tensor1d([0]).dispose();
  console.warn = warn;
  const digits = datasets.mnist({ train: sizes.train, val: sizes.val, seed: 1 });
  const tensor = (m: { rows: number; cols: number; data: Float64Array }) =>
    tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  const [x, xv] = [tensor(digits.train.x), tensor(digits.val.x)];
  const [y, yv] = [tf.tensor1d(digits.train.y, "int32"), tf.tensor1d(digits.val.y, "int32")];

  // --- the lines that tune a tfjs model (docs/tfjs.md) ------------------------------
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed }); // seeded: the same θ₀ every run
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 32, activation: "tanh", kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(2) }),
    ],
  });
  const problem = tfjsProblem({
    model,
    loss: "sparseCategoricalCrossentropy",
    train: { x, y },
    val: { x: xv, y: yv },
  });
  const optimizer = optimizers.momentum({ lr: 0.002, wd: 0.01, momentum: 0.9 });
  const settings = { problem, optimizer, hyper: ["lr", "wd"] as const, batchSize: sizes.batch, seed: 1 };
  // ------------------------------------------------------------------------------------

  const rows: Row[] = [];
  try {
    // none: the initial hyperparameters for the whole run.
    let t0 = performance.now();
    const fixed = problem.createSession(optimizer, { hyper: ["lr", "wd"], batchSize: sizes.batch, seed: 1 });
    fixed.step(sizes.steps, { tangent: false });
    rows.push({
      strategy: "none",
      lr: optimizer.lr,
      wd: optimizer.wd,
      valLoss: fixed.valLoss(),
      valAccuracy: fixed.valAccuracy(),
      seconds: (performance.now() - t0) / 1000,
    });
    fixed.dispose();
    // glocal: one run, φ = (log lr, log wd) updated after every window from the Koopman
    // estimate of the global hypergradient.
    t0 = performance.now();
    const r = optimize({
      ...settings,
      hyper: ["lr", "wd"],
      strategy: "glocal",
      innerSteps: sizes.steps,
      window: sizes.window,
      metaOptimizer: { kind: "adam", lr: 0.2 },
    });
    rows.push({
      strategy: "glocal",
      lr: r.final.hyper.lr,
      wd: r.final.hyper.wd,
      valLoss: r.final.valLoss,
      valAccuracy: r.final.valAccuracy,
      seconds: (performance.now() - t0) / 1000,
    });
    log(
      `MNIST digits (${sizes.train} train, ${sizes.val} validation), tf.LayersModel 784-32-10 tanh, heavy ball, ` +
        `${sizes.steps} steps of batch ${sizes.batch}; tfjs ${tf.version_core} on ${tf.getBackend()}` +
        (problem.approximate ? ` (approximate: ${problem.approximation})` : " (exact hypergradients)"),
    );
    log("strategy | lr       | wd       | val loss | val accuracy | seconds");
    for (const row of rows)
      log(
        `${row.strategy.padEnd(8)} | ${row.lr.toExponential(2)} | ${row.wd.toExponential(2)} | ${row.valLoss.toFixed(4)}   | ` +
          `${row.valAccuracy === null ? "—" : (100 * row.valAccuracy).toFixed(1) + " %"}       | ${row.seconds.toFixed(1)}`,
      );
    return rows;
  } finally {
    problem.dispose();
    model.dispose();
    tf.dispose([x, xv, y, yv]);
  }
}

if (typeof require !== "undefined" && require.main === module) main();
