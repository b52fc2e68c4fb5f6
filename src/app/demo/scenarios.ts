/**
 * The demo's scenarios (`glocal demo --scenario NAME`): each one small declarative entry —
 * the problem and its data, the start, the hyperparameters, the budgets and the strategies.
 * A new scenario is one more entry in SCENARIOS; command-line flags and DemoOptions
 * override any field of the chosen one.
 */
import type { GlocalOptions, RandomSearchOptions, Strategy } from "../../optimize/types";
import { STRATEGIES } from "../../optimize/types";
import type { OptimizerSpec } from "../../training/optim";
import { optimizers } from "../../training/optim";
import type { HyperName } from "../../training/hyperparameters";
import type { ClassificationData } from "../../datasets/mnist";
import type { Problem } from "../../problems/types";
import type { SessionProblem } from "../../training/types";
import { logistic } from "../../problems/logistic";
import { perFeature } from "../../datasets/perFeature";
import { tfjsMlp } from "./tfjsModel";

/** A demo problem: a built-in one, or one that makes its own sessions (the TensorFlow.js
 *  model of glocal-hypergrad/tfjs). Typed without tfjs, so the demo's types need no tfjs. */
export type DemoProblem = Problem | (SessionProblem & { dispose(): void });

/** A further labelled run of a strategy with other glocal options (e.g. another fallback policy). */
export interface DemoVariant {
  /** Its name in the table and the report. */
  name: string;
  strategy: Strategy;
  /** Merged over the scenario's glocal options. */
  glocal: Partial<GlocalOptions>;
}

/** Sizes that `--quick` replaces (about a quarter of the default run). */
export interface ScenarioSizes {
  train: number;
  val: number;
  steps: number;
  window: number;
  outer: number;
  /** glocal records h_t every `stride` steps (a validation gradient each). */
  stride: number;
}

/** One demo scenario. */
export interface DemoScenario extends ScenarioSizes {
  /** One line for the report and the README: the problem, the start and why. */
  summary: string;
  /** The model: softmax regression, an MLP (one tanh hidden layer), or binary logistic regression. */
  model: "softmax" | "mlp" | "logistic";
  /** Hidden units of the MLP. */
  hidden: number;
  /** MNIST digits kept, in label order (null: all ten; logistic needs two). */
  classes: readonly number[] | null;
  /** Mini-batch size; "full" = the whole training set. */
  batch: number | "full";
  /** The inner optimiser with the starting hyperparameters (natural units). */
  start: OptimizerSpec;
  /** The hyperparameters tuned (φ in this order). */
  hyper: readonly HyperName[];
  /** Local's update period k. */
  localEvery: number;
  /** Meta-optimiser (Adam) step on φ. */
  metaLr: number;
  /** glocal's other options (method, target, valSubsample; the stride is a size). */
  glocal: Omit<GlocalOptions, "stride">;
  /** Random search's box (default: a factor of 10 around the start). */
  random: RandomSearchOptions;
  strategies: readonly Strategy[];
  seed: number;
  /** What `--quick` changes. */
  quick: ScenarioSizes;
  /** Data other than the MNIST digits of `classes` (e.g. digits with added features);
   *  given the resolved sizes and seed. The browser page hands its MNIST subset in instead. */
  data?: (s: { train: number; val: number; seed: number }) => ClassificationData;
  /** A problem other than `model`'s (e.g. one with per-feature options, or a TensorFlow.js model). */
  problem?: (data: ClassificationData, s: { seed: number; hidden: number }) => DemoProblem;
  /** True when `problem` is a TensorFlow.js model: it runs on tfjs's backend, so the
   *  product options (backend, gpuMode) do not apply. */
  tfjs?: boolean;
  /** Further runs, each after its strategy's own (and only when that strategy runs). */
  variants?: readonly DemoVariant[];
  /** The meta learning rate of a run by its name (strategy or variant) instead of `metaLr`. */
  metaLrs?: Readonly<Record<string, number>>;
  /** The hyperparameters a strategy tunes instead of `hyper` (e.g. random search over one lr and wd). */
  hyperOf?: Readonly<Partial<Record<Strategy, readonly HyperName[]>>>;
}

/**
 * perfeature's meta learning rates per run: the best final validation loss over the grid
 * 0.01 … 0.52 (steps of √3) on seed 5, a seed the benchmark does not report
 * (bench/results/e2e.md, scenario perfeature: `glocal bench --suite e2e-perfeature`).
 */
const PER_FEATURE_META_LRS: Readonly<Record<string, number>> = {
  local: 0.052,
  truncated: 0.052,
  glocal: 0.052,
  "glocal (fallback absurd)": 0.17,
  "glocal (fallback nonfinite)": 0.1,
};

/**
 * `softmax` (the default): softmax regression on 4000 MNIST digits, mini-batches of 100,
 * T = 2000 steps (50 epochs), starting from the textbook heavy-ball recipe lr 0.01,
 * momentum 0.9, weight decay 5e-4. That start overfits here — a linear model with 7850
 * weights, 50 epochs and almost no weight decay, at an effective step lr/(1 − μ) = 0.1 —
 * so tuning has something to fix (bench/results/e2e.md: every strategy ends ≥ 5 % below
 * `none` on every seed).
 */
