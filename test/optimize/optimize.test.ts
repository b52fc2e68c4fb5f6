import {
  datasets,
  problems,
  optimizers,
  optimize,
  InnerTraining,
  GlocalError,
  Strategy,
  OptimizeOptions,
} from "../../src/index";
import { driverData } from "../support/training";

const data = driverData();

describe("optimize: every strategy improves a deliberately bad start", () => {
  const problem = problems.softmax(data, { classes: 3 });
  afterAll(() => problem.dispose());
  // lr far too small and wd far too large: the model barely learns until φ moves.
  const bad = optimizers.momentum({ lr: 0.002, wd: 0.3, momentum: 0.5 });
  const settings: Record<"global" | "local" | "truncated" | "glocal", Partial<OptimizeOptions>> = {
    global: { innerSteps: 60, outerSteps: 6 },
    local: { innerSteps: 300, window: 5 },
    truncated: { innerSteps: 300, window: 30 },
    glocal: { innerSteps: 300, window: 30, glocal: { stride: 2 } },
  };
  for (const strategy of ["global", "local", "truncated", "glocal"] as const) {
    it(strategy, () => {
      const r = optimize({
        problem,
        optimizer: bad,
        hyper: ["lr", "wd", "momentum"],
        strategy,
        batchSize: 40,
        metaOptimizer: { kind: "adam", lr: 0.2 },
        seed: 1,
        ...settings[strategy],
      } as OptimizeOptions);
      expect(r.stopped).toBe("done");
      // Compare with training under the bad φ for the same final-model length.
      const steps = strategy === "global" ? 60 : 300;
      const ref = new InnerTraining(problem, bad, { hyper: ["lr", "wd", "momentum"], batchSize: 40, seed: 1 });
      ref.step(steps, { tangent: false });
      const badLoss = ref.valLoss();
      ref.dispose();
      expect(r.final.valLoss).toBeLessThan(0.9 * badLoss);
      expect(r.final.hyper.lr).toBeGreaterThan(0.002);
      expect(r.final.hyper.wd).toBeLessThan(0.3);
      expect(r.history[0].update).toBe(0);
      expect(r.history.length).toBe(r.counts.updates + 1);
      expect(r.counts.innerSteps).toBe(strategy === "global" ? 360 : 300);
      for (const e of r.history) expect(e.phi).toHaveLength(3);
      if (strategy === "glocal") {
        const windows = r.history.slice(1);
        expect(windows.every((e) => e.truncated && typeof e.trusted === "boolean")).toBe(true);
        expect(r.counts.fallbacks).toBe(windows.filter((e) => !e.trusted).length);
      }
    });
  }
});

describe("global equals finite-difference hyperparameter gradient descent", () => {
  it("φ path of global (meta SGD) matches gradient descent on 4th-order FD hypergradients", () => {
    const small = datasets.synthetic({ kind: "binary", train: 30, val: 20, features: 4, noise: 0.3, seed: 5 });
    const problem = problems.logistic(small);
    const opt = optimizers.sgd({ lr: 0.3, wd: 0.05 });
    const T = 15,
      K = 4,
      eta = 0.5;
    const r = optimize({
      problem,
      optimizer: opt,
      hyper: ["lr", "wd"],
      strategy: "global",
      innerSteps: T,
      outerSteps: K,
      metaOptimizer: { kind: "sgd", lr: eta },
    });
    // Independent: validation loss after T plain steps as a function of φ.
    const loss = (phi: number[]) => {
      const s = new InnerTraining(problem, opt, { hyper: ["lr", "wd"], phi });
      s.step(T, { tangent: false });
      const v = s.valLoss();
      s.dispose();
      return v;
    };
    let phi = [Math.log(0.3), Math.log(0.05)];
    const eps = 1e-3;
    for (let k = 1; k < K; k++) {
      const g = phi.map((_, i) => {
        const at = (d: number) => loss(phi.map((v, j) => (j === i ? v + d : v)));
        return (-at(2 * eps) + 8 * at(eps) - 8 * at(-eps) + at(-2 * eps)) / (12 * eps);
      });
      phi = phi.map((v, i) => v - eta * g[i]);
      const ours = r.history[k].phi;
      expect(Math.hypot(ours[0] - phi[0], ours[1] - phi[1]) / Math.hypot(phi[0], phi[1])).toBeLessThan(1e-8);
      // The entry's natural values are those of its φ (they lagged one update behind).
      expect(r.history[k].hyper.lr).toBe(Math.exp(ours[0]));
      expect(r.history[k].hyper.wd).toBe(Math.exp(ours[1]));
    }
    problem.dispose();
  });
});

