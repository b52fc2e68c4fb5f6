/**
 * The demo with its strategies on a pool of workers (src/core/pool.ts): each strategy is a
 * task, and so is each trial of random search; tasks are handed out longest first (global
 * trains `outer` models, and a step with tangents costs about 1 + q plain steps), so the
 * longest starts at once. The progress of every worker is merged into one stream; random
 * search's result is assembled from its trials here; the trajectory plot, which needs
 * glocal's final φ, is recorded here as soon as glocal ends, while the workers finish the
 * others; the report follows.
 */
import { runYielding } from "../../core/cooperative";
import { ownProperties } from "../../core/validate";
import { PoolTask, WorkerEndpoint, runPool } from "../../core/pool";
import { TrialOutcome, randomSearchTrials } from "../../optimize/index";
import { resolveProducts } from "../../gpu/dispatch";
import type { OptimizeOptions, OptimizeResult, Strategy } from "../../optimize/types";
import type { TrajectoryPlot } from "../report/types";
import {
  DemoOptions,
  DemoResult,
  DemoRun,
  DemoSettings,
  finishDemo,
  makeDemoData,
  makeDemoProblem,
  demoOptimizeOptions,
  naturalHyper,
  plannedSteps,
  recordTrajectory,
  resolveDemoOptions,
  trajectorySource,
  demoPlan,
} from "./run";
import { STRATEGY_TASK, StrategyTaskInput, StrategyTaskProgress, TRIAL_TASK, TrialTaskInput } from "./tasks";

/** Relative cost of a strategy, for longest-first scheduling: inner steps, weighted by the tangent's work. */
export function strategyCost(s: DemoSettings, strategy: Strategy): number {
  const tangent = strategy !== "none" && strategy !== "random";
  return plannedSteps(s, strategy) * (tangent ? 1 + (s.hyperOf[strategy] ?? s.hyper).length : 1);
}

/** The caller's options without what stays in this thread (callbacks, the signal, the pool size). */
function taskOptions(options: DemoOptions): DemoOptions {
  const copy = { ...ownProperties(options) } as DemoOptions;
  delete copy.onProgress;
  delete copy.signal;
  delete copy.workers;
  delete copy.workerUrl;
  return copy;
}

/** A unit of the pool's work: a whole run (a strategy or a variant), or one trial of random search. */
interface Unit {
  run: DemoRun;
  trial: number | null;
}

