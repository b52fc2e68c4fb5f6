/**
 * Rank rules for truncating an SVD, as a tagged option:
 *   { kind: "full" }                 numerical rank: #{σᵢ > max(rows, cols)·ε·σ₁}
 *   { kind: "fixed", rank: k }       min(k, numerical rank)
 *   { kind: "energy", fraction: x }  smallest r whose share of Σσ² reaches x (0 < x < 1)
 *   { kind: "svht" }                 Gavish–Donoho optimal hard threshold, unknown noise
 *   { kind: "auto" }                 chosen together with the method by held-out error
 * Every rule is capped by the numerical rank, so no rule keeps a direction that is
 * rounding noise.
 */
import { GlocalError, describe } from "../core/errors";

/** A rank rule for truncating an SVD, as a tagged option (see `rank` for constructors). */
export type RankRule =
  | { kind: "full" }
  | { kind: "fixed"; rank: number }
  | { kind: "energy"; fraction: number }
  | { kind: "svht" }
  | { kind: "auto" };

/** Constructors, so callers never build the tags by hand. */
export const rank = {
  full: (): RankRule => ({ kind: "full" }),
  fixed: (k: number): RankRule => ({ kind: "fixed", rank: k }),
  energy: (fraction: number): RankRule => ({ kind: "energy", fraction }),
  svht: (): RankRule => ({ kind: "svht" }),
  auto: (): RankRule => ({ kind: "auto" }),
};

const EPS = 2.220446049250313e-16;

/** Validates a rank rule given as a tagged object or one of "full" | "svht" | "auto". */
export function checkRankRule(value: unknown, name = "rank"): RankRule {
  if (value === undefined || value === null) return { kind: "full" };
  if (value === "full" || value === "svht" || value === "auto") return { kind: value };
  if (typeof value === "object" && value !== null && "kind" in value) {
    const v = value as Record<string, unknown>;
    const keys = Object.keys(v);
    const only = (allowed: string[]) => {
      for (const k of keys)
        if (!allowed.includes(k))
          throw new GlocalError("E_OPTION", `unknown field '${k}' in ${name} (${String(v.kind)})`, name);
    };
    switch (v.kind) {
      case "full":
      case "svht":
      case "auto":
        only(["kind"]);
        return { kind: v.kind };
      case "fixed":
        only(["kind", "rank"]);
        if (typeof v.rank !== "number" || !Number.isInteger(v.rank) || v.rank < 1) {
          throw new GlocalError("E_OPTION", `${name}.rank must be an integer >= 1, got ${describe(v.rank)}`, name);
        }
        return { kind: "fixed", rank: v.rank };
      case "energy":
        only(["kind", "fraction"]);
        if (typeof v.fraction !== "number" || !(v.fraction > 0 && v.fraction < 1)) {
          throw new GlocalError("E_OPTION", `${name}.fraction must be in (0, 1), got ${describe(v.fraction)}`, name);
        }
        return { kind: "energy", fraction: v.fraction };
    }
  }
  throw new GlocalError(
    "E_OPTION",
    `${name} must be a rank rule: { kind: "full" | "fixed" | "energy" | "svht" | "auto" } (or rank.full(), rank.fixed(k), rank.energy(x), rank.svht(), rank.auto()), got ${describe(value)}`,
    name,
  );
}

/** Parses the CLI spelling: full | svht | auto | energy:X | N. */
export function parseRankRule(text: string): RankRule {
  if (text === "full" || text === "svht" || text === "auto") return { kind: text };
  const energy = /^energy:(.+)$/.exec(text);
  if (energy) return checkRankRule({ kind: "energy", fraction: Number(energy[1]) }, "--rank");
  if (/^[0-9]+$/.test(text)) return checkRankRule({ kind: "fixed", rank: Number(text) }, "--rank");
  throw new GlocalError(
    "E_OPTION",
    `--rank must be full, svht, auto, energy:X or a positive integer, got ${JSON.stringify(text)}`,
    "--rank",
  );
}

/** The printable form of a rule (as the CLI spells it). */
export function formatRankRule(rule: RankRule): string {
  switch (rule.kind) {
    case "fixed":
      return String(rule.rank);
    case "energy":
      return `energy:${rule.fraction}`;
    default:
      return rule.kind;
  }
}

/** #{σᵢ > max(rows, cols)·ε·σ₁} */
export function numericalRank(sv: ArrayLike<number>, rows: number, cols: number): number {
  if (sv.length === 0 || !(sv[0] > 0)) return 0;
  const tol = Math.max(rows, cols) * EPS * sv[0];
  let r = 0;
  while (r < sv.length && sv[r] > tol) r++;
  return r;
}

/** Gavish–Donoho ω(β) for unknown noise (the cubic approximation). */
export function svhtOmega(beta: number): number {
  return 0.56 * beta ** 3 - 0.95 * beta ** 2 + 1.82 * beta + 1.43;
}

/**
 * The rank a (non-auto) rule keeps for singular values `sv` (descending) of a
 * rows × cols matrix. 0 only when the matrix is zero.
 */
export function applyRankRule(rule: RankRule, sv: ArrayLike<number>, rows: number, cols: number): number {
  const full = numericalRank(sv, rows, cols);
  if (full === 0) return 0;
  switch (rule.kind) {
    case "full":
    case "auto":
      return full;
    case "fixed":
      return Math.min(rule.rank, full);
    case "energy": {
      let total = 0;
      for (let i = 0; i < sv.length; i++) total += sv[i] * sv[i];
      let acc = 0;
      for (let r = 0; r < full; r++) {
        acc += sv[r] * sv[r];
        if (acc >= rule.fraction * total) return r + 1;
      }
      return full;
    }
    case "svht": {
      const k = sv.length;
      const beta = Math.min(rows, cols) / Math.max(rows, cols);
      const sorted = Array.from(sv).sort((a, b) => a - b);
      const median = k % 2 === 1 ? sorted[(k - 1) / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
      const tau = svhtOmega(beta) * median;
      let r = 0;
      while (r < full && sv[r] > tau) r++;
      return Math.max(1, r);
    }
  }
}
