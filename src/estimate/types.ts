/** Types of the estimate: its options, its result, its diagnostics, and what one method produces. */
import type { RankRule } from "./rank";

/** An estimation method: `limit`, `horizon`, `affine`, `rre` or `mpe`. */
export type Method = "limit" | "horizon" | "affine" | "rre" | "mpe";

/** A diagnostic the caller can act on; `code` is stable, `message` is for people. */
export interface EstimateWarning {
  code:
    | "NO_MODE_NEAR_ONE"
    | "UNSTABLE_MODE"
    | "SLOW_MODE"
    | "HELD_OUT_ERROR"
    | "POOR_FORECAST"
    | "NESTED_DISAGREEMENT"
    | "IMPLAUSIBLE_CORRECTION"
    | "HORIZON_PRECISION"
    | "ABSURD_MAGNITUDE"
    | "SINGULAR_FIXED_POINT"
    | "DEGENERATE_EXTRAPOLATION"
    | "DEFECTIVE_MODES"
    | "CONSTANT_TRAJECTORY"
    | "ZERO_TRAJECTORY"
    | "NO_HELD_OUT_TEST"
    // A diagnostic (the singular values) beyond float64 in the caller's units: reported as
    // Infinity; the estimate itself is unaffected.
    | "DIAGNOSTIC_OVERFLOW";
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

/** Options of `estimateGlobal` and `GlocalEstimator`: delay, rank rule, method, horizon, tolerance, held-out rows, trust thresholds. */
export interface EstimateOptions {
  /** Delay d of the Hankel embedding (≥ 1), or "auto". Default: defaultDelay(m, q). */
  delay?: number | "auto";
  /** Rank rule (tagged), or "full" | "svht" | "auto". Default full (numerical rank). */
  rank?: RankRule | "full" | "svht" | "auto";
  /** Estimator; "auto" picks by held-out prediction error. Default: DEFAULT_METHOD. */
  method?: Method | "auto";
  /** Training length T in rows from the window start (method "horizon"; T > m). */
  horizon?: number;
  /** τ: eigenvalues with |λ − 1| ≤ τ count as the constant mode (limit). Default 0.01. */
  tolerance?: number;
  /** horizon: move eigenvalues with |λ| > 1 onto the unit circle ("clamp", default) or drop them ("drop", comparison only). */
  unstable?: "clamp" | "drop";
  /** Newest rows held out for the prediction test (0 disables it). Default ⌈m/5⌉. */
  heldOut?: number;
  /** Trust thresholds (see TrustThresholds). */
  trust?: Partial<TrustThresholds>;
  /**
   * Fit the DMD for its diagnostics (eigenvalues, singular values, residual) also when the
   * method does not need it (affine, rre, mpe). Default true; the optimisation driver turns
   * it off, since it reads only the estimate and its trust.
   */
  dmdDiagnostics?: boolean;
}

/** One configuration `auto` tried, with its held-out prediction error. */
export interface AutoCandidate {
  method: Method;
  delay: number;
  rank: string;
  /** Held-out relative prediction error (Infinity when the candidate failed). */
  error: number;
}

/** Diagnostics returned with every estimate: modes, ranks, singular values, residual, held-out error, trust and warnings. */
export interface EstimateDiagnostics {
  /** Modes summed into the estimate (limit: |λ−1| ≤ τ; horizon: all kept); [] for affine/rre/mpe. */
  keptModes: number[];
  /** Rank used (the DMD's; rre/mpe report their own truncation rank in `methodRank`). */
  rank: number;
  methodRank: number;
  rankRule: string;
  /** Singular values of X (all of them). */
  singularValues: Float64Array;
  /** Relative fit residual ‖Y − K X‖ / ‖Y‖ of the DMD (null when the DMD was not fitted: `dmdDiagnostics: false`). */
  residual: number | null;
  /** Relative error of the method's prediction of the held-out newest rows (null if not run). */
  heldOutError: number | null;
  heldOutRows: number;
  /** The refit's forecast error over that of holding its newest row (null if not run; trust.forecastRatio). */
  forecastRatio: number | null;
  /** ‖estimate − refit's estimate‖ over ‖estimate − h_m‖ (null if not run; trust.nestedChange). */
  nestedChange: number | null;
  /** ‖estimate − h_m‖ over how far the window moved over the held-out rows (null if not run; trust.correction). */
  correctionRatio: number | null;
  /** Time constant (rows) of the slowest mode of the estimate's model: the DMD's non-constant modes (limit, horizon), the affine map's, or rre/mpe's recurrence (null if none). */
  slowestTimeConstant: number | null;
  trusted: boolean;
  /** The codes of the fatal warnings: why the estimate is not trusted ([] when it is). */
  untrustedBecause: EstimateWarning["code"][];
  warnings: EstimateWarning[];
  /** h_m, the truncated hypergradient the driver falls back to. */
  truncated: Float64Array;
  /** The search `auto` ran, best first (present when anything was "auto"). */
  auto?: AutoCandidate[];
}

/** The estimate of the global hypergradient, what produced it, whether to trust it, and its diagnostics. */
export interface GlobalEstimate {
  /** The estimate of the global hypergradient (q numbers). */
  estimate: Float64Array;
  method: Method;
  delay: number;
  /** Rank used by the DMD fit. */
  rank: number;
  /** What the estimate targets: the T → ∞ limit or h_T. */
  target: "limit" | "horizon";
  horizon: number | null;
  trusted: boolean;
  eigenvalues: { re: Float64Array; im: Float64Array };
  diagnostics: EstimateDiagnostics;
}

/** Thresholds of the trust test (each has a documented default). */
export interface TrustThresholds {
  /** Largest acceptable held-out relative prediction error (default 0.5). */
  heldOutError: number;
  /** Largest acceptable ratio of the refit's forecast error to holding its newest row (default 0.1). */
  forecastRatio: number;
  /** Largest acceptable ‖estimate − refit's estimate‖ / ‖estimate − h_m‖ (default 0.1). */
  nestedChange: number;
  /** Largest acceptable ‖estimate − h_m‖ / ‖h_m − h_{m−p}‖ (p held-out rows; default 10). */
  correction: number;
  /** Denominators of the two ratios above are at least `floor` × ‖h_m‖ (default 1e-3). */
  floor: number;
  /** Largest acceptable ‖estimate‖ / max_t ‖h_t‖ (default 10). */
  magnitude: number;
  /** A mode's weight ‖Φᵢ bᵢ‖ counts when above this fraction of ‖g_N‖ (default 1e-3). */
  modeWeight: number;
}
