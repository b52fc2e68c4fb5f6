/**
 * Real problems for the accuracy benchmark, from the digits shipped in the `mnist` package,
 * 2×2-average pooled to 14×14 = 196 features (the same digits, a quarter of the cost per
 * step): logistic regression (3 vs 5), softmax regression (10 digits), a small MLP (one tanh
 * layer of 16 units, 10 digits), and logistic regression on few examples for the regime
 * with many hyperparameters (one loss weight per training example).
 */
import { datasets, problems } from "../../src/index";
import type { Matrix, Problem } from "../../src/index";

/** 28×28 digits → 14×14 by 2×2 averages. */
export function pool2x2(x: Matrix): Matrix {
  const out = new Float64Array(x.rows * 196);
  for (let r = 0; r < x.rows; r++) {
    for (let i = 0; i < 14; i++) {
      for (let j = 0; j < 14; j++) {
        let s = 0;
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) s += x.data[r * 784 + (2 * i + a) * 28 + 2 * j + b];
        out[r * 196 + i * 14 + j] = s / 4;
      }
    }
  }
  return { rows: x.rows, cols: 196, data: out };
}

/** The benchmark's problems (`weights`: logistic regression with one weight per training example). */
export type ProblemName = "logistic" | "softmax" | "mlp" | "weights";

/** Training / validation digits per problem: small enough for 2000-step runs of every case in minutes. */
const SIZES: Record<ProblemName, [number, number]> = {
  logistic: [400, 200],
  softmax: [400, 200],
  mlp: [300, 200],
  weights: [80, 200],
};

/** One problem on pooled MNIST digits (seeded). */
export function makeProblem(name: ProblemName, seed: number): Problem {
  const [train, val] = SIZES[name];
  const binary = name === "logistic" || name === "weights";
  const raw = datasets.mnist({ train, val, seed, ...(binary ? { classes: [3, 5] } : {}) });
  const data = { train: { x: pool2x2(raw.train.x), y: raw.train.y }, val: { x: pool2x2(raw.val.x), y: raw.val.y } };
  if (binary) return problems.logistic(data);
  if (name === "softmax") return problems.softmax(data, { classes: 10 });
  return problems.mlp(data, { classes: 10, hidden: 16, seed: 3 });
}
