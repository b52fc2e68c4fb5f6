/**
 * Numerical edge cases of the estimator: constant windows, repeated eigenvalues (a Jordan
 * block), rank-deficient windows, windows at 1e±150 and 1e±300, slow and diverging
 * training. Each gives a finite result with the right trust flag -- trusted and accurate
 * where the truth is known, untrusted with the fitting warning where it is not -- or a
 * typed error; never a confident wrong estimate.
 */
import { GlocalError, GlobalEstimate, Method, estimateGlobal } from "../../src/index";
import { relErr } from "../support/helpers";

const METHODS: Method[] = ["limit", "horizon", "affine", "rre", "mpe"];
const codes = (r: GlobalEstimate) => r.diagnostics.warnings.map((w) => w.code);
const finite = (r: GlobalEstimate) =>
  [r.estimate, r.eigenvalues.re, r.eigenvalues.im, r.diagnostics.singularValues].every((a) =>
    Array.from(a).every(Number.isFinite),
  );

/** Every method plus auto on one window; `horizon` is set so that method runs too. */
function allMethods(traj: number[][], extra: object = {}): Array<[Method | "auto", GlobalEstimate]> {
  const T = traj.length + 1000;
  return [...METHODS, "auto" as const].map((method) => [
    method,
    estimateGlobal(traj, { method, horizon: T, ...extra }),
  ]);
}

describe("constant windows", () => {
  for (const q of [1, 2, 10]) {
    it(`q = ${q}: every method returns the constant, trusted`, () => {
      const c = Array.from({ length: q }, (_, i) => 0.3 * (i + 1) - 1);
      for (const [method, r] of allMethods(Array.from({ length: 30 }, () => c.slice()))) {
        expect({ method, err: relErr(r.estimate, c) < 1e-13, trusted: r.trusted }).toEqual({
          method,
          err: true,
          trusted: true,
        });
        expect(codes(r)).toContain("CONSTANT_TRAJECTORY");
      }
    });
  }

  it("an all-zero window gives zero with ZERO_TRAJECTORY; a one-row window is too short", () => {
    const r = estimateGlobal(
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      { delay: 1 },
    );
    expect(Array.from(r.estimate)).toEqual([0, 0]);
    expect(codes(r)).toEqual(["ZERO_TRAJECTORY"]);
    expect(() => estimateGlobal([[0, 0]])).toThrow(expect.objectContaining({ code: "E_TOO_SHORT" }));
    expect(() => estimateGlobal([[1, 2]])).toThrow(expect.objectContaining({ code: "E_TOO_SHORT" }));
  });
});

describe("repeated eigenvalues: h_t = c + (a + b t) μᵗ (a Jordan block, μ = 0.8)", () => {
  for (const q of [1, 2]) {
    it(`q = ${q}: the limit c, trusted, by every method`, () => {
      const c = Array.from({ length: q }, (_, i) => 1 + i);
      const traj = Array.from({ length: 60 }, (_, t) =>
        c.map((ci, i) => ci + (0.5 - i + 0.3 * (t + 1)) * 0.8 ** (t + 1)),
      );
      for (const [method, r] of allMethods(traj)) {
        expect(finite(r)).toBe(true);
        const truth = r.target === "horizon" ? c.map((ci, i) => ci + (0.5 - i + 0.3 * 1060) * 0.8 ** 1060) : c;
        expect({ method, trusted: r.trusted, accurate: relErr(r.estimate, truth) < 1e-10 }).toEqual({
          method,
          trusted: true,
          accurate: true,
        });
      }
    });
  }
});

describe("rank-deficient windows", () => {
  const cases: Array<[string, number[][], number[]]> = [
    [
      "identical components",
      Array.from({ length: 50 }, (_, t) => {
        const v = 1 - 0.7 ** (t + 1);
        return [v, v, v];
      }),
      [1, 1, 1],
    ],
    ["a zero component", Array.from({ length: 50 }, (_, t) => [1 - 0.7 ** (t + 1), 0, 2]), [1, 0, 2]],
    [
      "one component constant, one a multiple of another",
      Array.from({ length: 50 }, (_, t) => {
        const v = 0.5 ** (t + 1);
        return [2 + v, -3 * v, 0.25];
      }),
      [2, 0, 0.25],
    ],
  ];
  for (const [name, traj, limit] of cases) {
    it(`${name}: finite, and accurate wherever trusted`, () => {
      for (const [method, r] of allMethods(traj)) {
        expect(finite(r)).toBe(true);
        if (r.trusted && r.target === "limit")
          expect({ method, err: relErr(r.estimate, limit) < 1e-10 }).toEqual({ method, err: true });
      }
    });
  }
});

