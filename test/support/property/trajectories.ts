/**
 * Hypergradient trajectories and estimator options for the property tests: linear systems
 * (a constant plus decaying, oscillating or growing modes), noise, constants, zeros,
 * random and wild values, at every scale; and option objects that are valid, invalid, or
 * valid only for some window lengths.
 */
import fc from "fast-check";
import { DEFAULT_METHOD, GlocalErrorCode, METHODS, defaultDelay } from "../../../src/index";
import type { Matrix } from "../../../src/index";
import { gaussian } from "../helpers";
import { Damage, Form, SCALES, damage, damageMatrix, form, garbage, present } from "./arbitraries";

export type TrajKind = "linear" | "random" | "wild" | "constant" | "zero" | "noisyLinear";

export interface TrajSpec {
  kind: TrajKind;
  m: number;
  q: number;
  scale: number;
  seed: number;
  modes: number;
  /** Largest mode modulus (above 1: a diverging window). */
  rmax: number;
}

export const trajSpec: fc.Arbitrary<TrajSpec> = fc
  .record({
    kind: fc.constantFrom<TrajKind>("linear", "linear", "noisyLinear", "random", "wild", "constant", "zero"),
    m: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }) },
      { weight: 1, arbitrary: fc.constantFrom(1, 2, 3, 4, 150) },
    ),
    q: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom(8, 30) },
    ),
    scale: fc.constantFrom(...SCALES),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    modes: fc.integer({ min: 0, max: 3 }),
    rmax: fc.constantFrom(0.5, 0.9, 0.99, 1, 1.05),
  })
  .filter((s) => s.m * s.q <= 900);

export function buildTrajectory(s: TrajSpec): Matrix {
  const g = gaussian(s.seed);
  const { m, q } = s;
  const data = new Float64Array(m * q);
  const c = Array.from({ length: q }, () => g());
  const modes = Array.from({ length: s.modes }, () => ({
    r: s.rmax * (0.5 + (0.5 * Math.abs(g())) / (1 + Math.abs(g()))),
    theta: Math.abs(g()) < 0.7 ? 0 : Math.abs(g()),
    u: Array.from({ length: q }, () => g()),
    v: Array.from({ length: q }, () => g()),
  }));
  for (let t = 0; t < m; t++) {
    for (let i = 0; i < q; i++) {
      let v: number;
      switch (s.kind) {
        case "zero":
          v = 0;
          break;
        case "constant":
          v = c[i];
          break;
        case "random":
          v = g();
          break;
        case "wild":
          v = g() * SCALES[Math.floor(Math.abs(g()) * 97) % SCALES.length];
          break;
        default: {
          v = c[i];
          for (const md of modes)
            v += md.r ** (t + 1) * (Math.cos(md.theta * (t + 1)) * md.u[i] + Math.sin(md.theta * (t + 1)) * md.v[i]);
          if (s.kind === "noisyLinear") v += 1e-3 * g();
        }
      }
      const x = v * s.scale;
      data[t * q + i] = Number.isFinite(x) ? x : 0;
    }
  }
  return { rows: m, cols: q, data };
}

export interface TrajCase {
  spec: TrajSpec;
  form: Form;
  damage: Damage;
  pick: number;
  alt: unknown;
}

export const trajCase: fc.Arbitrary<TrajCase> = fc.record({
  spec: trajSpec,
  form,
  damage,
  pick: fc.nat(),
  alt: garbage,
});

export function materializeTrajectory(c: TrajCase): unknown {
  return damageMatrix(present(buildTrajectory(c.spec), c.form), c.damage, c.pick, c.alt);
}

/** An option value that is valid, or deliberately not. */
type Opt = { value: unknown; bad?: boolean } | undefined;
const ok = (value: unknown): Opt => ({ value });
const bad = (value: unknown): Opt => ({ value, bad: true });

/** Options described relative to the window length m (horizon, heldOut), resolved later. */
export interface OptionsSpec {
  delay: Opt;
  rank: Opt;
  method: Opt;
  /** horizon: rows beyond m (valid), or "m" (not beyond the window), or a bad value. */
  horizon: { beyond: number } | { bad: unknown } | "m" | undefined;
  tolerance: Opt;
  unstable: Opt;
  heldOut: { fraction: number } | { bad: unknown } | "m" | undefined;
  trust: Opt;
  unknown: Opt;
  whole: "object" | "null" | "string" | "array";
}

const optional = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: a });

