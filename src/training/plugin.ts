/**
 * Plug-in models: inner training written by the caller in plain JS/TS, differentiated
 * by the same forward-mode machinery (in JS: the caller's arrays never enter
 * WebAssembly). The caller supplies one optimiser step s_{t+1} = Θ_t(s_t, φ), the
 * gradient of the validation loss, and either the tangent recurrence `jvp` (exact) or
 * nothing, asking for central finite differences on `step` (approximate, and labelled so
 * in every result).
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, member, ownProperties } from "../core/validate";
import { maxAbs } from "../linalg/scaling";
import { Matrix } from "../core/matrix";
import { WorkCounter, localHypergradient, stepArguments } from "./session";
import { StepOptions, TrainingCounts, TrainingSession } from "./types";

/** A caller-supplied inner problem (model + optimiser + data, as one step function). */
export interface PluginModel {
  /** Hyperparameter names; their number is q. */
  readonly names: readonly string[];
  /** The initial state s₀: θ first, then any optimiser buffers. */
  readonly initialState: ArrayLike<number>;
  /** Length of θ at the start of the state (default: the whole state is θ). */
  readonly thetaSize?: number;
  /** One inner step: s_{t+1} = Θ_t(s_t, φ); t counts steps from s₀ (choose the mini-batch
   *  from it). Must be deterministic and must not modify its arguments. */
  step(state: Float64Array, phi: Float64Array, t: number): ArrayLike<number>;
  /** Optional exact tangent recurrence: for each tangent Ż_j (length of the state) return
   *  (∂Θ_t/∂s) Ż_j + ∂Θ_t/∂φ_j, i.e. the JVP along (Ż_j, e_j). Without it, use
   *  `jvp: 'finite-difference'`. */
  jvp?(
    state: Float64Array,
    phi: Float64Array,
    tangents: readonly Float64Array[],
    t: number,
  ): ReadonlyArray<ArrayLike<number>>;
  /** ∇_θ ℓ̃(θ): the gradient of the validation loss (length thetaSize). */
  valGrad(theta: Float64Array): ArrayLike<number>;
  /** The validation loss ℓ̃(θ) (optional; needed for `valLoss()` and trajectory results). */
  valLoss?(theta: Float64Array): number;
}

/** Where a plug-in run stands. */
export interface PluginState {
  readonly step: number;
  readonly state: Float64Array;
}

/** A plug-in session's full state (tangent included). */
export interface PluginSnapshot {
  readonly state: PluginState;
  readonly phi: Float64Array;
  readonly tangents: readonly Float64Array[];
}

/** Options of a plug-in session: initial φ, exact or finite-difference tangents, the difference step, a start state. */
export interface PluginTrainingOptions {
  /** Initial φ (length q). */
  phi: ArrayLike<number>;
  /** `exact` (the model's `jvp`; the default when it has one) or `finite-difference`
   *  (central differences on `step`: approximate, results say `approximate: true`). */
  jvp?: "exact" | "finite-difference";
  /** Relative step of the finite differences (default ∛ε_machine ≈ 6e-6). */
  fdStep?: number;
  /** Start here instead of s₀. */
  state?: PluginState;
}

export const PLUGIN_OPTIONS = ["phi", "jvp", "fdStep", "state"] as const;

/** True for an object shaped like a PluginModel (its own or its class's functions). */
export function isPluginModel(x: unknown): x is PluginModel {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof member(x, "step") === "function" &&
    typeof member(x, "valGrad") === "function"
  );
}

/**
 * The model's members read once, each its own or its class's (never Object.prototype's):
 * what the session calls cannot change (or be polluted) after construction.
 */
interface ModelMembers {
  names: unknown;
  initialState: unknown;
  thetaSize: unknown;
  step: PluginModel["step"];
  jvp: PluginModel["jvp"] | undefined;
  valGrad: PluginModel["valGrad"];
  valLoss: PluginModel["valLoss"] | undefined;
}

function modelMembers(model: PluginModel): ModelMembers {
  const fn = <T>(key: string): T | undefined => {
    const f = member(model, key);
    return typeof f === "function" ? ((f as (...a: unknown[]) => unknown).bind(model) as T) : undefined;
  };
  return {
    names: member(model, "names"),
    initialState: member(model, "initialState"),
    thetaSize: member(model, "thetaSize"),
    step: fn<PluginModel["step"]>("step") as PluginModel["step"],
    jvp: fn<PluginModel["jvp"]>("jvp"),
    valGrad: fn<PluginModel["valGrad"]>("valGrad") as PluginModel["valGrad"],
    valLoss: fn<PluginModel["valLoss"]>("valLoss"),
  };
}

