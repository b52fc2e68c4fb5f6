/**
 * The main job (`glocal demo`, and the browser demo's worker): hyperparameter optimisation
 * of a real model on MNIST digits with every strategy — the baselines none and random
 * beside the four hypergradient strategies — under one scenario (scenarios.ts), one
 * hypergradient trajectory with its glocal extrapolation, and the data of the SVG report.
 * Free of Node built-ins: the browser worker runs the same code on data it was handed.
 */
import { GlocalError, describe, isGlocalError } from "../../core/errors";
import { checkOptions, optInteger, optNumber } from "../../core/validate";
import { ScriptUrl, checkWorkers } from "../../core/workers";
import { mnist, ClassificationData } from "../../datasets/mnist";
import { logistic, mlp, softmax } from "../../problems/index";
import { OptimizerSpec, momentumValue } from "../../training/optim";
import { optimizeWork } from "../../optimize/index";
import { Work, runToEnd } from "../../core/cooperative";
import { windowEstimator } from "../../optimize/strategies/index";
import { windowSteps } from "../../training/window";
import { STRATEGIES } from "../../optimize/types";
import type {
  GlocalOptions,
  OptimizeOptions,
  OptimizeResult,
  RandomSearchOptions,
  Strategy,
} from "../../optimize/types";
import { DEFAULT_SCENARIO, DemoProblem, SCENARIOS, ScenarioSizes, scenarioNames } from "./scenarios";
import { InnerTraining, InnerTrainingOptions } from "../../training/builtin";
import { DriverSession, isSessionProblem } from "../../training/types";
import type { DemoVariant } from "./scenarios";
import type { HyperName } from "../../training/hyperparameters";
import type { DecayPanel, DemoReport, StrategyPath, SummaryRow, TrajectoryPlot } from "../report/types";
import { PRODUCT_OPTION_KEYS, ProductOptions, resolveProducts } from "../../gpu/dispatch";

/** `backend` / `gpuMode` (ProductOptions): where the batched model products run (not for the
 *  tfjs scenario, whose model runs on TensorFlow.js's backend). Every other option overrides
 *  the same field of the scenario. */
export interface DemoOptions extends ProductOptions {
  /** A scenario of SCENARIOS (default "softmax"): problem, start, budgets, strategies. */
  scenario?: string;
  /** "softmax", "mlp" (one tanh hidden layer) or "logistic" (needs two `classes`). */
  model?: "softmax" | "mlp" | "logistic";
  /** Hidden units of the MLP. */
  hidden?: number;
  /** Training and validation examples from the embedded MNIST digits. */
  train?: number;
  val?: number;
  /** Mini-batch size (the scenario's; at most `train`). */
  batch?: number;
  /** T: inner steps of every final model (global repeats T-step runs `outer` times). */
  steps?: number;
  /** Window m of truncated and glocal. */
  window?: number;
  /** Local's update period k. */
  localEvery?: number;
  /** Training runs of the global strategy, and random search's trials. */
  outer?: number;
  strategies?: readonly Strategy[];
  seed?: number;
  /** Meta-optimiser (Adam) step on φ. */
  metaLr?: number;
  /** glocal's estimator options, merged over the scenario's (stride, method, target). The
   *  scenario's stride scales with `window` (the same points per window) unless given here. */
  glocal?: GlocalOptions;
  /** glocal: validation examples behind the recorded trajectory; 0 = the whole set. */
  valSubsample?: number;
  /** The scenario's smaller sizes: about a quarter of the time. */
  quick?: boolean;
  /** Data to use instead of loading MNIST (the browser hands its subset in). */
  data?: ClassificationData;
  /** Called after every hyperparameter update and every recorded trajectory point. */
  onProgress?: (p: DemoProgress) => void;
  signal?: { readonly aborted: boolean };
  /**
   * runDemoAsync: worker threads (Node) or Web Workers that run the strategies side by
   * side, longest first; default: the number of cores. 1 runs everything in this thread.
   * The results are the same bit for bit whatever the number (wall times aside). runDemo
   * runs in this thread and accepts only 1.
   */
  workers?: number;
  /**
   * Browsers: the URL of a module worker script that serves the demo's tasks (it calls
   * `initSync()` and then `serveDemoWorker` with its global scope, as
   * examples/browser/pool-worker.js does). Without it, runDemoAsync runs in this thread
   * there; Node's worker threads need no script.
   */
  workerUrl?: ScriptUrl;
}

