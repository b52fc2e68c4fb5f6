/**
 * The baselines `none` and `random`, the validation-gradient counts of every strategy, and
 * glocal's validation subsample — each checked against an independent computation (a plain
 * training session, a problem built from the subset's rows, counts derived from the windows).
 */
import {
  problems,
  optimizers,
  optimize,
  InnerTraining,
  GlocalError,
  OptimizeOptions,
  OptimizeResult,
} from "../../src/index";
import { drawPhi, searchBox } from "../../src/optimize/strategies/searchBox";
import { driverData } from "../support/training";

const data = driverData();
const problem = problems.softmax(data, { classes: 3 });
afterAll(() => problem.dispose());

const start = optimizers.momentum({ lr: 0.05, wd: 0.01, momentum: 0.8 });
const hyper = ["lr", "wd", "momentum"] as const;
const base: OptimizeOptions = {
  problem,
  optimizer: start,
  hyper: [...hyper],
  strategy: "none",
  innerSteps: 60,
  window: 20,
  outerSteps: 4,
  batchSize: 30,
  seed: 5,
};
const phi0 = [Math.log(0.05), Math.log(0.01), Math.log(0.8 / 0.2)];

/** Validation loss after T plain steps with φ, batches as the driver's (an independent run). */
function trained(phi: ArrayLike<number>, T: number, seed = 5): number {
  const s = new InnerTraining(problem, start, { hyper: [...hyper], batchSize: 30, seed, phi });
  try {
    s.step(T, { tangent: false });
    return s.valLoss();
  } finally {
    s.dispose();
  }
}

function errorOf(fn: () => unknown): GlocalError {
  try {
    fn();
  } catch (e) {
    return e as GlocalError;
  }
  throw new Error("no error thrown");
}

describe("none: the starting hyperparameters, trained for the same T", () => {
  const r = optimize(base);

  it("keeps φ, computes no hypergradient, and trains T steps", () => {
    for (const e of r.history) for (let i = 0; i < 3; i++) expect(e.phi[i]).toBeCloseTo(phi0[i], 14);
    expect(r.final.phi).toEqual(r.history[0].phi);
    expect(r.counts).toMatchObject({ innerSteps: 60, jvps: 0, valGradients: 0, valLosses: 0, updates: 0 });
    expect(r.stopped).toBe("done");
  });

  it("ends with the model of a plain run with the same φ, batches and length", () => {
    expect(r.final.valLoss).toBe(trained(r.final.phi, 60));
  });

  it("records the loss curve once per window", () => {
    expect(r.history.map((e) => e.innerSteps)).toEqual([0, 20, 40, 60]);
    expect(r.history.every((e) => e.valLoss !== null && Number.isFinite(e.valLoss))).toBe(true);
  });

  it("a start that diverges ends at the last good state, reported, without throwing", () => {
    const d = optimize({ ...base, optimizer: optimizers.sgd({ lr: 1e6, wd: 1 }), hyper: ["lr", "wd"] });
    expect(d.stopped).toBe("diverged");
    expect(d.events.some((e) => e.kind === "diverged")).toBe(true);
    expect(Number.isFinite(d.final.valLoss)).toBe(true);
  });
});

