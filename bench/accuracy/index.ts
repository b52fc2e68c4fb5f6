/**
 * Accuracy benchmark of the glocal estimate (issue: the estimator; DESIGN §1.3 step 4, §4):
 * for real problems, each method's relative error and cosine against the true global
 * hypergradient, beside the truncated h_m, for m ∈ {50, 100, 200} and several delays.
 * The library's default method is chosen from this table.
 */
import * as fs from "fs";
import { estimateGlobal } from "../../src/index";
import type { EstimateOptions, Method } from "../../src/index";
import { backendInfo } from "../../src/core/load";
import { AccuracyCase, accuracyCases, recordTrajectory } from "./cases";
import { ProblemName, makeProblem } from "./data";

export interface AccuracyOptions {
  quick: boolean;
  json?: string;
  markdown?: string;
  log: (s: string) => void;
}

/** What is scored: the truncated h_m, each method at each delay, and auto. */
type Estimator = { label: string; method: Method | "auto" | "truncated"; delay: number | "auto" };

interface Score {
  case: string;
  problem: ProblemName;
  batch: number | null;
  m: number;
  estimator: string;
  relErr: number;
  cosine: number;
  /** Relative error against the time average of h_t over [T/2, T] (SGD's stationary mean). */
  relErrMean: number;
  trusted: boolean;
}

const METHODS: Method[] = ["limit", "horizon", "affine", "rre", "mpe"];

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0,
    d = 0;
  for (let i = 0; i < b.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / d);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < b.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function median(v: number[]): number {
  const s = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

function scoreCase(c: AccuracyCase, rows: Float64Array[], T: number, ms: number[], delays: number[]): Score[] {
  const truth = rows[T - 1];
  // Under SGD h_T is one draw of a fluctuating quantity; its time average over the second
  // half of the run estimates the stationary mean, a target without the last step's noise.
  const mean = new Float64Array(truth.length);
  for (let t = Math.floor(T / 2); t < T; t++)
    for (let i = 0; i < mean.length; i++) mean[i] += rows[t][i] / (T - Math.floor(T / 2));
  const out: Score[] = [];
  const estimators: Estimator[] = [{ label: "truncated h_m", method: "truncated", delay: 1 }];
  for (const method of METHODS)
    for (const d of delays) estimators.push({ label: `${method} d=${d}`, method, delay: d });
  estimators.push({ label: "auto", method: "auto", delay: "auto" });
  for (const m of ms) {
    const window = rows.slice(0, m).map((r) => Array.from(r));
    for (const e of estimators) {
      let est: ArrayLike<number>;
      let trusted = true;
      if (e.method === "truncated") est = rows[m - 1];
      else {
        const options: EstimateOptions = { method: e.method, delay: e.delay, horizon: T };
        if (e.method === "auto") options.rank = "auto";
        try {
          const r = estimateGlobal(window, options);
          est = r.estimate;
          trusted = r.trusted;
        } catch {
          continue; // the window is too short for this delay
        }
      }
      out.push({
        case: c.id,
        problem: c.problem,
        batch: c.batch,
        m,
        estimator: e.label,
        relErr: relErr(est, truth),
        cosine: cosine(est, truth),
        relErrMean: relErr(est, mean),
        trusted,
      });
    }
  }
  return out;
}

export interface AccuracySummary {
  m: number;
  estimator: string;
  medianRelErr: number;
  medianCosine: number;
  trustedFraction: number;
  /** Median error when falling back to h_m where the estimate is not trusted. */
  medianRelErrWithFallback: number;
  /** Median error against the time-averaged h over [T/2, T]. */
  medianRelErrMean: number;
  cases: number;
}

function summarise(scores: Score[], filter: (s: Score) => boolean): AccuracySummary[] {
  const groups = new Map<string, Score[]>();
  for (const s of scores.filter(filter)) {
    const key = `${s.m}|${s.estimator}`;
    (groups.get(key) ?? (groups.set(key, []).get(key) as Score[])).push(s);
  }
  const truncated = new Map<string, Score>();
  for (const s of scores) if (s.estimator === "truncated h_m") truncated.set(`${s.case}|${s.m}`, s);
  const out: AccuracySummary[] = [];
  for (const [key, list] of groups) {
    const [m, estimator] = key.split("|");
    const fallback = list.map((s) => (s.trusted ? s.relErr : (truncated.get(`${s.case}|${s.m}`) as Score).relErr));
    out.push({
      m: Number(m),
      estimator,
      cases: list.length,
      medianRelErr: median(list.map((s) => s.relErr)),
      medianCosine: median(list.map((s) => s.cosine)),
      trustedFraction: list.filter((s) => s.trusted).length / list.length,
      medianRelErrWithFallback: median(fallback),
      medianRelErrMean: median(list.map((s) => s.relErrMean)),
    });
  }
  return out;
}

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toExponential(1) : v.toPrecision(2)) : "—");