describe("windows of huge and tiny scale", () => {
  const window = (s: number) =>
    Array.from({ length: 60 }, (_, t) => [s * (1 - 0.9 ** (t + 1) * Math.cos(0.3 * t)), s * (0.5 + 0.7 ** (t + 1))]);
  for (const s of [1e150, 1e-150, 1e300, 1e-300]) {
    it(`×${s}: the scaled estimate of the unscaled window, trusted, accurate`, () => {
      const base = allMethods(window(1));
      allMethods(window(s)).forEach(([method, r], i) => {
        const [, b] = base[i];
        expect(finite(r)).toBe(true);
        expect({ method, trusted: r.trusted }).toEqual({ method, trusted: b.trusted });
        const unscaled = Array.from(r.estimate, (v) => v / s); // (squares of 1e300 would overflow)
        expect(relErr(unscaled, b.estimate)).toBeLessThan(1e-12);
        if (r.target === "limit") expect(relErr(unscaled, [1, 0.5])).toBeLessThan(1e-10);
        expect(codes(r)).toEqual(codes(b));
      });
    });
  }

  /** Every method on 1 - 0.5ᵗ scaled by s: the methods that returned, with their trust (the rest threw E_TOO_LARGE). */
  const nearTop = (s: number): Array<[Method, boolean]> => {
    const traj = Array.from({ length: 30 }, (_, t) => [s * (1 - 0.5 ** (t + 1))]);
    const returned: Array<[Method, boolean]> = [];
    for (const method of METHODS) {
      let r: GlobalEstimate;
      try {
        r = estimateGlobal(traj, { method, horizon: 100, delay: 1 });
      } catch (e) {
        expect(e).toBeInstanceOf(GlocalError);
        expect((e as GlocalError).code).toBe("E_TOO_LARGE");
        continue;
      }
      returned.push([method, r.trusted]);
      // σ of a window near 1.8e308 may lie beyond float64: Infinity, marked DIAGNOSTIC_OVERFLOW.
      if (codes(r).includes("DIAGNOSTIC_OVERFLOW"))
        expect(
          [r.estimate, r.eigenvalues.re, r.eigenvalues.im].every((a) => Array.from(a).every(Number.isFinite)),
        ).toBe(true);
      else expect(finite(r)).toBe(true);
      // Relative error of the one component, unscaled first (its square would overflow).
      if (r.trusted) expect(Math.abs(r.estimate[0] / s - 1)).toBeLessThan(1e-10);
    }
    return returned;
  };

  it("near the top of the range (1.5e308): affine, rre and mpe return a trusted, accurate estimate (σ marked DIAGNOSTIC_OVERFLOW)", () => {
    // Every method threw E_TOO_LARGE here only because the singular values (a diagnostic) overflowed.
    const returned = nearTop(1.5e308);
    const trusted = returned.filter(([, t]) => t).map(([m]) => m);
    expect(trusted).toEqual(expect.arrayContaining(["affine", "rre", "mpe"]));
  });

  it("near the top of the range (1e307): affine, rre and mpe return a trusted, accurate estimate", () => {
    const returned = nearTop(1e307);
    expect(returned.length).toBeGreaterThan(0);
    const trusted = returned.filter(([, t]) => t).map(([m]) => m);
    expect(trusted).toEqual(expect.arrayContaining(["affine", "rre", "mpe"]));
  });
});

describe("training that has not converged, or diverges", () => {
  it("a mode slower than the window (μ = 0.995 over 60 rows) is never trusted, also where it lies within τ of 1", () => {
    const traj = Array.from({ length: 60 }, (_, t) => [1 - 0.995 ** (t + 1)]);
    for (const [method, r] of allMethods(traj)) {
      expect({ method, trusted: r.trusted }).toEqual({ method, trusted: false });
      expect(codes(r)).toContain("SLOW_MODE");
    }
  });

  it("|λ| > 1 (1.05): not trusted, UNSTABLE_MODE", () => {
    const traj = Array.from({ length: 60 }, (_, t) => [1 + 0.1 * 1.05 ** (t + 1), 0.3]);
    for (const [method, r] of allMethods(traj)) {
      expect(finite(r)).toBe(true);
      expect({ method, trusted: r.trusted, unstable: codes(r).includes("UNSTABLE_MODE") }).toEqual({
        method,
        trusted: false,
        unstable: true,
      });
    }
  });

  it("exponential growth to 1e200: not trusted, UNSTABLE_MODE (was E_NOCONVERGE from the SVD)", () => {
    const traj = Array.from({ length: 60 }, (_, t) => [10 ** ((200 * t) / 59), 1 + 0.5 ** t]);
    for (const [method, r] of allMethods(traj)) {
      expect(finite(r)).toBe(true);
      expect({ method, trusted: r.trusted, unstable: codes(r).includes("UNSTABLE_MODE") }).toEqual({
        method,
        trusted: false,
        unstable: true,
      });
    }
  });
});

describe("a trusted estimate is accurate where the truth is known", () => {
  it("400 random linear windows (1–3 modes, μ up to 0.999, complex pairs, q 1–3): trusted ⇒ error < 1e-6", () => {
    let s = 12345;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    let trusted = 0;
    for (let trial = 0; trial < 400; trial++) {
      const q = 1 + Math.floor(rnd() * 3),
        m = [40, 60, 100][trial % 3],
        nModes = 1 + Math.floor(rnd() * 3);
      const c = Array.from({ length: q }, () => rnd() * 2 - 1);
      const modes = Array.from({ length: nModes }, () => ({
        r: 0.3 + 0.699 * rnd(),
        th: rnd() < 0.5 ? 0 : rnd() * 2,
        u: Array.from({ length: q }, () => rnd() * 2 - 1),
        v: Array.from({ length: q }, () => rnd() * 2 - 1),
      }));
      const h = (t: number) =>
        c.map(
          (ci, i) =>
            ci +
            modes.reduce((a, md) => a + md.r ** t * (Math.cos(md.th * t) * md.u[i] + Math.sin(md.th * t) * md.v[i]), 0),
        );
      const traj = Array.from({ length: m }, (_, t) => h(t + 1));
      const method = METHODS[trial % METHODS.length];
      const r = estimateGlobal(traj, { method, horizon: m + 200 });
      if (!r.trusted) continue;
      trusted++;
      const truth = r.target === "horizon" ? h(m + 200) : c;
      expect({ trial, method, err: relErr(r.estimate, truth) < 1e-6 }).toEqual({ trial, method, err: true });
    }
    expect(trusted).toBeGreaterThan(200); // the test must not pass by trusting nothing
  });
});