/** Forward-mode training of a plug-in model (same interface as InnerTraining). */
export class PluginTraining implements TrainingSession {
  readonly names: readonly string[];
  readonly q: number;
  readonly approximate: boolean;
  readonly thetaSize: number;
  private readonly model: ModelMembers;
  private readonly fdStep: number;
  private s: Float64Array;
  private phi: Float64Array;
  private tangents: Float64Array[];
  private t = 0;
  private disposedFlag = false;
  private diverged = false;
  private readonly work: WorkCounter;

  constructor(model: PluginModel, options: PluginTrainingOptions) {
    if (!isPluginModel(model))
      throw new GlocalError(
        "E_TYPE",
        `model must have step(state, phi, t) and valGrad(theta) functions, got ${describe(model)}`,
        "model",
      );
    const o = checkOptions(options, PLUGIN_OPTIONS);
    const m = (this.model = modelMembers(model));
    const names = m.names;
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
      throw new GlocalError("E_TYPE", "model.names must be an array of strings", "model.names");
    }
    this.names = Object.freeze(names.slice() as string[]);
    this.q = this.names.length;
    this.work = new WorkCounter(this.q);
    const s0 = finiteVector(m.initialState, "model.initialState");
    const ts = (m.thetaSize ?? s0.length) as number;
    if (!Number.isInteger(ts) || ts < 1 || ts > s0.length) {
      throw new GlocalError(
        "E_OPTION",
        `model.thetaSize must be an integer in [1, ${s0.length}], got ${describe(m.thetaSize)}`,
        "model.thetaSize",
      );
    }
    this.thetaSize = ts as number;
    const mode = o.jvp ?? (m.jvp !== undefined ? "exact" : undefined);
    if (mode === undefined) {
      throw new GlocalError(
        "E_OPTION",
        "model has no jvp(); pass jvp: 'finite-difference' to use (approximate) finite differences",
        "jvp",
      );
    }
    if (mode !== "exact" && mode !== "finite-difference")
      throw new GlocalError(
        "E_OPTION",
        `option 'jvp' must be 'exact' or 'finite-difference', got ${describe(mode)}`,
        "jvp",
      );
    if (mode === "exact" && m.jvp === undefined)
      throw new GlocalError("E_OPTION", "jvp: 'exact' needs model.jvp()", "jvp");
    this.approximate = mode === "finite-difference";
    if (o.fdStep !== undefined && (typeof o.fdStep !== "number" || !(o.fdStep > 0 && o.fdStep < 1))) {
      throw new GlocalError(
        "E_OPTION",
        `option 'fdStep' must be a number in (0, 1), got ${describe(o.fdStep)}`,
        "fdStep",
      );
    }
    this.fdStep = (o.fdStep as number | undefined) ?? Math.cbrt(Number.EPSILON);
    this.phi = finiteVector(o.phi, "phi", this.q);
    if (o.state !== undefined) {
      const st = typeof o.state === "object" && o.state !== null ? ownProperties(o.state) : null;
      if (st === null || !Number.isInteger(st.step) || (st.step as number) < 0) {
        throw new GlocalError("E_OPTION", "state must be { step: integer >= 0, state: number[] }", "state");
      }
      this.s = finiteVector(st.state, "state.state", s0.length);
      this.t = st.step as number;
    } else this.s = s0;
    this.tangents = Array.from({ length: this.q }, () => new Float64Array(this.s.length));
  }

  get stepIndex(): number {
    return this.t;
  }

  get counts(): TrainingCounts {
    return this.work.counts;
  }

  /** Takes nSteps steps, carrying the tangent unless `tangent: false` (which discards it). */
  step(nSteps = 1, options: StepOptions = {}): void {
    const withTangent = stepArguments(nSteps, options) && this.q > 0;
    this.checkUsable();
    for (let i = 0; i < nSteps; i++) {
      if (withTangent) this.tangents = this.propagate();
      const next = this.callStep(this.s, this.phi);
      if (!allFinite(next)) {
        this.diverged = true;
        throw new GlocalError(
          "E_DIVERGED",
          `the plug-in state became non-finite at step ${this.t + 1}; restore a snapshot`,
          "step",
        );
      }
      this.s = next;
      this.t++;
      this.work.step(withTangent);
    }
    if (!withTangent && nSteps > 0) this.zeroTangents();
  }

  resetTangent(): void {
    this.checkUsable();
    this.zeroTangents();
  }

  /** h = Ż[θ]ᵀ ∇ℓ̃(θ). */
  hypergradient(): Float64Array {
    this.checkUsable();
    const g = this.validationGradient();
    const h = new Float64Array(this.q);
    for (let j = 0; j < this.q; j++) {
      const tj = this.tangents[j];
      let acc = 0;
      for (let i = 0; i < this.thetaSize; i++) acc += tj[i] * g[i];
      h[j] = acc;
    }
    return h;
  }

  /** The one-step hypergradient of the next step; the session is left unchanged. */
  localHypergradient(): Float64Array {
    return localHypergradient(this);
  }

  /** ∇ℓ̃(θ) from the model (validated). */
  validationGradient(): Float64Array {
    this.checkUsable();
    const g = this.model.valGrad(this.theta());
    this.work.valGradients++;
    return finiteVector(g, "valGrad(theta)", this.thetaSize, "E_DIVERGED");
  }

  valLoss(): number {
    this.checkUsable();
    if (this.model.valLoss === undefined)
      throw new GlocalError("E_OPTION", "the plug-in model has no valLoss()", "model.valLoss");
    const v = this.model.valLoss(this.theta());
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new GlocalError("E_DIVERGED", `valLoss(theta) returned ${describe(v)}`, "model.valLoss");
    return v;
  }

  getPhi(): Float64Array {
    return this.phi.slice();
  }

  setPhi(phi: ArrayLike<number>): void {
    this.checkLive();
    this.phi = finiteVector(phi, "phi", this.q);
  }

  theta(): Float64Array {
    return this.s.slice(0, this.thetaSize);
  }

  /** dθ/dφ: thetaSize × q. */
  tangent(): Matrix {
    const P = this.thetaSize,
      q = this.q,
      data = new Float64Array(P * q);
    for (let j = 0; j < q; j++) for (let i = 0; i < P; i++) data[i * q + j] = this.tangents[j][i];
    return { rows: P, cols: q, data };
  }

  state(): PluginState {
    return { step: this.t, state: this.s.slice() };
  }

  snapshot(): PluginSnapshot {
    this.checkUsable();
    return { state: this.state(), phi: this.phi.slice(), tangents: this.tangents.map((t) => t.slice()) };
  }

  /**
   * Returns to a snapshot, checked in full first (the session is unchanged when it is
   * rejected): step an integer >= 0, the state, φ and q tangents of this session's sizes,
   * every entry finite. Copies are kept, never the caller's arrays.
   */
  restore(snapshot: PluginSnapshot): void {
    this.checkLive();
    if (typeof snapshot !== "object" || snapshot === null)
      throw new GlocalError("E_TYPE", `snapshot must come from snapshot(), got ${describe(snapshot)}`, "snapshot");
    const snap = ownProperties(snapshot);
    const st = snap.state;
    if (typeof st !== "object" || st === null)
      throw new GlocalError("E_TYPE", `snapshot.state must be { step, state }, got ${describe(st)}`, "snapshot.state");
    const state = ownProperties(st);
    if (typeof state.step !== "number" || !Number.isInteger(state.step) || state.step < 0)
      throw new GlocalError(
        "E_OPTION",
        `snapshot.state.step must be an integer >= 0, got ${describe(state.step)}`,
        "snapshot.state.step",
      );
    const s = finiteVector(state.state, "snapshot.state.state", this.s.length);
    const phi = finiteVector(snap.phi, "snapshot.phi", this.q);
    const tangents = snap.tangents;
    if (!Array.isArray(tangents) || tangents.length !== this.q)
      throw new GlocalError(
        "E_SHAPE",
        `snapshot.tangents must be ${this.q} arrays (one per hyperparameter), got ${describe(tangents)}`,
        "snapshot.tangents",
      );
    const t = tangents.map((v, j) => finiteVector(v, `snapshot.tangents[${j}]`, this.s.length));
    this.s = s;
    this.t = state.step;
    this.phi = phi;
    this.tangents = t;
    this.diverged = false;
  }

  dispose(): void {
    this.disposedFlag = true;
  }

  // --- internals -------------------------------------------------------------------

  /** Zeroes the tangents in place: they are the session's own arrays, never handed out
   *  (the model, snapshots and tangent() get copies; restore and propagate make new ones). */
  private zeroTangents(): void {
    for (const t of this.tangents) t.fill(0);
  }

  /** The model's step on copies of s and φ (they may be the session's own arrays). */
  private callStep(s: Float64Array, phi: Float64Array): Float64Array {
    return this.callStepOn(s.slice(), phi.slice());
  }

  /** The model's step on s and φ as they are: fresh arrays no one else holds. */
  private callStepOn(s: Float64Array, phi: Float64Array): Float64Array {
    const out = this.model.step(s, phi, this.t);
    return vectorOf(out, "step(state, phi, t)", this.s.length);
  }

  /** Ż_{t+1} from Ż_t at s_t: the model's jvp, or central differences along (Ż_j, e_j). */
  private propagate(): Float64Array[] {
    if (!this.approximate) {
      const out = (this.model.jvp as NonNullable<PluginModel["jvp"]>)(
        this.s.slice(),
        this.phi.slice(),
        this.tangents.map((t) => t.slice()),
        this.t,
      );
      if (!Array.isArray(out) || out.length !== this.q) {
        throw new GlocalError("E_SHAPE", `jvp() must return ${this.q} tangents, got ${describe(out)}`, "model.jvp");
      }
      const next = out.map((v, j) => vectorOf(v, `jvp()[${j}]`, this.s.length));
      if (!next.every(allFinite)) {
        this.diverged = true;
        throw new GlocalError("E_DIVERGED", `the plug-in tangent became non-finite at step ${this.t + 1}`, "model.jvp");
      }
      return next;
    }
    const scale = 1 + Math.max(maxAbs(this.s), maxAbs(this.phi));
    return this.tangents.map((tj, j) => {
      const dir = Math.max(maxAbs(tj), 1);
      const eps = (this.fdStep * scale) / dir;
      const plus = this.s.slice(),
        minus = this.s.slice();
      for (let i = 0; i < plus.length; i++) {
        plus[i] += eps * tj[i];
        minus[i] -= eps * tj[i];
      }
      const pp = this.phi.slice(),
        pm = this.phi.slice();
      pp[j] += eps;
      pm[j] -= eps;
      const fp = this.callStepOn(plus, pp),
        fm = this.callStepOn(minus, pm);
      const out = new Float64Array(fp.length);
      for (let i = 0; i < out.length; i++) out[i] = (fp[i] - fm[i]) / (2 * eps);
      if (!allFinite(out)) {
        this.diverged = true;
        throw new GlocalError(
          "E_DIVERGED",
          `the finite-difference tangent became non-finite at step ${this.t + 1}`,
          "step",
        );
      }
      return out;
    });
  }

  private checkLive(): void {
    if (this.disposedFlag) throw new GlocalError("E_DISPOSED", "this plug-in session was disposed", "session");
  }

  private checkUsable(): void {
    this.checkLive();
    if (this.diverged)
      throw new GlocalError("E_DIVERGED", "the session diverged; restore a snapshot taken before", "session");
  }
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** A numeric vector of the given length as a fresh Float64Array (NaN allowed: callers check). */
function vectorOf(v: unknown, name: string, length: number): Float64Array {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v)))
    throw new GlocalError("E_TYPE", `${name} must return an array of numbers, got ${describe(v)}`, name);
  const a = v as ArrayLike<unknown>;
  if (a.length !== length)
    throw new GlocalError("E_SHAPE", `${name} must have ${length} entries, got ${a.length}`, name);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    if (typeof a[i] !== "number")
      throw new GlocalError("E_TYPE", `${name}[${i}] is not a number: ${describe(a[i])}`, name);
    out[i] = a[i] as number;
  }
  return out;
}

function finiteVector(
  v: unknown,
  name: string,
  length?: number,
  code: "E_NONFINITE" | "E_DIVERGED" = "E_NONFINITE",
): Float64Array {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v)))
    throw new GlocalError("E_TYPE", `${name} must be an array of numbers, got ${describe(v)}`, name);
  const n = length ?? (v as ArrayLike<unknown>).length;
  if (n === 0) throw new GlocalError("E_SHAPE", `${name} is empty`, name);
  const out = vectorOf(v, name, n);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(out[i])) throw new GlocalError(code, `${name}[${i}] is not finite (${out[i]})`, name);
  return out;
}