const softmaxScenario: DemoScenario = {
  summary:
    "softmax regression on MNIST from the textbook heavy-ball recipe (lr 0.01, momentum 0.9, wd 5e-4), which overfits 4000 digits in 50 epochs",
  model: "softmax",
  hidden: 32,
  classes: null,
  train: 4000,
  val: 1000,
  batch: 100,
  steps: 2000,
  window: 200,
  localEvery: 10,
  outer: 6,
  start: optimizers.momentum({ lr: 0.01, wd: 5e-4, momentum: 0.9 }),
  hyper: ["lr", "wd", "momentum"],
  metaLr: 0.1,
  // A validation gradient every 20 steps (10 per window): 1.06–1.14× truncated's CPU time
  // at the same final loss, against 1.64× every 5 steps (bench/results/e2e.md, regimes.md).
  stride: 20,
  glocal: {},
  random: {},
  strategies: STRATEGIES,
  seed: 1,
  quick: { train: 1000, val: 300, steps: 500, window: 50, outer: 5, stride: 5 },
};

/** `mlp`: the same data, start and budgets with a 784-32-10 tanh network (non-convex).
 *  Tuning pays less here (bench/results/e2e.md: the best strategy 6–12 % below `none` on
 *  every seed, truncated and glocal above it). */
const mlpScenario: DemoScenario = {
  ...softmaxScenario,
  summary: "a 784-32-10 tanh MLP on MNIST from the same heavy-ball recipe (lr 0.01, momentum 0.9, wd 5e-4)",
  model: "mlp",
};

/**
 * `tfjs`: the mlp scenario's network with the same θ₀, computed by TensorFlow.js (f32 model
 * math, exact hypergradients from Hessian–vector products). Needs @tensorflow/tfjs (Node) or
 * a global `tf` (the browser page loads it). tfjs's pure-JS CPU backend is 15–38 times slower
 * than the built-in kernels (bench/results/tfjs.md), so the budgets are smaller: 1000 digits,
 * T = 300, three global runs.
 */
const tfjsScenario: DemoScenario = {
  ...mlpScenario,
  summary: "the mlp scenario's 784-32-10 tanh network computed by TensorFlow.js (needs @tensorflow/tfjs), 1000 digits",
  problem: (data, s) => tfjsMlp(data, s.hidden, s.seed),
  tfjs: true,
  train: 1000,
  val: 300,
  steps: 300,
  window: 50,
  outer: 3,
  stride: 5,
  quick: { train: 200, val: 100, steps: 60, window: 20, outer: 2, stride: 2 },
};

/**
 * `perfeature`: one weight decay per input feature (q = 60) of a logistic regression on
 * few examples, 36 pooled MNIST pixels (3 vs 5) and 24 irrelevant noise features: the
 * decays of the irrelevant features should go up. Full-batch gradient descent at lr 0.5,
 * every decay starting at 1e-3 (on the weights only), T = 3000. Random search tunes the
 * usual single lr and wd instead (it cannot search 60 dimensions). glocal runs twice: with
 * the driver's default fallback (h_m whenever the estimate is not trusted) and falling
 * back only on absurd (or non-finite) estimates, and falling back only on non-finite ones. Each run's meta learning rate is the best of a fixed grid
 * on a seed kept out of the benchmark (bench/results/e2e.md says which).
 */
const perFeatureScenario: DemoScenario = {
  summary:
    "one weight decay per input feature (q = 60) of a logistic regression on 80 digits (3 vs 5, pixels pooled to 36 features) plus 24 irrelevant noise features, from every decay at 1e-3",
  model: "logistic",
  hidden: 32,
  classes: [3, 5],
  train: 80,
  val: 300,
  batch: "full",
  steps: 3000,
  window: 50,
  localEvery: 10,
  outer: 5,
  start: optimizers.sgd({ lr: 0.5, wd: 1e-3 }),
  hyper: ["featureWd"],
  hyperOf: { random: ["lr", "wd"] },
  metaLr: 0.1,
  metaLrs: PER_FEATURE_META_LRS,
  stride: 1,
  glocal: { method: "affine", delay: 1 },
  variants: [
    { name: "glocal (fallback absurd)", strategy: "glocal", glocal: { fallback: "absurd" } },
    { name: "glocal (fallback nonfinite)", strategy: "glocal", glocal: { fallback: "nonfinite" } },
  ],
  random: { ranges: { lr: [0.05, 2], wd: [1e-4, 1] } },
  strategies: ["none", "random", "local", "truncated", "glocal"],
  seed: 0,
  quick: { train: 80, val: 300, steps: 300, window: 50, outer: 2, stride: 1 },
  data: (s) => perFeature({ train: s.train, val: s.val, seed: s.seed }),
  problem: (data, s) => logistic(data, { decay: "weights", seed: s.seed }),
};

/** Every scenario by name; the first is the default. */
export const SCENARIOS: Readonly<Record<string, DemoScenario>> = {
  softmax: softmaxScenario,
  mlp: mlpScenario,
  tfjs: tfjsScenario,
  perfeature: perFeatureScenario,
};

/** The scenario `glocal demo` runs without `--scenario`. */
export const DEFAULT_SCENARIO = "softmax";

/** The names, for messages and --help. */
export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}
