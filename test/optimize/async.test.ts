/**
 * optimizeAsync and runDemoAsync: the same computation as optimize / runDemo (bit for bit,
 * wall times aside), but the event loop runs meanwhile, so a timer aborts a long run within
 * one inner step and an HTTP server in the same process keeps answering.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import {
  problems,
  optimizers,
  optimize,
  optimizeAsync,
  OptimizeOptions,
  OptimizeResult,
  Strategy,
} from "../../src/index";
import { runDemo, runDemoAsync } from "../../src/app/index";
import { runYielding, runToEnd } from "../../src/core/cooperative";
import { driverData } from "../support/training";

const data = driverData();
const problem = problems.softmax(data, { classes: 3 });
afterAll(() => problem.dispose());

const base = (strategy: Strategy): OptimizeOptions => ({
  problem,
  optimizer: optimizers.momentum({ lr: 0.002, wd: 0.3, momentum: 0.5 }),
  hyper: ["lr", "wd", "momentum"],
  strategy,
  batchSize: 40,
  metaOptimizer: { kind: "adam", lr: 0.2 },
  seed: 1,
  ...(strategy === "global" ? { innerSteps: 40, outerSteps: 4 } : { innerSteps: 200, window: 20 }),
  ...(strategy === "glocal" ? { glocal: { stride: 2 } } : {}),
});

/** The result without its wall-clock fields, which differ from run to run. */
function withoutClock(r: OptimizeResult): unknown {
  return {
    ...r,
    wallTimeMs: 0,
    evalTimeMs: 0,
    history: r.history.map((e) => ({ ...e, wallTimeMs: 0 })),
  };
}

const now = () => performance.now();
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("optimizeAsync gives optimize's results bit for bit", () => {
  it.each(["global", "local", "truncated", "glocal"] as Strategy[])("%s (yielding after every step)", async (s) => {
    const sync = optimize(base(s));
    const progress: number[] = [];
    const asyncResult = await optimizeAsync({
      ...base(s),
      yieldEveryMs: 0,
      onProgress: (p) => progress.push(p.updates),
    });
    expect(asyncResult.stopped).toBe("done");
    // toEqual compares numbers with Object.is: every φ, loss and hypergradient is identical.
    expect(withoutClock(asyncResult)).toEqual(withoutClock(sync));
    expect(progress).toEqual(sync.history.map((e) => e.update));
  });

  it("two runs interleaved on one thread give each its own result (no state shared across turns)", async () => {
    const [a, b] = await Promise.all([
      optimizeAsync({ ...base("glocal"), yieldEveryMs: 0 }),
      optimizeAsync({ ...base("truncated"), yieldEveryMs: 0, seed: 5 }),
    ]);
    expect(withoutClock(a)).toEqual(withoutClock(optimize(base("glocal"))));
    expect(withoutClock(b)).toEqual(withoutClock(optimize({ ...base("truncated"), seed: 5 })));
  });

  it("the wall time leaves out the turns given to the event loop", async () => {
    // A timer that busy-waits 30 ms whenever it gets a turn: time the run did not spend training.
    let busy = 0;
    const timer = setInterval(() => {
      const t = now();
      while (now() - t < 30);
      busy += 30;
    }, 1);
    const t0 = now();
    let r: OptimizeResult;
    try {
      r = await optimizeAsync({ ...base("truncated"), yieldEveryMs: 0 });
    } finally {
      clearInterval(timer);
    }
    const elapsed = now() - t0;
    expect(busy).toBeGreaterThan(0);
    expect(r.wallTimeMs + r.evalTimeMs).toBeLessThan(elapsed - 0.9 * busy);
  });
});

describe("optimizeAsync: bad options reject with typed errors", () => {
  it.each([
    ["a negative yieldEveryMs", { yieldEveryMs: -1 }, "yieldEveryMs"],
    ["a string yieldEveryMs", { yieldEveryMs: "10" }, "yieldEveryMs"],
    ["NaN yieldEveryMs", { yieldEveryMs: NaN }, "yieldEveryMs"],
    ["an unknown option", { colour: 1 }, "options.colour"],
  ])("%s → E_OPTION", async (_name, extra, argument) => {
    await expect(optimizeAsync({ ...base("local"), ...(extra as object) })).rejects.toMatchObject({
      code: "E_OPTION",
      argument,
    });
  });

  it("no problem → E_TYPE, as a rejection (not a synchronous throw)", async () => {
    const p = optimizeAsync({ ...base("local"), problem: null as never });
    await expect(p).rejects.toMatchObject({ code: "E_TYPE", argument: "problem" });
  });

  it("optimize (synchronous) has no yieldEveryMs", () => {
    expect(() => optimize({ ...base("local"), yieldEveryMs: 5 } as OptimizeOptions)).toThrow(
      expect.objectContaining({ code: "E_OPTION" }),
    );
  });

  it("the caller's options are not modified", async () => {
    const o = { ...base("local"), innerSteps: 20, window: 5, yieldEveryMs: 0 };
    const copy = { ...o };
    await optimizeAsync(o);
    expect(o).toEqual(copy);
  });
});

