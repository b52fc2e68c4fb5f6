/** Validation of hypergradient trajectories (m rows h_1 … h_m of q numbers each). */
import { GlocalError, describe } from "../core/errors";
import { Matrix, toMatrix } from "../core/matrix";

/**
 * Accepts number[][], arrays of typed rows, a Matrix or an ml-matrix; rejects ragged rows
 * (E_SHAPE), NaN/±Infinity (E_NONFINITE), non-numbers (E_TYPE) and empty input (E_SHAPE).
 */
export function toTrajectory(input: unknown, name = "trajectory"): Matrix {
  return toMatrix(input, name);
}

/** The delay d: an integer ≥ 1 with m ≥ d + 1 (one (X, Y) pair at least). */
export function checkDelay(delay: unknown, m: number, name = "delay"): number {
  if (typeof delay !== "number" || !Number.isInteger(delay) || delay < 1) {
    throw new GlocalError("E_OPTION", `${name} must be an integer >= 1, got ${describe(delay)}`, name);
  }
  if (m < delay + 1) {
    throw new GlocalError(
      "E_TOO_SHORT",
      `trajectory has m = ${m} rows, too short for delay ${delay}: the Hankel embedding needs m >= delay + 1 = ${delay + 1}`,
      "trajectory",
    );
  }
  return delay;
}
