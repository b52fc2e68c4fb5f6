/**
 * The main job (`glocal demo`, and the browser demo's worker): hyperparameter optimisation
 * of a real model on MNIST digits with every strategy under one training budget, one
 * hypergradient trajectory with its glocal extrapolation, and the data of the SVG report.
 * Free of Node built-ins: the browser worker runs the same code on data it was handed.
 */
import { GlocalError } from "../../core/errors";
import { checkOptions, optInteger, optNumber } from "../../core/validate";
import { mnist, ClassificationData } from "../../datasets/mnist";
import { mlp, softmax } from "../../problems/index";
import type { Problem } from "../../problems/types";
import { optimizers } from "../../training/optim";
import { optimize } from "../../optimize";
import { windowEstimator } from "../../optimize/strategies/index";
import { recordWindow } from "../../training/window";
import { STRATEGIES } from "../../optimize/types";
import type { GlocalOptions, OptimizeOptions, OptimizeResult, Strategy } from "../../optimize/types";
import { InnerTraining, InnerTrainingOptions } from "../../training/builtin";
import { DriverSession, isSessionProblem } from "../../training/types";
import type { OptimizerSpec } from "../../training/optim";
import type { TfjsProblem } from "../../tfjs/problem";
import { tfjsMlp } from "./tfjsModel";
import type { HyperName } from "../../training/hyperparameters";
import type { DemoReport, StrategyPath, SummaryRow, TrajectoryPlot } from "../report/types";
import { PRODUCT_OPTION_KEYS, ProductOptions, resolveProducts } from "../../gpu/dispatch";

/** `backend` / `gpuMode` (ProductOptions): where the batched model products run. */
export interface DemoOptions extends ProductOptions {
  /** "softmax" (default), "mlp" (one tanh hidden layer) or "tfjs" (that MLP, with the same
   *  θ₀, computed by TensorFlow.js through glocal-hypergrad/tfjs; it ignores `backend`). */
  model?: DemoModel;
  /** Hidden units of the MLP (default 32). */
  hidden?: number;
  /** Training and validation examples from the embedded MNIST digits. */
  train?: number;
  val?: number;
  /** Mini-batch size (default 100). */
  batch?: number;
  /** T: inner steps of every final model (global repeats T-step runs `outer` times). */
  steps?: number;
  /** Window m of truncated and glocal. */
  window?: number;
  /** Local's update period k. */
  localEvery?: number;
  /** Training runs of the global strategy. */
  outer?: number;
  strategies?: readonly Strategy[];
  seed?: number;
  /** Meta-optimiser (Adam) step on φ. */
  metaLr?: number;
  /** glocal's estimator options (default stride 2, the library's default method). */
  glocal?: GlocalOptions;
  /** Smaller sizes: about ten seconds on two cores. */
  quick?: boolean;
  /** Data to use instead of loading MNIST (the browser hands its subset in). */
  data?: ClassificationData;
  onProgress?: (p: DemoProgress) => void;
  signal?: { readonly aborted: boolean };
}

export interface DemoProgress {
  strategy: Strategy | "trajectory";
  /** Fraction of the whole demo's inner steps done, in [0, 1]. */
  fraction: number;
  valLoss: number | null;
  /** Inner steps of this strategy so far (strategies only). */
  innerSteps?: number;
  /** φ after the latest update (log lr, log wd, logit momentum) and the same in natural units. */
  phi?: number[];
  hyper?: { lr: number; wd: number; momentum: number };
  /** strategy "trajectory": the newest recorded hypergradient component, `step` steps after the window start. */
  point?: { step: number; value: number; name: string };
}

/** The demo's models: built-in softmax regression or MLP, or the MLP in TensorFlow.js. */
export type DemoModel = "softmax" | "mlp" | "tfjs";

/** A demo problem: built-in, or a TensorFlow.js one. */
export type DemoProblem = Problem | TfjsProblem;

export interface DemoSettings {
  model: DemoModel;
  hidden: number;
  train: number;
  val: number;
  batch: number;
  steps: number;
  window: number;
  localEvery: number;
  outer: number;
  strategies: Strategy[];
  seed: number;
  metaLr: number;
  glocal: GlocalOptions;
  initial: { lr: number; wd: number; momentum: number };
  /** Where the batched model products run. */
  products: ProductOptions;
}