function table(
  summary: AccuracySummary[],
  ms: number[],
  estimators: string[],
  pick: (s: AccuracySummary) => string,
): string {
  const head = `| estimator | ${ms.map((m) => `m = ${m}`).join(" | ")} |\n| :--- | ${ms.map(() => "---:").join(" | ")} |\n`;
  const body = estimators
    .map(
      (e) =>
        `| ${e} | ${ms
          .map((m) => {
            const s = summary.find((x) => x.m === m && x.estimator === e);
            return s ? pick(s) : "—";
          })
          .join(" | ")} |`,
    )
    .join("\n");
  return head + body + "\n";
}

export async function runAccuracyBench(o: AccuracyOptions): Promise<{ markdown: string; json: object }> {
  const T = o.quick ? 400 : 1000;
  const ms = o.quick ? [50, 100] : [50, 100, 200];
  const delays = o.quick ? [2, 8] : [2, 4, 8, 16];
  const cases = accuracyCases(o.quick);
  const t0 = Date.now();
  o.log(
    `accuracy benchmark: ${cases.length} cases, T = ${T}, m ∈ {${ms.join(", ")}}, delays {${delays.join(", ")}}, wasm ${backendInfo().wasm}\n`,
  );
  const scores: Score[] = [];
  const convergence: Array<{ case: string; converged: number }> = [];
  const problems = new Map<ProblemName, ReturnType<typeof makeProblem>>();
  try {
    for (const c of cases) {
      if (!problems.has(c.problem)) problems.set(c.problem, makeProblem(c.problem, 1));
      const { rows, converged } = recordTrajectory(problems.get(c.problem) as ReturnType<typeof makeProblem>, c, T);
      convergence.push({ case: c.id, converged });
      scores.push(...scoreCase(c, rows, T, ms, delays));
      o.log(`  ${c.id}: ‖h_T − h_T/2‖/‖h_T‖ = ${converged.toExponential(1)}\n`);
    }
  } finally {
    for (const p of problems.values()) p.dispose();
  }
  const estimators = ["truncated h_m", ...METHODS.flatMap((m) => delays.map((d) => `${m} d=${d}`)), "auto"];
  const all = summarise(scores, () => true);
  const byRegime = (name: string, f: (s: Score) => boolean) => ({ name, summary: summarise(scores, f) });
  const regimes = [
    byRegime("full-batch GD", (s) => s.batch === null),
    byRegime("SGD (batch 50)", (s) => s.batch !== null),
    byRegime("logistic", (s) => s.problem === "logistic"),
    byRegime("softmax", (s) => s.problem === "softmax"),
  ];
  let md =
    `## Accuracy of the glocal estimate\n\n${cases.length} cases (${[...new Set(cases.map((c) => c.problem))].join(", ")} regression on MNIST digits; full-batch GD and SGD; ` +
    `window starts t₀ ∈ {${[...new Set(cases.map((c) => c.start))].join(", ")}}), true global hypergradient h_T with T = ${T} from the window start; ` +
    `φ = (log lr, log wd). Rank rule: numerical rank; auto = method, delay and rank chosen by held-out error.\n\n`;
  md += `### Median relative error ‖ĥ − h_T‖ / ‖h_T‖ (all cases)\n\n${table(all, ms, estimators, (s) => fmt(s.medianRelErr))}\n`;
  md += `### Median cosine with h_T (all cases)\n\n${table(all, ms, estimators, (s) => s.medianCosine.toFixed(4))}\n`;
  md += `### Fraction of estimates trusted, and median error with the driver's fallback to h_m where not trusted\n\n${table(all, ms, estimators, (s) => `${(100 * s.trustedFraction).toFixed(0)} % / ${fmt(s.medianRelErrWithFallback)}`)}\n`;
  for (const r of regimes)
    md += `### Median relative error: ${r.name}\n\n${table(r.summary, ms, estimators, (s) => fmt(s.medianRelErr))}\n`;
  md += `### Median relative error: SGD (batch 50) against the time-averaged h over [T/2, T]\n\n${table(
    summarise(scores, (s) => s.batch !== null),
    ms,
    estimators,
    (s) => fmt(s.medianRelErrMean),
  )}\n`;
  md += `Convergence at T (‖h_T − h_{T/2}‖ / ‖h_T‖), median ${fmt(median(convergence.map((c) => c.converged)))}, worst ${fmt(Math.max(...convergence.map((c) => c.converged)))}.\n`;
  md += `\nElapsed ${((Date.now() - t0) / 1000).toFixed(0)} s.\n`;
  o.log("\n" + md);
  const json = { T, ms, delays, cases, convergence, summary: all, regimes, scores };
  if (o.markdown) fs.writeFileSync(o.markdown, md);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(json, null, 1));
  return { markdown: md, json };
}
