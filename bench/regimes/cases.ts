/**
 * The regimes of `npm run bench:regimes`: one small, fast problem, and one factor changed
 * at a time from a base — the window against the hypergradient's settling time, the batch
 * size (full → small), and the inner optimiser. Each regime is one declarative entry.
 */
import { optimizers } from "../../src/index";
import type { HyperName, OptimizerSpec } from "../../src/index";

/** Binary logistic regression on seeded synthetic data: 50 Gaussian features, 100
 *  training examples with label noise (so weight decay matters), 200 validation examples. */
export const PROBLEM = { train: 100, val: 200, features: 50, noise: 1 } as const;

/** Every strategy trains its final model for T steps; hypergradient strategies record a
 *  validation gradient every `stride` steps (V = T / stride of them). */
export const BUDGET = { T: 2000, stride: 5 } as const;

/** Adam meta steps tried for every hypergradient strategy; each keeps its best (mean over
 *  seeds), so the comparison is between hypergradients, not between step sizes. */
export const META_GRID = [0.03, 0.1, 0.3, 1] as const;

/** Random search at equal cost: at least this many trials. */
export const RANDOM_TRIALS = 4;

export interface Regime {
  id: string;
  /** Which factor this regime changes from the base. */
  axis: "base" | "window" | "batch" | "optimiser";
  optimizer: OptimizerSpec;
  hyper: HyperName[];
  /** Mini-batch size; "full" = all 100 training examples (gradient descent). */
  batch: number | "full";
  /** Window m of truncated (reference) and glocal. */
  window: number;
}

const gd = optimizers.sgd({ lr: 1, wd: 0.01 });
const base: Regime = {
  id: "GD, full batch, m = 100",
  axis: "base",
  optimizer: gd,
  hyper: ["lr", "wd"],
  batch: "full",
  window: 100,
};

export const REGIMES: Regime[] = [
  base,
  { ...base, id: "GD, full batch, m = 25", axis: "window", window: 25 },
  { ...base, id: "GD, full batch, m = 400", axis: "window", window: 400 },
  {
    ...base,
    id: "GD, full batch, m = 100, slow start (lr 0.01)",
    axis: "window",
    optimizer: optimizers.sgd({ lr: 0.01, wd: 0.01 }),
  },
  { ...base, id: "SGD, batch 20, m = 100", axis: "batch", batch: 20 },
  { ...base, id: "SGD, batch 5, m = 100", axis: "batch", batch: 5 },
  {
    ...base,
    id: "heavy ball 0.9, full batch, m = 100",
    axis: "optimiser",
    optimizer: optimizers.momentum({ lr: 0.1, wd: 0.01, momentum: 0.9 }),
    hyper: ["lr", "wd", "momentum"],
  },
  {
    ...base,
    id: "heavy ball 0.9, batch 20, m = 100",
    axis: "optimiser",
    optimizer: optimizers.momentum({ lr: 0.1, wd: 0.01, momentum: 0.9 }),
    hyper: ["lr", "wd", "momentum"],
    batch: 20,
  },
  { ...base, id: "Adam, full batch, m = 100", axis: "optimiser", optimizer: optimizers.adam({ lr: 0.03, wd: 0.01 }) },
];
