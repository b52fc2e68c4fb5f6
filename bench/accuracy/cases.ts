/**
 * The benchmark's cases and how each turns into trajectories: from θ₀, train t₀ plain
 * steps (the window start), reset the tangent, then record h_t for t = 1 … T. The windows
 * h_1 … h_m (m ∈ ms) are prefixes of that record and the true global hypergradient is h_T,
 * from the same window start (DESIGN §1.3: T long enough that training has converged).
 */
import { InnerTraining, optimizers } from "../../src/index";
import type { Problem } from "../../src/index";
import { ProblemName } from "./data";

export interface AccuracyCase {
  id: string;
  problem: ProblemName;
  lr: number;
  wd: number;
  /** Mini-batch size, or null for full-batch gradient descent. */
  batch: number | null;
  /** Plain steps before the window starts. */
  start: number;
}

export function accuracyCases(quick: boolean): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const problemsList: ProblemName[] = quick ? ["logistic"] : ["logistic", "softmax"];
  const settings: Array<[number, number]> = quick
    ? [[1, 0.03]]
    : [
        [1, 0.03],
        [0.5, 0.05],
      ];
  const batches: Array<number | null> = quick ? [null, 50] : [null, 50];
  const starts = quick ? [0] : [0, 50, 150];
  for (const problem of problemsList) {
    for (const [lr, wd] of settings) {
      for (const batch of batches) {
        for (const start of starts) {
          out.push({
            id: `${problem} lr=${lr} wd=${wd} ${batch === null ? "GD" : `SGD/${batch}`} t0=${start}`,
            problem,
            lr,
            wd,
            batch,
            start,
          });
        }
      }
    }
  }
  return out;
}

/** h_1 … h_T (T × 2: d/d log lr, d/d log wd) of one case. */
export function recordTrajectory(
  problem: Problem,
  c: AccuracyCase,
  T: number,
): { rows: Float64Array[]; converged: number } {
  const run = new InnerTraining(problem, optimizers.sgd({ lr: c.lr, wd: c.wd }), {
    hyper: ["lr", "wd"],
    batchSize: c.batch ?? undefined,
    seed: 11,
  });
  try {
    if (c.start > 0) run.step(c.start, { tangent: false });
    run.resetTangent();
    const rows: Float64Array[] = [];
    for (let t = 1; t <= T; t++) {
      run.step(1);
      rows.push(run.hypergradient());
    }
    // How settled h is at T: ‖h_T − h_{T/2}‖ / ‖h_T‖.
    const a = rows[T - 1],
      b = rows[Math.floor(T / 2) - 1];
    const converged = Math.hypot(a[0] - b[0], a[1] - b[1]) / Math.hypot(a[0], a[1]);
    return { rows, converged };
  } finally {
    run.dispose();
  }
}