export const optionsSpec: fc.Arbitrary<OptionsSpec> = fc.record({
  delay: optional(
    fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 1, max: 12 }).map(ok) },
      { weight: 4, arbitrary: fc.constant(ok("auto")) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 2.5, "3", -1, null, NaN).map(bad) },
    ),
  ),
  rank: optional(
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<unknown>("full", "svht", { kind: "full" }, { kind: "svht" }).map(ok) },
      { weight: 4, arbitrary: fc.constant(ok("auto")) },
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }).map((k) => ok({ kind: "fixed", rank: k })) },
      {
        weight: 8,
        arbitrary: fc.double({ min: 0.05, max: 0.999, noNaN: true }).map((x) => ok({ kind: "energy", fraction: x })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom<unknown>(
            3,
            "best",
            { kind: "fixed", rank: 0 },
            { kind: "energy", fraction: 1.5 },
            { kind: "full", extra: 1 },
            { kind: "magic" },
          )
          .map(bad),
      },
    ),
  ),
  method: optional(
    fc.oneof(
      { weight: 24, arbitrary: fc.constantFrom(...METHODS).map(ok) },
      { weight: 4, arbitrary: fc.constant(ok("auto")) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>("magic", 3, null).map(bad) },
    ),
  ),
  horizon: optional(
    fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 1, max: 500 }).map((beyond) => ({ beyond })) },
      { weight: 1, arbitrary: fc.constant<"m">("m") },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(2.5, "100", -3).map((v) => ({ bad: v })) },
    ),
  ),
  tolerance: optional(
    fc.oneof(
      { weight: 16, arbitrary: fc.constantFrom(0.01, 0.1, 1e-6, 0.5).map(ok) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 1, -1, NaN, "0.1").map(bad) },
    ),
  ),
  unstable: optional(
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom("clamp", "drop").map(ok) },
      { weight: 1, arbitrary: fc.constant(bad("ignore")) },
    ),
  ),
  heldOut: optional(
    fc.oneof(
      { weight: 20, arbitrary: fc.double({ min: 0, max: 0.9, noNaN: true }).map((fraction) => ({ fraction })) },
      { weight: 1, arbitrary: fc.constant<"m">("m") },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, "2").map((v) => ({ bad: v })) },
    ),
  ),
  trust: optional(
    fc.oneof(
      {
        weight: 12,
        arbitrary: fc
          .constantFrom<unknown>(
            { magnitude: 5 },
            { heldOutError: 0.1, modeWeight: 0 },
            { forecastRatio: 0.5, nestedChange: 0.3, floor: 0 },
            {},
          )
          .map(ok),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom<unknown>(
            { magnitude: -1 },
            { colour: 1 },
            "strict",
            { heldOutError: NaN },
            { floor: 1 },
            { nestedChange: 0 },
          )
          .map(bad),
      },
    ),
  ),
  unknown: fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(bad(1)) }),
  whole: fc.oneof(
    { weight: 80, arbitrary: fc.constant<"object">("object") },
    { weight: 1, arbitrary: fc.constantFrom<"null" | "string" | "array">("null", "string", "array") },
  ),
});

export interface ResolvedOptions {
  value: unknown;
  /** Codes the options alone may cause. */
  codes: Set<GlocalErrorCode>;
  /** A bad option whatever the window (GlocalEstimator rejects it at construction). */
  badAlways: boolean;
  /** The delay the estimator will use (number), or "auto". */
  delay: number | "auto";
  method: string;
  auto: boolean;
  heldOut: number;
}

/** The options object for a window of m rows of q, and the errors it may cause. */
export function resolveOptions(s: OptionsSpec, m: number, q: number): ResolvedOptions {
  const codes = new Set<GlocalErrorCode>();
  if (s.whole !== "object") {
    codes.add("E_OPTION");
    return {
      value: s.whole === "null" ? null : s.whole === "string" ? "fast" : [],
      codes,
      badAlways: true,
      delay: 1,
      method: "affine",
      auto: false,
      heldOut: 0,
    };
  }
  const o: Record<string, unknown> = {};
  let badAlways = false;
  const put = (key: string, opt: Opt) => {
    if (!opt) return;
    o[key] = opt.value;
    if (opt.bad) {
      codes.add("E_OPTION");
      badAlways = true;
    }
  };
  put("delay", s.delay);
  put("rank", s.rank);
  put("method", s.method);
  put("tolerance", s.tolerance);
  put("unstable", s.unstable);
  put("trust", s.trust);
  if (s.unknown) put("colour", s.unknown);
  if (s.horizon === "m") {
    o.horizon = m;
    codes.add("E_OPTION");
  } else if (s.horizon && "beyond" in s.horizon) o.horizon = m + s.horizon.beyond;
  else if (s.horizon) {
    o.horizon = s.horizon.bad;
    codes.add("E_OPTION");
  }
  let heldOut = Math.ceil(m / 5);
  if (s.heldOut === "m") {
    o.heldOut = m;
    codes.add("E_OPTION");
  } else if (s.heldOut && "fraction" in s.heldOut) heldOut = o.heldOut = Math.floor(s.heldOut.fraction * (m - 1));
  else if (s.heldOut) {
    o.heldOut = s.heldOut.bad;
    codes.add("E_OPTION");
    badAlways = true;
  }
  const method = s.method && !s.method.bad ? (s.method.value as string) : DEFAULT_METHOD;
  if (method === "horizon" && o.horizon === undefined) codes.add("E_OPTION");
  const delay: number | "auto" = s.delay && !s.delay.bad ? (s.delay.value as number | "auto") : defaultDelay(m, q);
  const auto =
    delay === "auto" || method === "auto" || (s.rank !== undefined && !s.rank.bad && s.rank.value === "auto");
  return { value: o, codes, badAlways, delay, method, auto, heldOut };
}

/** Whether a window of m rows is too short for these options (E_TOO_SHORT allowed). */
export function mayBeTooShort(r: ResolvedOptions, m: number): boolean {
  const d = r.delay === "auto" ? 1 : r.delay;
  return m < d + 2 || (r.auto && m - Math.max(1, r.heldOut) < 3);
}
