/**
 * runDemoAsync on workers (the built bundle, dist/demo.cjs, as users load it; `npm run
 * build` first): one worker and two give the same results bit for bit apart from wall
 * times; the progress of every worker arrives as one stream; an abort stops every worker
 * promptly and leaves none alive; `workers` is validated. Tiny sizes: each run is a second
 * or two, most of it the workers' start.
 */
import * as path from "path";
import { spawn } from "child_process";

const root = path.join(__dirname, "..", "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const g = require(path.join(root, "dist", "demo.cjs"));

const TINY = { quick: true, train: 200, val: 100, steps: 40, window: 10, outer: 2, localEvery: 5 };
const TIMING = new Set(["wallTimeMs", "evalTimeMs"]);

/** Every leaf of a and b compared with Object.is (toBe), timing fields and the time ratios of the notes aside. */
function expectSame(a: unknown, b: unknown, at = "result"): void {
  if (typeof a !== "object" || a === null) {
    const strip = (v: unknown) => (typeof v === "string" ? v.replace(/[0-9.]+× time/g, "× time") : v);
    if (!Object.is(strip(a), strip(b))) throw new Error(`${at}: ${String(a)} !== ${String(b)}`);
    expect(strip(b)).toBe(strip(a));
    return;
  }
  expect(typeof b).toBe("object");
  const keys = Object.keys(a as object);
  expect(Object.keys(b as object)).toEqual(keys);
  for (const k of keys) {
    if (TIMING.has(k)) continue;
    expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
  }
}

describe("runDemoAsync on workers", () => {
  it("1 worker and 2 give the same results, tables and report, field by field; progress merged", async () => {
    const one = await g.runDemoAsync({ ...TINY, workers: 1 });
    const seen = new Map<string, number>();
    let highest = 0;
    const two = await g.runDemoAsync({
      ...TINY,
      workers: 2,
      onProgress: (p: { strategy: string; fraction: number; innerSteps?: number }) => {
        expect(p.fraction).toBeGreaterThanOrEqual(0);
        expect(p.fraction).toBeLessThanOrEqual(1);
        if (p.strategy !== "trajectory") seen.set(p.strategy, p.innerSteps as number);
        highest = Math.max(highest, p.fraction);
      },
    });
    expect(one.stopped).toBe("done");
    expect(Object.keys(one.results)).toEqual(["global", "local", "truncated", "glocal", "none", "random"]);
    expectSame(one.results, two.results, "results");
    expectSame(one.summary, two.summary, "summary");
    expectSame(one.trajectory, two.trajectory, "trajectory");
    expectSame(one.report, two.report, "report");
    expectSame(one.settings, two.settings, "settings");
    expect(two.stopped).toBe("done");
    // Every strategy reported (global's last run trains the final model after its last
    // report, so the merged fraction may stop short of 1 by that run: here 40 of 360 steps).
    for (const [strategy, r] of Object.entries(one.results)) {
      expect(seen.get(strategy)).toBeGreaterThan(0);
      expect(seen.get(strategy)).toBeLessThanOrEqual((r as { counts: { innerSteps: number } }).counts.innerSteps);
    }
    expect(highest).toBeGreaterThan(0.85);
    expect(g.workersAlive()).toBe(0);
  });

  it("random search alone, its trials split over 2 workers: the same result field by field", async () => {
    const options = { ...TINY, strategies: ["random"], outer: 5 };
    const one = await g.runDemoAsync({ ...options, workers: 1 });
    const two = await g.runDemoAsync({ ...options, workers: 2 });
    expect(one.results.random.counts.updates).toBe(5);
    expectSame(one.results, two.results, "results");
    expectSame(one.report, two.report, "report");
    expect(g.workersAlive()).toBe(0);
  });

  it("an abort stops every worker within a second; the run resolves 'aborted' and no worker is left", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const strategies = new Set<string>();
    const r = await g.runDemoAsync({
      ...TINY,
      steps: 100000,
      window: 20,
      outer: 4,
      workers: 2,
      signal: controller.signal,
      onProgress: (p: { strategy: string }) => {
        strategies.add(p.strategy);
        if (strategies.size === 2 && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(r.stopped).toBe("aborted");
    expect(r.trajectory).toBeNull();
    for (const res of Object.values(r.results)) expect((res as { stopped: string }).stopped).toBe("aborted");
    expect(g.workersAlive()).toBe(0);
  });

  it("workers: an integer in [1, 256], else E_OPTION naming it; runDemo accepts only 1", async () => {
    for (const workers of [0, 1.5, "2", 257]) {
      await expect(g.runDemoAsync({ ...TINY, workers })).rejects.toMatchObject({
        code: "E_OPTION",
        argument: "workers",
      });
    }
    expect(() => g.runDemo({ ...TINY, workers: 2 })).toThrow(expect.objectContaining({ argument: "workers" }));
    expect(g.defaultWorkers()).toBeGreaterThanOrEqual(1);
  });

  it("glocal demo --workers 2: SIGINT stops every worker, exit 130 within a second", async () => {
    const cli = path.join(root, "dist", "cli.cjs");
    const args = ["demo", "--quick", "--steps", "100000", "--workers", "2", "--out", path.join(root, "no-report.svg")];
    const r = await new Promise<{ code: number | null; ms: number; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args]);
      let stderr = "",
        sentAt = 0;
      const timer = setTimeout(() => child.kill("SIGKILL"), 25000);
      child.on("exit", () => clearTimeout(timer));
      child.stderr.on("data", (d) => {
        stderr += d;
        // Both workers have reported (progress lines name two strategies): interrupt.
        const named = new Set(stderr.match(/[a-z]+$/gm) ?? []);
        if (sentAt === 0 && named.size >= 2) {
          sentAt = Date.now();
          child.kill("SIGINT");
        }
      });
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, ms: Date.now() - sentAt, stderr }));
    });
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
    expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/^error: E_ABORTED: interrupted \(SIGINT\)/);
  }, 30000);
});