export interface DemoResult {
  settings: DemoSettings;
  results: Partial<Record<Strategy, OptimizeResult>>;
  summary: SummaryRow[];
  trajectory: TrajectoryPlot | null;
  report: DemoReport;
  /** "done" or "aborted" (the signal fired: partial results). */
  stopped: "done" | "aborted";
  /** Where the batched model products ran: 'gpu' (gpu.js, above the crossover), 'wasm', or
   *  'tfjs' (the tfjs model: TensorFlow.js's own backend). */
  products: "wasm" | "gpu" | "tfjs";
}

const DEFAULTS = {
  model: "softmax",
  hidden: 32,
  train: 4000,
  val: 1000,
  batch: 100,
  steps: 2000,
  window: 200,
  localEvery: 10,
  outer: 6,
  seed: 1,
  metaLr: 0.1,
} as const;
const QUICK = { train: 1000, val: 300, steps: 500, window: 50, outer: 5 } as const;
/** A deliberately poor start: learning rate too small, momentum too low. */
const INITIAL = { lr: 0.01, wd: 0.01, momentum: 0.5 };

export function resolveDemoOptions(options: DemoOptions = {}): DemoSettings {
  const o = checkOptions(
    options,
    [
      "model",
      "hidden",
      "train",
      "val",
      "batch",
      "steps",
      "window",
      "localEvery",
      "outer",
      "strategies",
      "seed",
      "metaLr",
      "glocal",
      "quick",
      "data",
      "onProgress",
      "signal",
      ...PRODUCT_OPTION_KEYS,
    ],
    "demo options",
  );
  const quick = o.quick === true;
  const pick = <K extends keyof typeof QUICK>(k: K): number => (quick ? QUICK[k] : DEFAULTS[k]);
  if (o.model !== undefined && o.model !== "softmax" && o.model !== "mlp" && o.model !== "tfjs") {
    throw new GlocalError("E_OPTION", `model must be 'softmax', 'mlp' or 'tfjs', got ${String(o.model)}`, "model");
  }
  const model = (o.model as DemoModel | undefined) ?? DEFAULTS.model;
  const strategies = (o.strategies as Strategy[] | undefined) ?? STRATEGIES.slice();
  if (!Array.isArray(strategies) || strategies.length === 0 || !strategies.every((s) => STRATEGIES.includes(s))) {
    throw new GlocalError("E_OPTION", `strategies must be a non-empty list of ${STRATEGIES.join(", ")}`, "strategies");
  }
  const steps = optInteger(o.steps, "steps", pick("steps"), 2);
  const window = optInteger(o.window, "window", Math.min(pick("window"), steps), 2, steps);
  return {
    model,
    hidden: optInteger(o.hidden, "hidden", DEFAULTS.hidden, 1),
    train: optInteger(o.train, "train", pick("train"), 10, 9000),
    val: optInteger(o.val, "val", pick("val"), 10, 5000),
    batch: optInteger(o.batch, "batch", DEFAULTS.batch, 1),
    steps,
    window,
    localEvery: optInteger(o.localEvery, "localEvery", DEFAULTS.localEvery, 1, steps),
    outer: optInteger(o.outer, "outer", pick("outer"), 2),
    strategies: [...new Set(strategies)],
    seed: optInteger(o.seed, "seed", DEFAULTS.seed, 0),
    metaLr: optNumber(o.metaLr, "metaLr", DEFAULTS.metaLr, (v) => v > 0, "> 0"),
    glocal: { stride: quick ? 2 : 5, ...((o.glocal as GlocalOptions | undefined) ?? {}) },
    initial: INITIAL,
    // The tfjs model runs on TensorFlow.js's backend: the product options do not apply.
    products:
      model === "tfjs"
        ? {}
        : { backend: o.backend as ProductOptions["backend"], gpuMode: o.gpuMode as ProductOptions["gpuMode"] },
  };
}

/** The demo's model on its data (dispose it when done). */
export function makeDemoProblem(s: DemoSettings, data: ClassificationData): DemoProblem {
  if (s.model === "tfjs") return tfjsMlp(data, s.hidden, s.seed);
  return s.model === "mlp"
    ? mlp(data, { hidden: s.hidden, activation: "tanh", seed: s.seed })
    : softmax(data, { seed: s.seed });
}

/** A training session of a demo problem (built-in or tfjs). */
function demoSession(problem: DemoProblem, optimizer: OptimizerSpec, options: InnerTrainingOptions): DriverSession {
  return isSessionProblem(problem)
    ? problem.createSession(optimizer, options)
    : new InnerTraining(problem, optimizer, options);
}

/** What every training session of the demo shares: φ = (log lr, log wd, logit momentum),
 *  the mini-batches and where the products run. */
