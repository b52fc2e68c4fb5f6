/**
 * Random search split into its trials, for callers that run them on workers (the demo and
 * the benchmarks, whose workers can rebuild the problem): each trial trains and evaluates on
 * its own (`randomTrial`), and `randomFromTrials` replays random.ts's bookkeeping over the
 * outcomes in trial order — the same draws, counts, events, history and final values as
 * runRandom, bit for bit. Trials are independent: each starts from θ₀ with its own φ and
 * the same mini-batch order, so where it runs changes nothing.
 */
import { GlocalError, GlocalErrorCode, isGlocalError } from "../../core/errors";
import type { Work } from "../../core/cooperative";
import { Aborted, Evaluable, Run } from "../run";
import type { OptimizeEvent, OptimizeResult } from "../types";
import { trainFixed } from "./fixed";
import { better, trialDraws, trialEntry } from "./random";
import { finish } from "./finish";

/** A trained trial's losses (what record() and result() read), or the error the first of them threw. */
export type TrialMetrics =
  | { trainLoss: number; valLoss: number; valAccuracy: number | null }
  | { error: { code: string; message: string; argument?: string } };

/** What a trial reports back (structured-cloneable). */
export interface TrialOutcome {
  /** Inner steps taken. */
  steps: number;
  /** False when the training diverged (the model is then at its last good state). */
  finite: boolean;
  /** Stopped by the signal before the end. */
  aborted: boolean;
  /** The search's own validation loss after training; null when it was not finite. */
  loss: number | null;
  metrics: TrialMetrics;
  /** Divergence events, inner steps counted from the trial's start. */
  events: OptimizeEvent[];
  /** Training time (evaluations apart). */
  ms: number;
}

/** The K trials' φ, in order. */
export function randomDraws(run: Run): number[][] {
  const draw = trialDraws(run);
  return Array.from({ length: run.o.outerSteps }, () => Array.from(draw()));
}

function evaluate(s: Evaluable): TrialMetrics {
  try {
    return { trainLoss: s.trainLoss(), valLoss: s.valLoss(), valAccuracy: s.valAccuracy() };
  } catch (e) {
    if (!isGlocalError(e)) throw e;
    return { error: { code: e.code, message: e.message, ...(e.argument ? { argument: e.argument } : {}) } };
  }
}

/** One trial on a fresh Run: trains from θ₀ under `phi`, then evaluates. `onChunk`: steps done so far. */
export function* randomTrial(run: Run, phi: readonly number[], onChunk?: (steps: number) => void): Work<TrialOutcome> {
  const s = run.session(phi);
  try {
    let finite = true,
      aborted = false;
    try {
      finite = (yield* trainFixed(run, s, run.o.innerSteps, run.o.window, onChunk)).finite;
    } catch (e) {
      if (!(e instanceof Aborted)) throw e;
      aborted = true;
    }
    let loss: number | null = null;
    if (!aborted) {
      try {
        loss = s.valLoss();
      } catch (e) {
        if (!run.divergedWithFixedPhi(e)) throw e;
      }
    }
    return {
      steps: run.innerSteps,
      finite,
      aborted,
      loss,
      metrics: evaluate(s),
      events: run.events.slice(),
      ms: run.trainingMs(),
    };
  } finally {
    run.release(s);
  }
}

/** The metrics as record() and result() read them; a stored error is thrown again where it was. */
function evaluated(m: TrialMetrics): Evaluable {
  const fail = (): never => {
    const e = (m as { error: { code: string; message: string; argument?: string } }).error;
    throw new GlocalError(e.code as GlocalErrorCode, e.message, e.argument);
  };
  return "error" in m
    ? { trainLoss: fail, valLoss: fail, valAccuracy: fail }
    : { trainLoss: () => m.trainLoss, valLoss: () => m.valLoss, valAccuracy: () => m.valAccuracy };
}

interface Done {
  phi: Float64Array;
  loss: number;
  diverged: boolean;
  metrics: TrialMetrics;
}

/**
 * runRandom's result from the trials' outcomes (undefined: not started, the signal had
 * fired). Wall times: each history entry adds the training time of the trials up to it.
 */
export function randomFromTrials(
  run: Run,
  draws: readonly number[][],
  outcomes: ReadonlyArray<TrialOutcome | undefined>,
): OptimizeResult {
  const T = run.o.innerSteps;
  const start = run.session();
  run.record(start, 0, {}, true);
  run.release(start);
  let best: Done | null = null;
  let current: TrialMetrics | null = null;
  let notStarted: number | null = null;
  let trialMs = 0;
  for (let k = 1; k <= draws.length; k++) {
    const t = outcomes[k - 1];
    const phi = Float64Array.from(draws[k - 1]);
    if (t === undefined) {
      // Stopped before this trial's first step: runRandom would hold it untrained.
      notStarted = k - 1;
      run.aborted();
      break;
    }
    const offset = run.innerSteps;
    for (const e of t.events) run.events.push({ ...e, innerSteps: e.innerSteps + offset, update: run.updates });
    run.innerSteps += t.steps;
    trialMs += t.ms;
    if (t.aborted) {
      current = t.metrics;
      run.aborted();
      break;
    }
    const trial: Done = { phi, loss: t.loss ?? Infinity, diverged: !t.finite || t.loss === null, metrics: t.metrics };
    if (t.loss !== null) run.valLosses++;
    if (trial.diverged) run.rejected++;
    run.updates++;
    if (best === null || better(trial, best)) {
      best = trial;
      run.adopt(phi);
    }
    run.record(evaluated(best.metrics), k * T, { trial: trialEntry(run, trial) }, true).wallTimeMs += trialMs;
  }
  if (best === null && current === null && notStarted !== null) {
    return finish(run, run.session(draws[notStarted]));
  }
  const final = best?.metrics ?? current;
  if (final === null) throw new GlocalError("E_ABORTED", "random search stopped before its first trial", "signal");
  if (best && !Number.isFinite(best.loss)) {
    throw new GlocalError("E_DIVERGED", "every random-search trial diverged", "random");
  }
  if (best?.diverged) run.stopped = "diverged";
  const result = run.result(evaluated(final));
  result.wallTimeMs += trialMs;
  return result;
}
