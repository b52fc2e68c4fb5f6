/** Level-1 operations (mirror of assembly/blas1.ts). Inputs are never modified. */
import { GlocalError } from "../errors";
import { toVector, VectorLike } from "../matrix";
import { withScope } from "../wasm";

function sameLength(x: Float64Array, y: Float64Array): void {
  if (x.length !== y.length) {
    throw new GlocalError("E_SHAPE", `x and y must have the same length, got ${x.length} and ${y.length}`, "y");
  }
}

/** x · y */
export function dot(x: VectorLike, y: VectorLike): number {
  const xv = toVector(x, "x"), yv = toVector(y, "y");
  sameLength(xv, yv);
  return withScope((s) => s.k.dot(xv.length, s.put(xv), s.put(yv)));
}

/** a x + y as a new vector. */
export function axpy(a: number, x: VectorLike, y: VectorLike): Float64Array {
  if (typeof a !== "number" || !Number.isFinite(a)) throw new GlocalError("E_NONFINITE", `a must be a finite number, got ${a}`, "a");
  const xv = toVector(x, "x"), yv = toVector(y, "y");
  sameLength(xv, yv);
  return withScope((s) => {
    const py = s.put(yv);
    s.k.axpy(xv.length, a, s.put(xv), py);
    return s.read(py, yv.length);
  });
}

/** ‖x‖₂, free of overflow and underflow. */
export function norm(x: VectorLike): number {
  const xv = toVector(x, "x");
  return withScope((s) => s.k.nrm2(xv.length, s.put(xv)));
}
