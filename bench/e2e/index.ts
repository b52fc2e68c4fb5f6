/**
 * End-to-end benchmark: the demo's comparison repeated over several seeds — the baselines
 * none (no tuning) and random (random search at global's budget) beside global, local,
 * truncated and glocal with both targets. Per strategy: final validation loss (mean ± sd),
 * its change against none (mean and the worst seed), accuracy, CPU and wall time, and the
 * cost in inner steps, JVPs and validation gradients. Seeds change the data split, θ₀, the
 * mini-batch order and random search's draws.
 */
import { optimize } from "../../src/index";
import { demoOptimizeOptions, makeDemoData, makeDemoProblem, resolveDemoOptions, warmUp } from "../../src/app/demo/run";
import type { DemoSettings } from "../../src/app/demo/run";
import type { OptimizeOptions, Strategy } from "../../src/index";
import { threadCpuMs } from "../cpu";
import { strategyCost } from "../../src/app/demo/parallel";
import { benchPool } from "../pool";

export interface E2eOptions {
  quick: boolean;
  log: (s: string) => void;
  seeds?: number[];
  /** A demo scenario (default: the demo's default). */
  scenario?: string;
  /** Worker threads that run the (seed, strategy) cases side by side, longest first; 1: one after another here. */
  workers?: number;
}

/** One case of the benchmark, as a worker receives it. */
export interface E2eCase {
  quick: boolean;
  scenario?: string;
  seed: number;
  variant: string;
}

export const E2E_TASK = "e2e.case";

interface Variant {
  label: string;
  strategy: Strategy;
  patch?: (o: OptimizeOptions) => OptimizeOptions;
}

const VARIANTS: Variant[] = [
  { label: "none", strategy: "none" },
  { label: "random", strategy: "random" },
  { label: "global", strategy: "global" },
  { label: "local", strategy: "local" },
  { label: "truncated", strategy: "truncated" },
  { label: "glocal (limit)", strategy: "glocal" },
  {
    label: "glocal (remaining)",
    strategy: "glocal",
    patch: (o) => ({ ...o, glocal: { ...o.glocal, target: "remaining" } }),
  },
];