/** What `onProgress` receives during the demo: the strategy running, the share done, its latest state. */
export interface DemoProgress {
  strategy: Strategy | "trajectory";
  /** Fraction of the whole demo's inner steps done, in [0, 1]. */
  fraction: number;
  valLoss: number | null;
  /** Inner steps of this strategy so far (strategies only). */
  innerSteps?: number;
  /** φ after the latest update (log lr, log wd, logit momentum as tuned) and the natural values
   *  (momentum: the start's when not tuned, 0 for plain SGD). */
  phi?: number[];
  hyper?: { lr: number; wd: number; momentum: number };
  /** strategy "trajectory": the newest recorded hypergradient component, `step` steps after the window start. */
  point?: { step: number; value: number; name: string };
}

/** The scenario after options and `--quick`: everything a run needs. */
export interface DemoSettings {
  scenario: string;
  /** The scenario's one-line description. */
  summary: string;
  model: "softmax" | "mlp" | "logistic";
  hidden: number;
  classes: number[] | null;
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
  /** glocal's options (stride, target, method, valSubsample) after the overrides. */
  glocal: GlocalOptions;
  random: RandomSearchOptions;
  /** The inner optimiser with the starting hyperparameters, and the tuned hyperparameters. */
  start: OptimizerSpec;
  hyper: HyperName[];
  /** The hyperparameters of the strategies that tune others than `hyper`. */
  hyperOf: Partial<Record<Strategy, HyperName[]>>;
  /** Every run in order: each strategy, then its variants (other glocal options). */
  runs: DemoRun[];
  /** The meta learning rate of each run by name (`metaLr` for the others; `--meta-lr` sets all). */
  metaLrs: Record<string, number>;
  initial: { lr: number; wd: number; momentum: number | null };
  /** Where the batched model products run. */
  products: ProductOptions;
  /** True for a TensorFlow.js scenario (its model runs on tfjs's backend). */
  tfjs: boolean;
}

/** One run of the demo: a strategy under its name, or a variant of one. */
export interface DemoRun {
  name: string;
  strategy: Strategy;
  /** glocal options merged over the scenario's (variants only). */
  glocal?: Partial<GlocalOptions>;
}

/** The demo's outcome: each strategy's optimize result, the summary table, the trajectory plot, the report. */
export interface DemoResult {
  settings: DemoSettings;
  results: Partial<Record<Strategy, OptimizeResult>>;
  /** The variants' results by run name (empty when the scenario has none). */
  variants: Record<string, OptimizeResult>;
  summary: SummaryRow[];
  trajectory: TrajectoryPlot | null;
  report: DemoReport;
  /** "done" or "aborted" (the signal fired: partial results). */
  stopped: "done" | "aborted";
  /** Where the batched model products ran: 'gpu' (gpu.js, above the crossover), 'wasm', or
   *  'tfjs' (a TensorFlow.js scenario: tfjs's own backend). */
  products: "wasm" | "gpu" | "tfjs";
}

const OPTION_KEYS = [
  "scenario",
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
  "valSubsample",
  "quick",
  "data",
  "onProgress",
  "signal",
  "workers",
  "workerUrl",
  ...PRODUCT_OPTION_KEYS,
] as const;

