/** Level-1 operations (mirror of assembly/blas1.ts). Inputs are never modified. */
import { GlocalError, describe } from "../core/errors";
import { toVector, VectorLike } from "../core/matrix";
import { withScope } from "../core/scope";
import { checkResult } from "./scaling";

function sameLength(x: Float64Array, y: Float64Array): void {
  if (x.length !== y.length) {
    throw new GlocalError("E_SHAPE", `x and y must have the same length, got ${x.length} and ${y.length}`, "y");
  }
}

/** x · y */
export function dot(x: VectorLike, y: VectorLike): number {
  const xv = toVector(x, "x"),
    yv = toVector(y, "y");
  sameLength(xv, yv);
  const d = withScope((s) => s.k.dot(xv.length, s.put(xv), s.put(yv)));
  return checkResult([d], "the dot product")[0];
}

/** a x + y as a new vector. */
export function axpy(a: number, x: VectorLike, y: VectorLike): Float64Array {
  if (typeof a !== "number") throw new GlocalError("E_TYPE", `a must be a number, got ${describe(a)}`, "a");
  if (!Number.isFinite(a)) throw new GlocalError("E_NONFINITE", `a must be a finite number, got ${describe(a)}`, "a");
  const xv = toVector(x, "x"),
    yv = toVector(y, "y");
  sameLength(xv, yv);
  return withScope((s) => {
    const py = s.put(yv);
    s.k.axpy(xv.length, a, s.put(xv), py);
    return checkResult(s.read(py, yv.length), "a x + y");
  });
}

/** ‖x‖₂, free of overflow and underflow. */
export function norm(x: VectorLike): number {
  const xv = toVector(x, "x");
  const r = withScope((s) => s.k.nrm2(xv.length, s.put(xv)));
  return checkResult([r], "the norm")[0];
}
