/**
 * The worker pool (src/core/pool.ts) with stand-in workers that speak its protocol by hand:
 * values come back in task order and the longest task goes first; an abort reaches a
 * synchronous loop through the shared flag; a worker that exits or throws rejects with
 * E_WORKER naming its task, a task's own GlocalError comes back as it was; and after every
 * run, whatever happened, no worker is left.
 */
import { Worker } from "worker_threads";
import { PoolTask, WorkerEndpoint, runPool } from "../../src/core/pool";
import { GlocalError } from "../../src/core/errors";

const WORKER = `
const { parentPort } = require("worker_threads");
let flag = null, seq = 0;
parentPort.on("message", (m) => {
  if (m.type === "init") flag = m.flag && new Int32Array(m.flag);
  if (m.type !== "task") return;
  const post = (type, value) => parentPort.postMessage({ type, index: m.index, value });
  switch (m.input.kind) {
    case "value": return post("done", { twice: 2 * m.input.value, seq: seq++ });
    case "spin": { // a synchronous loop that only the shared flag can stop
      let steps = 0;
      while (Atomics.load(flag, 0) === 0) if (++steps % 200000 === 0) post("progress", steps);
      return post("done", { steps });
    }
    case "exit": return process.exit(3);
    case "throw": return setTimeout(() => { throw new Error("boom"); }, 0);
    case "fail": return parentPort.postMessage({ type: "error", index: m.index, error: { code: "E_DIVERGED", message: "lr too large", argument: "lr" } });
  }
});`;

/** Spawns stand-in workers; counts those alive by their own 'exit' events. */
function spawner(): { spawn: () => WorkerEndpoint; alive: () => number; started: () => number } {
  let alive = 0,
    started = 0;
  const spawn = (): WorkerEndpoint => {
    const w = new Worker(WORKER, { eval: true });
    alive++;
    started++;
    w.on("exit", () => alive--);
    return {
      post: (m) => w.postMessage(m),
      onMessage: (fn) => w.on("message", fn),
      onError: (fn) => w.on("error", (e) => fn(String(e))),
      onExit: (fn) => w.on("exit", fn),
      terminate: async () => void (await w.terminate()),
    };
  };
  return { spawn, alive: () => alive, started: () => started };
}

const task = (i: number, kind: string, cost = 1, value = 0): PoolTask => ({
  label: `trial ${i}`,
  name: "t",
  input: { kind, value },
  cost,
});

describe("runPool", () => {
  it("returns the values in task order, hands out the costliest first, and leaves no worker", async () => {
    const w = spawner();
    const out = (await runPool([task(1, "value", 1, 10), task(2, "value", 3, 20), task(3, "value", 2, 30)], {
      workers: 1,
      spawn: w.spawn,
    })) as Array<{ twice: number; seq: number }>;
    expect(out.map((v) => v.twice)).toEqual([20, 40, 60]);
    expect(out.map((v) => v.seq)).toEqual([2, 0, 1]);
    expect(w.alive()).toBe(0);
  });

  it("an abort stops synchronous loops through the shared flag within a second; no worker left", async () => {
    const w = spawner();
    const controller = new AbortController();
    const reported = new Set<number>();
    const running = runPool([task(1, "spin"), task(2, "spin"), task(3, "value")], {
      workers: 2,
      spawn: w.spawn,
      signal: controller.signal,
      // Both loops are running (each has reported): abort.
      onProgress: (i) => {
        reported.add(i);
        if (reported.size === 2 && !controller.signal.aborted) controller.abort();
      },
    });
    const abortedAt = await new Promise<number>((resolve) =>
      controller.signal.addEventListener("abort", () => resolve(Date.now())),
    );
    const out = (await running) as Array<{ steps: number } | undefined>;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(out[0]?.steps).toBeGreaterThan(0);
    expect(out[1]?.steps).toBeGreaterThan(0);
    expect(out[2]).toBeUndefined(); // not started: skipped
    expect(w.started()).toBe(2);
    expect(w.alive()).toBe(0);
  });

  it.each(["exit", "throw"])(
    "a worker that crashes (%s): E_WORKER naming its task, the others terminated",
    async (kind) => {
      const w = spawner();
      const error = await runPool([task(1, "spin", 2), task(2, kind, 1)], { workers: 2, spawn: w.spawn }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GlocalError);
      expect(error).toMatchObject({ code: "E_WORKER", argument: "workers" });
      expect((error as Error).message).toMatch(
        kind === "exit" ? /trial 2 crashed: exited with code 3/ : /trial 2 crashed: .*boom/,
      );
      expect(w.alive()).toBe(0);
    },
  );

  it("a task's own GlocalError comes back with its code and argument; the others are terminated", async () => {
    const w = spawner();
    const error = await runPool([task(1, "spin", 2), task(2, "fail", 1)], { workers: 2, spawn: w.spawn }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "E_DIVERGED", argument: "lr", message: "lr too large" });
    expect(w.alive()).toBe(0);
  });

  it("a signal aborted before the start runs nothing", async () => {
    const w = spawner();
    const out = await runPool([task(1, "value")], { workers: 2, spawn: w.spawn, signal: { aborted: true } });
    expect(out).toEqual([undefined]);
    expect(w.started()).toBe(0);
  });
});