/** The scenario named by `options.scenario`, with the options and `--quick` applied. */
export function resolveDemoOptions(options: DemoOptions = {}): DemoSettings {
  const o = checkOptions(options, OPTION_KEYS, "demo options");
  checkWorkers(o.workers);
  const url = o.workerUrl;
  if (url !== undefined && typeof url !== "string" && !(typeof URL === "function" && url instanceof URL)) {
    throw new GlocalError("E_OPTION", `workerUrl must be a string or a URL, got ${describe(url)}`, "workerUrl");
  }
  const name = o.scenario === undefined ? DEFAULT_SCENARIO : o.scenario;
  if (typeof name !== "string" || !Object.prototype.hasOwnProperty.call(SCENARIOS, name)) {
    throw new GlocalError(
      "E_OPTION",
      `scenario must be one of ${scenarioNames().join(", ")}, got ${describe(name)}`,
      "scenario",
    );
  }
  const sc = SCENARIOS[name];
  const quick = o.quick === true;
  const size = (k: keyof ScenarioSizes): number => (quick ? sc.quick[k] : sc[k]);
  if (o.model !== undefined && o.model !== "softmax" && o.model !== "mlp" && o.model !== "logistic") {
    throw new GlocalError(
      "E_OPTION",
      `model must be 'softmax', 'mlp' or 'logistic', got ${describe(o.model)}`,
      "model",
    );
  }
  const model = (o.model as DemoSettings["model"] | undefined) ?? sc.model;
  if (sc.tfjs === true && model !== sc.model) {
    throw new GlocalError(
      "E_OPTION",
      `scenario '${name}' has the ${sc.model} model only, got ${describe(model)}`,
      "model",
    );
  }
  const classes = sc.classes ? sc.classes.slice() : null;
  if (model === "logistic" && (classes === null || classes.length !== 2)) {
    throw new GlocalError("E_OPTION", `model 'logistic' needs a scenario with two digit classes`, "model");
  }
  const strategies = (o.strategies as Strategy[] | undefined) ?? sc.strategies.slice();
  if (!Array.isArray(strategies) || strategies.length === 0 || !strategies.every((s) => STRATEGIES.includes(s))) {
    throw new GlocalError("E_OPTION", `strategies must be a non-empty list of ${STRATEGIES.join(", ")}`, "strategies");
  }
  const steps = optInteger(o.steps, "steps", size("steps"), 2);
  const window = optInteger(o.window, "window", Math.min(size("window"), steps), 2, steps);
  const train = optInteger(o.train, "train", size("train"), 10, 9000);
  const val = optInteger(o.val, "val", size("val"), 10, 5000);
  const batch = optInteger(o.batch, "batch", sc.batch === "full" ? train : Math.min(sc.batch, train), 1, train);
  // The scenario's stride is for its window: with another window, the same number of
  // recorded points per window (unless a stride is given).
  const stride =
    o.window === undefined ? size("stride") : Math.max(1, Math.round((size("stride") * window) / size("window")));
  const glocal: GlocalOptions = {
    ...sc.glocal,
    stride,
    ...((o.glocal as GlocalOptions | undefined) ?? {}),
  };
  const sub = optInteger(o.valSubsample, "valSubsample", glocal.valSubsample ?? 0, 0);
  if (sub === 0 || sub >= val) delete glocal.valSubsample;
  else glocal.valSubsample = sub;
  const unique = [...new Set(strategies)];
  const runs: DemoRun[] = [];
  for (const st of unique) {
    runs.push({ name: st, strategy: st });
    for (const v of sc.variants ?? []) if (v.strategy === st) runs.push(variantRun(v));
  }
  const metaLr = optNumber(o.metaLr, "metaLr", sc.metaLr, (v) => v > 0, "> 0");
  const metaLrs: Record<string, number> = {};
  for (const r of runs) metaLrs[r.name] = o.metaLr === undefined ? (sc.metaLrs?.[r.name] ?? metaLr) : metaLr;
  const hyperOf: Partial<Record<Strategy, HyperName[]>> = {};
  for (const [st, list] of Object.entries(sc.hyperOf ?? {})) if (list) hyperOf[st as Strategy] = list.slice();
  return {
    scenario: name,
    summary: sc.summary,
    model,
    hidden: optInteger(o.hidden, "hidden", sc.hidden, 1),
    classes,
    train,
    val,
    batch,
    steps,
    window,
    localEvery: optInteger(o.localEvery, "localEvery", sc.localEvery, 1, steps),
    outer: optInteger(o.outer, "outer", size("outer"), 2),
    strategies: unique,
    seed: optInteger(o.seed, "seed", sc.seed, 0),
    metaLr,
    glocal,
    random: sc.random,
    start: sc.start,
    hyper: sc.hyper.slice(),
    hyperOf,
    runs,
    metaLrs,
    initial: startValues(sc.start),
    // A TensorFlow.js scenario runs on tfjs's backend: the product options do not apply
    // (the browser page sends one whatever the model).
    products:
      sc.tfjs === true
        ? {}
        : { backend: o.backend as ProductOptions["backend"], gpuMode: o.gpuMode as ProductOptions["gpuMode"] },
    tfjs: sc.tfjs === true,
  };
}

