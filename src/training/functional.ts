/**
 * Forward-mode hypergradients: trajectories h_1 … h_m of a window, the
 * global hypergradient h_T of a whole run, and the local one-step hypergradient. They
 * run on a training session: `InnerTraining` for the built-in problems, `PluginTraining`
 * for caller-supplied models, or the session a `SessionProblem` makes (glocal-hypergrad/tfjs).
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, member, optInteger } from "../core/validate";
import { OptimizerSpec } from "./optim";
import {
  PLUGIN_OPTIONS,
  PluginModel,
  PluginState,
  PluginTraining,
  PluginTrainingOptions,
  isPluginModel,
} from "./plugin";
import { Problem } from "../problems/types";
import { INNER_TRAINING_OPTIONS, InnerTraining, InnerTrainingOptions } from "./builtin";
import {
  DriverSession,
  SessionProblem,
  TrainingSession,
  TrainingState,
  TrajectoryResult,
  isSessionProblem,
} from "./types";
import { recordWindow } from "./window";

export { InnerTraining } from "./builtin";
export type { InnerTrainingOptions } from "./builtin";
export { PluginTraining } from "./plugin";

/** Options of `hypergradientTrajectory` for a built-in problem. */
export interface TrajectoryOptions extends InnerTrainingOptions {
  /** Inner steps in the window (a multiple of `stride`). */
  steps: number;
  /** Record h every `stride` steps (default 1). */
  stride?: number;
}

/** Options of `hypergradientTrajectory` for a plug-in model. */
export interface PluginTrajectoryOptions extends PluginTrainingOptions {
  steps: number;
  stride?: number;
}

/** Result of `globalHypergradient` and `localHypergradient`: a trajectory result with one
 *  hypergradient in place of the trajectory. */
export interface HypergradientResult<State = TrainingState> extends Omit<TrajectoryResult<State>, "trajectory"> {
  /** The hypergradient, one entry per name. */
  hypergradient: Float64Array;
  /** State after the steps taken (for `localHypergradient`: the unchanged input state). */
  state: State;
}

/**
 * The hypergradient trajectory of one window: starting from `state` (default θ₀) with a
 * zero tangent, run `steps` inner steps carrying dθ/dφ and record h = d ℓ̃(θ_t)/dφ every
 * `stride` steps. Row i of `trajectory` is h after (i + 1)·stride steps; `state` is where
 * training stands afterwards (pass it to the next window).
 *
 * Built-in problem: `hypergradientTrajectory(problem, optimizer, { steps, stride, state,
 * hyper, batchSize, seed, weights, phi })`.
 * Plug-in model: `hypergradientTrajectory(model, { steps, stride, phi, jvp, state })`.
 */
export function hypergradientTrajectory(
  problem: Problem | SessionProblem,
  optimizer: OptimizerSpec,
  options: TrajectoryOptions,
): TrajectoryResult;
export function hypergradientTrajectory(
  model: PluginModel,
  options: PluginTrajectoryOptions,
): TrajectoryResult<PluginState>;
export function hypergradientTrajectory(
  target: Problem | SessionProblem | PluginModel,
  second: OptimizerSpec | PluginTrajectoryOptions,
  third?: TrajectoryOptions,
): TrajectoryResult<TrainingState> | TrajectoryResult<PluginState> {
  if (isPluginModel(target)) {
    const o = checkOptions(second, [...PLUGIN_OPTIONS, "steps", "stride"]) as unknown as PluginTrajectoryOptions;
    const { steps, stride } = windowOptions(o);
    const session = new PluginTraining(target, pick(o, PLUGIN_OPTIONS) as unknown as PluginTrainingOptions);
    return runWindow(
      session,
      steps,
      stride,
      () => session.state(),
      () => (typeof member(target, "valLoss") === "function" ? session.valLoss() : null),
    );
  }
  const o = checkOptions(third, [...INNER_TRAINING_OPTIONS, "steps", "stride"]) as unknown as TrajectoryOptions;
  const { steps, stride } = windowOptions(o);
  const session = makeSession(
    target as Problem | SessionProblem,
    second as OptimizerSpec,
    pick(o, INNER_TRAINING_OPTIONS),
  );
  try {
    return runWindow(
      session,
      steps,
      stride,
      () => session.state(),
      () => session.valLoss(),
    );
  } finally {
    session.dispose();
  }
}

