/** The demo's scenarios: each resolves to complete settings, options override single fields, bad names fail typed. */
import {
  resolveDemoOptions,
  demoOptimizeOptions,
  makeDemoData,
  makeDemoProblem,
  runDemo,
} from "../../../src/app/demo/run";
import { DEFAULT_SCENARIO, SCENARIOS, scenarioNames } from "../../../src/app/demo/scenarios";
import type { DemoScenario } from "../../../src/app/demo/scenarios";
import { STRATEGIES } from "../../../src/optimize/types";
import { GlocalError, datasets, problems } from "../../../src/index";

function errorOf(fn: () => unknown): GlocalError {
  try {
    fn();
  } catch (e) {
    return e as GlocalError;
  }
  throw new Error("no error thrown");
}

describe("demo scenarios", () => {
  it("the default is softmax, with every strategy and both baselines", () => {
    const s = resolveDemoOptions();
    expect(s.scenario).toBe(DEFAULT_SCENARIO);
    expect(s.model).toBe("softmax");
    expect(s.strategies).toEqual([...STRATEGIES]);
    expect(s.strategies).toEqual(expect.arrayContaining(["none", "random"]));
    expect(s.initial).toEqual({ lr: 0.01, wd: 5e-4, momentum: 0.9 });
  });

  it.each(scenarioNames())("%s resolves, with and without --quick, into options optimize accepts", (name) => {
    for (const quick of [false, true]) {
      const s = resolveDemoOptions({ scenario: name, quick });
      const sc = SCENARIOS[name];
      const sizes = quick ? sc.quick : sc;
      expect([s.train, s.val, s.steps, s.outer, s.glocal.stride]).toEqual([
        sizes.train,
        sizes.val,
        sizes.steps,
        sizes.outer,
        sizes.stride,
      ]);
      expect(s.window).toBe(Math.min(sizes.window, sizes.steps));
      expect(s.batch).toBeLessThanOrEqual(s.train);
      const o = demoOptimizeOptions(s, {} as never, "random");
      expect(o.outerSteps).toBe(s.outer); // random's trials = global's runs: the same budget
      expect(o.optimizer).toBe(sc.start);
    }
  });

  it("options override one field and leave the rest of the scenario", () => {
    const s = resolveDemoOptions({ scenario: "mlp", steps: 300, glocal: { target: "remaining" }, valSubsample: 50 });
    expect(s.model).toBe("mlp");
    expect(s.steps).toBe(300);
    expect(s.glocal).toEqual({ stride: SCENARIOS.mlp.stride, target: "remaining", valSubsample: 50 });
    expect(resolveDemoOptions({ valSubsample: 0 }).glocal.valSubsample).toBeUndefined();
    // A subsample as large as the validation set is the whole set.
    expect(resolveDemoOptions({ val: 100, valSubsample: 100 }).glocal.valSubsample).toBeUndefined();
  });

  it("scales the scenario's stride with another window, unless a stride is given", () => {
    const sc = SCENARIOS[DEFAULT_SCENARIO];
    const points = sc.window / sc.stride;
    expect(resolveDemoOptions({ window: 20 }).glocal.stride).toBe(20 / points);
    expect(resolveDemoOptions({ window: 400 }).glocal.stride).toBe(400 / points);
    expect(resolveDemoOptions({ window: 3 }).glocal.stride).toBe(1);
    expect(resolveDemoOptions({ window: 20, glocal: { stride: 7 } }).glocal.stride).toBe(7);
    expect(resolveDemoOptions({ quick: true, window: 25 }).glocal.stride).toBe(
      Math.round((sc.quick.stride * 25) / sc.quick.window),
    );
  });

  it("does not modify the scenario entries or the options passed", () => {
    const before = JSON.stringify(SCENARIOS);
    const glocal = { target: "remaining" as const };
    resolveDemoOptions({ glocal, valSubsample: 20 });
    expect(glocal).toEqual({ target: "remaining" });
    expect(JSON.stringify(SCENARIOS)).toBe(before);
  });

  it.each<[string, object, string]>([
    ["unknown scenario", { scenario: "cifar" }, "scenario"],
    ["scenario not a string", { scenario: 3 }, "scenario"],
    ["inherited name", { scenario: "constructor" }, "scenario"],
    ["logistic without two classes", { model: "logistic" }, "model"],
    ["negative subsample", { valSubsample: -1 }, "valSubsample"],
    ["unknown strategy", { strategies: ["none", "grid"] }, "strategies"],
  ])("%s → E_OPTION naming %s", (_n, options, argument) => {
    const e = errorOf(() => resolveDemoOptions(options as never));
    expect(e.code).toBe("E_OPTION");
    expect(e.argument).toBe(argument);
  });
});

describe("runDemo's trajectory plot", () => {
  it("uses h_m, and says so, when the window holds too few recorded points to extrapolate", () => {
    // Through the library (the CLI rejects this window up front): 20 steps every 20 → 1 point.
    const r = runDemo({
      train: 100,
      val: 50,
      batch: 50,
      steps: 40,
      window: 20,
      outer: 2,
      strategies: ["truncated"],
      glocal: { stride: 20 },
    });
    const t = r.trajectory as NonNullable<typeof r.trajectory>;
    expect(t.method).toBe("none: 1 recorded point(s) in the window, h_m used");
    expect(t.estimate).toBe(t.truncated);
    expect(r.stopped).toBe("done");
  });
});

describe("a scenario with its own data and problem", () => {
  it("is one more entry: makeDemoData and makeDemoProblem use its factories", () => {
    const registry = SCENARIOS as Record<string, DemoScenario>;
    const seen: string[] = [];
    const data = datasets.synthetic({ kind: "multiclass", train: 40, val: 20, features: 6, classes: 10, seed: 2 });
    registry.custom = {
      ...SCENARIOS.softmax,
      summary: "test",
      data: (s) => {
        seen.push(`data ${s.train}/${s.val}/${s.seed}`);
        return data as never;
      },
      problem: (d, s) => {
        seen.push(`problem ${s.seed}`);
        return problems.softmax(d as never, { seed: s.seed });
      },
    };
    try {
      const s = resolveDemoOptions({ scenario: "custom", train: 40, val: 20, seed: 7 });
      const p = makeDemoProblem(s, makeDemoData(s));
      expect(seen).toEqual(["data 40/20/7", "problem 7"]);
      expect(p.features).toBe(6);
      p.dispose();
    } finally {
      delete registry.custom;
    }
  });
});
