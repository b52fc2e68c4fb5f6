/**
 * Inner optimisers, specified in natural units (the library converts to the unconstrained
 * hyperparameters φ): SGD, heavy-ball momentum and AdamW. The specs are plain frozen
 * objects; the kernels live in assembly/optim/.
 */
import { GlocalError, describe } from "../../core/errors";
import { checkOptions, optNumber } from "../../core/validate";

/** Plain SGD with coupled weight decay: θ ← θ − α(∇L + λθ). */
export interface SgdSpec {
  readonly kind: "sgd";
  /** Learning rate α > 0. */
  readonly lr: number;
  /** Weight decay λ ≥ 0 (> 0 to optimise it, since it is log-parameterised). */
  readonly wd: number;
}

/** Heavy ball: v ← μv + (∇L + λθ), θ ← θ − αv. */
export interface MomentumSpec {
  readonly kind: "momentum";
  readonly lr: number;
  readonly wd: number;
  /** Momentum μ ∈ (0, 1). */
  readonly momentum: number;
}

/** AdamW: decoupled weight decay, θ ← θ − α(m̂/(√v̂ + ε) + λθ). */
export interface AdamSpec {
  readonly kind: "adam";
  readonly lr: number;
  readonly wd: number;
  /** β₁ ∈ (0, 1), the hyperparameter named `momentum` for Adam. */
  readonly beta1: number;
  /** β₂ ∈ (0, 1). */
  readonly beta2: number;
  /** ε > 0 in the denominator. */
  readonly eps: number;
}

export type OptimizerSpec = SgdSpec | MomentumSpec | AdamSpec;
export type OptimizerKind = OptimizerSpec["kind"];

/** A finite number > 0; `fallback` when undefined (none for a required option). */
function positive(v: unknown, name: string, fallback = NaN): number {
  return optNumber(v, name, fallback, (x) => x > 0, "> 0");
}

/** A finite number >= 0; `fallback` when undefined. */
function nonNegative(v: unknown, name: string, fallback: number): number {
  return optNumber(v, name, fallback, (x) => x >= 0, ">= 0");
}

function unitOpen(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
    throw new GlocalError("E_OPTION", `option '${name}' must lie strictly between 0 and 1, got ${describe(v)}`, name);
  }
  return v;
}

function required(o: Record<string, unknown>, key: string, prefix: string): unknown {
  if (o[key] === undefined) throw new GlocalError("E_OPTION", `option '${prefix}${key}' is required`, prefix + key);
  return o[key];
}

/** SGD with learning rate `lr` and weight decay `wd` (default 0). */
export function sgd(options: { lr: number; wd?: number }): SgdSpec {
  return checkOptimizer({ kind: "sgd", ...checkOptions(options, ["lr", "wd"], "sgd options") }) as SgdSpec;
}

/** Heavy-ball momentum (default μ = 0.9). */
export function momentum(options: { lr: number; wd?: number; momentum?: number }): MomentumSpec {
  return checkOptimizer({ kind: "momentum", ...checkOptions(options, ["lr", "wd", "momentum"], "momentum options") }) as MomentumSpec;
}

/** AdamW (defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, wd = 0). */
export function adam(options: { lr: number; wd?: number; beta1?: number; beta2?: number; eps?: number }): AdamSpec {
  return checkOptimizer({ kind: "adam", ...checkOptions(options, ["lr", "wd", "beta1", "beta2", "eps"], "adam options") }) as AdamSpec;
}

/** Validates an optimiser spec (from the constructors above or written by hand). */
export function checkOptimizer(spec: unknown, name = "optimizer"): OptimizerSpec {
  if (typeof spec !== "object" || spec === null) {
    throw new GlocalError("E_OPTION", `${name} must be an optimiser spec (optimizers.sgd/momentum/adam), got ${describe(spec)}`, name);
  }
  const o = spec as Record<string, unknown>;
  const p = `${name}.`;
  switch (o.kind) {
    case "sgd":
      checkOptions(o, ["kind", "lr", "wd"], name);
      return Object.freeze({ kind: "sgd", lr: positive(required(o, "lr", p), p + "lr"), wd: nonNegative(o.wd, p + "wd", 0) });
    case "momentum":
      checkOptions(o, ["kind", "lr", "wd", "momentum"], name);
      return Object.freeze({
        kind: "momentum",
        lr: positive(required(o, "lr", p), p + "lr"),
        wd: nonNegative(o.wd, p + "wd", 0),
        momentum: unitOpen(o.momentum, p + "momentum", 0.9),
      });
    case "adam":
      checkOptions(o, ["kind", "lr", "wd", "beta1", "beta2", "eps"], name);
      return Object.freeze({
        kind: "adam",
        lr: positive(required(o, "lr", p), p + "lr"),
        wd: nonNegative(o.wd, p + "wd", 0),
        beta1: unitOpen(o.beta1, p + "beta1", 0.9),
        beta2: unitOpen(o.beta2, p + "beta2", 0.999),
        eps: positive(o.eps, p + "eps", 1e-8),
      });
    default:
      throw new GlocalError("E_OPTION", `${p}kind must be 'sgd', 'momentum' or 'adam', got ${describe(o.kind)}`, p + "kind");
  }
}

/** Names of the optimiser's state buffers (each shaped like θ). */
export function bufferNames(spec: OptimizerSpec): readonly string[] {
  return spec.kind === "sgd" ? [] : spec.kind === "momentum" ? ["velocity"] : ["m", "v"];
}

/** Whether the optimiser has a momentum-like hyperparameter (μ, or β₁ for Adam). */
export function hasMomentum(spec: OptimizerSpec): boolean {
  return spec.kind !== "sgd";
}

/** The momentum-like value in natural units (μ or β₁). */
export function momentumValue(spec: OptimizerSpec): number {
  return spec.kind === "momentum" ? spec.momentum : spec.kind === "adam" ? spec.beta1 : 0;
}

/** The optimisers, by name: `optimizers.sgd({ lr })`, `.momentum(...)`, `.adam(...)`. */
export const optimizers = { sgd, momentum, adam };