/** Options of `globalHypergradient`: a session's, without `state`, plus `steps`. */
const GLOBAL_OPTIONS = [...INNER_TRAINING_OPTIONS.filter((k) => k !== "state"), "steps"];

/**
 * The global hypergradient h_T: T = `steps` inner steps from θ₀ with the tangent, exact
 * (no truncation). Options as `hypergradientTrajectory` without `state` and `stride`.
 */
export function globalHypergradient(
  problem: Problem | SessionProblem,
  optimizer: OptimizerSpec,
  options: Omit<TrajectoryOptions, "state" | "stride">,
): HypergradientResult {
  const o = checkOptions(options, GLOBAL_OPTIONS) as unknown as TrajectoryOptions;
  const steps = o.steps;
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1) {
    throw new GlocalError("E_OPTION", `option 'steps' must be an integer >= 1, got ${describe(steps)}`, "steps");
  }
  const r = hypergradientTrajectory(problem, optimizer, { ...o, stride: steps });
  return {
    hypergradient: r.trajectory.data.slice(),
    names: r.names,
    state: r.state,
    phi: r.phi,
    valLoss: r.valLoss,
    approximate: r.approximate,
    ...(r.approximation === undefined ? {} : { approximation: r.approximation }),
    counts: r.counts,
  };
}

/**
 * The local (greedy, one-step) hypergradient h^loc = (∂Θ_t/∂φ)ᵀ ∇ℓ̃(θ_{t+1}) of the step
 * taken from `state` (default θ₀) on the mini-batch of that step. Options as
 * `InnerTraining`.
 */
export function localHypergradient(
  problem: Problem | SessionProblem,
  optimizer: OptimizerSpec,
  options: InnerTrainingOptions = {},
): HypergradientResult {
  const session = makeSession(problem, optimizer, options as Record<string, unknown>);
  try {
    const before = session.state();
    const h = session.localHypergradient();
    return {
      hypergradient: h,
      names: session.names.slice(),
      state: before,
      phi: session.getPhi(),
      valLoss: session.valLoss(),
      approximate: session.approximate,
      ...approximation(session),
      counts: session.counts,
    };
  } finally {
    session.dispose();
  }
}

/** A built-in problem's InnerTraining, or the session a SessionProblem makes itself. */
function makeSession(
  problem: Problem | SessionProblem,
  optimizer: OptimizerSpec,
  options: Record<string, unknown>,
): DriverSession {
  if (isSessionProblem(problem)) return problem.createSession(optimizer, options);
  return new InnerTraining(problem, optimizer, options);
}

function windowOptions(o: { steps?: unknown; stride?: unknown }): { steps: number; stride: number } {
  const stride = optInteger(o.stride, "stride", 1, 1);
  const steps = o.steps;
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < stride || steps % stride !== 0) {
    throw new GlocalError(
      "E_OPTION",
      `option 'steps' must be a positive multiple of stride (${stride}), got ${describe(steps)}`,
      "steps",
    );
  }
  return { steps, stride };
}

function pick(o: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

function runWindow<S>(
  session: TrainingSession,
  steps: number,
  stride: number,
  state: () => S,
  valLoss: () => number | null,
): TrajectoryResult<S> {
  const q = session.q,
    m = steps / stride;
  const data = new Float64Array(m * q);
  recordWindow(session, steps, stride, { record: (h, done) => data.set(h, (done / stride - 1) * q) });
  return {
    trajectory: { rows: m, cols: q, data },
    names: session.names.slice(),
    state: state(),
    phi: session.getPhi(),
    valLoss: valLoss(),
    approximate: session.approximate,
    ...approximation(session),
    counts: session.counts,
  };
}

/** `approximation` for a result, when the session says why its tangents are approximate. */
function approximation(session: TrainingSession): { approximation?: string } {
  return session.approximate && typeof session.approximation === "string"
    ? { approximation: session.approximation }
    : {};
}