describe("random: random search with global's budget", () => {
  const r = optimize({ ...base, strategy: "random" });
  const trials = r.history.slice(1).map((e) => e.trial as NonNullable<OptimizeResult["history"][number]["trial"]>);

  it("spends exactly global's inner steps, on outerSteps trials, without hypergradients", () => {
    const g = optimize({ ...base, strategy: "global" });
    expect(r.counts.innerSteps).toBe(g.counts.innerSteps);
    expect(r.counts.innerSteps).toBe(60 * 4);
    expect(r.counts).toMatchObject({ updates: 4, jvps: 0, valGradients: 0, valLosses: 4 });
    expect(trials).toHaveLength(4);
  });

  it("reports its whole budget as the progress total", () => {
    const totals: number[] = [];
    optimize({ ...base, strategy: "random", onProgress: (p) => totals.push(p.totalInnerSteps) });
    expect(new Set(totals)).toEqual(new Set([240]));
  });

  it("draws every trial in φ₀ ± ln 10, and the trials differ", () => {
    for (const t of trials)
      t.phi.forEach((v, i) => {
        expect(Math.abs(v - phi0[i])).toBeLessThanOrEqual(Math.log(10) + 1e-12);
      });
    expect(new Set(trials.map((t) => t.phi.join())).size).toBe(4);
  });

  it("keeps the best trial: its φ, its loss, and a model equal to a plain run with that φ", () => {
    const best = trials.reduce((a, b) => ((b.valLoss as number) < (a.valLoss as number) ? b : a));
    expect(r.final.phi).toEqual(best.phi);
    expect(r.final.valLoss).toBe(best.valLoss);
    expect(r.final.valLoss).toBe(trained(best.phi, 60));
    // Each trial's loss is that of its own plain run.
    for (const t of trials) expect(t.valLoss).toBe(trained(t.phi, 60));
    // The history holds the best so far: its losses never increase.
    const losses = r.history.slice(1).map((e) => e.valLoss as number);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]);
  });

  it("is deterministic by seed, and another seed draws other trials", () => {
    const again = optimize({ ...base, strategy: "random" });
    expect(again.history).toEqual(r.history.map((e, i) => ({ ...e, wallTimeMs: again.history[i].wallTimeMs })));
    const other = optimize({ ...base, strategy: "random", seed: 6 });
    expect(other.history[1].trial?.phi).not.toEqual(trials[0].phi);
  });

  it("draws within given natural-unit ranges (log lr, log wd, logit momentum)", () => {
    const ranges = { lr: [0.01, 0.02], wd: [1e-4, 1e-3], momentum: [0.5, 0.6] } as const;
    const options = { ranges };
    const x = optimize({ ...base, strategy: "random", outerSteps: 5, random: options });
    for (const e of x.history.slice(1)) {
      const h = (e.trial as NonNullable<typeof e.trial>).hyper;
      expect(h.lr).toBeGreaterThanOrEqual(0.01 * (1 - 1e-12));
      expect(h.lr).toBeLessThanOrEqual(0.02 * (1 + 1e-12));
      expect(h.wd).toBeGreaterThanOrEqual(1e-4 * (1 - 1e-12));
      expect(h.wd).toBeLessThanOrEqual(1e-3 * (1 + 1e-12));
      expect(h.momentum as number).toBeGreaterThanOrEqual(0.5 - 1e-12);
      expect(h.momentum as number).toBeLessThanOrEqual(0.6 + 1e-12);
    }
    expect(options.ranges).toBe(ranges); // not replaced or mutated
    expect(ranges.lr).toEqual([0.01, 0.02]);
  });

  it("the box is uniform in φ: log-uniform lr and wd, logit-uniform momentum", () => {
    const box = searchBox(["log_lr", "log_wd", "logit_momentum"], phi0, {
      ranges: { wd: [1e-4, 1e-2], momentum: [0.5, 0.9] },
    });
    expect(box.lo[0]).toBeCloseTo(phi0[0] - Math.log(10), 14);
    expect(box.hi[1]).toBeCloseTo(Math.log(1e-2), 14);
    expect(box.lo[2]).toBeCloseTo(0, 14);
    expect(box.hi[2]).toBeCloseTo(Math.log(9), 14);
    // A deterministic quasi-uniform stream: draws land where the affine map puts them.
    let k = 0;
    const u = () => (k++ % 4) / 4 + 0.125;
    const d = drawPhi(box, u);
    expect(d[0]).toBeCloseTo(box.lo[0] + 0.125 * (box.hi[0] - box.lo[0]), 14);
    expect(d[2]).toBeCloseTo(box.lo[2] + 0.625 * (box.hi[2] - box.lo[2]), 14);
  });

  it("a trial that diverges ranks below every finite one and is counted", () => {
    // lr up to 10⁹ (α·λ up to 10⁷ per step): some trials overflow, the search still
    // returns a finite model.
    const x = optimize({
      ...base,
      strategy: "random",
      outerSteps: 8,
      random: { ranges: { lr: [0.01, 1e9] } },
    });
    const failed = x.history.slice(1).filter((e) => e.trial?.valLoss === null).length;
    expect(failed).toBeGreaterThan(0);
    expect(x.counts.rejected).toBe(failed);
    expect(Number.isFinite(x.final.valLoss)).toBe(true);
    expect(x.stopped).toBe("done");
  });
});

describe("validation gradients: one per recorded hypergradient", () => {
  // T = 60, window 20 (local: every 5), 4 runs of global.
  const count = (o: Partial<OptimizeOptions>) => optimize({ ...base, ...o } as OptimizeOptions);

  it("truncated and local: one per update; global: one per run with a tangent", () => {
    const t = count({ strategy: "truncated" });
    expect(t.counts.valGradients).toBe(3);
    expect(t.counts.valGradients).toBe(t.counts.updates);
    const l = count({ strategy: "local", window: 5 });
    expect(l.counts.valGradients).toBe(12);
    const g = count({ strategy: "global" });
    expect(g.counts.valGradients).toBe(3); // the last run trains the final model only
  });

  it("glocal: ⌈m / stride⌉ per window, plus h_m on the whole set with a subsample", () => {
    const g = count({ strategy: "glocal", glocal: { stride: 3 } });
    expect(g.counts.valGradients).toBe(3 * Math.ceil(20 / 3));
    const s = count({ strategy: "glocal", glocal: { stride: 3, valSubsample: 40 } });
    expect(s.counts.valGradients).toBe(3 * (Math.ceil(20 / 3) + 1));
    // The history's running count ends at the total.
    expect(s.history[s.history.length - 1].valGradients).toBe(s.counts.valGradients);
  });
});

