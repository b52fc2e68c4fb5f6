/**
 * How accurate glocal's estimate is in the per-feature scenario, and what the trust test
 * says about it. At a few points of a training run (φ fixed at its start), a window of
 * m = 50 steps is recorded from a zero tangent; its estimates (affine and rre at d = 1,
 * affine at d = 2, limit at d = 2) and h_m are compared with the hypergradient after
 * 20 000 steps from the window start, the converged limit the estimates aim at (its
 * change from 5 000 to 20 000 steps is reported as the limit's own accuracy).
 */
import { InnerTraining, datasets, estimateGlobal, optimizers, problems } from "../../src/index";
import type { EstimateOptions } from "../../src/index";
import { relErr } from "../accuracy/score";

/** One estimator on one window, against the converged limit. */
export interface AccuracyRow {
  position: number;
  estimator: string;
  /** ‖x − h_∞‖ / ‖h_∞‖. */
  error: number;
  /** ‖x‖ / ‖h_m‖. */
  sizeToHm: number;
  trusted: boolean | null;
  warnings: string[];
  /** Slowest time constant the trust test found (rows), when it reported one. */
  slowest: number | null;
}

const M = 50;
const LONG = 20000;

const rel = relErr;
const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));

const ESTIMATORS: Array<[string, EstimateOptions]> = [
  ["affine d=1", { method: "affine", delay: 1 }],
  ["affine d=2", { method: "affine", delay: 2 }],
  ["rre d=1", { method: "rre", delay: 1 }],
  ["limit d=2", { method: "limit", delay: 2 }],
];

/** Windows at `positions` of a run of the scenario (seed), each estimator against the limit. */
export function estimateAccuracy(seed: number, positions: number[]): { rows: AccuracyRow[]; limitChange: number[] } {
  const d = datasets.perFeature({ seed });
  const problem = problems.logistic(d, { decay: "weights" });
  const opt = optimizers.sgd({ lr: 0.5, wd: 1e-3 });
  const base = new InnerTraining(problem, opt, { hyper: [] });
  const rows: AccuracyRow[] = [];
  const limitChange: number[] = [];
  try {
    let at = 0;
    for (const position of positions) {
      base.step(position - at, { tangent: false });
      at = position;
      const s = new InnerTraining(problem, opt, { hyper: ["featureWd"], state: base.state() });
      const q = s.q;
      const traj = { rows: M, cols: q, data: new Float64Array(M * q) };
      for (let t = 0; t < M; t++) {
        s.step(1);
        traj.data.set(s.hypergradient(), t * q);
      }
      const hm = traj.data.slice((M - 1) * q);
      s.step(5000 - M);
      const h5000 = s.hypergradient();
      s.step(LONG - 5000);
      const truth = s.hypergradient();
      s.dispose();
      limitChange.push(rel(h5000, truth));
      rows.push({
        position,
        estimator: "h_m",
        error: rel(hm, truth),
        sizeToHm: 1,
        trusted: null,
        warnings: [],
        slowest: null,
      });
      for (const [label, o] of ESTIMATORS) {
        const r = estimateGlobal(traj, o);
        const slow = r.diagnostics.warnings.find((w) => w.code === "SLOW_MODE");
        const m = slow ? /\(([\d.e+]+|Infinity) rows\)/.exec(slow.message) : null;
        rows.push({
          position,
          estimator: label,
          error: rel(r.estimate, truth),
          sizeToHm: norm(r.estimate) / norm(hm),
          trusted: r.trusted,
          warnings: r.diagnostics.warnings.map((w) => w.code),
          slowest: m ? Number(m[1]) : null,
        });
      }
    }
  } finally {
    base.dispose();
    problem.dispose();
  }
  return { rows, limitChange };
}

/** The accuracy rows as a markdown table. */
export function accuracyMarkdown(seed: number, r: { rows: AccuracyRow[]; limitChange: number[] }): string {
  let md = `Estimate accuracy in the scenario (seed ${seed}, φ at its start: every decay 1e-3; window m = ${M} from a zero tangent at the given step; error against h after ${LONG} steps, which moves by ${r.limitChange.map((x) => x.toExponential(1)).join(", ")} relative from step 5 000 on):\n\n`;
  md += `| window at | estimator | error | size / ‖h_m‖ | trusted | warnings (slowest time constant, rows) |\n|---:|---|---:|---:|---|---|\n`;
  for (const x of r.rows) {
    const w = x.warnings.join(", ") + (x.slowest !== null ? ` (${x.slowest})` : "");
    md += `| ${x.position} | ${x.estimator} | ${x.error.toFixed(3)} | ${x.sizeToHm.toFixed(1)} | ${x.trusted === null ? "" : x.trusted ? "yes" : "no"} | ${w || "—"} |\n`;
  }
  return md;
}
