/**
 * Small seeded synthetic datasets (tests, examples, benchmarks): Gaussian features and a
 * random linear ground truth, with targets for regression, binary or multiclass labels.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, optInteger, optNumber } from "../core/validate";
import { MAX_MATRIX_ENTRIES, Matrix } from "../core/matrix";
import { checkSeed, mixSeed, normals } from "../core/random";

/** Options of `datasets.synthetic`: the kind of task, sizes, features, classes, noise and seed. */
export interface SyntheticOptions {
  /** `regression` (real targets), `binary` (0/1) or `multiclass` (0 … classes − 1). */
  kind: "regression" | "binary" | "multiclass";
  train: number;
  val: number;
  /** Features p (default 5). */
  features?: number;
  /** Classes for `multiclass` (default 3). */
  classes?: number;
  /** Targets per example for `regression` (default 1). */
  outputs?: number;
  /** Standard deviation of the noise added to the ground-truth scores (default 0.1). */
  noise?: number;
  seed?: number;
}

/** A generated dataset with its training and validation splits. */
export interface SyntheticData {
  train: { x: Matrix; y: Float64Array | Int32Array | Matrix };
  val: { x: Matrix; y: Float64Array | Int32Array | Matrix };
}

/** A seeded synthetic dataset: x ~ N(0, I), scores = x W* + noise. */
export function synthetic(options: SyntheticOptions): SyntheticData {
  const o = checkOptions(
    options,
    ["kind", "train", "val", "features", "classes", "outputs", "noise", "seed"],
    "synthetic options",
  );
  const kind = o.kind;
  if (kind !== "regression" && kind !== "binary" && kind !== "multiclass") {
    throw new GlocalError(
      "E_OPTION",
      `option 'kind' must be 'regression', 'binary' or 'multiclass', got ${describe(kind)}`,
      "kind",
    );
  }
  const nTrain = optInteger(o.train, "train", 0, 1),
    nVal = optInteger(o.val, "val", 0, 1);
  if (o.train === undefined || o.val === undefined)
    throw new GlocalError(
      "E_OPTION",
      "options 'train' and 'val' (sizes) are required",
      o.train === undefined ? "train" : "val",
    );
  const p = optInteger(o.features, "features", 5, 1);
  const k =
    kind === "multiclass"
      ? optInteger(o.classes, "classes", 3, 2)
      : kind === "regression"
        ? optInteger(o.outputs, "outputs", 1, 1)
        : 1;
  // E_TOO_LARGE before allocating: 10⁹ examples threw a RangeError from the engine.
  for (const [n, name] of [
    [nTrain, "train"],
    [nVal, "val"],
  ] as const) {
    if (n * Math.max(p, k) > MAX_MATRIX_ENTRIES) {
      throw new GlocalError(
        "E_TOO_LARGE",
        `${name} = ${n} examples × ${Math.max(p, k)} columns exceeds the ${MAX_MATRIX_ENTRIES} entries a matrix may hold`,
        n >= Math.max(p, k) ? name : p >= k ? "features" : kind === "regression" ? "outputs" : "classes",
      );
    }
  }
  if (p * k > MAX_MATRIX_ENTRIES)
    throw new GlocalError(
      "E_TOO_LARGE",
      `features × ${kind === "regression" ? "outputs" : "classes"} = ${p} × ${k} exceeds the ${MAX_MATRIX_ENTRIES} entries a matrix may hold`,
      "features",
    );
  const noise = optNumber(o.noise, "noise", 0.1, (v) => v >= 0, ">= 0");
  const seed = checkSeed(o.seed);
  const gw = normals(mixSeed(seed, 1));
  const W = Float64Array.from({ length: p * k }, () => gw() / Math.sqrt(p));
  const make = (n: number, stream: number) => {
    const g = normals(mixSeed(seed, stream));
    const x = Float64Array.from({ length: n * p }, () => g());
    const scores = new Float64Array(n * k);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += x[r * p + j] * W[j * k + c];
        scores[r * k + c] = s + noise * g();
      }
    }
    const xm: Matrix = { rows: n, cols: p, data: x };
    if (kind === "regression") return { x: xm, y: k === 1 ? scores : ({ rows: n, cols: k, data: scores } as Matrix) };
    const y = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      if (kind === "binary") y[r] = scores[r] > 0 ? 1 : 0;
      else {
        let best = 0;
        for (let c = 1; c < k; c++) if (scores[r * k + c] > scores[r * k + best]) best = c;
        y[r] = best;
      }
    }
    return { x: xm, y };
  };
  return { train: make(nTrain, 2), val: make(nVal, 3) };
}
