/**
 * Data where one weight decay per input feature pays: two-class MNIST (3 vs 5 by default)
 * with the central 24 × 24 pixels averaged over 4 × 4 blocks (36 real features), plus
 * irrelevant N(0, 1) features that carry no signal; every feature standardised with the
 * training statistics. With few training examples (80 by default) against 60 features, a
 * model overfits on the irrelevant features unless their decay goes up — one decay for
 * all features cannot tell them apart.
 */
import { GlocalError } from "../core/errors";
import { checkOptions, optInteger } from "../core/validate";
import { Matrix } from "../core/matrix";
import { checkSeed, mulberry32 } from "../core/random";
import { ClassificationData, MNIST_FEATURES, mnist } from "./mnist";

/** Options of `datasets.perFeature`. */
export interface PerFeatureOptions {
  /** Seed of the split and of the irrelevant features (default 0). */
  seed?: number;
  /** Training examples (default 80). */
  train?: number;
  /** Validation examples (default 300). */
  val?: number;
  /** Irrelevant Gaussian features appended after the 36 pooled pixels (default 24). */
  irrelevant?: number;
  /** The two digits (default [3, 5]). */
  classes?: readonly number[];
}

/** A two-class dataset whose features 0 … real − 1 are pooled pixels and the rest noise. */
export interface PerFeatureData extends ClassificationData {
  real: number;
  irrelevant: number;
}

const GRID = 6; // 6 × 6 blocks of 4 × 4 pixels over the central 24 × 24
const OFFSET = 2;
const SIDE = 28;

/** Raw pixels (mnist standardises them; this undoes it) pooled to GRID² block means. */
function pooled(x: Matrix, mean: Float64Array, std: Float64Array): Float64Array {
  const out = new Float64Array(x.rows * GRID * GRID);
  for (let r = 0; r < x.rows; r++) {
    for (let by = 0; by < GRID; by++) {
      for (let bx = 0; bx < GRID; bx++) {
        let s = 0;
        for (let a = 0; a < 4; a++) {
          for (let b = 0; b < 4; b++) {
            const px = (OFFSET + 4 * by + a) * SIDE + OFFSET + 4 * bx + b;
            s += x.data[r * MNIST_FEATURES + px] * std[px] + mean[px];
          }
        }
        out[r * GRID * GRID + by * GRID + bx] = s / 16;
      }
    }
  }
  return out;
}

/** `count` standard normals by Box–Muller, both outputs of each pair used. */
function gaussians(count: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u())); // 1 − u in (0, 1]: the log stays finite
    const theta = 2 * Math.PI * u();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** Standardises every column of both sets with the training mean and standard deviation (in place). */
function standardise(xt: Matrix, xv: Matrix): { mean: Float64Array; std: Float64Array } {
  const p = xt.cols,
    n = xt.rows;
  const mean = new Float64Array(p),
    std = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let m = 0,
      v = 0;
    for (let i = 0; i < n; i++) m += xt.data[i * p + j];
    m /= n;
    for (let i = 0; i < n; i++) v += (xt.data[i * p + j] - m) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (const x of [xt, xv]) for (let i = 0; i < x.rows; i++) x.data[i * p + j] = (x.data[i * p + j] - m) / sd;
    mean[j] = m;
    std[j] = sd;
  }
  return { mean, std };
}

/** Train and validation sets of the per-feature task for one seed (split and noise both seeded). */
export function perFeature(options: PerFeatureOptions = {}): PerFeatureData {
  const o = checkOptions(options, ["seed", "train", "val", "irrelevant", "classes"], "perFeature options");
  const seed = checkSeed(o.seed);
  const nTrain = optInteger(o.train, "train", 80, 2);
  const nVal = optInteger(o.val, "val", 300, 1);
  const extra = optInteger(o.irrelevant, "irrelevant", 24, 0);
  const classes = (o.classes as readonly number[] | undefined) ?? [3, 5];
  if (!Array.isArray(classes) || classes.length !== 2)
    throw new GlocalError("E_OPTION", "option 'classes' must list exactly two digits", "classes");
  const raw = mnist({ train: nTrain, val: nVal, seed, classes });
  const real = GRID * GRID,
    p = real + extra;
  const noise = gaussians((nTrain + nVal) * extra, 0x5eed + seed);
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
  const { mean, std } = standardise(xt, xv);
  return {
    train: { x: xt, y: raw.train.y },
    val: { x: xv, y: raw.val.y },
    classes: raw.classes,
    mean,
    std,
    real,
    irrelevant: extra,
  };
}
