// Tune the learning rate, weight decay and momentum of a built-in model.
import { datasets, problems, optimizers, optimizeAsync, InnerTraining } from "glocal-hypergrad";

const data = datasets.synthetic({
  kind: "multiclass",
  train: 400,
  val: 200,
  features: 20,
  classes: 4,
  noise: 0.3,
  seed: 7,
});
const problem = problems.softmax(data, { classes: 4 });
const start = { lr: 0.002, wd: 0.1, momentum: 0.5 }; // a poor start: too slow, too much decay
const common = {
  problem,
  optimizer: optimizers.momentum(start),
  hyper: ["lr", "wd", "momentum"],
  innerSteps: 1000, // one training run of 1000 mini-batch steps
  window: 50, // a hyperparameter update every 50 steps
  batchSize: 50,
  metaOptimizer: { kind: "adam", lr: 0.2 },
};

// Untuned: the same 1000 steps with the starting hyperparameters.
const plain = new InnerTraining(problem, common.optimizer, { hyper: common.hyper, batchSize: 50 });
plain.step(1000, { tangent: false });
console.log(`untuned    val loss ${plain.valLoss().toFixed(4)}  accuracy ${plain.valAccuracy().toFixed(3)}`);
plain.dispose();

for (const strategy of ["truncated", "glocal"]) {
  // optimizeAsync gives the event loop a turn every 25 ms: timers, requests and an AbortSignal stay live.
  const r = await optimizeAsync({ ...common, strategy });
  const { lr, wd, momentum } = r.final.hyper;
  console.log(
    `${strategy.padEnd(10)} val loss ${r.final.valLoss.toFixed(4)}  accuracy ${r.final.valAccuracy.toFixed(3)}  ` +
      `lr ${lr.toFixed(4)}  wd ${wd.toExponential(2)}  momentum ${momentum.toFixed(3)}  ` +
      `updates ${r.counts.updates}${strategy === "glocal" ? `  fell back to h_m ${r.counts.fallbacks}×` : ""}`,
  );
}
problem.dispose();