function variantRun(v: DemoVariant): DemoRun {
  return { name: v.name, strategy: v.strategy, glocal: { ...v.glocal } };
}

/** The start's lr, wd and momentum (null for plain SGD). */
function startValues(spec: OptimizerSpec): DemoSettings["initial"] {
  // Every scenario's start names its learning rate (lr is optional only for callers who pass φ).
  return { lr: spec.lr as number, wd: spec.wd, momentum: spec.kind === "sgd" ? null : momentumValue(spec) };
}

/** The demo's data: the scenario's MNIST digits, split by the seed. */
export function makeDemoData(s: DemoSettings): ClassificationData {
  const own = SCENARIOS[s.scenario]?.data;
  if (own) return own({ train: s.train, val: s.val, seed: s.seed });
  return mnist({ train: s.train, val: s.val, seed: s.seed, ...(s.classes ? { classes: s.classes } : {}) });
}

/** The demo's model on its data (dispose it when done). */
export function makeDemoProblem(s: DemoSettings, data: ClassificationData): DemoProblem {
  const own = SCENARIOS[s.scenario]?.problem;
  if (own) return own(data, { seed: s.seed, hidden: s.hidden });
  if (s.model === "mlp") return mlp(data, { hidden: s.hidden, activation: "tanh", seed: s.seed });
  return s.model === "logistic" ? logistic(data, { seed: s.seed }) : softmax(data, { seed: s.seed });
}

/** A training session of a demo problem (built-in, or a TensorFlow.js one that makes its own). */
function demoSession(problem: DemoProblem, start: OptimizerSpec, options: InnerTrainingOptions): DriverSession {
  return isSessionProblem(problem) ? problem.createSession(start, options) : new InnerTraining(problem, start, options);
}

/** What every training session of the demo shares: the tuned hyperparameters, the
 *  mini-batches and where the products run. */
function sessionOptions(s: DemoSettings): { hyper: HyperName[]; batchSize: number; seed: number } & ProductOptions {
  return { hyper: s.hyper, batchSize: s.batch, seed: s.seed, ...s.products };
}

/**
 * The optimize() options the demo uses for one strategy, or for one run (a variant's glocal
 * options, each run's meta learning rate and hyperparameters); the end-to-end benchmark
 * reuses them.
 */
export function demoOptimizeOptions(
  s: DemoSettings,
  problem: DemoProblem,
  strategy: Strategy,
  run: DemoRun = { name: strategy, strategy },
): OptimizeOptions {
  return {
    problem,
    optimizer: s.start,
    strategy,
    ...sessionOptions(s),
    hyper: s.hyperOf[strategy] ?? s.hyper,
    innerSteps: s.steps,
    outerSteps: s.outer,
    window: strategy === "local" ? s.localEvery : s.window,
    evalEvery: Math.max(s.window, Math.floor(s.steps / 20)),
    metaOptimizer: { kind: "adam", lr: s.metaLrs[run.name] ?? s.metaLr },
    glocal: run.glocal ? { ...s.glocal, ...run.glocal } : s.glocal,
    random: s.random,
  };
}

/**
 * A few untimed steps with and without tangents, so the first strategy's wall time does not
 * include the engine compiling the kernels.
 */
