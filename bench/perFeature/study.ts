/**
 * The per-feature weight-decay study (q = p = 60: 36 pooled MNIST pixels + 24 irrelevant
 * features, 80 training and 300 validation examples, full-batch GD at lr 0.5, decay on the
 * weights only, every per-feature decay starting at 1e-3): final validation loss of
 * `none` (no tuning), `local` (every 10 steps), `truncated` (m = 50) and `glocal` (affine,
 * d = 1, m = 50) at equal inner steps, Adam on φ, each strategy with the best of eight
 * meta learning rates (0.01 … 0.52 in steps of √3), per seed. glocal also under other
 * fallback rules than the driver's (policy.ts): on absurd magnitudes only, never, and
 * unless the estimates at delays 1 and 2 disagree. Also the glocal fallbacks and their
 * warning codes, and the estimate's accuracy against the converged limit (accuracy.ts).
 */
import { InnerTraining, datasets, optimize, optimizers, problems } from "../../src/index";
import type { EstimateOptions, OptimizeOptions, OptimizeResult, Problem } from "../../src/index";
import { FallbackPolicy, runWithPolicy } from "./policy";
import { accuracyMarkdown, estimateAccuracy } from "./accuracy";

/** Options of the study: seeds, the meta learning rates tried, inner steps per run. */
export interface PerFeatureStudyOptions {
  quick: boolean;
  log: (s: string) => void;
  seeds?: number[];
  metaLrs?: number[];
  innerSteps?: number;
}

interface Variant {
  label: string;
  /** Through optimize, or through the policy loop (glocal with another fallback rule). */
  patch?: Partial<OptimizeOptions>;
  policy?: { rule: FallbackPolicy; estimate: EstimateOptions };
}

const AFFINE_D1: EstimateOptions = { method: "affine", delay: 1 };

const VARIANTS: Variant[] = [
  { label: "local (every 10)", patch: { strategy: "local", window: 10 } },
  { label: "truncated (m = 50)", patch: { strategy: "truncated", window: 50 } },
  { label: "glocal affine d=1 (m = 50)", patch: { strategy: "glocal", window: 50, glocal: AFFINE_D1 } },
  { label: "glocal, fallback on magnitude only", policy: { rule: "magnitude", estimate: AFFINE_D1 } },
  { label: "glocal, no fallback", policy: { rule: "finite", estimate: AFFINE_D1 } },
  { label: "glocal, fallback unless d=1, 2 agree", policy: { rule: "agreement", estimate: AFFINE_D1 } },
];

/** One run (or a strategy's best run) of the study. */
export interface StudyCell {
  seed: number;
  variant: string;
  metaLr: number | null;
  valLoss: number;
  fallbacks: number;
  updates: number;
  /** Windows rejected after a divergence (and retried with a halved meta step). */
  rejected: number;
  warnings: Record<string, number>;
  /** Mean final log decay over the real and the irrelevant features. */
  logWdReal: number | null;
  logWdIrrelevant: number | null;
  wallTimeMs: number;
}

const LR = 0.5,
  WD = 1e-3;

function none(problem: Problem, steps: number): number {
  const s = new InnerTraining(problem, optimizers.sgd({ lr: LR, wd: WD }), { hyper: [] });
  try {
    s.step(steps, { tangent: false });
    return s.valLoss();
  } finally {
    s.dispose();
  }
}

function warningCounts(r: OptimizeResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of r.history) {
    if (e.trusted !== false) continue;
    for (const w of e.warnings ?? ["(none)"]) out[w] = (out[w] ?? 0) + 1;
  }
  return out;
}