export interface Row {
  seed: number;
  variant: string;
  valLoss: number;
  valAccuracy: number | null;
  wallTimeMs: number;
  /** CPU time of the whole optimize() call (training, hypergradients, the evaluations). */
  cpuMs: number;
  innerSteps: number;
  jvps: number;
  valGradients: number;
  fallbacks: number;
  updates: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
};
const signedPct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)} %`;

/** One variant on a seed's problem: optimize under the thread's CPU clock. */
function measureVariant(s: DemoSettings, problem: ReturnType<typeof makeDemoProblem>, v: Variant): Row {
  const options = demoOptimizeOptions(s, problem, v.strategy);
  const { value: r, cpuMs: cpu } = threadCpuMs(() => optimize(v.patch ? v.patch(options) : options));
  return {
    seed: s.seed,
    variant: v.label,
    valLoss: r.final.valLoss,
    valAccuracy: r.final.valAccuracy,
    wallTimeMs: r.wallTimeMs,
    cpuMs: cpu,
    innerSteps: r.counts.innerSteps,
    jvps: r.counts.jvps,
    valGradients: r.counts.valGradients,
    fallbacks: r.counts.fallbacks,
    updates: r.counts.updates,
  };
}

function logRow(o: E2eOptions, r: Row): void {
  const glocal = r.variant.startsWith("glocal");
  o.log(
    `  seed ${r.seed} ${r.variant.padEnd(19)} val loss ${r.valLoss.toFixed(4)}  CPU ${(r.cpuMs / 1000).toFixed(2)} s${glocal ? `  fallbacks ${r.fallbacks}/${r.updates}` : ""}\n`,
  );
}

/** A worker's data by scenario, sizes and seed: made once per worker, not once per case. */
const workerData = new Map<string, ReturnType<typeof makeDemoData>>();
const warmed = new Set<string>();

/** A worker's case: the seed's data and model, the warm-up, then the variant. */
export function e2eCase(c: E2eCase): Row {
  const s = { ...resolveDemoOptions({ quick: c.quick, scenario: c.scenario }), seed: c.seed };
  const v = VARIANTS.find((x) => x.label === c.variant);
  if (v === undefined) throw new Error(`no e2e variant '${c.variant}'`);
  const key = `${s.scenario}/${s.train}/${s.val}/${s.seed}`;
  if (!workerData.has(key)) workerData.set(key, makeDemoData(s));
  const problem = makeDemoProblem(s, workerData.get(key) as ReturnType<typeof makeDemoData>);
  try {
    // Untimed steps that change no result: the engine's compilation, once per worker and model.
    if (!warmed.has(s.scenario)) {
      warmUp(problem, s);
      warmed.add(s.scenario);
    }
    return measureVariant(s, problem, v);
  } finally {
    problem.dispose();
  }
}

export async function runE2eBench(o: E2eOptions): Promise<{ markdown: string; json: object }> {
  const seeds = o.seeds ?? (o.quick ? [1, 2] : [1, 2, 3, 4, 5]);
  const base: DemoSettings = resolveDemoOptions({ quick: o.quick, scenario: o.scenario });
  const rows: Row[] = [];
  const started = Date.now();
  o.log(`end-to-end: scenario ${base.scenario} (${base.model}), ${seeds.length} seeds, ${VARIANTS.length} variants\n`);
  if ((o.workers ?? 1) > 1) {
    // Every (seed, strategy) on its own: a worker builds the seed's data and model, warms up and runs it.
    const cases = seeds.flatMap((seed) => VARIANTS.map((v) => ({ seed, v })));
    const values = await benchPool(
      cases.map(({ seed, v }) => ({
        label: `seed ${seed}, ${v.label}`,
        name: E2E_TASK,
        input: { quick: o.quick, scenario: o.scenario, seed, variant: v.label } satisfies E2eCase,
        cost: strategyCost(base, v.strategy),
      })),
      o.workers as number,
    );
    for (const r of values as Row[]) {
      rows.push(r);
      logRow(o, r);
    }
  } else {
    for (const seed of seeds) {
      const s = { ...base, seed };
      const problem = makeDemoProblem(s, makeDemoData(s));
      try {
        warmUp(problem, s);
        for (const v of VARIANTS) {
          const r = measureVariant(s, problem, v);
          rows.push(r);
          logRow(o, r);
        }
      } finally {
        problem.dispose();
      }
    }
  }
  const by = (variant: string, seed: number) => rows.find((r) => r.variant === variant && r.seed === seed) as Row;
  const vsNone = (variant: string) => seeds.map((seed) => by(variant, seed).valLoss / by("none", seed).valLoss - 1);
  const start = `${base.start.kind} from lr ${base.initial.lr}, wd ${base.initial.wd}${base.initial.momentum === null ? "" : `, momentum ${base.initial.momentum}`}`;
  let md = `## End-to-end: scenario \`${base.scenario}\` (${base.model}), ${seeds.length} seeds\n\n`;
  md += `${base.summary}. Per seed: ${base.train} training / ${base.val} validation digits, batch ${base.batch}, T = ${base.steps} inner steps per final model; global ${base.outer} runs of T, random ${base.outer} trials of T; window ${base.window} (glocal stride ${base.glocal.stride ?? 1}), local every ${base.localEvery}; ${start}; tuned ${base.hyper.join(", ")}; meta Adam ${base.metaLr}${base.glocal.valSubsample === undefined ? "" : `; glocal's trajectory on ${base.glocal.valSubsample} of the validation digits`}.\n\n`;
  md += `| strategy | final val loss (mean ± sd) | vs none: mean | vs none: worst seed | val accuracy | CPU time (s) | inner steps | JVPs | val grads | fallbacks |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
  const summary: Record<string, object> = {};
  for (const v of VARIANTS) {
    const list = seeds.map((seed) => by(v.label, seed));
    const loss = list.map((r) => r.valLoss),
      wall = list.map((r) => r.wallTimeMs / 1000),
      cpu = list.map((r) => r.cpuMs / 1000),
      acc = list.map((r) => r.valAccuracy ?? NaN);
    const rel = vsNone(v.label);
    const fb = list.reduce((a, r) => a + r.fallbacks, 0),
      up = list.reduce((a, r) => a + r.updates, 0);
    const cost = { innerSteps: mean(list.map((r) => r.innerSteps)), jvps: mean(list.map((r) => r.jvps)) };
    const valGradients = mean(list.map((r) => r.valGradients));
    summary[v.label] = {
      loss: { mean: mean(loss), sd: std(loss) },
      vsNone: { mean: mean(rel), worst: Math.max(...rel), perSeed: rel },
      wall: { mean: mean(wall), sd: std(wall) },
      cpu: { mean: mean(cpu), sd: std(cpu) },
      ...cost,
      valGradients,
      fallbacks: fb,
      updates: up,
    };
    const isNone = v.label === "none";
    md += `| ${v.label} | ${mean(loss).toFixed(4)} ± ${std(loss).toFixed(4)} | ${isNone ? "—" : signedPct(mean(rel))} | ${isNone ? "—" : signedPct(Math.max(...rel))} | ${(100 * mean(acc)).toFixed(1)} % | ${mean(cpu).toFixed(2)} ± ${std(cpu).toFixed(2)} | ${cost.innerSteps} | ${cost.jvps} | ${valGradients} | ${v.strategy === "glocal" ? `${fb}/${up}` : "—"} |\n`;
  }
  // The best tuned strategy on each seed, against none (the demo's "tuning pays" target: ≤ −5 %).
  const tuned = VARIANTS.filter((v) => v.strategy !== "none").map((v) => v.label);
  const best = seeds.map((seed) => {
    const winner = tuned.reduce((a, b) => (by(b, seed).valLoss < by(a, seed).valLoss ? b : a));
    return { seed, variant: winner, vsNone: by(winner, seed).valLoss / by("none", seed).valLoss - 1 };
  });
  md += `\nBest strategy per seed, against none: ${best.map((b) => `seed ${b.seed} ${b.variant} ${signedPct(b.vsNone)}`).join("; ")}.\n`;
  const ratio = (label: string, to: string) =>
    mean(seeds.map((seed) => by(label, seed).cpuMs / by(to, seed).cpuMs)).toFixed(2);
  md += `CPU time of glocal against truncated (mean of per-seed ratios): limit ${ratio("glocal (limit)", "truncated")}×, remaining ${ratio("glocal (remaining)", "truncated")}×; against local: ${ratio("glocal (limit)", "local")}×, ${ratio("glocal (remaining)", "local")}×; against global: ${ratio("glocal (limit)", "global")}×, ${ratio("glocal (remaining)", "global")}×. CPU time is that of the thread that ran the case (the cores are shared with other jobs, so wall time, in the JSON, is not comparable between runs). Elapsed ${((Date.now() - started) / 1000).toFixed(0)} s (wall).\n`;
  o.log("\n" + md);
  return {
    markdown: md,
    json: { settings: base, seeds, workers: o.workers ?? 1, elapsedMs: Date.now() - started, rows, summary, best },
  };
}