export function warmUp(problem: DemoProblem, s: DemoSettings): void {
  const run = demoSession(problem, s.start, sessionOptions(s));
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
export function plannedSteps(s: DemoSettings, strategy: Strategy): number {
  return strategy === "global" || strategy === "random" ? s.steps * s.outer : s.steps;
}

/**
 * The demo's job: every strategy under one budget, then the trajectory plot and the report.
 * Holds the thread until it ends; see {@link runDemoAsync} for a form a UI or a timer can stop.
 */
export function runDemo(options: DemoOptions = {}): DemoResult {
  const workers = (checkOptions(options, OPTION_KEYS, "demo options") as DemoOptions).workers;
  if (workers !== undefined && checkWorkers(workers) !== 1) {
    throw new GlocalError(
      "E_OPTION",
      `option 'workers' of runDemo must be 1 (it runs in this thread), got ${describe(workers)}; runDemoAsync runs the strategies on workers`,
      "workers",
    );
  }
  return runToEnd(demoWork(options));
}

/** The demo's plan: inner steps of the trajectory plot and of the whole run (progress fractions). */
export function demoPlan(s: DemoSettings): { trajectorySteps: number; total: number } {
  const trajectorySteps = Math.max(s.window, Math.floor(s.steps / 2));
  const total = s.runs.reduce((a, run) => a + plannedSteps(s, run.strategy), 0) + trajectorySteps * 2;
  return { trajectorySteps, total };
}

/** The job as a generator that yields after every inner step (runDemo, runDemoAsync with one worker). */
export function* demoWork(options: DemoOptions, pauses: { ms: number } = { ms: 0 }): Work<DemoResult> {
  const s = resolveDemoOptions(options);
  // Validates backend/gpuMode (and finds out where the products go) before any work.
  const products = s.tfjs ? "tfjs" : resolveProducts(s.products) === null ? "wasm" : "gpu";
  const data = options.data ?? makeDemoData(s);
  const problem = makeDemoProblem(s, data);
  const { total } = demoPlan(s);
  const natural = naturalHyper(s);
  let done = 0;
  const byRun: Record<string, OptimizeResult> = {};
  let stopped: DemoResult["stopped"] = "done";
  try {
    warmUp(problem, s);
    for (const run of s.runs) {
      const strategy = run.strategy;
      const r = yield* optimizeWork(
        {
          ...demoOptimizeOptions(s, problem, strategy, run),
          signal: options.signal,
          onProgress: (p) =>
            options.onProgress?.({
              strategy,
              fraction: (done + p.innerSteps) / total,
              valLoss: p.valLoss,
              innerSteps: p.innerSteps,
              phi: Array.from(p.phi),
              hyper: natural(p.phi),
            }),
        },
        pauses,
      );
      byRun[run.name] = r;
      done += plannedSteps(s, strategy);
      if (r.stopped === "aborted") {
        stopped = "aborted";
        break;
      }
    }
    return yield* finishDemo(s, problem, data, byRun, stopped, options, done, products);
  } finally {
    problem.dispose();
  }
}

/**
 * After the runs (here or on workers): the trajectory plot from the final φ of glocal (or
 * the first strategy that ran), the summary, the per-feature decay panel and the report.
 * `byRun`: each run's result by its name; `done`: inner steps of the runs, for the
 * progress fraction.
 */
export function* finishDemo(
  s: DemoSettings,
  problem: DemoProblem,
  data: ClassificationData,
  byRun: Record<string, OptimizeResult>,
  stoppedBefore: DemoResult["stopped"],
  options: DemoOptions,
  done: number,
  products: DemoResult["products"],
  recorded?: { trajectory: TrajectoryPlot | null },
): Work<DemoResult> {
  const { trajectorySteps, total } = demoPlan(s);
  let stopped = stoppedBefore;
  const results: Partial<Record<Strategy, OptimizeResult>> = {};
  for (const run of s.runs) if (run.name === run.strategy && byRun[run.name]) results[run.strategy] = byRun[run.name];
  const finalPhi = (results.glocal ?? results.truncated ?? s.strategies.map((st) => results[st]).find((r) => r))?.final
    .phi;
  const progress = (step: number, value: number, name: string): void =>
    options.onProgress?.({
      strategy: "trajectory",
      fraction: (done + trajectorySteps + step) / total,
      valLoss: null,
      point: { step, value, name },
    });
  // `recorded`: the plot was recorded meanwhile (parallel.ts), from the same φ.
  const trajectory =
    stopped === "done" && finalPhi
      ? recorded
        ? recorded.trajectory
        : yield* recordTrajectory(problem, s, finalPhi, trajectorySteps, options, progress)
      : null;
  if (options.signal?.aborted) stopped = "aborted";
  const ran = s.runs.filter((run) => byRun[run.name]);
  const summary = ran.map((run) => summaryRow(run.name, byRun[run.name]));
  const variants: Record<string, OptimizeResult> = {};
  for (const run of ran) if (run.name !== run.strategy) variants[run.name] = byRun[run.name];
  const real = (data as { real?: unknown }).real;
  const decays =
    typeof real === "number" && s.runs.some((run) => (s.hyperOf[run.strategy] ?? s.hyper).includes("featureWd"))
      ? decayPanel(ran, byRun, real, data.train.x.cols)
      : null;
  return {
    settings: s,
    results,
    variants,
    summary,
    trajectory,
    report: buildReport(s, ran, byRun, summary, trajectory, decays),
    stopped,
    products,
  };
}

/** The strategy whose final φ the trajectory plot starts from (finishDemo's choice when every strategy ran). */
export function trajectorySource(s: DemoSettings): Strategy {
  return s.strategies.includes("glocal")
    ? "glocal"
    : s.strategies.includes("truncated")
      ? "truncated"
      : s.strategies[0];
}

/**
 * One window's hypergradient trajectory, continued to the end of training: from θ₀ with
 * the final φ, `steps` plain steps to the window start, then the tangent for `steps` more
 * (h_T at the end is the true global value); the estimate uses only the first m steps.
 * Recorded on the whole validation set.
 */
export function* recordTrajectory(
  problem: DemoProblem,
  s: DemoSettings,
  phi: number[],
  steps: number,
  options: DemoOptions,
  progress: (step: number, value: number, name: string) => void,
): Work<TrajectoryPlot | null> {
  const run = demoSession(problem, s.start, { ...sessionOptions(s), phi });
  const stride = s.glocal.stride ?? 1;
  const estimator = windowEstimator(run.q, s.window, s.glocal);
  try {
    for (let i = 0; i < steps; i++) {
      if (options.signal?.aborted) return null;
      run.step(1, { tangent: false });
      yield;
    }
    const component = Math.max(0, run.names.indexOf("log_wd"));
    const t: number[] = [],
      values: number[] = [];
    const stop = new Error("aborted");
    try {
      yield* windowSteps(
        run,
        steps,
        stride,
        function* (n) {
          if (options.signal?.aborted) throw stop; // the plot is then dropped
          run.step(n);
          yield;
        },
        (h, done) => {
          t.push(done);
          values.push(h[component]);
          progress(done, h[component], run.names[component]);
          if (done <= s.window) estimator.push(h);
        },
      );
    } catch (e) {
      if (e === stop) return null;
      throw e;
    }
    const m = t.filter((x) => x <= s.window).length;
    const plot = {
      hyperName: run.names[component],
      steps: t,
      values,
      windowSteps: s.window,
      trueGlobal: values[values.length - 1],
      truncated: values[m - 1],
    };
    try {
      const est = estimator.estimate();
      const method = `${est.method}, delay ${est.delay}${est.trusted ? "" : ", not trusted"}`;
      return { ...plot, estimate: est.estimate[component], method };
    } catch (e) {
      // A window with too few recorded points (the driver falls back to h_m there too).
      if (!(isGlocalError(e) && e.code === "E_TOO_SHORT")) throw e;
      return { ...plot, estimate: plot.truncated, method: `none: ${m} recorded point(s) in the window, h_m used` };
    }
  } finally {
    estimator.dispose();
    run.dispose();
  }
}

/** lr, wd, momentum from φ (ordered lr, wd, momentum whatever the list's order; the
 *  hyperparameters not tuned keep the start's values). */
export function naturalHyper(
  s: DemoSettings,
): (phi: ArrayLike<number>) => { lr: number; wd: number; momentum: number } {
  const order: HyperName[] = ["lr", "wd", "momentum"];
  const at = (name: HyperName) =>
    s.hyper.includes(name) ? order.filter((h) => s.hyper.includes(h)).indexOf(name) : -1;
  const iLr = at("lr"),
    iWd = at("wd"),
    iMom = at("momentum");
  return (phi) => ({
    lr: iLr >= 0 ? Math.exp(phi[iLr]) : s.initial.lr,
    wd: iWd >= 0 ? Math.exp(phi[iWd]) : s.initial.wd,
    momentum: iMom >= 0 ? 1 / (1 + Math.exp(-phi[iMom])) : (s.initial.momentum ?? 0),
  });
}

/**
 * Each run's final weight decay per input feature: its per-feature decays when it tuned
 * them, else its single decay for every feature.
 */
export function featureDecays(r: OptimizeResult, features: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < features; j++) {
    const i = r.names.indexOf(`log_wd[feature${j}]`);
    out.push(i >= 0 ? Math.exp(r.final.phi[i]) : r.final.hyper.wd);
  }
  return out;
}

