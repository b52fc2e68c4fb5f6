/**
 * Real problems for the accuracy benchmark: logistic regression (MNIST 3 vs 5) and softmax
 * regression (MNIST, 10 digits) from the digits shipped in the `mnist` package, 2×2-average
 * pooled to 14×14 = 196 features (the same digits, a quarter of the cost per step).
 */
import { datasets, problems } from "../../src/index";
import type { Matrix, Problem } from "../../src/index";

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

export type ProblemName = "logistic" | "softmax";

export function makeProblem(name: ProblemName, seed: number): Problem {
  const raw =
    name === "logistic"
      ? datasets.mnist({ train: 500, val: 300, seed, classes: [3, 5] })
      : datasets.mnist({ train: 600, val: 300, seed });
  const data = { train: { x: pool2x2(raw.train.x), y: raw.train.y }, val: { x: pool2x2(raw.val.x), y: raw.val.y } };
  return name === "logistic" ? problems.logistic(data) : problems.softmax(data, { classes: 10 });
}