/** The `perfeature` suite: the study table, then the estimate-accuracy table. */
export async function runPerFeatureStudy(o: PerFeatureStudyOptions): Promise<{ markdown: string; json: object }> {
  const seeds = o.seeds ?? (o.quick ? [0] : [0, 1, 2, 3, 4]);
  const metaLrs = o.metaLrs ?? (o.quick ? [0.03, 0.1, 0.3] : [0.01, 0.017, 0.03, 0.052, 0.1, 0.17, 0.3, 0.52]);
  const innerSteps = o.innerSteps ?? (o.quick ? 600 : 3000);
  const cells: StudyCell[] = [];
  const all: StudyCell[] = [];
  const started = Date.now();
  /** Largest |val loss of the policy loop − optimize's| over the glocal and truncated runs. */
  let emulation = 0;
  for (const seed of seeds) {
    const d = datasets.perFeature({ seed });
    const problem = problems.logistic(d, { decay: "weights" });
    try {
      cells.push({
        seed,
        variant: "none",
        metaLr: null,
        valLoss: none(problem, innerSteps),
        fallbacks: 0,
        updates: 0,
        rejected: 0,
        warnings: {},
        logWdReal: Math.log(WD),
        logWdIrrelevant: Math.log(WD),
        wallTimeMs: 0,
      });
      for (const v of VARIANTS) {
        let best: StudyCell | null = null;
        for (const metaLr of metaLrs) {
          const common = {
            problem,
            optimizer: optimizers.sgd({ lr: LR, wd: WD }),
            hyper: ["featureWd" as const],
            innerSteps,
            metaOptimizer: { kind: "adam" as const, lr: metaLr },
          };
          const avg = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0) / a.length;
          const t0 = Date.now();
          let cell: StudyCell;
          if (v.patch) {
            const r = optimize({ ...common, evalEvery: innerSteps, ...v.patch } as OptimizeOptions);
            const phi = r.final.phi;
            cell = {
              seed,
              variant: v.label,
              metaLr,
              valLoss: r.final.valLoss,
              fallbacks: r.counts.fallbacks,
              updates: r.counts.updates,
              rejected: r.counts.rejected,
              warnings: warningCounts(r),
              logWdReal: avg(phi.slice(0, d.real)),
              logWdIrrelevant: avg(phi.slice(d.real)),
              wallTimeMs: r.wallTimeMs,
            };
            // The policy loop is the driver's loop: it must reproduce glocal and truncated.
            if (v.patch.strategy !== "local") {
              const rule: FallbackPolicy = v.patch.strategy === "glocal" ? "trusted" : "never";
              const e = runWithPolicy({ ...common, window: 50, estimate: AFFINE_D1, policy: rule });
              emulation = Math.max(emulation, Math.abs(e.valLoss - r.final.valLoss));
            }
          } else {
            const pol = v.policy as NonNullable<Variant["policy"]>;
            const r = runWithPolicy({ ...common, window: 50, estimate: pol.estimate, policy: pol.rule });
            cell = {
              seed,
              variant: v.label,
              metaLr,
              valLoss: r.valLoss,
              fallbacks: r.fallbacks,
              updates: r.updates,
              rejected: r.rejected,
              warnings: {},
              logWdReal: avg(r.phi.slice(0, d.real)),
              logWdIrrelevant: avg(r.phi.slice(d.real)),
              wallTimeMs: Date.now() - t0,
            };
          }
          all.push(cell);
          o.log(
            `  seed ${seed} ${v.label.padEnd(27)} meta lr ${metaLr}: val loss ${cell.valLoss.toFixed(4)}` +
              (v.patch?.strategy === "local" || v.patch?.strategy === "truncated"
                ? ""
                : `, fallbacks ${cell.fallbacks}/${cell.updates}`) +
              (cell.rejected ? `, ${cell.rejected} rejected` : "") +
              `, ${(cell.wallTimeMs / 1000).toFixed(1)} s\n`,
          );
          if (!best || cell.valLoss < best.valLoss) best = cell;
        }
        cells.push(best as StudyCell);
      }
    } finally {
      problem.dispose();
    }
  }
  const elapsedS = Math.round((Date.now() - started) / 100) / 10;
  const labels = ["none", ...VARIANTS.map((v) => v.label)];
  let md = `## Per-feature weight decay (q = 60), best of meta lr ${metaLrs.join(", ")} per strategy\n\n`;
  md += `| seed | ${labels.join(" | ")} |\n|---|${labels.map(() => "---:").join("|")}|\n`;
  for (const seed of seeds) {
    const row = labels.map((l) => cells.find((c) => c.seed === seed && c.variant === l) as StudyCell);
    const truncated = row[2].valLoss;
    const cell = (c: StudyCell, i: number) =>
      c.valLoss.toFixed(4) +
      (c.metaLr ? ` (${c.metaLr})` : "") +
      (i >= 3 ? ` ×${(c.valLoss / truncated).toFixed(2)}, fb ${c.fallbacks}/${c.updates}` : "");
    md += `| ${seed} | ${row.map(cell).join(" | ")} |\n`;
  }
  md +=
    `\nIn parentheses the best meta learning rate (Adam on φ); ×: ratio to truncated; fb: windows that fell back to h_m. ` +
    `${innerSteps} inner steps per run (every strategy); ${elapsedS} s in all. ` +
    `The policy loop reproduces optimize's glocal and truncated to ${emulation.toExponential(1)} in validation loss.\n`;
  const accuracy = estimateAccuracy(seeds[0], o.quick ? [0, 1000] : [0, 200, 1000, 2500]);
  md += "\n" + accuracyMarkdown(seeds[0], accuracy);
  return { markdown: md, json: { seeds, metaLrs, innerSteps, emulation, best: cells, all, elapsedS, accuracy } };
}