function decayPanel(
  runs: DemoRun[],
  byRun: Record<string, OptimizeResult>,
  real: number,
  features: number,
): DecayPanel {
  return { real, series: runs.map((run) => ({ name: run.name, decays: featureDecays(byRun[run.name], features) })) };
}

function summaryRow(strategy: string, r: OptimizeResult): SummaryRow {
  return {
    strategy,
    valLoss: r.final.valLoss,
    valAccuracy: r.final.valAccuracy,
    wallTimeMs: r.wallTimeMs,
    innerSteps: r.counts.innerSteps,
    jvps: r.counts.jvps,
    valGradients: r.counts.valGradients,
    fallbacks: r.counts.fallbacks,
    updates: r.counts.updates,
  };
}

/** Signed percentage change of a against b. */
function pct(a: number, b: number): string {
  const d = (100 * (a - b)) / b;
  return `${d >= 0 ? "+" : ""}${d.toFixed(1)} %`;
}

/**
 * What the table means, in a few lines: tuning against none, the best strategy, and
 * glocal against the strategies it competes with (loss and wall time).
 */
export function comparisons(summary: SummaryRow[]): string[] {
  const get = (name: string) => summary.find((r) => r.strategy === name);
  const out: string[] = [];
  const none = get("none");
  const tuned = summary.filter((r) => r.strategy !== "none" && Number.isFinite(r.valLoss));
  if (tuned.length > 0) {
    const best = tuned.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    out.push(
      `best: ${best.strategy} (${best.valLoss.toFixed(4)})${none ? `, ${pct(best.valLoss, none.valLoss)} against no tuning (none ${none.valLoss.toFixed(4)})` : ""}`,
    );
  }
  const g = get("glocal");
  if (g) {
    const vs = ["none", "random", "local", "truncated", "global"]
      .map((name) => get(name))
      .filter((r): r is SummaryRow => r !== undefined)
      .map((r) => `${r.strategy} ${pct(g.valLoss, r.valLoss)}, ${(g.wallTimeMs / r.wallTimeMs).toFixed(2)}× time`);
    if (vs.length) out.push(`glocal vs ${vs.join("; ")}`);
    out.push(`glocal fell back to h_m in ${g.fallbacks} of ${g.updates} windows (estimate not trusted)`);
  }
  // Variants of glocal (another fallback policy): against glocal and truncated.
  for (const v of summary.filter((r) => r.strategy.startsWith("glocal ("))) {
    const vs = [g, get("truncated")]
      .filter((r): r is SummaryRow => r !== undefined)
      .map((r) => `${r.strategy} ${pct(v.valLoss, r.valLoss)}`);
    out.push(`${v.strategy}: ${vs.join(", ")}; fell back to h_m in ${v.fallbacks} of ${v.updates} windows`);
  }
  return out;
}

