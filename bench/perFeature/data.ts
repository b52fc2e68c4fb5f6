/**
 * The data of the per-feature weight-decay scenario (one weight decay per input feature,
 * q = p): two-class MNIST (3 vs 5, from the `mnist` package) with the central 24 × 24
 * pixels averaged over 4 × 4 blocks (36 real features), plus irrelevant N(0, 1) features
 * that carry no signal; every feature standardised with the training statistics. Few
 * training examples (80 by default) against 60 features, so the model overfits on the
 * irrelevant features unless their decay goes up: the regime where one decay per
 * feature pays.
 */
import { datasets } from "../../src/index";
import type { Matrix } from "../../src/index";
import { normals } from "../prng";

/** Seed (split and irrelevant features) and sizes of the scenario's data. */
export interface PerFeatureDataOptions {
  seed: number;
  train?: number;
  val?: number;
  /** Irrelevant Gaussian features appended after the 36 pooled pixels (default 24). */
  irrelevant?: number;
}

export interface PerFeatureData {
  train: { x: Matrix; y: Int32Array };
  val: { x: Matrix; y: Int32Array };
  /** Features 0 … real − 1 are pooled pixels, the rest irrelevant. */
  real: number;
  irrelevant: number;
}

const GRID = 6; // 6 × 6 blocks of 4 × 4 pixels over the central 24 × 24
const OFFSET = 2;

/** Raw pixels (the dataset standardises them; this undoes it) pooled to GRID² features. */
function pooled(x: Matrix, mean: Float64Array, std: Float64Array): Float64Array {
  const out = new Float64Array(x.rows * GRID * GRID);
  for (let r = 0; r < x.rows; r++) {
    for (let by = 0; by < GRID; by++) {
      for (let bx = 0; bx < GRID; bx++) {
        let s = 0;
        for (let a = 0; a < 4; a++) {
          for (let b = 0; b < 4; b++) {
            const px = (OFFSET + 4 * by + a) * 28 + OFFSET + 4 * bx + b;
            s += x.data[r * 784 + px] * std[px] + mean[px];
          }
        }
        out[r * GRID * GRID + by * GRID + bx] = s / 16;
      }
    }
  }
  return out;
}

/** Train and validation sets of the scenario for one seed (split and noise both seeded). */
export function perFeatureData(o: PerFeatureDataOptions): PerFeatureData {
  const nTrain = o.train ?? 80,
    nVal = o.val ?? 300,
    extra = o.irrelevant ?? 24;
  const raw = datasets.mnist({ train: nTrain, val: nVal, seed: o.seed, classes: [3, 5] });
  const real = GRID * GRID,
    p = real + extra;
  const noise = normals((nTrain + nVal) * extra, 0x5eed + o.seed);
  const build = (x: Matrix, offset: number): Matrix => {
    const px = pooled(x, raw.mean, raw.std);
    const data = new Float64Array(x.rows * p);
    for (let i = 0; i < x.rows; i++) {
      data.set(px.subarray(i * real, (i + 1) * real), i * p);
      data.set(noise.subarray((offset + i) * extra, (offset + i + 1) * extra), i * p + real);
    }
    return { rows: x.rows, cols: p, data };
  };
  const xt = build(raw.train.x, 0),
    xv = build(raw.val.x, nTrain);
  // Standardise every feature with the training mean and standard deviation.
  for (let j = 0; j < p; j++) {
    let m = 0,
      v = 0;
    for (let i = 0; i < nTrain; i++) m += xt.data[i * p + j];
    m /= nTrain;
    for (let i = 0; i < nTrain; i++) v += (xt.data[i * p + j] - m) ** 2;
    const sd = Math.sqrt(v / nTrain) || 1;
    for (const x of [xt, xv]) for (let i = 0; i < x.rows; i++) x.data[i * p + j] = (x.data[i * p + j] - m) / sd;
  }
  return { train: { x: xt, y: raw.train.y }, val: { x: xv, y: raw.val.y }, real, irrelevant: extra };
}
