/**
 * Which hyperparameters φ holds: the `hyper` option, its default, and the rules for
 * combining the shared hyperparameters (lr, wd) with their per-layer and per-feature
 * versions.
 */
import { GlocalError, describe } from "../core/errors";
import { OptimizerSpec, hasMomentum } from "./optim";

/**
 * A hyperparameter kind to optimise:
 * - `lr`, `wd`, `momentum` (μ of heavy ball, β₁ of Adam): one number each;
 * - `weights`: one loss weight per training example;
 * - `layerLr`, `layerWd`: one learning rate / weight decay per layer (parameter block);
 * - `featureWd`: one weight decay per input feature (the first layer's weight rows,
 *   shared across its outputs).
 */
export type HyperName = "lr" | "wd" | "momentum" | "weights" | "layerLr" | "layerWd" | "featureWd";
/** Every hyperparameter kind, in the order φ lists them. */
export const HYPER_NAMES: readonly HyperName[] = ["lr", "wd", "momentum", "weights", "layerLr", "layerWd", "featureWd"];

/** Kinds that are weight decays, optimised as log λ. */
const DECAYS: readonly HyperName[] = ["wd", "layerWd", "featureWd"];

/** Pairs that cannot both be in φ: they set the same parameters' value. */
const EXCLUSIVE: ReadonlyArray<readonly [HyperName, HyperName]> = [
  ["lr", "layerLr"],
  ["wd", "layerWd"],
  ["wd", "featureWd"],
  ["layerWd", "featureWd"],
];

/**
 * The default `hyper`: every hyperparameter the optimiser has — `lr`, `wd`, and `momentum`
 * for heavy ball. `wd` is left out when the optimiser's wd is 0 and no φ is given (a
 * zero weight decay has no logarithm: it means "no decay"). Adam's β₁ is not in the
 * default: it sets how long the gradient is averaged rather than the step or the
 * regularisation, it is almost always left at its default, and its hypergradient moves
 * the bias correction too; ask for it with `momentum`. β₂ and ε are constants.
 */
export function defaultHyper(optimizer: OptimizerSpec, phiGiven: boolean): HyperName[] {
  const out: HyperName[] = ["lr"];
  if (optimizer.wd > 0 || phiGiven) out.push("wd");
  if (optimizer.kind === "momentum") out.push("momentum");
  return out;
}

/** Validates `hyper` (default: `defaultHyper`); returns the selected kinds. */
export function selectHyper(hyper: unknown, optimizer: OptimizerSpec, phiGiven: boolean): Set<HyperName> {
  if (hyper === undefined) return new Set(defaultHyper(optimizer, phiGiven));
  if (!Array.isArray(hyper)) {
    throw new GlocalError(
      "E_OPTION",
      `option 'hyper' must be an array of names (${HYPER_NAMES.join(", ")}), got ${describe(hyper)}`,
      "hyper",
    );
  }
  const out = new Set<HyperName>();
  hyper.forEach((h: unknown, i: number) => {
    if (typeof h !== "string" || !(HYPER_NAMES as readonly string[]).includes(h)) {
      throw new GlocalError(
        "E_OPTION",
        `unknown hyperparameter ${describe(h)} in hyper[${i}] (known: ${HYPER_NAMES.join(", ")})`,
        `hyper[${i}]`,
      );
    }
    const name = h as HyperName;
    if (out.has(name))
      throw new GlocalError("E_OPTION", `hyperparameter '${name}' is listed twice in hyper`, `hyper[${i}]`);
    if (name === "momentum" && !hasMomentum(optimizer)) {
      throw new GlocalError(
        "E_OPTION",
        `hyper[${i}] = 'momentum', but optimiser '${optimizer.kind}' has no momentum (use momentum or adam)`,
        `hyper[${i}]`,
      );
    }
    for (const [a, b] of EXCLUSIVE) {
      const other = name === a ? b : name === b ? a : null;
      if (other !== null && out.has(other)) {
        throw new GlocalError(
          "E_OPTION",
          `hyper[${i}] = '${name}' cannot be combined with '${other}': both would set the same parameters' ${name.endsWith("Lr") || name === "lr" ? "learning rate" : "weight decay"}`,
          `hyper[${i}]`,
        );
      }
    }
    if (DECAYS.includes(name) && !(optimizer.wd > 0) && !phiGiven) {
      throw new GlocalError(
        "E_OPTION",
        `hyper[${i}] = '${name}' is optimised as φ = log(weight decay), so it needs a weight decay > 0 to start ` +
          `from, but the optimiser's wd is ${optimizer.wd}: give the optimiser a small positive wd (e.g. 1e-4; ` +
          `the hypergradient moves it from there) or pass phi`,
        `hyper[${i}]`,
      );
    }
    out.add(name);
  });
  return out;
}