/**
 * A strategy's points for the report: every history entry, then the final model when the
 * history ends before it (global's last run trains the final model without an entry), so
 * each line ends at the final loss of the table.
 */
export function pathPoints(r: OptimizeResult): StrategyPath["points"] {
  // Per-feature decays: the path shows their geometric mean.
  const perFeature = r.names.flatMap((n, i) => (n.startsWith("log_wd[feature") ? [i] : []));
  const wdOf = (phi: ArrayLike<number>, wd: number) =>
    perFeature.length ? Math.exp(perFeature.reduce((a, i) => a + phi[i], 0) / perFeature.length) : wd;
  const points = r.history.map((e) => ({
    innerSteps: e.innerSteps,
    wallTimeMs: e.wallTimeMs,
    lr: e.hyper.lr,
    wd: wdOf(e.phi, e.hyper.wd),
    momentum: e.hyper.momentum,
    valLoss: e.valLoss,
  }));
  const last = r.history[r.history.length - 1];
  if (!last || last.innerSteps < r.counts.innerSteps || last.valLoss !== r.final.valLoss) {
    const h = r.final.hyper;
    points.push({
      innerSteps: r.counts.innerSteps,
      wallTimeMs: r.wallTimeMs,
      lr: h.lr,
      wd: wdOf(r.final.phi, h.wd),
      momentum: h.momentum,
      valLoss: r.final.valLoss,
    });
  }
  return points;
}

