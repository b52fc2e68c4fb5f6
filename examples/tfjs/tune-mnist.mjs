// Tune the learning rate and weight decay of a TensorFlow.js network (784-32-10, tanh) on
// MNIST digits with glocal, against the same training without tuning, from a poor start.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { datasets, optimize, optimizers } from "glocal-hypergrad";
import { tfjsProblem } from "glocal-hypergrad/tfjs";

const quiet = console.warn; // no "install tfjs-node" banner in the output
console.warn = () => {};
tf.tensor1d([0]).dispose();
console.warn = quiet;
const digits = datasets.mnist({ train: 300, val: 200, seed: 1 });
const x = tf.tensor2d(Float32Array.from(digits.train.x.data), [300, 784]);
const xVal = tf.tensor2d(Float32Array.from(digits.val.x.data), [200, 784]);
const [y, yVal] = [tf.tensor1d(digits.train.y, "int32"), tf.tensor1d(digits.val.y, "int32")];

// --- the lines that tune a tfjs model ----------------------------------------------------
const init = (seed) => tfl.initializers.glorotUniform({ seed }); // the same θ₀ every run
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
  val: { x: xVal, y: yVal },
});
const optimizer = optimizers.momentum({ lr: 0.002, wd: 0.01, momentum: 0.9 }); // too slow, too much decay
const run = (strategy) =>
  optimize({
    problem,
    optimizer,
    hyper: ["lr", "wd"],
    strategy,
    innerSteps: 150,
    window: 30,
    batchSize: 30,
    seed: 1,
    glocal: { stride: 5 },
    metaOptimizer: { kind: "adam", lr: 0.2 },
  });
// ------------------------------------------------------------------------------------------

console.log(
  `tfjs ${tf.version_core} on ${tf.getBackend()}; hypergradients ${problem.approximate ? "approximate" : "exact"}`,
);
console.log("strategy | lr      | wd      | val loss | val accuracy");
for (const strategy of ["none", "glocal"]) {
  const { hyper, valLoss, valAccuracy } = run(strategy).final;
  const e = (v) => v.toExponential(2);
  console.log(
    `${strategy.padEnd(8)} | ${e(hyper.lr)} | ${e(hyper.wd)} | ${valLoss.toFixed(4)}   | ${(100 * valAccuracy).toFixed(1)} %`,
  );
}
problem.dispose();
model.dispose();
tf.dispose([x, xVal, y, yVal]);
