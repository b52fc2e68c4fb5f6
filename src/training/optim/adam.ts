/** AdamW: Adam with decoupled weight decay (mirror of assembly/optim/adam.ts). */
import type { Kernels } from "../../core/abi";
import { checkOptions } from "../../core/validate";
import { nonNegative, optionalPositive, positive, unitOpen } from "./spec";
import { blockArgs, type BlockStep } from "./step";

/** AdamW: decoupled weight decay, θ ← θ − α(m̂/(√v̂ + ε) + λθ). */
export interface AdamSpec {
  readonly kind: "adam";
  /** Learning rate α > 0; may be left out when the session's φ gives log α. */
  readonly lr?: number;
  readonly wd: number;
  /** β₁ ∈ (0, 1), the hyperparameter named `momentum` for Adam. */
  readonly beta1: number;
  /** β₂ ∈ (0, 1). */
  readonly beta2: number;
  /** ε > 0 in the denominator. */
  readonly eps: number;
}

/** Validates an AdamW spec (its keys and values). */
export function checkAdam(o: Record<string, unknown>, name: string): AdamSpec {
  const p = `${name}.`;
  o = checkOptions(o, ["kind", "lr", "wd", "beta1", "beta2", "eps"], name);
  return Object.freeze({
    kind: "adam",
    lr: optionalPositive(o.lr, p + "lr"),
    wd: nonNegative(o.wd, p + "wd", 0),
    beta1: unitOpen(o.beta1, p + "beta1", 0.9),
    beta2: unitOpen(o.beta2, p + "beta2", 0.999),
    eps: positive(o.eps, p + "eps", 1e-8),
  });
}

/** One block's step and its tangent recurrence (buffers: m, v). */
export function adamBlockStep(k: Kernels, spec: AdamSpec, a: BlockStep): void {
  k.adamStep(
    ...blockArgs(a),
    a.buffers[0],
    a.buffers[1],
    a.lr,
    a.wd,
    a.momentum,
    spec.beta2,
    spec.eps,
    a.step,
    a.jLr,
    a.jWd,
    a.jMom,
    a.decay,
    a.dslot,
  );
}
