/**
 * `random`: random search, the baseline that HPO users know (Optuna, Hyperopt and Ray Tune
 * all start from it). `outerSteps` trials — global's budget of inner steps — each trains
 * from θ₀ for `innerSteps` steps with φ fixed at a seeded draw from the search box
 * (searchBox.ts); the trial with the lowest validation loss is kept, and its model, trained
 * with that φ, is the final model. A diverged trial ranks below every finite one.
 */
import { GlocalError } from "../../core/errors";
import { mixSeed, mulberry32 } from "../../core/random";
import type { DriverSession } from "../../training/types";
import { Aborted, Run } from "../run";
import type { HistoryEntry, OptimizeResult } from "../types";
import { finish } from "./finish";
import { trainFixed } from "./fixed";
import type { Work } from "../../core/cooperative";
import { drawPhi, searchBox } from "./searchBox";

/** Stream of the trials' draws, apart from the mini-batch order of the same seed. */
const DRAW_STREAM = 0x7a4d;

interface Trial {
  s: DriverSession;
  phi: Float64Array;
  /** Validation loss at the end (at the last good state when it diverged). */
  loss: number;
  diverged: boolean;
}

/** Whether trial a ranks above b: finite runs first, then by validation loss. */
export function better(a: Pick<Trial, "diverged" | "loss">, b: Pick<Trial, "diverged" | "loss">): boolean {
  if (a.diverged !== b.diverged) return !a.diverged;
  return a.loss < b.loss;
}

/** The trials' φ, one draw per call, from the search box and the seed. */
export function trialDraws(run: Run): () => Float64Array {
  const box = searchBox(run.names, run.phi, run.o.random);
  const u = mulberry32(mixSeed(run.o.seed, DRAW_STREAM));
  return () => drawPhi(box, u);
}

export function* runRandom(run: Run): Work<OptimizeResult> {
  const { innerSteps: T, outerSteps: K } = run.o;
  const draw = trialDraws(run);
  const start = run.session();
  run.record(start, 0, {}, true);
  run.release(start);
  let best: Trial | null = null;
  let current: DriverSession | null = null;
  try {
    for (let k = 1; k <= K; k++) {
      const phi = draw();
      const s = (current = run.session(phi));
      const trained = yield* trainFixed(run, s, T, run.o.window);
      const trial: Trial = { s, phi, loss: Infinity, diverged: !trained.finite };
      try {
        trial.loss = s.valLoss(); // the search's own evaluation: part of its cost and time
        run.valLosses++;
      } catch (e) {
        if (!run.divergedWithFixedPhi(e)) throw e;
        trial.diverged = true;
      }
      if (trial.diverged) run.rejected++;
      run.updates++;
      current = null;
      if (best === null || better(trial, best)) {
        if (best) run.release(best.s);
        best = trial;
        run.adopt(phi);
      } else {
        run.release(s);
      }
      run.record(best.s, k * T, { trial: trialEntry(run, trial) }, true);
    }
  } catch (e) {
    if (!(e instanceof Aborted)) throw e;
    run.aborted();
  }
  // Aborted before the first trial ended: the partly trained trial is what there is.
  const final = best?.s ?? current;
  if (best && current) run.release(current);
  if (!final) throw new GlocalError("E_ABORTED", "random search stopped before its first trial", "signal");
  if (best && !Number.isFinite(best.loss)) {
    run.release(final);
    throw new GlocalError("E_DIVERGED", "every random-search trial diverged", "random");
  }
  if (best?.diverged) run.stopped = "diverged";
  return finish(run, final);
}

export function trialEntry(run: Run, t: Pick<Trial, "phi" | "diverged" | "loss">): NonNullable<HistoryEntry["trial"]> {
  return {
    phi: Array.from(t.phi),
    hyper: run.natural(t.phi),
    valLoss: t.diverged ? null : t.loss,
  };
}
