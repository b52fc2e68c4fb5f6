/**
 * Inner optimisers, specified in natural units (the library converts to the unconstrained
 * hyperparameters φ): SGD, heavy-ball momentum and AdamW, one file each, mirroring the
 * kernels of assembly/optim/. This file holds what they share: the spec union, validation
 * by kind, the buffers each keeps, and the dispatch of one block's step.
 */
import type { Kernels } from "../../core/abi";
import { GlocalError, describe } from "../../core/errors";
import { checkOptions, ownProperties } from "../../core/validate";
import { AdamSpec, adamBlockStep, checkAdam } from "./adam";
import { MomentumSpec, checkMomentum, momentumBlockStep } from "./momentum";
import { SgdSpec, checkSgd, sgdBlockStep } from "./sgd";
import type { BlockStep } from "./step";

export type { SgdSpec } from "./sgd";
export type { MomentumSpec } from "./momentum";
export type { AdamSpec } from "./adam";
export type { BlockStep } from "./step";

/** An inner optimiser with its hyperparameters in natural units (from `optimizers.sgd/momentum/adam`). */
export type OptimizerSpec = SgdSpec | MomentumSpec | AdamSpec;
/** The inner optimisers by name: `sgd`, `momentum` (heavy ball), `adam` (AdamW). */
export type OptimizerKind = OptimizerSpec["kind"];

/** SGD with learning rate `lr` and weight decay `wd` (default 0). `lr` may be left out
 *  when the session is given φ (`phi`) that holds it. */
export function sgd(options: { lr?: number; wd?: number }): SgdSpec {
  return checkOptimizer({ kind: "sgd", ...checkOptions(options, ["lr", "wd"], "sgd options") }) as SgdSpec;
}

/** Heavy-ball momentum (default μ = 0.9). */
export function momentum(options: { lr?: number; wd?: number; momentum?: number }): MomentumSpec {
  return checkOptimizer({
    kind: "momentum",
    ...checkOptions(options, ["lr", "wd", "momentum"], "momentum options"),
  }) as MomentumSpec;
}

/** AdamW (defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, wd = 0). */
export function adam(options: { lr?: number; wd?: number; beta1?: number; beta2?: number; eps?: number }): AdamSpec {
  return checkOptimizer({
    kind: "adam",
    ...checkOptions(options, ["lr", "wd", "beta1", "beta2", "eps"], "adam options"),
  }) as AdamSpec;
}

/** Validates an optimiser spec (from the constructors above or written by hand). */
export function checkOptimizer(spec: unknown, name = "optimizer"): OptimizerSpec {
  if (typeof spec !== "object" || spec === null) {
    throw new GlocalError(
      "E_OPTION",
      `${name} must be an optimiser spec (optimizers.sgd/momentum/adam), got ${describe(spec)}`,
      name,
    );
  }
  const o = ownProperties(spec);
  switch (o.kind) {
    case "sgd":
      return checkSgd(o, name);
    case "momentum":
      return checkMomentum(o, name);
    case "adam":
      return checkAdam(o, name);
    default:
      throw new GlocalError(
        "E_OPTION",
        `${name}.kind must be 'sgd', 'momentum' or 'adam', got ${describe(o.kind)}`,
        `${name}.kind`,
      );
  }
}

/** One block's optimiser step with its tangent recurrence, on the spec's kernel. */
export function optimizerStep(k: Kernels, spec: OptimizerSpec, a: BlockStep): void {
  if (spec.kind === "sgd") sgdBlockStep(k, a);
  else if (spec.kind === "momentum") momentumBlockStep(k, a);
  else adamBlockStep(k, spec, a);
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
