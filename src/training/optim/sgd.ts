/** SGD with coupled weight decay (mirror of assembly/optim/sgd.ts). */
import type { Kernels } from "../../core/abi";
import { checkOptions } from "../../core/validate";
import { nonNegative, optionalPositive } from "./spec";
import { blockArgs, type BlockStep } from "./step";

/** Plain SGD with coupled weight decay: θ ← θ − α(∇L + λθ). */
export interface SgdSpec {
  readonly kind: "sgd";
  /** Learning rate α > 0; may be left out when the session's φ gives log α. */
  readonly lr?: number;
  /** Weight decay λ ≥ 0 (> 0 to optimise it, since it is log-parameterised). */
  readonly wd: number;
}

/** Validates an SGD spec (its keys and values). */
export function checkSgd(o: Record<string, unknown>, name: string): SgdSpec {
  const p = `${name}.`;
  o = checkOptions(o, ["kind", "lr", "wd"], name);
  return Object.freeze({
    kind: "sgd",
    lr: optionalPositive(o.lr, p + "lr"),
    wd: nonNegative(o.wd, p + "wd", 0),
  });
}

/** One block's step and its tangent recurrence. */
export function sgdBlockStep(k: Kernels, a: BlockStep): void {
  k.sgdStep(...blockArgs(a), a.lr, a.wd, a.jLr, a.jWd, a.decay, a.dslot);
}