describe("optimizeAsync does not block: a timer aborts a long run, a server keeps answering", () => {
  /** Inner steps of truncated (window 20) that take about `ms` here, measured. */
  function stepsFor(ms: number): number {
    const t = now();
    const r = optimize({ ...base("truncated"), innerSteps: 100 });
    const perStep = (now() - t) / r.counts.innerSteps;
    return Math.max(200, Math.ceil(ms / perStep / 20) * 20);
  }

  it("an abort scheduled with setTimeout stops a 5 s run within 1 s", async () => {
    const innerSteps = stepsFor(5000);
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = now();
      controller.abort();
    }, 300);
    const t0 = now();
    const r = await optimizeAsync({ ...base("truncated"), innerSteps, signal: controller.signal });
    const end = now();
    expect(r.stopped).toBe("aborted");
    expect(abortedAt).toBeGreaterThan(0);
    expect(end - abortedAt).toBeLessThan(1000);
    expect(abortedAt - t0).toBeLessThan(1000); // the timer itself was not held up
    expect(r.counts.innerSteps).toBeLessThan(innerSteps / 2);
    expect(r.events.map((e) => e.kind)).toContain("aborted");
  });

  it("an HTTP server in the same process answers while a run computes", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await (await fetch(url)).text(); // the client's own first-use set-up, before the run
      const controller = new AbortController();
      const run = optimizeAsync({ ...base("glocal"), innerSteps: stepsFor(3000), signal: controller.signal });
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = now();
        const body = await (await fetch(url)).text();
        expect(body).toBe("ok");
        latencies.push(now() - t);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      controller.abort();
      const r = await run;
      expect(r.stopped).toBe("aborted"); // the requests were answered during the run, not after it
      // One turn every ~25 ms of work (plus the step in progress); generous for a shared machine.
      expect(Math.max(...latencies)).toBeLessThan(1000);
      expect(median(latencies)).toBeLessThan(250);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("runYielding and runToEnd drive the same generator", () => {
  function* count(n: number) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += i;
      yield;
    }
    return s;
  }
  it("same value; runYielding lets a timer fire in between", async () => {
    expect(runToEnd(count(100))).toBe(4950);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    function* slow() {
      const t = now();
      while (now() - t < 60) yield;
      return 1;
    }
    await runYielding(slow(), { yieldEveryMs: 5 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0); // driven by runToEnd, the timer could not fire before the end
    expect(await runYielding(count(100), { yieldEveryMs: 0 })).toBe(4950);
  });
  it("an error thrown inside the work rejects the promise", async () => {
    function* failing() {
      yield;
      throw new Error("boom");
    }
    await expect(runYielding(failing())).rejects.toThrow("boom");
  });
});

describe("runDemoAsync", () => {
  // MNIST digits from the mnist package (a devDependency).
  const demo = {
    train: 200,
    val: 100,
    batch: 50,
    steps: 60,
    window: 20,
    outer: 2,
    localEvery: 10,
    seed: 2,
    backend: "wasm" as const,
    // In this thread, yielding (on workers: test/app/demo/parallel.test.ts).
    workers: 1,
  };
  const noClock = (rows: { wallTimeMs: number }[]) => rows.map((r) => ({ ...r, wallTimeMs: 0 }));

  it("gives runDemo's results (wall times aside)", async () => {
    const a = runDemo(demo);
    const b = await runDemoAsync({ ...demo, yieldEveryMs: 0 });
    expect(b.stopped).toBe("done");
    expect(noClock(b.summary)).toEqual(noClock(a.summary));
    expect(b.trajectory).toEqual(a.trajectory);
    for (const s of a.settings.strategies) {
      expect(b.results[s]?.final).toEqual(a.results[s]?.final);
    }
  });

  it("stopped by a timer: partial results, and every plotted path ends at the loss its table row shows", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const r = await runDemoAsync({
      ...demo,
      steps: 20000,
      window: 200,
      strategies: ["local", "glocal"],
      signal: controller.signal,
    });
    expect(r.stopped).toBe("aborted");
    expect(r.summary.length).toBeGreaterThan(0);
    for (const row of r.summary) {
      const path = r.report.strategies.find((p) => p.name === row.strategy);
      const last = path?.points[path.points.length - 1];
      expect(last?.valLoss).toBe(row.valLoss);
      expect(last?.innerSteps).toBe(row.innerSteps);
      // The start and the end of the loss curve: at least two evaluated points.
      expect(path?.points.filter((p) => p.valLoss !== null).length).toBeGreaterThanOrEqual(2);
    }
  });
});
