/**
 * The demo with its strategies on a pool of workers (src/core/pool.ts): each strategy is a
 * task, handed out longest first (global and random train `outer` models, and the
 * strategies with tangents cost about 1 + q plain steps per step), so the longest starts at
 * once; the progress of every worker is merged into one stream; the trajectory plot, which
 * needs glocal's final φ, and the report follow in this thread.
 */
import { runYielding } from "../../core/cooperative";
import { ownProperties } from "../../core/validate";
import { WorkerEndpoint, runPool } from "../../core/pool";
import { resolveProducts } from "../../gpu/dispatch";
import type { OptimizeResult, Strategy } from "../../optimize/types";
import {
  DemoOptions,
  DemoResult,
  DemoSettings,
  finishDemo,
  makeDemoData,
  makeDemoProblem,
  naturalHyper,
  plannedSteps,
  resolveDemoOptions,
  demoPlan,
} from "./run";
import { STRATEGY_TASK, StrategyTaskInput, StrategyTaskProgress } from "./tasks";

/** Relative cost of a strategy, for longest-first scheduling: inner steps, weighted by the tangent's work. */
export function strategyCost(s: DemoSettings, strategy: Strategy): number {
  const tangent = strategy !== "none" && strategy !== "random";
  return plannedSteps(s, strategy) * (tangent ? 1 + s.hyper.length : 1);
}

/** The caller's options without what stays in this thread (callbacks, the signal, the pool size). */
function taskOptions(options: DemoOptions): DemoOptions {
  const copy = { ...ownProperties(options) } as DemoOptions;
  delete copy.onProgress;
  delete copy.signal;
  delete copy.workers;
  return copy;
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
  const { total } = demoPlan(s);
  const natural = naturalHyper(s);
  // The data are made once, here, and handed to every task (the trajectory needs them too).
  const data = options.data ?? makeDemoData(s);
  const input = { ...taskOptions(options), data };
  const stepsDone = new Map<Strategy, number>();
  const tasks = s.strategies.map((strategy) => ({
    label: `strategy '${strategy}'`,
    name: STRATEGY_TASK,
    input: { options: input, strategy } satisfies StrategyTaskInput,
    cost: strategyCost(s, strategy),
  }));
  const values = await runPool(tasks, {
    workers,
    spawn,
    signal: options.signal,
    // Events arrive as the workers send them, strategies interleaved; the fraction counts
    // the inner steps of all of them.
    onProgress: (i, value) => {
      const p = value as StrategyTaskProgress;
      const strategy = s.strategies[i];
      stepsDone.set(strategy, p.innerSteps);
      let sum = 0;
      for (const n of stepsDone.values()) sum += n;
      options.onProgress?.({
        strategy,
        fraction: sum / total,
        valLoss: p.valLoss,
        innerSteps: p.innerSteps,
        phi: p.phi,
        hyper: natural(p.phi),
      });
    },
  });
  const results: Partial<Record<Strategy, OptimizeResult>> = {};
  let stopped: DemoResult["stopped"] = "done";
  let done = 0;
  s.strategies.forEach((strategy, i) => {
    const r = values[i] as OptimizeResult | undefined;
    if (r === undefined) {
      stopped = "aborted"; // skipped: the signal fired before it started
      return;
    }
    results[strategy] = r;
    done += plannedSteps(s, strategy);
    if (r.stopped === "aborted") stopped = "aborted";
  });
  const problem = makeDemoProblem(s, data);
  try {
    return await runYielding(finishDemo(s, problem, results, stopped, options, done, products), { yieldEveryMs });
  } finally {
    problem.dispose();
  }
}
