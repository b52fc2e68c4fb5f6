/**
 * The benchmark's cases and how each turns into a trajectory: from θ₀, train t₀ plain steps
 * (the window start), reset the tangent, then record h_t for t = 1 … T. The windows h_1 … h_m
 * (m ∈ windows) are prefixes of that record; the true global hypergradient is h_T from the same
 * window start, T = 2000 (the design's "T large"). The settling time of h_t is read off the same
 * record: the last t with ‖h_t − h_T‖ > 2 % of ‖h_T‖ (the usual 2 % band).
 */
import { InnerTraining, optimizers } from "../../src/index";
import type { HyperName, OptimizerSpec, Problem } from "../../src/index";
import type { ProblemName } from "./data";

/** The inner optimisers compared. */
export type InnerOptimizer = "GD" | "heavy ball" | "Adam";

/** One training run whose windows are scored. */
export interface AccuracyCase {
  id: string;
  problem: ProblemName;
  optimizer: InnerOptimizer;
  wd: number;
  /** Mini-batch size, or null for full batch. */
  batch: number | null;
  /** Plain steps before the window starts. */
  start: number;
}

/** Full batch and one mini-batch size; window starts at θ₀ and after 200 steps. */
const BATCHES: Array<number | null> = [null, 50];
const STARTS = [0, 200];
const WDS = [0.01, 0.03, 0.1];
const OPTIMIZERS: InnerOptimizer[] = ["GD", "heavy ball", "Adam"];
/** One weight per training example: the first 40 (q = 40), full-batch GD. */
export const WEIGHTED_EXAMPLES = 40;

/** The case list (`quick`: logistic regression only, one weight decay, one start). */
export function accuracyCases(quick: boolean): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const names: ProblemName[] = quick ? ["logistic"] : ["logistic", "softmax", "mlp"];
  for (const problem of names)
    for (const optimizer of OPTIMIZERS)
      for (const wd of quick ? [0.1] : WDS)
        for (const batch of BATCHES)
          for (const start of quick ? [0] : STARTS) out.push(makeCase(problem, optimizer, wd, batch, start));
  for (const wd of quick ? [0.03] : WDS) out.push(makeCase("weights", "GD", wd, null, 0));
  return out;
}

function makeCase(
  problem: ProblemName,
  optimizer: InnerOptimizer,
  wd: number,
  batch: number | null,
  start: number,
): AccuracyCase {
  const id = `${problem} ${optimizer} wd=${wd} ${batch === null ? "full" : `batch ${batch}`} t0=${start}`;
  return { id, problem, optimizer, wd, batch, start };
}

/** The inner optimiser and the hyperparameters φ differentiated (in natural units: log lr, …). */
export function caseTraining(c: AccuracyCase): { spec: OptimizerSpec; hyper: HyperName[] } {
  const lr = c.problem === "mlp" ? 0.5 : 1;
  if (c.problem === "weights") return { spec: optimizers.sgd({ lr, wd: c.wd }), hyper: ["weights"] };
  switch (c.optimizer) {
    case "GD":
      return { spec: optimizers.sgd({ lr, wd: c.wd }), hyper: ["lr", "wd"] };
    case "heavy ball":
      // The same effective step lr/(1 − μ) as GD.
      return { spec: optimizers.momentum({ lr: lr / 10, wd: c.wd, momentum: 0.9 }), hyper: ["lr", "wd", "momentum"] };
    case "Adam":
      return { spec: optimizers.adam({ lr: 0.01, wd: c.wd }), hyper: ["lr", "wd"] };
  }
}

/** What one run records: the window rows, h_T and the settling time. */
export interface RecordedCase {
  /** h_1 … h_maxRows. */
  rows: Float64Array[];
  /** h_T, the true global hypergradient. */
  truth: Float64Array;
  /** Last t ≤ T with ‖h_t − h_T‖ > 2 % ‖h_T‖ (t read every row up to maxRows, then every `every` rows). */
  settle: number;
}

/** The settling time of a record of (t, h_t) against h_T: 2 % band. */
export function settlingTime(record: Array<[number, ArrayLike<number>]>, truth: ArrayLike<number>): number {
  let tn = 0;
  for (let i = 0; i < truth.length; i++) tn += truth[i] ** 2;
  const band = 0.02 * Math.sqrt(tn);
  let last = 0;
  for (const [t, h] of record) {
    let d = 0;
    for (let i = 0; i < truth.length; i++) d += (h[i] - truth[i]) ** 2;
    if (Math.sqrt(d) > band) last = t;
  }
  return last;
}

/** Runs one case: t₀ plain steps, then T steps with the tangent, h_t recorded where read. */
export function recordTrajectory(problem: Problem, c: AccuracyCase, T: number, maxRows: number): RecordedCase {
  const { spec, hyper } = caseTraining(c);
  const every = 10;
  const run = new InnerTraining(problem, spec, {
    hyper,
    batchSize: c.batch ?? undefined,
    seed: 11,
    ...(c.problem === "weights"
      ? { weights: { indices: Array.from({ length: WEIGHTED_EXAMPLES }, (_, i) => i), initial: 0.5 } }
      : {}),
  });
  try {
    if (c.start > 0) run.step(c.start, { tangent: false });
    run.resetTangent();
    const rows: Float64Array[] = [];
    const record: Array<[number, Float64Array]> = [];
    for (let t = 1; t <= T; t++) {
      run.step(1);
      // A validation gradient only where something reads h_t.
      if (t <= maxRows || t % every === 0 || t === T) {
        const h = run.hypergradient();
        if (t <= maxRows) rows.push(h);
        record.push([t, h]);
      }
    }
    const truth = record[record.length - 1][1];
    return { rows, truth, settle: settlingTime(record, truth) };
  } finally {
    run.dispose();
  }
}