function sessionOptions(s: DemoSettings): { hyper: HyperName[]; batchSize: number; seed: number } & ProductOptions {
  return { hyper: ["lr", "wd", "momentum"], batchSize: s.batch, seed: s.seed, ...s.products };
}

/** The optimize() options the demo uses for one strategy (the end-to-end benchmark reuses them). */
export function demoOptimizeOptions(s: DemoSettings, problem: DemoProblem, strategy: Strategy): OptimizeOptions {
  return {
    problem,
    optimizer: optimizers.momentum(s.initial),
    strategy,
    ...sessionOptions(s),
    innerSteps: s.steps,
    outerSteps: s.outer,
    window: strategy === "local" ? s.localEvery : s.window,
    evalEvery: Math.max(s.window, Math.floor(s.steps / 20)),
    metaOptimizer: { kind: "adam", lr: s.metaLr },
    glocal: s.glocal,
  };
}

/**
 * A few untimed steps with and without tangents, so the first strategy's wall time does not
 * include the engine compiling the kernels.
 */
export function warmUp(problem: DemoProblem, s: DemoSettings): void {
  const run = demoSession(problem, optimizers.momentum(s.initial), sessionOptions(s));
  try {
    for (let i = 0; i < 10; i++) {
      run.step(2, { tangent: false });
      run.step(2);
      run.hypergradient();
    }
    run.valLoss();
  } finally {
    run.dispose();
  }
}

/** Inner steps each strategy will take (for the progress fraction). */
function plannedSteps(s: DemoSettings, strategy: Strategy): number {
  return strategy === "global" ? s.steps * s.outer : s.steps;
}

export function runDemo(options: DemoOptions = {}): DemoResult {
  const s = resolveDemoOptions(options);
  // Validates backend/gpuMode (and finds out where the products go) before any work.
  const products = s.model === "tfjs" ? "tfjs" : resolveProducts(s.products) === null ? "wasm" : "gpu";
  const data = options.data ?? mnist({ train: s.train, val: s.val, seed: s.seed });
  const problem = makeDemoProblem(s, data);
  const optimizer = optimizers.momentum(s.initial);
  const trajectorySteps = Math.max(s.window, Math.floor(s.steps / 2));
  const total = s.strategies.reduce((a, st) => a + plannedSteps(s, st), 0) + trajectorySteps * 2;
  let done = 0;
  const results: Partial<Record<Strategy, OptimizeResult>> = {};
  let stopped: DemoResult["stopped"] = "done";
  try {
    warmUp(problem, s);
    for (const strategy of s.strategies) {
      const r = optimize({
        ...demoOptimizeOptions(s, problem, strategy),
        signal: options.signal,
        onProgress: (p) =>
          options.onProgress?.({
            strategy,
            fraction: (done + p.innerSteps) / total,
            valLoss: p.valLoss,
            innerSteps: p.innerSteps,
            phi: Array.from(p.phi),
            hyper: naturalHyper(p.phi),
          }),
      });
      results[strategy] = r;
      done += plannedSteps(s, strategy);
      if (r.stopped === "aborted") {
        stopped = "aborted";
        break;
      }
    }
    const finalPhi = (results.glocal ?? results.truncated ?? Object.values(results)[0])?.final.phi;
    const progress = (step: number, value: number, name: string): void =>
      options.onProgress?.({
        strategy: "trajectory",
        fraction: (done + trajectorySteps + step) / total,
        valLoss: null,
        point: { step, value, name },
      });
    const trajectory =
      stopped === "done" && finalPhi
        ? recordTrajectory(problem, optimizer, s, finalPhi, trajectorySteps, options, progress)
        : null;
    if (options.signal?.aborted) stopped = "aborted";
    const summary = s.strategies.filter((st) => results[st]).map((st) => summaryRow(st, results[st] as OptimizeResult));
    return {
      settings: s,
      results,
      summary,
      trajectory,
      report: buildReport(s, results, summary, trajectory),
      stopped,
      products,
    };
  } finally {
    problem.dispose();
  }
}

/**
 * One window's hypergradient trajectory, continued to the end of training: from θ₀ with
 * the final φ, `steps` plain steps to the window start, then the tangent for `steps` more
 * (h_T at the end is the true global value); the estimate uses only the first m steps.
 */
