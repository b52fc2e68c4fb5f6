/**
 * What a validation subsample (`valSubsample`) does, on the demo's problem: (a) the error of
 * a window's h_m computed on n validation digits against the whole set, and the time of one
 * validation gradient; (b) the final loss and wall time of truncated, and of glocal with its
 * trajectory on all validation digits or on a subsample, and with a longer stride.
 */
import { InnerTraining, optimize } from "../../src/index";
import { demoOptimizeOptions, makeDemoData, makeDemoProblem, resolveDemoOptions, warmUp } from "../../src/app/demo/run";
import type { DemoSettings } from "../../src/app/demo/run";
import type { GlocalOptions } from "../../src/index";
import { mixSeed, mulberry32 } from "../../src/core/random";
import { cpuMs } from "../cpu";

export interface SubsampleResult {
  scenario: string;
  window: number;
  val: number;
  /** Per subsample size: median relative error of h_m against the whole set, share of
   *  components with the same sign, and CPU milliseconds per validation gradient. */
  accuracy: Array<{ n: number; medianRelErr: number; signAgreement: number; msPerGradient: number }>;
  /** Per variant, per seed: final validation loss, CPU time and wall time of the run. */
  endToEnd: Array<{ label: string; losses: number[]; cpuMs: number[]; wallMs: number[] }>;
  seeds: number[];
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** n distinct rows of [0, N), seeded. */
function rows(n: number, N: number, u: () => number): Int32Array {
  const pool = Int32Array.from({ length: N }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(u() * (N - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

function timePerGradient(s: InnerTraining, subset: Int32Array | null, repeats: number): number {
  s.setValidationSubset(subset);
  return (
    cpuMs(() => {
      for (let i = 0; i < repeats; i++) s.hypergradient();
    }).cpuMs / repeats
  );
}

export function runSubsampleStudy(o: { quick: boolean; log: (s: string) => void }): SubsampleResult {
  const base: DemoSettings = resolveDemoOptions({});
  const sizes = [50, 100, 250, 500].filter((n) => n < base.val);
  const draws = o.quick ? 2 : 5;
  const positions = o.quick ? [0, 1000] : [0, 500, 1000, 1500];
  const u = mulberry32(mixSeed(base.seed, 77));
  const errs = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const signs = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const ms = new Map<number, number>();
  const problem = makeDemoProblem(base, makeDemoData(base));
  try {
    warmUp(problem, base);
    const s = new InnerTraining(problem, base.start, { hyper: base.hyper, batchSize: base.batch, seed: base.seed });
    try {
      let at = 0;
      for (const p of positions) {
        s.step(p - at, { tangent: false });
        s.resetTangent();
        s.step(base.window);
        at = p + base.window;
        s.setValidationSubset(null);
        const full = s.hypergradient();
        const norm = Math.hypot(...full);
        for (const n of sizes) {
          for (let d = 0; d < draws; d++) {
            s.setValidationSubset(rows(n, base.val, u));
            const h = s.hypergradient();
            errs.get(n)?.push(Math.hypot(...h.map((x, j) => x - full[j])) / norm);
            signs.get(n)?.push(h.filter((x, j) => Math.sign(x) === Math.sign(full[j])).length / h.length);
          }
        }
      }
      const repeats = o.quick ? 5 : 20;
      ms.set(base.val, timePerGradient(s, null, repeats));
      for (const n of sizes) ms.set(n, timePerGradient(s, rows(n, base.val, u), repeats));
    } finally {
      s.dispose();
    }
  } finally {
    problem.dispose();
  }
  const accuracy = [
    ...sizes.map((n) => ({
      n,
      medianRelErr: median(errs.get(n) as number[]),
      signAgreement: mean(signs.get(n) as number[]),
      msPerGradient: ms.get(n) as number,
    })),
    { n: base.val, medianRelErr: 0, signAgreement: 1, msPerGradient: ms.get(base.val) as number },
  ];

  const seeds = o.quick ? [1] : [1, 2, 3];
  const variants: Array<{ label: string; strategy: "truncated" | "glocal"; glocal?: GlocalOptions }> = [
    { label: "truncated", strategy: "truncated" },
    ...[5, 10, 20].map((stride) => ({
      label: `glocal, stride ${stride}, all digits`,
      strategy: "glocal" as const,
      glocal: { stride },
    })),
    ...[250, 100].map((n) => ({
      label: `glocal, stride 5, trajectory on ${n} digits`,
      strategy: "glocal" as const,
      glocal: { stride: 5, valSubsample: n },
    })),
  ];
  const endToEnd: SubsampleResult["endToEnd"] = variants.map((v) => ({
    label: v.label,
    losses: [],
    cpuMs: [],
    wallMs: [],
  }));
  for (const seed of seeds) {
    const s0 = { ...base, seed };
    const p = makeDemoProblem(s0, makeDemoData(s0));
    try {
      warmUp(p, s0);
      variants.forEach((v, i) => {
        const options = demoOptimizeOptions({ ...s0, glocal: { ...v.glocal } }, p, v.strategy);
        // Evaluations only at the start and the end: the time is the strategy's.
        const { value: r, cpuMs: cpu } = cpuMs(() => optimize({ ...options, evalEvery: 10 * s0.steps }));
        endToEnd[i].losses.push(r.final.valLoss);
        endToEnd[i].cpuMs.push(cpu);
        endToEnd[i].wallMs.push(r.wallTimeMs);
        o.log(
          `  seed ${seed} ${v.label.padEnd(40)} val loss ${r.final.valLoss.toFixed(4)}  CPU ${(cpu / 1000).toFixed(2)} s\n`,
        );
      });
    } finally {
      p.dispose();
    }
  }
  return { scenario: base.scenario, window: base.window, val: base.val, accuracy, endToEnd, seeds };
}

export function subsampleMarkdown(r: SubsampleResult): string {
  let md = `## Validation subsample (\`valSubsample\`) on the demo's problem (scenario \`${r.scenario}\`)\n\n`;
  md += `(a) A window's h_m (m = ${r.window}) on n of the ${r.val} validation digits against the whole set, at several points of a training run, several draws each; and the CPU time of one validation gradient.\n\n`;
  md += `| validation digits n | median relative error of h_m | components with the right sign | CPU ms per validation gradient |\n| ---: | ---: | ---: | ---: |\n`;
  for (const a of r.accuracy)
    md += `| ${a.n} | ${a.medianRelErr.toFixed(3)} | ${(100 * a.signAgreement).toFixed(0)} % | ${a.msPerGradient.toFixed(2)} |\n`;
  md += `\n(b) The demo's settings, ${r.seeds.length} seeds: final validation loss and CPU time of truncated, and of glocal (limit target) recording h_t every 5, 10 or 20 steps on all validation digits, or every 5 steps on a subsample (h_m, its fallback, then on all digits). CPU time of the process (the cores are shared: wall time is not a measure here); evaluations only at the start and the end.\n\n`;
  md += `| variant | final val loss (mean) | per seed | CPU time (s, mean) | CPU time / truncated's (mean of per-seed ratios) |\n| :--- | ---: | :--- | ---: | ---: |\n`;
  const t = r.endToEnd[0];
  for (const e of r.endToEnd)
    md += `| ${e.label} | ${mean(e.losses).toFixed(4)} | ${e.losses.map((x) => x.toFixed(4)).join(", ")} | ${(mean(e.cpuMs) / 1000).toFixed(2)} | ${mean(e.cpuMs.map((x, i) => x / t.cpuMs[i])).toFixed(2)}× |\n`;
  return md;
}
