/**
 * The regime study (`npm run bench:regimes`): where, if anywhere, does glocal pay? For each
 * regime of cases.ts, the final validation loss at equal cost of local, truncated, glocal
 * (both targets) and random search, beside no tuning:
 * - local (update every s steps), truncated (window s) and glocal (window m, a validation
 *   gradient every s steps) all take T inner steps and V = T/s validation gradients;
 *   truncated with glocal's window m (fewer validation gradients) is shown for reference;
 * - random search gets the same cost counted in examples (a validation gradient over n_val
 *   examples = n_val/B inner steps): ≥ 4 trials of up to T steps, then the final model
 *   trained T steps with the best φ;
 * - each hypergradient strategy at its best Adam meta step of META_GRID.
 * Then the validation-subsample measurement (subsample.ts) on the demo's problem.
 */
import { benchPool } from "../pool";
import { datasets, hypergradientTrajectory, optimize, optimizers, problems } from "../../src/index";
import type { OptimizeOptions, OptimizeResult, OptimizerSpec, Problem } from "../../src/index";
import { BUDGET, META_GRID, PROBLEM, RANDOM_TRIALS, REGIMES, Regime } from "./cases";
import { SubsampleResult, runSubsampleStudy, subsampleMarkdown } from "./subsample";

/** One regime as a worker receives it: its place in the suite's list. */
export interface RegimeTask {
  quick: boolean;
  index: number;
}

export const REGIME_TASK = "regimes.regime";

const sizes = (quick: boolean) => ({
  seeds: quick ? [1] : [1, 2, 3],
  grid: quick ? [0.1, 0.3] : META_GRID,
  regimes: quick ? REGIMES.slice(0, 2) : REGIMES,
});

/** A worker's regime: every seed and variant of it, the log line returned with the result. */
export async function regimeTask(t: RegimeTask): Promise<{ result: RegimeResult; line: string }> {
  const { seeds, grid, regimes } = sizes(t.quick);
  let line = "";
  const r = await runRegime(regimes[t.index], seeds, grid, (s) => (line += s));
  return { result: r.result, line };
}

export interface RegimesOptions {
  quick: boolean;
  log: (s: string) => void;
  /** Worker threads that run the regimes side by side; 1: one after another here. */
  workers?: number;
}

/** The compared variants; `meta` ones are run at every meta step of the grid. */
const VARIANTS = [
  "none",
  "random",
  "local",
  "truncated",
  "truncated (window m)",
  "glocal (limit)",
  "glocal (remaining)",
] as const;
type Variant = (typeof VARIANTS)[number];
const HYPERGRADIENT: Variant[] = ["local", "truncated", "truncated (window m)", "glocal (limit)", "glocal (remaining)"];

interface Cell {
  /** Final validation loss per seed at the chosen meta step. */
  losses: number[];
  metaLr: number | null;
  innerSteps: number;
  valGradients: number;
  jvps: number;
  fallbacks: string | null;
}

