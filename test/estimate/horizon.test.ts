/**
 * `horizon` is exact for every T the API accepts: an eigenvalue within rounding of 1 is 1
 * (so a converged window keeps its value at T = 1e20), and where the powers of the other
 * modes cannot be resolved at T (a rotation at T = 1e15) the estimate is not trusted
 * (HORIZON_PRECISION). Each case failed before: [0, 0], [0.64, 1.28] and a wrong phase, all
 * trusted.
 */
import { estimateGlobal } from "../../src/index";
import { boundedPower, eigenvalueRounding } from "../../src/estimate/methods/horizon";
import { relErr } from "../support/helpers";

const codes = (r: ReturnType<typeof estimateGlobal>) => r.diagnostics.warnings.map((w) => w.code);

describe("horizon at huge T", () => {
  it("a constant window [3, 4] at T = 1e20 is [3, 4], trusted (was [0, 0]: λ = 1 − 2e-16 raised to 1e20)", () => {
    for (const m of [26, 30, 37]) {
      const r = estimateGlobal(
        Array.from({ length: m }, () => [3, 4]),
        { method: "horizon", horizon: 1e20 },
      );
      expect({ m, err: relErr(r.estimate, [3, 4]) < 1e-14, trusted: r.trusted }).toEqual({
        m,
        err: true,
        trusted: true,
      });
    }
  });

  it("a window converging to [1, 2] at T = 1e15 is [1, 2], trusted (was [0.64, 1.28])", () => {
    const traj = Array.from({ length: 20 }, (_, i) => [1 - 0.8 ** (i + 1), 2 - 0.5 ** (i + 1)]);
    const r = estimateGlobal(traj, { method: "horizon", horizon: 1e15 });
    expect(relErr(r.estimate, [1, 2])).toBeLessThan(1e-12);
    expect(r.trusted).toBe(true);
  });

  it("a rotation at T = 1e15 is not trusted (HORIZON_PRECISION); at T = 1000 it is exact and trusted", () => {
    const th = 0.3;
    const traj = Array.from({ length: 20 }, (_, i) => [Math.cos(th * (i + 1)), Math.sin(th * (i + 1))]);
    const far = estimateGlobal(traj, { method: "horizon", horizon: 1e15 });
    expect(far.trusted).toBe(false);
    expect(codes(far)).toContain("HORIZON_PRECISION");
    expect(Array.from(far.estimate).every(Number.isFinite)).toBe(true);
    const near = estimateGlobal(traj, { method: "horizon", horizon: 1000 });
    expect(relErr(near.estimate, [Math.cos(th * 1000), Math.sin(th * 1000)])).toBeLessThan(1e-9);
    expect(near.trusted).toBe(true);
  });

  it("a decaying window at T = 1e300 is its constant, trusted: decayed modes need no precision", () => {
    const traj = Array.from({ length: 30 }, (_, i) => [2 + 0.7 ** (i + 1) * Math.cos(0.5 * i), -1 + 0.6 ** (i + 1)]);
    const r = estimateGlobal(traj, { method: "horizon", horizon: 1e300 });
    expect(relErr(r.estimate, [2, -1])).toBeLessThan(1e-10);
    expect(r.trusted).toBe(true);
  });
});

describe("horizon's constant is a mode that stays within 1 % of 1 over k = T − m steps", () => {
  // h_t = 1 + 0.5 · 0.9ᵗ at d = 1: one mode, fitted at λ = 0.9906 -- within τ = 0.01 of 1, so
  // it counted as "the constant", and λ^1950 = 1e-8 made the estimate 0 (truth ≈ 1), trusted.
  const traj = Array.from({ length: 50 }, (_, t) => [1 + 0.5 * 0.9 ** (t + 1)]);
  it("is refused by its model alone (SLOW_MODE, even with the refit off)", () => {
    const r = estimateGlobal(traj, { method: "horizon", horizon: 2000, delay: 1, heldOut: 0 });
    expect(r.estimate[0]).toBeLessThan(1e-3);
    expect(r.trusted).toBe(false);
    expect(codes(r)).toContain("SLOW_MODE");
  });
  it("with d = 2 the constant is found at 1 and the estimate is right, trusted", () => {
    const r = estimateGlobal(traj, { method: "horizon", horizon: 2000, delay: 2 });
    expect(Math.abs(r.estimate[0] - 1)).toBeLessThan(1e-10);
    expect(r.trusted).toBe(true);
  });
});

describe("boundedPower", () => {
  it("is λᵏ for ordinary k, and finite for every k where the phase overflows", () => {
    const [re, im] = boundedPower(0.9 * Math.cos(0.4), 0.9 * Math.sin(0.4), 7);
    expect(Math.hypot(re - 0.9 ** 7 * Math.cos(2.8), im - 0.9 ** 7 * Math.sin(2.8))).toBeLessThan(1e-15);
    // λ/|λ| can land at 1 + ε: capped at modulus 1 instead of overflowing.
    const unit = boundedPower(Math.cos(2) * (1 + 2e-16), Math.sin(2) * (1 + 2e-16), 1e308);
    expect(unit.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...unit)).toBeLessThanOrEqual(1 + 1e-15);
    expect(boundedPower(0.5, 0, 0)).toEqual([1, 0]);
    expect(boundedPower(-1, 0, 1e20)).toEqual([1, 0]);
  });

  it("the rounding band grows with the model's dimension", () => {
    expect(eigenvalueRounding(16)).toBeGreaterThan(eigenvalueRounding(2));
    expect(eigenvalueRounding(1)).toBeGreaterThan(4e-16); // the constant came out at 1 − 4.4e-16
  });
});
