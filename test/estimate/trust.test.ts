/**
 * The trust contract: a trusted estimate may replace h_m. The guards that read the estimate
 * itself (the held-out refit's forecast against holding the last row, and the nested-window
 * change against the estimate's correction to h_m), each with the case that was trusted and
 * wrong before them, and the arithmetic of their ratios.
 */
import { datasets, estimateGlobal, GlocalError, InnerTraining, optimizers, problems } from "../../src/index";
import type { Method } from "../../src/index";
import { heldOutEvidence } from "../../src/estimate/evidence";
import { linearTrajectory } from "../support/synthetic";
import { relErr } from "../support/helpers";

const fatal = (r: ReturnType<typeof estimateGlobal>) => r.diagnostics.untrustedBecause;

describe("sequences without a limit are not trusted", () => {
  it("rre on h_t = t, t = 1 … 20 (was [19], trusted, at every delay)", () => {
    const traj = Array.from({ length: 20 }, (_, t) => [t + 1]);
    for (const delay of [1, 2, 3, 4]) {
      const r = estimateGlobal(traj, { method: "rre", delay });
      expect({ delay, trusted: r.trusted }).toEqual({ delay, trusted: false });
      expect(fatal(r).length).toBeGreaterThan(0);
    }
  });

  it("h_t = t, q = 2, by every method", () => {
    const traj = Array.from({ length: 40 }, (_, t) => [t + 1, 0.5 * (t + 1) - 3]);
    for (const method of ["limit", "affine", "rre", "mpe"] as const)
      expect({ method, trusted: estimateGlobal(traj, { method }).trusted }).toEqual({ method, trusted: false });
  });

  it("limit on the slow growth h_t = log t, m = 100 and 200 (was trusted; NESTED_DISAGREEMENT)", () => {
    for (const m of [100, 200]) {
      const r = estimateGlobal(
        Array.from({ length: m }, (_, t) => [Math.log(t + 1)]),
        { method: "limit" },
      );
      expect({ m, trusted: r.trusted }).toEqual({ m, trusted: false });
      expect(fatal(r)).toContain("NESTED_DISAGREEMENT");
    }
  });
});

describe("the tests on the estimate itself", () => {
  it("a converged linear window passes both, with ratios far below the thresholds", () => {
    const c = [0.3, -0.2];
    const traj = linearTrajectory(80, c, [{ r: 0.8, theta: 0.4, u: [1, 0.2], v: [-0.3, 1] }]);
    const r = estimateGlobal(traj, { delay: 2, method: "limit" });
    expect(r.trusted).toBe(true);
    expect(relErr(r.estimate, c)).toBeLessThan(1e-10);
    expect(r.diagnostics.forecastRatio).toBeLessThan(1e-6);
    expect(r.diagnostics.nestedChange).toBeLessThan(1e-6);
    expect(r.diagnostics.correctionRatio).toBeLessThan(1);
    expect(r.diagnostics.untrustedBecause).toEqual([]);
  });

  it("a correction far beyond the window's movement is refused on its own (IMPLAUSIBLE_CORRECTION)", () => {
    // The horizon estimate 0 of a window that moved by 2e-3 over its held-out rows (h_m ≈ 1),
    // with the forecast and nested tests switched off.
    const traj = Array.from({ length: 50 }, (_, t) => [1 + 0.5 * 0.9 ** (t + 1)]);
    const r = estimateGlobal(traj, {
      method: "horizon",
      horizon: 2000,
      delay: 1,
      trust: { forecastRatio: 1e300, nestedChange: 1e300 },
    });
    expect(fatal(r)).toContain("IMPLAUSIBLE_CORRECTION");
    expect(r.diagnostics.correctionRatio).toBeGreaterThan(100);
  });

  it("heldOut: 0 switches the refit off: no ratios, no refit warnings", () => {
    const traj = Array.from({ length: 20 }, (_, t) => [t + 1]);
    const r = estimateGlobal(traj, { method: "rre", delay: 2, heldOut: 0 });
    expect(r.diagnostics.forecastRatio).toBeNull();
    expect(r.diagnostics.nestedChange).toBeNull();
    expect(fatal(r)).not.toContain("NESTED_DISAGREEMENT");
    expect(fatal(r)).not.toContain("POOR_FORECAST");
  });

  it("the thresholds are options: loosened far enough, the nested test lets h_t = log t through", () => {
    const traj = Array.from({ length: 100 }, (_, t) => [Math.log(t + 1)]);
    const r = estimateGlobal(traj, { method: "limit", trust: { nestedChange: 100, forecastRatio: 100 } });
    expect(fatal(r)).not.toContain("NESTED_DISAGREEMENT");
  });

  it("bad thresholds are E_OPTION naming the option", () => {
    const traj = Array.from({ length: 20 }, (_, t) => [1 - 0.5 ** (t + 1)]);
    for (const [trust, argument] of [
      [{ forecastRatio: 0 }, "trust.forecastRatio"],
      [{ nestedChange: -1 }, "trust.nestedChange"],
      [{ correction: 0 }, "trust.correction"],
      [{ floor: 1 }, "trust.floor"],
      [{ floor: NaN }, "trust.floor"],
    ] as const) {
      let err: unknown;
      try {
        estimateGlobal(traj, { trust });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GlocalError);
      expect({ code: (err as GlocalError).code, argument: (err as GlocalError).argument }).toEqual({
        code: "E_OPTION",
        argument,
      });
    }
  });
});