interface RegimeResult {
  id: string;
  axis: Regime["axis"];
  window: number;
  batch: number;
  /** Steps until h_t stays within 10 % of its late mean, from θ₀ at the start (per seed). */
  settle: number[];
  cells: Record<Variant, Cell>;
  /** Per seed: glocal's better target against the better of truncated and local (ratio − 1). */
  glocalVsBest: number[];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** A signed percentage with one decimal; a change that rounds to zero prints as "0.0 %". */
const pct = (x: number) => {
  const t = (100 * x).toFixed(1);
  return Number(t) === 0 ? "0.0 %" : `${x > 0 ? "+" : ""}${t} %`;
};

/** The start's optimiser with other natural values (random search's best trial). */
function withValues(spec: OptimizerSpec, h: { lr: number; wd: number; momentum: number | null }): OptimizerSpec {
  if (spec.kind === "sgd") return optimizers.sgd({ lr: h.lr, wd: h.wd });
  if (spec.kind === "adam") return optimizers.adam({ lr: h.lr, wd: h.wd, beta1: h.momentum ?? spec.beta1 });
  return optimizers.momentum({ lr: h.lr, wd: h.wd, momentum: h.momentum ?? spec.momentum });
}

/** Steps until ‖h_t − h̄‖ ≤ 0.1 ‖h̄‖ for good, h̄ the mean of h_t over the last quarter of 2T steps. */
function settlingTime(problem: Problem, r: Regime, batch: number, seed: number): number {
  const steps = 2 * BUDGET.T;
  const { trajectory } = hypergradientTrajectory(problem, r.optimizer, {
    steps,
    hyper: r.hyper,
    batchSize: batch,
    seed,
  });
  const q = trajectory.cols,
    d = trajectory.data;
  const ref = new Float64Array(q);
  const from = Math.floor((3 * steps) / 4);
  for (let t = from; t < steps; t++) for (let j = 0; j < q; j++) ref[j] += d[t * q + j] / (steps - from);
  const norm = Math.hypot(...ref);
  for (let t = steps - 1; t >= 0; t--) {
    let e = 0;
    for (let j = 0; j < q; j++) e += (d[t * q + j] - ref[j]) ** 2;
    if (Math.sqrt(e) > 0.1 * norm) return t + 2;
  }
  return 1;
}

/** The optimize() options of one hypergradient variant. */
function variantOptions(v: Variant, r: Regime): Partial<OptimizeOptions> {
  const s = BUDGET.stride;
  switch (v) {
    case "local":
      return { strategy: "local", window: s };
    case "truncated":
      return { strategy: "truncated", window: s };
    case "truncated (window m)":
      return { strategy: "truncated", window: r.window };
    case "glocal (limit)":
      return { strategy: "glocal", window: r.window, glocal: { stride: s } };
    case "glocal (remaining)":
      return { strategy: "glocal", window: r.window, glocal: { stride: s, target: "remaining" } };
    default:
      throw new Error(`not a hypergradient variant: ${v}`);
  }
}

async function runRegime(r: Regime, seeds: number[], grid: readonly number[], log: (s: string) => void) {
  const T = BUDGET.T;
  const batch = r.batch === "full" ? PROBLEM.train : r.batch;
  // variant → meta step → per-seed results
  const runs = new Map<string, OptimizeResult[]>();
  const key = (v: Variant, lr: number | null) => `${v}@${lr}`;
  const push = (v: Variant, lr: number | null, res: OptimizeResult) => {
    const k = key(v, lr);
    if (!runs.has(k)) runs.set(k, []);
    (runs.get(k) as OptimizeResult[]).push(res);
  };
  const settle: number[] = [];
  const randomCost: number[] = [];
  for (const seed of seeds) {
    const data = datasets.synthetic({ kind: "binary", ...PROBLEM, seed });
    const problem = problems.logistic(data, { seed });
    try {
      settle.push(settlingTime(problem, r, batch, seed));
      const common: OptimizeOptions = {
        problem,
        optimizer: r.optimizer,
        hyper: r.hyper,
        strategy: "none",
        innerSteps: T,
        window: r.window,
        batchSize: batch,
        seed,
        evalEvery: 10 * T,
      };
      push("none", null, optimize(common));
      // Random search at equal cost: the validation gradients' examples as inner steps.
      const extra = Math.round(((T / BUDGET.stride) * PROBLEM.val) / batch);
      const trials = Math.max(RANDOM_TRIALS, Math.floor(extra / T));
      const length = Math.max(1, Math.min(T, Math.floor(extra / trials)));
      const search = optimize({
        ...common,
        strategy: "random",
        innerSteps: length,
        outerSteps: trials,
        window: Math.min(length, r.window),
      });
      const final = optimize({ ...common, optimizer: withValues(r.optimizer, search.final.hyper) });
      push("random", null, {
        ...final,
        counts: { ...final.counts, innerSteps: final.counts.innerSteps + search.counts.innerSteps },
      });
      randomCost.push(search.counts.innerSteps);
      for (const v of HYPERGRADIENT) {
        for (const lr of grid) {
          push(v, lr, optimize({ ...common, ...variantOptions(v, r), metaOptimizer: { kind: "adam", lr } }));
        }
      }
    } finally {
      problem.dispose();
    }
  }
  const cells = {} as Record<Variant, Cell>;
  for (const v of VARIANTS) {
    const steps = HYPERGRADIENT.includes(v) ? grid : [null];
    let best: { lr: number | null; res: OptimizeResult[] } | null = null;
    for (const lr of steps) {
      const res = runs.get(key(v, lr)) as OptimizeResult[];
      if (!best || mean(res.map((x) => x.final.valLoss)) < mean(best.res.map((x) => x.final.valLoss)))
        best = { lr, res };
    }
    const b = best as { lr: number | null; res: OptimizeResult[] };
    cells[v] = {
      losses: b.res.map((x) => x.final.valLoss),
      metaLr: b.lr,
      innerSteps: mean(b.res.map((x) => x.counts.innerSteps)),
      valGradients: mean(b.res.map((x) => x.counts.valGradients)),
      jvps: mean(b.res.map((x) => x.counts.jvps)),
      fallbacks: v.startsWith("glocal")
        ? b.res.map((x) => `${x.counts.fallbacks}/${x.counts.updates}`).join(" ")
        : null,
    };
  }
  const glocalVsBest = seeds.map((_, i) => {
    const g = Math.min(cells["glocal (limit)"].losses[i], cells["glocal (remaining)"].losses[i]);
    const other = Math.min(cells.truncated.losses[i], cells.local.losses[i]);
    return g / other - 1;
  });
  const out: RegimeResult = { id: r.id, axis: r.axis, window: r.window, batch, settle, cells, glocalVsBest };
  log(
    `  ${r.id.padEnd(48)} none ${mean(cells.none.losses).toFixed(4)}  local ${mean(cells.local.losses).toFixed(4)}  truncated ${mean(cells.truncated.losses).toFixed(4)}  glocal ${mean(cells["glocal (limit)"].losses).toFixed(4)}/${mean(cells["glocal (remaining)"].losses).toFixed(4)}  random ${mean(cells.random.losses).toFixed(4)}\n`,
  );
  return { result: out, randomCost: mean(randomCost) };
}

/** A settling time, or "> 2T" when h_t never stayed within 10 % (noise, or slower than 2T). */
function settleText(t: number): string {
  return t >= 0.95 * 2 * BUDGET.T ? `> ${2 * BUDGET.T}` : String(t);
}

function regimesMarkdown(results: RegimeResult[], seeds: number[], grid: readonly number[], elapsedS: number): string {
  const T = BUDGET.T,
    s = BUDGET.stride;
  let md = `## Regime study: where glocal pays, at equal cost\n\n`;
  md += `Binary logistic regression on synthetic data (${PROBLEM.features} Gaussian features, ${PROBLEM.train} training examples with label noise ${PROBLEM.noise}, ${PROBLEM.val} validation examples), φ = log lr, log wd (and logit momentum for heavy ball), starting from weight decay 0.01, ${seeds.length} seeds (data, θ₀, batches). Every final model trains T = ${T} steps. Equal cost: local (every ${s} steps), truncated (window ${s}) and glocal (window m, a validation gradient every ${s} steps) each take T inner steps and V = ${T / s} validation gradients; truncated with glocal's window m is a cheaper reference (T/m validation gradients); random search gets the same cost counted in examples (V·n_val/B extra inner steps: ≥ ${RANDOM_TRIALS} trials of up to T steps, then the final model with the best φ). Each hypergradient strategy at its best Adam meta step of {${grid.join(", ")}} (in parentheses). Settling: steps from θ₀ until h_t stays within 10 % of its mean over steps ${1.5 * BUDGET.T}–${2 * BUDGET.T} (median over seeds; "> ${2 * BUDGET.T}": never, under mini-batch noise).\n\n`;
  md += `| regime | settling | none | random | local | truncated | truncated (window m) | glocal (limit) | glocal (remaining) | glocal vs best of truncated, local (mean; best seed) | seeds with glocal ≥ 1 % better |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
  const cell = (c: Cell) => `${mean(c.losses).toFixed(4)}${c.metaLr === null ? "" : ` (${c.metaLr})`}`;
  for (const r of results) {
    const wins = r.glocalVsBest.filter((x) => x <= -0.01).length;
    md += `| ${r.id} | ${settleText(median(r.settle))} | ${VARIANTS.map((v) => cell(r.cells[v])).join(" | ")} | ${pct(mean(r.glocalVsBest))}; ${pct(Math.min(...r.glocalVsBest))} | ${wins}/${r.glocalVsBest.length} |\n`;
  }
  const anyWin = results.filter((r) => r.glocalVsBest.every((x) => x <= -0.01));
  md += `\n${
    anyWin.length
      ? `glocal beats both truncated and local by ≥ 1 % on every seed in: ${anyWin.map((r) => r.id).join("; ")}.`
      : "No regime where glocal (either target) beats both truncated and local by ≥ 1 % on every seed at equal cost."
  }\n\n`;
  const base = results[0];
  md += `Cost per run in the base regime (means over seeds): ${VARIANTS.map((v) => `${v} ${base.cells[v].innerSteps} inner steps, ${base.cells[v].jvps} JVPs, ${base.cells[v].valGradients} validation gradients`).join("; ")}. glocal's fallbacks to h_m (per seed, limit target, base regime): ${base.cells["glocal (limit)"].fallbacks}.\n\nElapsed ${elapsedS.toFixed(0)} s.\n`;
  return md;
}

export async function runRegimesBench(o: RegimesOptions): Promise<{ markdown: string; json: object }> {
  const { seeds, grid, regimes } = sizes(o.quick);
  const started = Date.now();
  o.log(`regimes: ${regimes.length} regimes × ${seeds.length} seeds, meta steps {${grid.join(", ")}}\n`);
  const results: RegimeResult[] = [];
  if ((o.workers ?? 1) > 1) {
    const tasks = regimes.map((r, index) => ({
      label: `regime ${r.id}`,
      name: REGIME_TASK,
      input: { quick: o.quick, index } satisfies RegimeTask,
      cost: 1,
    }));
    for (const v of (await benchPool(tasks, o.workers as number)) as Array<{ result: RegimeResult; line: string }>) {
      results.push(v.result);
      o.log(v.line);
    }
  } else {
    for (const r of regimes) results.push((await runRegime(r, seeds, grid, o.log)).result);
  }
  const regimeSeconds = (Date.now() - started) / 1000;
  let md = regimesMarkdown(results, seeds, grid, regimeSeconds);
  o.log("\n" + md);
  const subsample: SubsampleResult = runSubsampleStudy({ quick: o.quick, log: o.log });
  const sub = subsampleMarkdown(subsample);
  o.log("\n" + sub);
  md += "\n" + sub;
  return {
    markdown: md,
    json: {
      problem: PROBLEM,
      budget: BUDGET,
      grid,
      seeds,
      regimes: results,
      subsample,
      elapsedS: (Date.now() - started) / 1000,
    },
  };
}