function recordTrajectory(
  problem: DemoProblem,
  optimizer: ReturnType<typeof optimizers.momentum>,
  s: DemoSettings,
  phi: number[],
  steps: number,
  options: DemoOptions,
  progress: (step: number, value: number, name: string) => void,
): TrajectoryPlot | null {
  const run = demoSession(problem, optimizer, { ...sessionOptions(s), phi });
  const stride = s.glocal.stride ?? 1;
  const estimator = windowEstimator(run.q, s.window, s.glocal);
  try {
    for (let i = 0; i < steps; i++) {
      if (options.signal?.aborted) return null;
      run.step(1, { tangent: false });
    }
    const component = Math.max(0, run.names.indexOf("log_wd"));
    const t: number[] = [],
      values: number[] = [];
    const stop = new Error("aborted");
    try {
      recordWindow(run, steps, stride, {
        advance: (n) => {
          if (options.signal?.aborted) throw stop; // the plot is then dropped
          run.step(n);
        },
        record: (h, done) => {
          t.push(done);
          values.push(h[component]);
          progress(done, h[component], run.names[component]);
          if (done <= s.window) estimator.push(h);
        },
      });
    } catch (e) {
      if (e === stop) return null;
      throw e;
    }
    const est = estimator.estimate();
    const m = t.filter((x) => x <= s.window).length;
    return {
      hyperName: run.names[component],
      steps: t,
      values,
      windowSteps: s.window,
      estimate: est.estimate[component],
      trueGlobal: values[values.length - 1],
      truncated: values[m - 1],
      method: `${est.method}, delay ${est.delay}${est.trusted ? "" : ", not trusted"}`,
    };
  } finally {
    estimator.dispose();
    run.dispose();
  }
}

/** lr, wd, momentum from the demo's φ = (log lr, log wd, logit momentum). */
function naturalHyper(phi: ArrayLike<number>): { lr: number; wd: number; momentum: number } {
  return { lr: Math.exp(phi[0]), wd: Math.exp(phi[1]), momentum: 1 / (1 + Math.exp(-phi[2])) };
}

function summaryRow(strategy: Strategy, r: OptimizeResult): SummaryRow {
  return {
    strategy,
    valLoss: r.final.valLoss,
    valAccuracy: r.final.valAccuracy,
    wallTimeMs: r.wallTimeMs,
    innerSteps: r.counts.innerSteps,
    jvps: r.counts.jvps,
    fallbacks: r.counts.fallbacks,
    updates: r.counts.updates,
  };
}

/** glocal against global and local, as the demo's table reports them. */
export function comparisons(summary: SummaryRow[]): string[] {
  const get = (name: string) => summary.find((r) => r.strategy === name);
  const g = get("glocal"),
    glob = get("global"),
    loc = get("local");
  const out: string[] = [];
  if (g && glob) {
    const dl = (100 * (g.valLoss - glob.valLoss)) / glob.valLoss;
    out.push(
      `glocal vs global: validation loss ${dl >= 0 ? "+" : ""}${dl.toFixed(2)} %, wall time ${(g.wallTimeMs / glob.wallTimeMs).toFixed(2)}×`,
    );
  }
  if (g && loc) out.push(`glocal vs local: wall time ${(g.wallTimeMs / loc.wallTimeMs).toFixed(2)}×`);
  if (g) out.push(`glocal fell back to h_m in ${g.fallbacks} of ${g.updates} windows (estimate not trusted)`);
  return out;
}

function buildReport(
  s: DemoSettings,
  results: Partial<Record<Strategy, OptimizeResult>>,
  summary: SummaryRow[],
  trajectory: TrajectoryPlot | null,
): DemoReport {
  const strategies: StrategyPath[] = s.strategies
    .filter((st) => results[st])
    .map((st) => ({
      name: st,
      points: (results[st] as OptimizeResult).history.map((e) => ({
        innerSteps: e.innerSteps,
        wallTimeMs: e.wallTimeMs,
        lr: e.hyper.lr,
        wd: e.hyper.wd,
        momentum: e.hyper.momentum,
        valLoss: e.valLoss,
      })),
    }));
  const model =
    s.model === "softmax"
      ? "softmax regression"
      : `MLP (${s.hidden} tanh units)${s.model === "tfjs" ? " in TensorFlow.js" : ""}`;
  return {
    title: `glocal demo: ${model} on MNIST`,
    subtitle: `${s.train} training / ${s.val} validation digits, batch ${s.batch}, T = ${s.steps} inner steps per final model (global: ${s.outer} runs), window ${s.window}, local every ${s.localEvery}, seed ${s.seed}; φ = log lr, log wd, logit momentum from lr ${s.initial.lr}, wd ${s.initial.wd}, momentum ${s.initial.momentum}`,
    strategies,
    trajectory,
    summary,
    notes: comparisons(summary),
  };
}