describe("faults", () => {
  const problem = problems.softmax(data, { classes: 3 });
  afterAll(() => problem.dispose());
  const opt = optimizers.sgd({ lr: 0.05, wd: 1e-3 });

  it("an abort signal stops within one inner step and returns the history so far", () => {
    let checks = 0;
    const signal = {
      get aborted() {
        return ++checks > 37;
      },
    };
    const r = optimize({ problem, optimizer: opt, strategy: "truncated", innerSteps: 200, window: 10, signal });
    expect(r.stopped).toBe("aborted");
    expect(r.counts.innerSteps).toBe(37);
    expect(r.history.length).toBe(4); // update 0 and three completed windows
    expect(r.events.map((e) => e.kind)).toContain("aborted");
    expect(Number.isFinite(r.final.valLoss)).toBe(true);
  });

  it("AbortController works too (aborted from onProgress)", () => {
    const controller = new AbortController();
    const r = optimize({
      problem,
      optimizer: opt,
      strategy: "local",
      innerSteps: 100,
      window: 5,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.updates === 3) controller.abort();
      },
    });
    expect(r.stopped).toBe("aborted");
    expect(r.counts.innerSteps).toBe(15);
  });

  it("divergence rejects the update, restores the state, shrinks the meta step, and is recorded", () => {
    // A meta step this large throws lr to e^{±10}: the inner training blows up.
    const r = optimize({
      problem,
      optimizer: optimizers.sgd({ lr: 1, wd: 1e-3 }),
      strategy: "truncated",
      innerSteps: 200,
      window: 10,
      metaOptimizer: { kind: "sgd", lr: 1e4 },
    });
    expect(r.counts.rejected).toBeGreaterThan(0);
    expect(r.events.some((e) => e.kind === "diverged")).toBe(true);
    expect(["done", "diverged"]).toContain(r.stopped);
    expect(Number.isFinite(r.final.valLoss)).toBe(true);
    for (const e of r.history) for (const v of e.phi) expect(Number.isFinite(v)).toBe(true);
  });

  it("repeated divergence ends the run as 'diverged' without throwing", () => {
    // θ grows a millionfold per step (α λ = 1e6): every try of the first window overflows.
    const r = optimize({
      problem,
      optimizer: optimizers.sgd({ lr: 1e6, wd: 1 }),
      strategy: "truncated",
      innerSteps: 120,
      window: 60,
    });
    expect(r.stopped).toBe("diverged");
    expect(r.counts.rejected).toBe(6);
  });
});

describe("options and determinism", () => {
  const problem = problems.softmax(data, { classes: 3 });
  afterAll(() => problem.dispose());
  const opt = optimizers.sgd({ lr: 0.05, wd: 1e-3 });
  const base = { problem, optimizer: opt, strategy: "truncated" as Strategy, innerSteps: 40, window: 10 };

  it.each<[string, object, string, string]>([
    ["unknown strategy", { strategy: "best" }, "E_OPTION", "strategy"],
    ["innerSteps 0", { innerSteps: 0 }, "E_OPTION", "innerSteps"],
    ["window > innerSteps", { window: 41 }, "E_OPTION", "window"],
    ["unknown option", { windw: 3 }, "E_OPTION", "options.windw"],
    ["bad meta kind", { metaOptimizer: { kind: "rmsprop" } }, "E_OPTION", "metaOptimizer.kind"],
    ["bad meta lr", { metaOptimizer: { lr: -1 } }, "E_OPTION", "metaOptimizer.lr"],
    ["bad glocal target", { glocal: { target: "soon" } }, "E_OPTION", "glocal.target"],
    ["not a problem", { problem: {} }, "E_TYPE", "problem"],
    ["bad optimizer", { optimizer: { kind: "sgd", lr: -1 } }, "E_OPTION", "optimizer.lr"],
    ["unknown hyperparameter", { hyper: ["lr", "temperature"] }, "E_OPTION", "hyper[1]"],
  ])("%s → %s", (_name, patch, code, argument) => {
    let err: unknown;
    try {
      optimize({ ...base, ...patch } as OptimizeOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GlocalError);
    expect((err as GlocalError).code).toBe(code);
    expect((err as GlocalError).argument).toBe(argument);
  });

  it("the same seed gives a bit-identical history", () => {
    const run = () => optimize({ ...base, strategy: "glocal", innerSteps: 60, window: 20, batchSize: 30, seed: 9 });
    const a = run(),
      b = run();
    expect(a.history.map((e) => e.phi)).toEqual(b.history.map((e) => e.phi));
    expect(a.final.valLoss).toBe(b.final.valLoss);
  });

  it("glocal with target 'remaining' uses the horizon method and says so", () => {
    // Full batch, a large step and strong weight decay: training converges well within each
    // 30-step window, so the estimates are trusted and the 'remaining' target is exercised
    // (with lr 0.05 every window fell back to 'truncated'; with 20-step windows the trust
    // test's nested-window check refused the estimates, which still moved with the window).
    const r = optimize({
      ...base,
      optimizer: optimizers.sgd({ lr: 1, wd: 0.1 }),
      strategy: "glocal",
      innerSteps: 90,
      window: 30,
      glocal: { target: "remaining" },
    });
    const windows = r.history.slice(1);
    const targets = windows.map((e) => e.target);
    expect(targets.every((t) => t === "remaining" || t === "truncated")).toBe(true);
    expect(targets).toContain("remaining");
    expect(targets[targets.length - 1]).toBe("truncated"); // no training left after the last window
    for (const e of windows) {
      // A trusted window says 'remaining' and used the horizon method; an untrusted one falls back.
      expect(e.target).toBe(e.trusted ? "remaining" : "truncated");
      if (e.trusted) expect(e.method).toBe("horizon");
    }
  });
});

describe("glocal with a window shorter than two strides", () => {
  it("falls back to h_m instead of failing", () => {
    const d = datasets.synthetic({ kind: "multiclass", train: 60, val: 40, features: 5, classes: 3, seed: 8 });
    const problem = problems.softmax(d, { classes: 3 });
    const r = optimize({
      problem,
      optimizer: optimizers.sgd({ lr: 0.1, wd: 1e-3 }),
      strategy: "glocal",
      innerSteps: 20,
      window: 3,
      glocal: { stride: 2 },
    });
    expect(r.stopped).toBe("done");
    expect(r.counts.fallbacks).toBe(r.counts.updates);
    problem.dispose();
  });
});