/** Runs the demo's strategies on `workers` workers made by `spawn`, the rest here. */
export async function runDemoOnWorkers(
  options: DemoOptions,
  workers: number,
  spawn: () => WorkerEndpoint,
  yieldEveryMs: number,
): Promise<DemoResult> {
  const s = resolveDemoOptions(options);
  const products = resolveProducts(s.products) === null ? "wasm" : "gpu";
  const { total, trajectorySteps } = demoPlan(s);
  const natural = naturalHyper(s);
  // The data are made once, here, and handed to every task (the trajectory needs them too).
  const data = options.data ?? makeDemoData(s);
  const input = { ...taskOptions(options), data };
  const problem = makeDemoProblem(s, data);
  let recording: Promise<TrajectoryPlot | null> | null = null;
  try {
    // Random search's trials are tasks of their own (each T plain steps); the draws come from here.
    const randomOptions = (): OptimizeOptions => demoOptimizeOptions(s, problem, "random");
    const draws = s.strategies.includes("random") ? randomSearchTrials.draws(randomOptions()) : [];
    const units: Unit[] = [];
    const tasks: PoolTask[] = [];
    for (const run of s.runs) {
      const strategy = run.strategy;
      if (strategy === "random") {
        draws.forEach((phi, k) => {
          units.push({ run, trial: k });
          tasks.push({
            label: `random search's trial ${k + 1}`,
            name: TRIAL_TASK,
            input: { options: input, phi } satisfies TrialTaskInput,
            cost: s.steps,
          });
        });
      } else {
        units.push({ run, trial: null });
        tasks.push({
          label: run.name === strategy ? `strategy '${strategy}'` : `run '${run.name}'`,
          name: STRATEGY_TASK,
          input: { options: input, run } satisfies StrategyTaskInput,
          cost: strategyCost(s, strategy),
        });
      }
    }
    // Inner steps done per unit: the progress fraction counts all of them (and the trajectory's).
    const stepsDone = new Array<number>(units.length).fill(0);
    let trajectoryDone = 0;
    const fractionNow = (): number => (stepsDone.reduce((a, b) => a + b, 0) + trajectoryDone) / total;
    // The trajectory plot starts from the final φ of one strategy (glocal's): it is recorded
    // here as soon as that strategy ends, while the workers finish the others.
    const source = trajectorySource(s);
    let halted = false;
    const signal = {
      get aborted(): boolean {
        return halted || Boolean(options.signal?.aborted);
      },
    };
    const record = (phi: number[]): void => {
      const progress = (step: number, value: number, name: string): void => {
        trajectoryDone = trajectorySteps + step;
        options.onProgress?.({
          strategy: "trajectory",
          fraction: fractionNow(),
          valLoss: null,
          point: { step, value, name },
        });
      };
      const work = recordTrajectory(problem, s, phi, trajectorySteps, { signal }, progress);
      recording = runYielding(work, { yieldEveryMs });
    };
    const stepsOf = (name: string): number =>
      units.reduce((a, u, i) => (u.run.name === name ? a + stepsDone[i] : a), 0);
    const values = await runPool(tasks, {
      workers,
      spawn,
      signal: options.signal,
      // Events arrive as the workers send them, strategies interleaved.
      onProgress: (i, value) => {
        const p = value as StrategyTaskProgress;
        const { run, trial } = units[i];
        const strategy = run.strategy;
        stepsDone[i] = p.innerSteps;
        const fraction = fractionNow();
        if (trial !== null) {
          options.onProgress?.({ strategy, fraction, valLoss: null, innerSteps: stepsOf(run.name) });
        } else {
          const hyper = natural(p.phi);
          options.onProgress?.({ strategy, fraction, valLoss: p.valLoss, innerSteps: p.innerSteps, phi: p.phi, hyper });
        }
      },
      // A unit that has ended counts its whole budget (global trains its final model after its last report).
      onDone: (i, value) => {
        const { run, trial } = units[i];
        stepsDone[i] = trial === null ? plannedSteps(s, run.strategy) : s.steps;
        const r = value as OptimizeResult;
        if (run.name === source && trial === null && r.stopped !== "aborted" && !signal.aborted) record(r.final.phi);
      },
    }).catch((e: unknown) => {
      // A run that failed drops the plot: its recording stops at its next step.
      halted = true;
      throw e;
    });
    const recorded =
      recording === null ? undefined : { trajectory: await (recording as Promise<TrajectoryPlot | null>) };
    const byRun: Record<string, OptimizeResult> = {};
    let stopped: DemoResult["stopped"] = "done";
    let done = 0;
    for (const run of s.runs) {
      const strategy = run.strategy;
      const mine = units.flatMap((u, i) => (u.run.name === run.name ? [i] : []));
      const r =
        strategy === "random"
          ? randomSearchTrials.result(
              randomOptions(),
              draws,
              mine.map((i) => values[i] as TrialOutcome | undefined),
            )
          : (values[mine[0]] as OptimizeResult | undefined);
      if (r === undefined) {
        stopped = "aborted"; // skipped: the signal fired before it started
        continue;
      }
      byRun[run.name] = r;
      done += plannedSteps(s, strategy);
      if (r.stopped === "aborted") stopped = "aborted";
    }
    return await runYielding(finishDemo(s, problem, data, byRun, stopped, options, done, products, recorded), {
      yieldEveryMs,
    });
  } finally {
    // The recording runs on `problem`: it ends before the problem is freed.
    await (recording as Promise<unknown> | null)?.catch(() => undefined);
    problem.dispose();
  }
}
