/**
 * The data behind the SVG report of `glocal demo`: plain JSON-able objects, so the demo can
 * save them next to the picture and the renderer (`renderReportSvg`) stays a pure function.
 * Every number may be missing or non-finite in practice (diverged runs, skipped evaluations):
 * the renderer skips such values instead of failing.
 */

/** The hyperparameter path of one strategy, one point per recorded outer iteration. */
export interface StrategyPath {
  /** The six strategies get fixed colours; any other string works. */
  name: string;
  points: Array<{
    /** Inner steps so far (the x axis of the hyperparameter paths). */
    innerSteps: number;
    /** Training wall time so far, in milliseconds. */
    wallTimeMs: number;
    /** Hyperparameters in natural units (not log): learning rate, weight decay, momentum
     *  (null when the optimiser has none). */
    lr: number;
    wd: number;
    momentum: number | null;
    /** Validation loss when it was evaluated at this point, else null. */
    valLoss: number | null;
  }>;
}

/** One recorded hypergradient trajectory h_t, run for longer than the estimator's window. */
export interface TrajectoryPlot {
  /** The hyperparameter h_t belongs to, e.g. "log_wd". */
  hyperName: string;
  /** t (inner steps from the window start) of each recorded h_t. */
  steps: number[];
  /** h_t for the chosen hyperparameter, aligned with `steps`, over the long run. */
  values: number[];
  /** The window length m in steps: the estimator saw only t <= windowSteps. */
  windowSteps: number;
  /** The glocal extrapolation (drawn as a horizontal reference line). */
  estimate: number;
  /** The true global value (h at the end of the long run). */
  trueGlobal: number;
  /** h_m, the value at the window end (what the truncated strategy uses). */
  truncated: number;
  /** How the estimate was made, e.g. "affine, delay 8" (shown in the estimate's label). */
  method: string;
}

/** One row of the summary table (one strategy's final result). */
export interface SummaryRow {
  strategy: string;
  /** Final validation loss. */
  valLoss: number;
  /** Final validation accuracy as a fraction in [0, 1] (printed as a percentage), or null. */
  valAccuracy: number | null;
  /** Training wall time in milliseconds (printed in seconds). */
  wallTimeMs: number;
  innerSteps: number;
  /** Jacobian-vector products spent on hypergradients. */
  jvps: number;
  /** Validation-gradient evaluations (one per recorded hypergradient); absent in old reports. */
  valGradients?: number;
  /** Hypergradients where the estimator fell back (e.g. to the truncated value). */
  fallbacks: number;
  /** Hyperparameter updates made. */
  updates: number;
}

/** The final weight decay per input feature of each run (per-feature decay scenarios). */
export interface DecayPanel {
  /** Features 0 … real − 1 carry signal; the others are irrelevant noise. */
  real: number;
  /** One value per feature (natural units); a run with one decay repeats it. */
  series: Array<{ name: string; decays: number[] }>;
}

/** Everything `renderReportSvg` draws. */
export interface DemoReport {
  /** e.g. "glocal demo: softmax regression on MNIST". */
  title: string;
  /** The settings line (sizes, seed, budget). */
  subtitle: string;
  strategies: StrategyPath[];
  /** null when no trajectory was recorded (the panel then says so). */
  trajectory: TrajectoryPlot | null;
  summary: SummaryRow[];
  /** Short lines printed under the summary table. */
  notes?: string[];
  /** The learned per-feature decays (a panel of their own), when the scenario tunes them. */
  decays?: DecayPanel;
}
