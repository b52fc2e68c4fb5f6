/** Heavy-ball momentum with coupled weight decay (mirror of assembly/optim/momentum.ts). */
import type { Kernels } from "../../core/abi";
import { checkOptions } from "../../core/validate";
import { nonNegative, optionalPositive, unitOpen } from "./spec";
import { blockArgs, type BlockStep } from "./step";

/** Heavy ball: v ← μv + (∇L + λθ), θ ← θ − αv. */
export interface MomentumSpec {
  readonly kind: "momentum";
  /** Learning rate α > 0; may be left out when the session's φ gives log α. */
  readonly lr?: number;
  readonly wd: number;
  /** Momentum μ ∈ (0, 1). */
  readonly momentum: number;
}

/** Validates a heavy-ball spec (its keys and values). */
export function checkMomentum(o: Record<string, unknown>, name: string): MomentumSpec {
  const p = `${name}.`;
  o = checkOptions(o, ["kind", "lr", "wd", "momentum"], name);
  return Object.freeze({
    kind: "momentum",
    lr: optionalPositive(o.lr, p + "lr"),
    wd: nonNegative(o.wd, p + "wd", 0),
    momentum: unitOpen(o.momentum, p + "momentum", 0.9),
  });
}

/** One block's step and its tangent recurrence (buffers: velocity). */
export function momentumBlockStep(k: Kernels, a: BlockStep): void {
  k.momentumStep(...blockArgs(a), a.buffers[0], a.lr, a.wd, a.momentum, a.jLr, a.jWd, a.jMom, a.decay, a.dslot);
}
