/**
 * End-to-end benchmark (DESIGN §5): the demo's comparison repeated over several seeds —
 * final validation loss (mean ± standard deviation) and training wall time of each strategy,
 * glocal with both targets (the limit, and the training that remains), and glocal's ratios
 * to global and local. Seeds change the data split, θ₀ and the mini-batch order.
 */
import { optimize } from "../../src/index";
import { mnist } from "../../src/datasets/mnist";
import { demoOptimizeOptions, makeDemoProblem, resolveDemoOptions, warmUp } from "../../src/app/demo/run";
import type { DemoSettings } from "../../src/app/demo/run";
import type { OptimizeOptions, Strategy } from "../../src/index";

export interface E2eOptions {
  quick: boolean;
  log: (s: string) => void;
  seeds?: number[];
  model?: "softmax" | "mlp";
}

interface Variant {
  label: string;
  strategy: Strategy;
  patch?: (o: OptimizeOptions) => OptimizeOptions;
}

const VARIANTS: Variant[] = [
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

interface Row {
  seed: number;
  variant: string;
  valLoss: number;
  valAccuracy: number | null;
  wallTimeMs: number;
  fallbacks: number;
  updates: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
};

export async function runE2eBench(o: E2eOptions): Promise<{ markdown: string; json: object }> {
  const seeds = o.seeds ?? (o.quick ? [1, 2] : [1, 2, 3, 4, 5]);
  const base: DemoSettings = resolveDemoOptions({ quick: o.quick, model: o.model });
  const rows: Row[] = [];
  const started = Date.now();
  o.log(`end-to-end: ${base.model}, ${seeds.length} seeds, ${VARIANTS.length} variants\n`);
  for (const seed of seeds) {
    const s = { ...base, seed };
    const data = mnist({ train: s.train, val: s.val, seed });
    const problem = makeDemoProblem(s, data);
    try {
      warmUp(problem, s);
      for (const v of VARIANTS) {
        const options = demoOptimizeOptions(s, problem, v.strategy);
        const r = optimize(v.patch ? v.patch(options) : options);
        rows.push({
          seed,
          variant: v.label,
          valLoss: r.final.valLoss,
          valAccuracy: r.final.valAccuracy,
          wallTimeMs: r.wallTimeMs,
          fallbacks: r.counts.fallbacks,
          updates: r.counts.updates,
        });
        o.log(
          `  seed ${seed} ${v.label.padEnd(19)} val loss ${r.final.valLoss.toFixed(4)}  ${(r.wallTimeMs / 1000).toFixed(2)} s${v.strategy === "glocal" ? `  fallbacks ${r.counts.fallbacks}/${r.counts.updates}` : ""}\n`,
        );
      }
    } finally {
      problem.dispose();
    }
  }
  // Per seed, each variant against global and local, then aggregated.
  const by = (variant: string, seed: number) => rows.find((r) => r.variant === variant && r.seed === seed) as Row;
  let md = `## End-to-end: hyperparameter optimisation on MNIST (${base.model}), ${seeds.length} seeds\n\n`;
  md += `Settings per seed: ${base.train} training / ${base.val} validation digits, batch ${base.batch}, T = ${base.steps} inner steps per final model, global ${base.outer} runs of T, window ${base.window} (glocal stride ${base.glocal.stride}), local every ${base.localEvery}; φ = log lr, log wd, logit momentum from lr ${base.initial.lr}, wd ${base.initial.wd}, momentum ${base.initial.momentum}; meta Adam ${base.metaLr}.\n\n`;
  md += `| strategy | final val loss (mean ± sd) | val accuracy | wall time (s) | loss vs global | wall time vs global | wall time vs local | fallbacks |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
  const summary: Record<string, object> = {};
  for (const v of VARIANTS) {
    const list = seeds.map((seed) => by(v.label, seed));
    const loss = list.map((r) => r.valLoss),
      wall = list.map((r) => r.wallTimeMs / 1000);
    const acc = list.map((r) => r.valAccuracy ?? NaN);
    const vsGlobal = seeds.map((seed) => by(v.label, seed).valLoss / by("global", seed).valLoss - 1);
    const wallG = seeds.map((seed) => by(v.label, seed).wallTimeMs / by("global", seed).wallTimeMs);
    const wallL = seeds.map((seed) => by(v.label, seed).wallTimeMs / by("local", seed).wallTimeMs);
    const fb = list.reduce((a, r) => a + r.fallbacks, 0),
      up = list.reduce((a, r) => a + r.updates, 0);
    summary[v.label] = {
      loss: { mean: mean(loss), sd: std(loss) },
      wall: { mean: mean(wall), sd: std(wall) },
      lossVsGlobal: mean(vsGlobal),
      wallVsGlobal: mean(wallG),
      wallVsLocal: mean(wallL),
      fallbacks: fb,
      updates: up,
    };
    md += `| ${v.label} | ${mean(loss).toFixed(4)} ± ${std(loss).toFixed(4)} | ${(100 * mean(acc)).toFixed(1)} % | ${mean(wall).toFixed(2)} ± ${std(wall).toFixed(2)} | ${v.label === "global" ? "—" : `${mean(vsGlobal) >= 0 ? "+" : ""}${(100 * mean(vsGlobal)).toFixed(2)} %`} | ${mean(wallG).toFixed(2)}× | ${mean(wallL).toFixed(2)}× | ${v.strategy === "glocal" ? `${fb}/${up}` : "—"} |\n`;
  }
  md += `\nTargets (DESIGN §5): glocal within 1 % of global's final validation loss, at ≤ 0.2× its wall time and ≤ 1.5× local's. Elapsed ${((Date.now() - started) / 1000).toFixed(0)} s.\n`;
  o.log("\n" + md);
  return { markdown: md, json: { settings: base, seeds, rows, summary } };
}
