/**
 * Hostile input, round two (the library side; the CLI's is test/app/cli/hostile.test.ts):
 * one regression test per finding of the review, each with the input that failed and what
 * it did before the fix.
 */
import {
  GPU_MODES,
  GlocalError,
  GlocalEstimator,
  METHODS,
  PRODUCT_BACKENDS,
  PluginTraining,
  STRATEGIES,
  datasets,
  estimateGlobal,
  initSync,
  linalg,
  matrix,
  memoryStats,
  optimize,
  optimizers,
  problems,
  ready,
  toArray,
  toMatrix,
} from "../src/index";
import type { OptimizeOptions, PluginModel, Progress, Strategy } from "../src/index";
import { resetScratchPeak, scratchPeak } from "../src/core/load";
import { MAX_ESTIMATE_BYTES, MAX_ESTIMATE_WORK, predictWork } from "../src/estimate/budget";
import { resolveOptions } from "../src/estimate/options";
import { CALLS, POLLUTION, outcome, polluted } from "./support/pollution";
import { linearTrajectory } from "./support/synthetic";

/** The GlocalError a call throws (fails the test when it returns or throws anything else). */
function thrown(fn: () => unknown): GlocalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GlocalError) return e;
    throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}, not a GlocalError`);
  }
  throw new Error("returned instead of throwing");
}

const traj = linearTrajectory(
  40,
  [1, -2],
  [
    { r: 0.8, theta: 0, u: [1, 0.5] },
    { r: 0.6, theta: 0.4, u: [0.3, -0.2], v: [0.1, 0.2] },
  ],
);

describe("2. work is bounded before it is done (library)", () => {
  it("a 4000-row window with delay 2000 (ran for minutes) is refused at once, naming delay", () => {
    const t0 = Date.now();
    const rows = { rows: 4000, cols: 1, data: Float64Array.from({ length: 4000 }, (_, t) => Math.sin(t / 7)) };
    const e = thrown(() => estimateGlobal(rows, { delay: 2000 }));
    expect([e.code, e.argument]).toEqual(["E_TOO_LARGE", "delay"]);
    expect(e.message).toMatch(/budget/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("10⁶ scalar rows at the default delay (15-22 s and 2.4 GB) are refused, naming the trajectory", () => {
    const rows = { rows: 1e6, cols: 1, data: Float64Array.from({ length: 1e6 }, (_, t) => 0.9 ** (t % 50)) };
    const t0 = Date.now();
    const e = thrown(() => estimateGlobal(rows));
    expect([e.code, e.argument]).toEqual(["E_TOO_LARGE", "trajectory"]);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("an auto search over a long window is refused naming the option that was auto", () => {
    const rows = { rows: 1e5, cols: 1, data: Float64Array.from({ length: 1e5 }, (_, t) => 0.9 ** (t % 50)) };
    expect(thrown(() => estimateGlobal(rows, { delay: "auto" })).argument).toBe("delay");
    expect(thrown(() => estimateGlobal(rows, { method: "auto", delay: 64 })).argument).toBe("method");
  });

  it("GlocalEstimator applies the same budget", () => {
    const est = new GlocalEstimator({ dim: 1, window: 4000, delay: 2000 });
    try {
      for (let t = 0; t < 4000; t++) est.push([Math.sin(t / 7)]);
      expect([thrown(() => est.estimate()).code, thrown(() => est.estimate()).argument]).toEqual([
        "E_TOO_LARGE",
        "delay",
      ]);
    } finally {
      est.dispose();
    }
  });

  it("the predicted memory bounds the measured scratch high-water mark", () => {
    for (const [m, q, o] of [
      [300, 2, {}],
      [120, 30, { method: "limit" }],
      [2000, 1, { delay: 40, method: "rre" }],
      [80, 3, { method: "auto" }],
      [200, 1, { delay: "auto", rank: "auto" }],
    ] as Array<[number, number, Record<string, unknown>]>) {
      const rows = linearTrajectory(
        m,
        Array.from({ length: q }, (_, i) => i - 1),
        [{ r: 0.9, theta: 0.3, u: Array.from({ length: q }, (_, i) => 1 / (i + 1)), v: new Array(q).fill(0.2) }],
      );
      const predicted = predictWork(m, q, resolveOptions(o, m, q));
      expect(predicted.bytes).toBeLessThanOrEqual(MAX_ESTIMATE_BYTES);
      expect(predicted.work).toBeLessThanOrEqual(MAX_ESTIMATE_WORK);
      resetScratchPeak();
      estimateGlobal(rows, o);
      expect(scratchPeak()).toBeGreaterThan(0);
      expect(scratchPeak()).toBeLessThanOrEqual(predicted.bytes);
    }
  });

  it("optimize refuses a glocal window beyond the budget before training, naming glocal.delay", () => {
    const problem = problems.linear(datasets.synthetic({ kind: "regression", train: 20, val: 10, seed: 1 }));
    let calls = 0;
    try {
      const e = thrown(() =>
        optimize({
          problem,
          optimizer: optimizers.sgd({ lr: 0.1, wd: 0.01 }),
          strategy: "glocal",
          innerSteps: 6000,
          window: 6000,
          glocal: { delay: 2000 },
          onProgress: () => calls++,
        }),
      );
      expect([e.code, e.argument, calls]).toEqual(["E_TOO_LARGE", "glocal.delay", 0]);
    } finally {
      problem.dispose();
    }
  });
});

describe("3. prototype pollution does not change results", () => {
  const baseline = CALLS.map(([, call]) => outcome(call));

  it("the issue's examples: rank, method, delay, horizon on estimateGlobal; transA, alpha, vectors, rcond", () => {
    const A = { rows: 2, cols: 2, data: Float64Array.from([2, 1, 0.5, 3]) };
    const clean = [
      estimateGlobal(traj).estimate,
      linalg.gemm(A, A).data,
      linalg.svd(A).U.data,
      linalg.eig(A).vectors.re.data,
      linalg.lstsq(A, [1, 2]).x,
    ];
    for (const pair of [
      ["rank", { kind: "fixed", rank: 1 }],
      ["method", "rre"],
      ["delay", 3],
      ["horizon", 7],
      ["transA", true],
      ["alpha", 2],
      ["vectors", false],
      ["rcond", 0.9],
    ] as const) {
      const got = polluted([pair], () => [
        estimateGlobal(traj).estimate,
        linalg.gemm(A, A).data,
        linalg.svd(A).U.data,
        linalg.eig(A).vectors.re.data,
        linalg.lstsq(A, [1, 2]).x,
      ]);
      expect({ pair, got }).toEqual({ pair, got: clean });
    }
  });

  for (const [key, value] of POLLUTION) {
    it(`Object.prototype.${key} = ${JSON.stringify(value) ?? String(value)}: every public call as on a clean prototype`, () => {
      const differ = CALLS.filter(([, call], i) => polluted([[key, value]], () => outcome(call)) !== baseline[i]).map(
        ([name]) => name,
      );
      expect(differ).toEqual([]);
    });
  }
});

describe("6. library boundaries", () => {
  it("matrix(2**53, 0) and { rows: 1e9, cols: 0 } are E_TOO_LARGE; toArray of them no longer exhausts the heap", () => {
    expect(thrown(() => matrix(2 ** 53, 0)).code).toBe("E_TOO_LARGE");
    const huge = { rows: 1e9, cols: 0, data: new Float64Array(0) };
    expect(thrown(() => toMatrix(huge, "m", { allowEmpty: true })).code).toBe("E_TOO_LARGE");
    expect(thrown(() => toArray(huge)).code).toBe("E_TOO_LARGE");
    expect(thrown(() => toArray({ rows: 2 ** 25, cols: 0, data: new Float64Array(0) })).code).toBe("E_TOO_LARGE");
    expect(toArray({ rows: 3, cols: 0, data: new Float64Array(0) })).toEqual([[], [], []]);
  });

  it("datasets.synthetic({ train: 1e9 }) is E_TOO_LARGE naming train (a RangeError before)", () => {
    const e = thrown(() => datasets.synthetic({ kind: "binary", train: 1e9, val: 5 }));
    expect([e.code, e.argument]).toEqual(["E_TOO_LARGE", "train"]);
  });

  it("ready(null) rejects with E_OPTION (a TypeError before); initSync(null) throws it", async () => {
    await expect(ready(null as never)).rejects.toMatchObject({ name: "GlocalError", code: "E_OPTION" });
    expect(thrown(() => initSync(null as never)).code).toBe("E_OPTION");
  });

  it("METHODS, STRATEGIES, GPU_MODES and PRODUCT_BACKENDS are frozen: a pushed name cannot break later calls", () => {
    for (const list of [METHODS, STRATEGIES, GPU_MODES, PRODUCT_BACKENDS] as unknown as string[][]) {
      const before = list.slice();
      expect(Object.isFrozen(list)).toBe(true);
      expect(() => list.push("bogus")).toThrow(TypeError);
      expect(list).toEqual(before);
    }
    expect(thrown(() => estimateGlobal(traj, { method: "bogus" as never })).code).toBe("E_OPTION");
  });

  it("an options getter that pushes during estimate() is read first (it gave 'offset is out of bounds')", () => {
    const est = new GlocalEstimator({ dim: 2, window: 60 });
    try {
      for (const row of traj.slice(0, 30)) est.push(row);
      const overrides = {
        get method() {
          est.push(traj[30]);
          return "affine" as const;
        },
      };
      const r = est.estimate(overrides);
      // The push ran before the rows were taken: the estimate is that of 31 rows.
      expect(Array.from(r.estimate)).toEqual(
        Array.from(estimateGlobal(traj.slice(0, 31), { method: "affine" }).estimate),
      );
      expect(est.length).toBe(31);
    } finally {
      est.dispose();
    }
  });

  it("push reads each entry once: a Proxy that turns NaN after the check cannot get in", () => {
    const est = new GlocalEstimator({ dim: 2 });
    try {
      let reads = 0;
      const row = new Proxy([1, 2], {
        get: (t, k) => (k === "0" && reads++ > 0 ? NaN : Reflect.get(t, k)),
      });
      est.push(row);
      expect(Array.from(est.rows())).toEqual([1, 2]);
    } finally {
      est.dispose();
    }
  });

  it("GlocalEstimator checks its options at construction and keeps a copy of the caller's objects", () => {
    expect(thrown(() => new GlocalEstimator({ dim: 2, method: "foo" as never })).argument).toBe("method");
    expect(thrown(() => new GlocalEstimator({ dim: 2, tolerance: 7 })).argument).toBe("tolerance");
    expect(thrown(() => new GlocalEstimator({ dim: 2, trust: { colour: 1 } as never })).code).toBe("E_OPTION");
    const rank = { kind: "fixed" as const, rank: 1 };
    const est = new GlocalEstimator({ dim: 2, rank, method: "limit" });
    try {
      for (const row of traj) est.push(row);
      (rank as { rank: number }).rank = 4; // the caller's object changes after construction
      const want = estimateGlobal(traj, { rank: { kind: "fixed", rank: 1 }, method: "limit" });
      expect(est.estimate().rank).toBe(want.rank);
      expect(Array.from(est.estimate().estimate)).toEqual(Array.from(want.estimate));
    } finally {
      est.dispose();
    }
  });

  describe("PluginTraining.restore checks the snapshot in full", () => {
    const model: PluginModel = {
      names: ["lr"],
      initialState: [0, 0],
      step: (s, phi) => Float64Array.from(s, (v) => v - phi[0] * (v - 1)),
      jvp: (s, phi, tangents) => tangents.map((t) => Float64Array.from(s, (v, i) => (1 - phi[0]) * t[i] - (v - 1))),
      valGrad: (theta) => Float64Array.from(theta, (v) => v - 0.5),
    };
    const session = () => {
      const s = new PluginTraining(model, { phi: [0.3] });
      s.step(3);
      return s;
    };
    it.each<[string, (snap: ReturnType<PluginTraining["snapshot"]>) => unknown, string]>([
      ["step: NaN", (snap) => ({ ...snap, state: { ...snap.state, step: NaN } }), "E_OPTION"],
      ["tangents of the wrong length", (snap) => ({ ...snap, tangents: [new Float64Array(5)] }), "E_SHAPE"],
      ["tangents: [5] (a TypeError before)", (snap) => ({ ...snap, tangents: [5] }), "E_TYPE"],
      ["a NaN in a tangent", (snap) => ({ ...snap, tangents: [Float64Array.from([NaN, 0])] }), "E_NONFINITE"],
      ["phi of the wrong length", (snap) => ({ ...snap, phi: Float64Array.from([1, 2]) }), "E_SHAPE"],
    ])("%s: the typed error, the session unchanged", (_name, damage, code) => {
      const s = session();
      const snap = s.snapshot();
      s.step(2);
      const before = [s.hypergradient(), s.state()];
      expect(thrown(() => s.restore(damage(snap) as never)).code).toBe(code);
      expect([s.hypergradient(), s.state()]).toEqual(before);
      s.restore(snap);
      expect(s.stepIndex).toBe(3);
    });
  });
});

describe("7. the caller's errors are the caller's: E_CALLBACK with the original as cause", () => {
  const problem = problems.logistic(datasets.synthetic({ kind: "binary", train: 20, val: 10, seed: 2 }));
  afterAll(() => problem.dispose());
  const base = (strategy: Strategy): OptimizeOptions => ({
    problem,
    optimizer: optimizers.momentum({ lr: 0.2, wd: 0.01, momentum: 0.5 }),
    strategy,
    innerSteps: 12,
    window: 6,
    outerSteps: 2,
  });
  const stripped = (r: ReturnType<typeof optimize>) => ({
    final: r.final,
    history: r.history.map(({ wallTimeMs: _w, ...e }) => e),
  });

  for (const strategy of ["global", "local", "truncated", "glocal"] as Strategy[]) {
    it(`${strategy}: onProgress and an AbortSignal getter that throw; the problem and memory are intact after`, () => {
      const want = stripped(optimize(base(strategy)));
      const boom = new RangeError("the caller's own bug");
      const e1 = thrown(() =>
        optimize({
          ...base(strategy),
          onProgress: (p: Progress) => {
            if (p.updates === 1) throw boom;
          },
        }),
      );
      expect([e1.code, e1.argument, e1.cause]).toEqual(["E_CALLBACK", "onProgress", boom]);
      expect(e1.message).toMatch(/the caller's own bug/);
      let reads = 0;
      const signal = {
        get aborted(): boolean {
          if (++reads > 4) throw "not an Error";
          return false;
        },
      };
      const e2 = thrown(() => optimize({ ...base(strategy), signal }));
      expect([e2.code, e2.argument, e2.cause]).toEqual(["E_CALLBACK", "signal.aborted", "not an Error"]);
      expect(memoryStats().openScratchBlocks).toBe(0);
      // The run after the failures is the run before them.
      expect(stripped(optimize(base(strategy)))).toEqual(want);
    });
  }
});

describe("8. smaller findings", () => {
  const problem = problems.linear(datasets.synthetic({ kind: "regression", train: 20, val: 10, seed: 1 }));
  afterAll(() => problem.dispose());
  const glocal = (g: Record<string, unknown>, onProgress?: () => void) =>
    thrown(() =>
      optimize({
        problem,
        optimizer: optimizers.sgd({ lr: 0.1, wd: 0.01 }),
        strategy: "glocal",
        innerSteps: 40,
        window: 20,
        glocal: g as never,
        onProgress,
      }),
    );

  it.each<[string, Record<string, unknown>, string]>([
    ["method: 'foo'", { method: "foo" }, "glocal.method"],
    ["a negative rank", { rank: { kind: "fixed", rank: -1 } }, "glocal.rank"],
    ["tolerance: 7", { tolerance: 7 }, "glocal.tolerance"],
    ["an unknown trust key", { trust: { colour: 1 } }, "glocal.trust.colour"],
    ["delay: 1e6", { delay: 1e6 }, "glocal.delay"],
    ["heldOut beyond the window", { heldOut: 25 }, "glocal.heldOut"],
  ])("optimize rejects glocal %s up front (it fell back in every window)", (_name, g, argument) => {
    let calls = 0;
    const e = glocal(g, () => calls++);
    expect([e.code, e.argument, calls]).toEqual(["E_OPTION", argument, 0]);
  });

  it("error texts call true 'true', not 'an object'", () => {
    expect(thrown(() => estimateGlobal(traj, { method: true as never })).message).toMatch(/got true/);
  });

  it("hyper: [] names hyper, not an option 'dim' the caller never set", () => {
    const e = thrown(() =>
      optimize({
        problem,
        optimizer: optimizers.sgd({ lr: 0.1 }),
        strategy: "glocal",
        innerSteps: 10,
        hyper: [],
      }),
    );
    expect([e.code, e.argument]).toEqual(["E_OPTION", "hyper"]);
  });

  it("a ±1.8e308 window returns its estimate; the overflowing singular values are marked, not fatal", () => {
    const rows = Array.from({ length: 30 }, (_, t) => [(t % 2 ? 1 : -1) * 1.7e308 * 0.9 ** t, 1.7e308 * 0.8 ** t]);
    for (const method of ["affine", "limit", "rre", "mpe"] as const) {
      const r = estimateGlobal(rows, { method });
      expect(Array.from(r.estimate).every(Number.isFinite)).toBe(true);
      expect(r.diagnostics.warnings.map((w) => w.code)).toContain("DIAGNOSTIC_OVERFLOW");
      expect(r.diagnostics.singularValues[0]).toBe(Infinity);
    }
  });
});
