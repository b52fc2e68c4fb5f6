/**
 * glocal's fallback policy (`glocal.fallback`): when the update uses h_m instead of the
 * estimate. Crafted trajectories h_t = c (1 − r^t), whose limit c the affine fit recovers
 * exactly, fail the trust test for different reasons as r → 1: a slow mode only (r 0.99),
 * or also an absurd size next to the window's rows (r 0.999, where h_50 ≈ 0.05 c).
 */
import { estimateGlobal, optimize, optimizers, problems } from "../../src/index";
import type { GlobalEstimate, OptimizeOptions } from "../../src/index";
import { fallsBack } from "../../src/optimize/strategies/glocal";
import { driverData } from "../support/training";
import { code } from "../support/helpers";

const traj = (r: number) => Array.from({ length: 50 }, (_, t) => [1 - r ** (t + 1), -0.5 * (1 - r ** (t + 1))]);
const fit = (r: number) => estimateGlobal(traj(r), { method: "affine", delay: 1 });
const codes = (e: GlobalEstimate) => e.diagnostics.warnings.map((w) => w.code);

describe("fallsBack: each policy on crafted trajectories", () => {
  it("a fast trajectory is trusted: no policy falls back", () => {
    const e = fit(0.9);
    expect(e.trusted).toBe(true);
    expect(e.estimate[0]).toBeCloseTo(1, 10);
    for (const p of ["untrusted", "absurd", "nonfinite"] as const) expect(fallsBack(e, p)).toBe(false);
  });

  it("a slow mode alone: only 'untrusted' falls back, the others use the (exact) limit", () => {
    const e = fit(0.99);
    expect(e.trusted).toBe(false);
    expect(codes(e)).toContain("SLOW_MODE");
    expect(codes(e)).not.toContain("ABSURD_MAGNITUDE");
    expect(e.estimate[0]).toBeCloseTo(1, 8);
    expect(fallsBack(e, "untrusted")).toBe(true);
    expect(fallsBack(e, "absurd")).toBe(false);
    expect(fallsBack(e, "nonfinite")).toBe(false);
  });

  it("an absurd magnitude: 'untrusted' and 'absurd' fall back, 'nonfinite' does not", () => {
    const e = fit(0.999);
    expect(codes(e)).toContain("ABSURD_MAGNITUDE");
    expect(fallsBack(e, "untrusted")).toBe(true);
    expect(fallsBack(e, "absurd")).toBe(true);
    expect(fallsBack(e, "nonfinite")).toBe(false);
  });

  it("a non-finite estimate falls back under every policy", () => {
    const e = fit(0.9);
    const bad: GlobalEstimate = { ...e, trusted: true, estimate: Float64Array.from([NaN, 1]) };
    for (const p of ["untrusted", "absurd", "nonfinite"] as const) expect(fallsBack(bad, p)).toBe(true);
    const inf: GlobalEstimate = { ...e, trusted: true, estimate: Float64Array.from([Infinity, 1]) };
    expect(fallsBack(inf, "nonfinite")).toBe(true);
  });
});

describe("optimize with glocal.fallback", () => {
  const problem = problems.softmax(driverData(), { classes: 3 });
  afterAll(() => problem.dispose());
  // Small steps: training is slow against 20-step windows, so many estimates are untrusted.
  const base: OptimizeOptions = {
    problem,
    optimizer: optimizers.sgd({ lr: 0.05, wd: 1e-3 }),
    strategy: "glocal",
    innerSteps: 200,
    window: 20,
  };
  const run = (fallback?: "untrusted" | "absurd" | "nonfinite") =>
    optimize({ ...base, glocal: fallback ? { fallback } : {} });

  it("the default is 'untrusted' (bit-identical), and looser policies use untrusted estimates", () => {
    const dflt = run(),
      untrusted = run("untrusted"),
      absurd = run("absurd"),
      nonfinite = run("nonfinite");
    expect(untrusted.history.map((e) => e.phi)).toEqual(dflt.history.map((e) => e.phi));
    expect(untrusted.final.valLoss).toBe(dflt.final.valLoss);
    const windows = (r: typeof dflt) => r.history.slice(1);
    // untrusted: a window uses its estimate exactly when it is trusted.
    for (const e of windows(untrusted)) expect(e.target === "truncated").toBe(e.trusted === false);
    expect(untrusted.counts.fallbacks).toBeGreaterThan(0);
    // nonfinite: every window with an estimate uses it, trusted or not, and keeps the verdict.
    const used = windows(nonfinite).filter((e) => e.estimate !== undefined);
    expect(used.some((e) => e.trusted === false)).toBe(true);
    for (const e of used) {
      expect(e.target).toBe("limit");
      expect(e.hypergradient).toEqual(e.estimate);
    }
    // absurd: falls back exactly on the windows whose estimate was flagged ABSURD_MAGNITUDE.
    for (const e of windows(absurd).filter((w) => w.estimate !== undefined))
      expect(e.target === "truncated").toBe((e.warnings ?? []).includes("ABSURD_MAGNITUDE"));
    expect(nonfinite.counts.fallbacks).toBeLessThan(untrusted.counts.fallbacks);
    expect(Number.isFinite(absurd.final.valLoss) && Number.isFinite(nonfinite.final.valLoss)).toBe(true);
  });

  it.each([["sometimes"], [true], [1]])("glocal.fallback %p → E_OPTION naming glocal.fallback", (value) => {
    const err = code(() => optimize({ ...base, glocal: { fallback: value } } as unknown as OptimizeOptions));
    expect(err).toEqual({ code: "E_OPTION", argument: "glocal.fallback" });
  });
});