describe("glocal.valSubsample", () => {
  it("fits the subset's trajectory but falls back to the whole set's h_m", () => {
    const o = { ...base, strategy: "glocal" as const, glocal: { stride: 2 } };
    const full = optimize(o);
    const sub = optimize({ ...o, glocal: { stride: 2, valSubsample: 30 } });
    const trunc = optimize({ ...base, strategy: "truncated" });
    // Window 1 starts from the same φ₀ and θ₀: h_m is identical, the trajectory is not.
    expect(sub.history[1].truncated).toEqual(trunc.history[1].hypergradient);
    expect(sub.history[1].truncated).toEqual(full.history[1].truncated);
    expect(sub.history[1].estimate).not.toEqual(full.history[1].estimate);
  });

  it("setValidationSubset: the validation gradient of a problem made of those rows", () => {
    const rows = [3, 17, 17, 42, 0, 79];
    const s = new InnerTraining(problem, start, { hyper: [...hyper], batchSize: 30, seed: 5 });
    const val = {
      x: {
        rows: rows.length,
        cols: 8,
        data: Float64Array.from(rows.flatMap((r) => Array.from(data.val.x.data.subarray(r * 8, r * 8 + 8)))),
      },
      y: Int32Array.from(rows.map((r) => (data.val.y as Int32Array)[r])),
    };
    const own = problems.softmax({ train: data.train, val }, { classes: 3 });
    const ref = new InnerTraining(own, start, { hyper: [...hyper], batchSize: 30, seed: 5 });
    try {
      s.step(25);
      ref.step(25);
      s.setValidationSubset(rows);
      const a = s.hypergradient(),
        b = ref.hypergradient();
      for (let i = 0; i < 3; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-13 * Math.abs(b[i]) + 1e-16);
      // Evaluations keep the whole set; null restores the whole set for gradients too.
      expect(s.valLoss()).not.toBe(ref.valLoss());
      s.setValidationSubset(null);
      expect(s.hypergradient()).not.toEqual(a);
      expect(errorOf(() => s.setValidationSubset([80])).code).toBe("E_OPTION");
      expect(errorOf(() => s.setValidationSubset([])).code).toBe("E_TYPE");
      expect(errorOf(() => s.setValidationSubset([1.5])).code).toBe("E_OPTION");
    } finally {
      s.dispose();
      ref.dispose();
      own.dispose();
    }
  });
});

describe("options of the baselines", () => {
  it.each<[string, object, string, string]>([
    ["unknown strategy", { strategy: "grid" }, "E_OPTION", "strategy"],
    ["random.radius ≤ 0", { strategy: "random", random: { radius: 0 } }, "E_OPTION", "random.radius"],
    ["random: unknown key", { strategy: "random", random: { trials: 3 } }, "E_OPTION", "random.trials"],
    ["random range reversed", { random: { ranges: { lr: [1, 0.1] } } }, "E_OPTION", "random.ranges.lr"],
    ["random range ≤ 0", { random: { ranges: { wd: [0, 0.1] } } }, "E_OPTION", "random.ranges.wd"],
    ["momentum range ∌ (0,1)", { random: { ranges: { momentum: [0.5, 1] } } }, "E_OPTION", "random.ranges.momentum"],
    ["random range not a pair", { random: { ranges: { lr: 0.1 } } }, "E_OPTION", "random.ranges.lr"],
    ["unknown range", { random: { ranges: { beta2: [0.9, 0.99] } } }, "E_OPTION", "random.ranges.beta2"],
    ["valSubsample 0", { strategy: "glocal", glocal: { valSubsample: 0 } }, "E_OPTION", "glocal.valSubsample"],
    ["valSubsample 2.5", { strategy: "glocal", glocal: { valSubsample: 2.5 } }, "E_OPTION", "glocal.valSubsample"],
    ["valSubsample > val", { strategy: "glocal", glocal: { valSubsample: 81 } }, "E_OPTION", "glocal.valSubsample"],
    ["valSubsample at top level", { valSubsample: 10 }, "E_OPTION", "options.valSubsample"],
  ])("%s → %s", (_name, patch, code, argument) => {
    const e = errorOf(() => optimize({ ...base, ...patch } as OptimizeOptions));
    expect(e).toBeInstanceOf(GlocalError);
    expect(e.code).toBe(code);
    expect(e.argument).toBe(argument);
  });
});