describe("logistic regression on MNIST digits: heavy ball (where trusted estimates were 6–100× worse than h_m) and GD", () => {
  // 3 vs 5, 200 training digits. Windows h_1 … h_m from θ₀; truth h_T at T = 2000.
  const record = (optimizer: ReturnType<typeof optimizers.sgd> | ReturnType<typeof optimizers.momentum>) => {
    const problem = problems.logistic(datasets.mnist({ train: 200, val: 100, seed: 1, classes: [3, 5] }));
    const hyper = optimizer.kind === "momentum" ? ["lr", "wd", "momentum"] : ["lr", "wd"];
    const run = new InnerTraining(problem, optimizer, { hyper: hyper as ["lr"], seed: 11 });
    const rows: Float64Array[] = [];
    let truth: Float64Array = new Float64Array(0);
    try {
      for (let t = 1; t <= 2000; t++) {
        run.step(1);
        if (t <= 200) rows.push(run.hypergradient());
        if (t === 2000) truth = run.hypergradient();
      }
    } finally {
      run.dispose();
      problem.dispose();
    }
    return { rows, truth };
  };
  let hb: ReturnType<typeof record>, gd: ReturnType<typeof record>;
  beforeAll(() => {
    hb = record(optimizers.momentum({ lr: 0.1, wd: 0.1, momentum: 0.9 }));
    gd = record(optimizers.sgd({ lr: 1, wd: 0.03 }));
  });

  /** Every method, m ∈ {50, 100, 200}, d ∈ {2, default}: trusted ⇒ within the contract. Returns the trusted (m, method, d, err, err(h_m)). */
  function checkContract({ rows, truth }: ReturnType<typeof record>) {
    const trusted: Array<{ m: number; method: Method; delay?: number; err: number; errM: number }> = [];
    for (const m of [50, 100, 200]) {
      const window = rows.slice(0, m);
      const errM = relErr(window[m - 1], truth);
      for (const method of ["limit", "horizon", "affine", "rre", "mpe"] as Method[]) {
        for (const delay of [2, undefined]) {
          const r = estimateGlobal(window, { method, horizon: 2000, ...(delay ? { delay } : {}) });
          const err = relErr(r.estimate, truth);
          if (!r.trusted) continue;
          trusted.push({ m, method, delay, err, errM });
          expect({ m, method, delay, within: err <= Math.max(2 * errM, 1e-2) }).toEqual({
            m,
            method,
            delay,
            within: true,
          });
        }
      }
    }
    return trusted;
  }

  it("heavy ball: affine at m = 200 (was trusted, error 0.38 against h_m's 0.0022) is refused; nothing trusted is worse", () => {
    const r = estimateGlobal(hb.rows, { method: "affine", delay: 6 }); // the default delay then
    expect(relErr(r.estimate, hb.truth)).toBeGreaterThan(100 * relErr(hb.rows[199], hb.truth));
    expect(r.trusted).toBe(false);
    checkContract(hb);
  });

  it("GD: the test keeps what pays -- rre and mpe at m = 200, trusted, ≥ 100× more accurate than h_m", () => {
    const trusted = checkContract(gd);
    for (const method of ["rre", "mpe"] as Method[]) {
      const t = trusted.find((x) => x.m === 200 && x.method === method && x.delay === undefined);
      expect({ method, gain: t !== undefined && t.err * 100 <= t.errM }).toEqual({ method, gain: true });
    }
  });
});

describe("heldOutEvidence", () => {
  const base = {
    error: 0.1,
    modelRms: 1,
    naiveRms: 4,
    change: 1,
    correction: 5,
    movement: 2,
    scale: 10,
    floor: 1e-3,
    correctionLimit: 10,
  };
  it("divides by the naive forecast, by the correction and by the window's movement", () => {
    expect(heldOutEvidence(base)).toEqual({ error: 0.1, forecastRatio: 0.25, nestedChange: 0.2, correctionRatio: 2.5 });
  });
  it("floors the denominators at floor × ‖h_m‖ (the correction's at that / its limit): a window that barely moves", () => {
    const e = heldOutEvidence({ ...base, naiveRms: 1e-9, correction: 0, modelRms: 1e-3, change: 2e-3, movement: 0 });
    expect(e.forecastRatio).toBeCloseTo(0.1, 15);
    expect(e.nestedChange).toBeCloseTo(0.2, 15);
    expect(e.correctionRatio).toBe(0);
    // A still window allows a correction of floor × ‖h_m‖ = 0.01 at most: ratio 10 there.
    expect(heldOutEvidence({ ...base, movement: 0, correction: 0.01 }).correctionRatio).toBeCloseTo(10, 12);
  });
  it("0 over 0 passes (a constant window); anything over a zero floor fails", () => {
    const z = { ...base, modelRms: 0, naiveRms: 0, change: 0, correction: 0, movement: 0, floor: 0 };
    expect(heldOutEvidence(z)).toEqual({ error: 0.1, forecastRatio: 0, nestedChange: 0, correctionRatio: 0 });
    const f = heldOutEvidence({ ...z, modelRms: 1e-300, change: 1e-300 });
    expect([f.forecastRatio, f.nestedChange, f.correctionRatio]).toEqual([Infinity, Infinity, 0]);
    expect(heldOutEvidence({ ...z, correction: 1e-300 }).correctionRatio).toBe(Infinity);
    expect(heldOutEvidence({ ...base, modelRms: Infinity }).forecastRatio).toBe(Infinity);
  });
});