/** The strategies that tune other hyperparameters, for the subtitle. */
function tunedElse(s: DemoSettings): string {
  const other = Object.entries(s.hyperOf).filter(([st]) => s.strategies.includes(st as Strategy));
  return other.map(([st, list]) => ` (${st}: ${(list ?? []).join(", ")})`).join("");
}

/** One meta learning rate, or each run's when they differ. */
function metaLrText(s: DemoSettings): string {
  const tuned = s.runs.filter((r) => r.strategy !== "none" && r.strategy !== "random");
  const values = new Set(tuned.map((r) => s.metaLrs[r.name]));
  if (values.size <= 1) return String(tuned.length ? s.metaLrs[tuned[0].name] : s.metaLr);
  return tuned.map((r) => `${r.name} ${s.metaLrs[r.name]}`).join(", ");
}

function buildReport(
  s: DemoSettings,
  runs: DemoRun[],
  byRun: Record<string, OptimizeResult>,
  summary: SummaryRow[],
  trajectory: TrajectoryPlot | null,
  decays: DecayPanel | null,
): DemoReport {
  const strategies: StrategyPath[] = runs.map((run) => ({ name: run.name, points: pathPoints(byRun[run.name]) }));
  const model =
    s.model === "mlp"
      ? `MLP (${s.hidden} tanh units)${s.tfjs ? " in TensorFlow.js" : ""}`
      : s.model === "logistic"
        ? `logistic regression (digits ${(s.classes ?? []).join(" vs ")})`
        : "softmax regression";
  const start = `lr ${s.initial.lr}, wd ${s.initial.wd}${s.initial.momentum === null ? "" : `, momentum ${s.initial.momentum}`}`;
  return {
    title: `glocal demo (${s.scenario}): ${model} on MNIST`,
    subtitle: `${s.train} training / ${s.val} validation digits, batch ${s.batch}, T = ${s.steps} inner steps per final model (global: ${s.outer} runs, random: ${s.outer} trials), window ${s.window}, local every ${s.localEvery}, glocal stride ${s.glocal.stride ?? 1}${s.glocal.valSubsample === undefined ? "" : ` (its trajectory on ${s.glocal.valSubsample} validation digits)`}, seed ${s.seed}; ${s.start.kind} from ${start}; tuned: ${s.hyper.join(", ")}${tunedElse(s)}; meta Adam lr ${metaLrText(s)}`,
    strategies,
    trajectory,
    summary,
    notes: comparisons(summary),
    ...(decays ? { decays } : {}),
  };
}
