/**
 * Hankel (delay) embedding (mirror of assembly/hankel.ts).
 * g_j = [h_j; h_{j+1}; …; h_{j+d−1}] (oldest block first), j = 1 … N, N = m − d + 1;
 * X = [g_1 … g_{N−1}], Y = [g_2 … g_N].
 */
import { Matrix, MatrixLike } from "../core/matrix";
import { checkOptions, optBoolean } from "../core/validate";
import { Scope, withScope } from "../core/scope";
import { checkDelay, toTrajectory } from "./trajectory";

/** Builds the qd × N block Hankel matrix in WebAssembly memory; returns its pointer. */
export function hankelInScope(s: Scope, traj: number, m: number, q: number, d: number): number {
  const N = m - d + 1;
  const H = s.alloc(q * d * N);
  s.k.hankel(m, q, d, traj, H);
  return H;
}

/** The snapshot pair of a Hankel embedding: X = [g_1 … g_{N−1}] and Y = [g_2 … g_N]. */
export interface HankelPair {
  /** [g_1 … g_{N−1}], qd × (N − 1) */
  X: Matrix;
  /** [g_2 … g_N], qd × (N − 1) */
  Y: Matrix;
}

/**
 * The Hankel pair (X, Y) of a trajectory, or with `full: true` the whole qd × N block
 * matrix [g_1 … g_N] as `H`.
 */
export function hankel(trajectory: MatrixLike, options: { delay: number; full?: false }): HankelPair;
export function hankel(trajectory: MatrixLike, options: { delay: number; full: true }): { H: Matrix };
export function hankel(trajectory: MatrixLike, options: { delay: number; full?: boolean }): HankelPair | { H: Matrix } {
  const o = checkOptions(options, ["delay", "full"]);
  const t = toTrajectory(trajectory);
  const d = checkDelay(o.delay, t.rows);
  const full = optBoolean(o.full, "full", false);
  const q = t.cols,
    N = t.rows - d + 1,
    rows = q * d;
  return withScope((s) => {
    const H = s.read(hankelInScope(s, s.put(t.data), t.rows, q, d), rows * N);
    if (full) return { H: { rows, cols: N, data: H } };
    const X = new Float64Array(rows * (N - 1)),
      Y = new Float64Array(rows * (N - 1));
    for (let i = 0; i < rows; i++) {
      X.set(H.subarray(i * N, i * N + N - 1), i * (N - 1));
      Y.set(H.subarray(i * N + 1, i * N + N), i * (N - 1));
    }
    return { X: { rows, cols: N - 1, data: X }, Y: { rows, cols: N - 1, data: Y } };
  });
}
