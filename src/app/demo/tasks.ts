/**
 * The demo's work as pool tasks (src/core/pool.ts), run by a worker: one run of the demo (a strategy or a variant),
 * on the data and model the worker builds from the same options — the same statements as the
 * in-thread run, so the same results bit for bit.
 */
import type { Work } from "../../core/cooperative";
import { TaskContext, WorkerPort, serveTasks } from "../../core/serveTasks";
import { setThreadDefaults } from "../../training/parallel/threads";
import { TrialOutcome, optimizeWork, randomSearchTrials } from "../../optimize/index";
import type { OptimizeResult } from "../../optimize/types";
import type { DemoProblem } from "./scenarios";
import {
  DemoOptions,
  DemoRun,
  DemoSettings,
  demoOptimizeOptions,
  makeDemoData,
  makeDemoProblem,
  resolveDemoOptions,
  warmUp,
} from "./run";

/** A run task's input: the demo's options (no callbacks) and the run (a strategy, or a variant of one). */
export interface StrategyTaskInput {
  options: DemoOptions;
  run: DemoRun;
}

/** What a strategy task reports after every update. */
export interface StrategyTaskProgress {
  innerSteps: number;
  valLoss: number | null;
  phi: number[];
}

export const STRATEGY_TASK = "demo.strategy";
export const TRIAL_TASK = "demo.randomTrial";

/** A random-search trial's input: the demo's options (no callbacks) and the trial's φ. */
export interface TrialTaskInput {
  options: DemoOptions;
  phi: number[];
}

/** Models this worker has warmed up: the engine's compilation is paid once per worker, not per task. */
const warmed = new Set<string>();

/** warmUp (untimed steps; it changes no result) on the first task of each model in this worker. */
function warmOnce(problem: DemoProblem, s: DemoSettings): void {
  const key = `${s.scenario}/${s.model}/${s.hidden}/${s.batch}`;
  if (warmed.has(key)) return;
  warmUp(problem, s);
  warmed.add(key);
}

/** Runs one strategy of the demo as the in-thread run does (after the same warm-up). */
export function* strategyTask(input: StrategyTaskInput, ctx: TaskContext): Work<OptimizeResult> {
  const s = resolveDemoOptions(input.options);
  const problem = makeDemoProblem(s, input.options.data ?? makeDemoData(s));
  try {
    warmOnce(problem, s);
    return yield* optimizeWork({
      ...demoOptimizeOptions(s, problem, input.run.strategy, input.run),
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.progress({
          innerSteps: p.innerSteps,
          valLoss: p.valLoss,
          phi: Array.from(p.phi),
        } satisfies StrategyTaskProgress),
    });
  } finally {
    problem.dispose();
  }
}

/** Trains and evaluates one trial of the demo's random search (reports its steps after every window). */
export function* trialTask(input: TrialTaskInput, ctx: TaskContext): Work<TrialOutcome> {
  const s = resolveDemoOptions(input.options);
  const problem = makeDemoProblem(s, input.options.data ?? makeDemoData(s));
  try {
    warmOnce(problem, s);
    return yield* randomSearchTrials.trial(
      { ...demoOptimizeOptions(s, problem, "random"), signal: ctx.signal },
      input.phi,
      (steps) => ctx.progress({ innerSteps: steps, valLoss: null, phi: [] } satisfies StrategyTaskProgress),
    );
  } finally {
    problem.dispose();
  }
}

/**
 * The entry a worker of the demo's pool calls with its port (the Node worker thread
 * bootstraps with it; a browser's worker script calls it with its global scope).
 */
export function serveDemoWorker(port: WorkerPort): void {
  // The pool already fills the cores with runs: a run's inner steps start no helper threads of
  // their own (their slices, and so their results, stay as they are; docs/threads.md).
  setThreadDefaults({ maxHelpers: 0 });
  serveTasks(port, { [STRATEGY_TASK]: strategyTask as never, [TRIAL_TASK]: trialTask as never });
}
