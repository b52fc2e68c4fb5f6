/**
 * The reference trajectories in test/fixtures (copied from shared/fixtures, computed
 * independently in float64): every method each fixture lists, within the fixture's own
 * tolerance, and the bad-input fixtures rejected with their codes.
 */
import * as fs from "fs";
import * as path from "path";
import { estimateGlobal, EstimateOptions, GlocalError } from "../../src/index";
import { relDiff } from "../support/helpers";

const dir = path.join(__dirname, "..", "fixtures");
const decode = (v: unknown): unknown =>
  v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v;

interface Fixture {
  name: string;
  trajectory: unknown[][];
  delay: number;
  rank: number | null;
  horizon: number;
  eig_tolerance?: number;
  expected_error?: boolean;
  expected_code?: string;
  expected?: Record<string, number[] & number>;
  tolerance?: Record<string, number | null | number[]>;
  unreliable_outputs?: string[];
}

const fixtures: Fixture[] = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));

const outputs: Array<[string, EstimateOptions]> = [
  ["estimate_infinite", { method: "limit" }],
  ["estimate_horizon", { method: "horizon" }],
  ["estimate_horizon_drop", { method: "horizon", unstable: "drop" }],
  ["estimate_affine", { method: "affine" }],
  ["estimate_rre", { method: "rre" }],
  ["estimate_mpe", { method: "mpe" }],
];

function baseOptions(fx: Fixture): EstimateOptions {
  return {
    delay: fx.delay,
    rank: fx.rank === null ? { kind: "full" } : { kind: "fixed", rank: fx.rank },
    horizon: fx.horizon,
    tolerance: fx.eig_tolerance ?? 0.01,
  };
}

it("the fixture set is present (6 good, 3 bad)", () => {
  expect(fixtures.filter((f) => !f.expected_error)).toHaveLength(6);
  expect(fixtures.filter((f) => f.expected_error)).toHaveLength(3);
  // Every fixture names itself after its file (bad_*: the rejected ones).
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  expect(fixtures.map((f) => `${f.name}.json`)).toEqual(files);
  expect(fixtures.map((f) => f.name.startsWith("bad_"))).toEqual(fixtures.map((f) => !!f.expected_error));
});

for (const fx of fixtures) {
  const trajectory = fx.trajectory.map((row) => row.map(decode)) as number[][];
  if (fx.expected_error) {
    it(`${fx.name}: rejected with ${fx.expected_code}`, () => {
      let err: unknown;
      try {
        estimateGlobal(trajectory, baseOptions(fx));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GlocalError);
      expect((err as GlocalError).code).toBe(fx.expected_code);
      expect((err as GlocalError).argument).toBe("trajectory");
    });
    continue;
  }
  const expected = fx.expected as Record<string, unknown>;
  const tolerance = fx.tolerance as Record<string, unknown>;
  describe(fx.name, () => {
    for (const [key, opts] of outputs) {
      if ((fx.unreliable_outputs ?? []).includes(key) || tolerance[key] === null) continue;
      it(`${key} within ${(tolerance[key] as number).toExponential(1)}`, () => {
        const r = estimateGlobal(trajectory, { ...baseOptions(fx), ...opts });
        expect(relDiff(r.estimate, expected[key] as number[])).toBeLessThanOrEqual(tolerance[key] as number);
      });
    }
    it("rank, eigenvalues (multiset, per-eigenvalue tolerance), singular values and kept modes", () => {
      const r = estimateGlobal(trajectory, { ...baseOptions(fx), method: "limit" });
      expect(r.rank).toBe(expected.rank_used);
      expect(r.diagnostics.keptModes).toHaveLength(expected.n_modes_kept_infinite as number);
      const re = expected.eigenvalues_re as number[],
        im = expected.eigenvalues_im as number[];
      const tol = tolerance.eigenvalues_abs as number[];
      expect(r.eigenvalues.re).toHaveLength(re.length);
      for (let i = 0; i < re.length; i++) {
        let best = Infinity;
        for (let j = 0; j < r.eigenvalues.re.length; j++)
          best = Math.min(best, Math.hypot(r.eigenvalues.re[j] - re[i], r.eigenvalues.im[j] - im[i]));
        expect(best).toBeLessThanOrEqual(tol[i]);
      }
      const sv = expected.singular_values as number[];
      for (let i = 0; i < sv.length; i++)
        expect(Math.abs(r.diagnostics.singularValues[i] - sv[i])).toBeLessThanOrEqual(1e-13 * sv[0]);
      // The fit residual: rounding level where the dynamics are exact, else to 1e-6 relative.
      const res = expected.fit_residual as number;
      const residual = r.diagnostics.residual; // limit always fits the DMD: never null here
      if (residual === null) throw new Error("a limit estimate without the DMD's residual");
      expect(Math.abs(residual - res)).toBeLessThanOrEqual(Math.max(1e-14, 1e-6 * res));
    });
    it("trusted means no material loss against h_m: error ≤ max(2 err(h_m), 1e-2) for every trusted method", () => {
      const hm = trajectory[trajectory.length - 1];
      let trusted = 0;
      for (const [key, opts] of outputs) {
        if (key === "estimate_horizon_drop") continue; // the comparison variant
        const r = estimateGlobal(trajectory, { ...baseOptions(fx), ...opts });
        const truth = (
          r.target === "horizon" ? expected.true_global : (expected.true_infinite ?? expected.true_global)
        ) as number[];
        if (!r.trusted) continue;
        trusted++;
        const err = relDiff(r.estimate, truth),
          bound = Math.max(2 * relDiff(hm, truth), 1e-2);
        expect({ key, err, within: err <= bound }).toEqual({ key, err, within: true });
      }
      // Every fixture is a window some method can extrapolate with trust.
      expect(trusted).toBeGreaterThan(0);
    });
  });
}

describe("exactly linear dynamics (ridge regression, full-batch GD)", () => {
  for (const name of ["ridge_exact_p1_gd", "ridge_exact_p3_gd"]) {
    const fx = fixtures.find((f) => f.name === name) as Fixture;
    const trajectory = fx.trajectory as number[][];
    const exp = fx.expected as Record<string, number[]>;
    it(`${name}: horizon matches the true h_T, limit the true h_∞, to ≤ 1e-8`, () => {
      const h = estimateGlobal(trajectory, { ...baseOptions(fx), method: "horizon" });
      expect(relDiff(h.estimate, exp.true_global)).toBeLessThanOrEqual(1e-8);
      const l = estimateGlobal(trajectory, { ...baseOptions(fx), method: "limit" });
      expect(relDiff(l.estimate, exp.true_infinite)).toBeLessThanOrEqual(1e-8);
    });
  }
});
