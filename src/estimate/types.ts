/** Shared types of the estimators (DESIGN §1.3 steps 4–6). */

export type Method = "limit" | "horizon" | "affine" | "rre" | "mpe";

/** A diagnostic the caller can act on; `code` is stable, `message` is for people. */
export interface EstimateWarning {
  code:
    | "NO_MODE_NEAR_ONE"
    | "UNSTABLE_MODE"
    | "SLOW_MODE"
    | "HELD_OUT_ERROR"
    | "ABSURD_MAGNITUDE"
    | "SINGULAR_FIXED_POINT"
    | "DEGENERATE_EXTRAPOLATION"
    | "DEFECTIVE_MODES"
    | "CONSTANT_TRAJECTORY"
    | "ZERO_TRAJECTORY"
    | "NO_HELD_OUT_TEST";
  message: string;
  /** Whether this condition makes the estimate untrustworthy. */
  fatal: boolean;
}

/** What one method produces from a window (newest q-block of its qd-vectors). */
export interface MethodResult {
  estimate: Float64Array;
  /** Predicted h for the `steps` rows after the window (for the held-out test). */
  predict(steps: number): Float64Array[];
  warnings: EstimateWarning[];
  /** Rank the method used (its own rule for rre/mpe). */
  rank: number;
  /**
   * Eigenvalues of the method's own linear model when it is not the DMD's: the affine
   * map's linear part, or the roots of rre/mpe's polynomial. The trust test checks
   * stability and time constants on these.
   */
  modelEigenvalues?: { re: Float64Array; im: Float64Array };
}
