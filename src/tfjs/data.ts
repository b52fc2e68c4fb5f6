/**
 * Training and validation data of a tfjs problem: tensors (cloned, so the caller may
 * dispose theirs) or arrays (validated, then f32 tensors), and the seeded mini-batches of
 * the built-in problems (src/training/sampler.ts: the same seed gives the same batches).
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import { GlocalError, describe } from "../core/errors";
import { MatrixLike, toMatrix, toVector } from "../core/matrix";
import { checkOptions } from "../core/validate";
import type { Tf } from "./load";

/** Inputs or targets: a tensor (first axis = examples), rows of numbers, or a vector. */
export type TfjsArray = Tensor | MatrixLike | ArrayLike<number>;

/** One split: x and y with the same number of examples (first axis). */
export interface TfjsSplit {
  readonly x: TfjsArray;
  readonly y: TfjsArray;
}

/** A split held as tensors (owned by the problem). */
export class Split {
  readonly n: number;
  constructor(
    readonly x: Tensor,
    readonly y: Tensor,
  ) {
    this.n = x.shape[0];
  }

  /** The examples at `idx` (tensors in the current tidy scope). */
  rows(tf: Tf, idx: Int32Array): { x: Tensor; y: Tensor } {
    const i = tf.tensor1d(idx, "int32");
    return { x: tf.gather(this.x, i), y: tf.gather(this.y, i) };
  }

  dispose(): void {
    this.x.dispose();
    this.y.dispose();
  }
}

/** A split from the caller's tensors or arrays, checked: E_TYPE, E_SHAPE, E_NONFINITE. */
export function toSplit(tf: Tf, split: unknown, name: string): Split {
  const o = checkOptions(split, ["x", "y"], name);
  const x = toTensor(tf, o.x, `${name}.x`);
  let y: Tensor;
  try {
    y = toTensor(tf, o.y, `${name}.y`);
  } catch (e) {
    x.dispose();
    throw e;
  }
  const s = new Split(x, y);
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0] || s.n < 1) {
    s.dispose();
    throw new GlocalError(
      "E_SHAPE",
      `${name}.x and ${name}.y must have the same number of examples (first axis), at least 1; got shapes [${x.shape}] and [${y.shape}]`,
      name,
    );
  }
  return s;
}

function isTensor(tf: Tf, v: unknown): v is Tensor {
  return v instanceof tf.Tensor;
}

/** A tensor of the value: a clone of a tensor, or an f32 tensor of validated numbers. */
function toTensor(tf: Tf, v: unknown, name: string): Tensor {
  if (v === undefined) throw new GlocalError("E_OPTION", `option '${name}' is required`, name);
  if (isTensor(tf, v)) {
    if (v.isDisposed) throw new GlocalError("E_DISPOSED", `${name} is a disposed tensor`, name);
    if (v.dtype !== "float32" && v.dtype !== "int32" && v.dtype !== "bool")
      throw new GlocalError("E_TYPE", `${name} must be a numeric tensor, got dtype ${v.dtype}`, name);
    if (v.dtype === "float32" && !tf.tidy(() => tf.all(tf.isFinite(v)).dataSync()[0]))
      throw new GlocalError("E_NONFINITE", `${name} has NaN or infinite entries`, name);
    return tf.clone(v);
  }
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === "object") {
    const m = toMatrix(v, name);
    return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return tf.tensor1d(Float32Array.from(toVector(v, name)));
  if (typeof v === "object" && v !== null) {
    const m = toMatrix(v, name);
    return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  }
  throw new GlocalError("E_TYPE", `${name} must be a tensor or an array of numbers, got ${describe(v)}`, name);
}
