/**
 * optimizeAsync in a Node worker thread (dist/index.cjs, built by `npm run build`): the
 * worker reports progress, and a "stop" message from the main thread reaches it during the
 * run (optimizeAsync yields to the worker's event loop) and aborts it within one inner step.
 * The browser demo runs the same way in a Web Worker (test/browser/run.mjs).
 */
import * as path from "path";
import { Worker } from "worker_threads";

const lib = path.join(__dirname, "..", "..", "dist", "index.cjs");

// The worker: builds a problem, runs optimizeAsync, aborts on "stop", posts the outcome.
const source = `
const { parentPort } = require("worker_threads");
const g = require(${JSON.stringify(lib)});
const controller = new AbortController();
parentPort.on("message", (m) => m === "stop" && controller.abort());
const data = g.datasets.synthetic({ kind: "multiclass", train: 200, val: 100, features: 20, classes: 4, seed: 1 });
const problem = g.problems.softmax(data, { classes: 4 });
g.optimizeAsync({
  problem,
  optimizer: g.optimizers.momentum({ lr: 0.01, wd: 0.01 }),
  strategy: "glocal",
  innerSteps: 1000000,
  window: 20,
  evalEvery: 1000000,
  signal: controller.signal,
  onProgress: (p) => parentPort.postMessage({ type: "progress", innerSteps: p.innerSteps }),
}).then(
  (r) => parentPort.postMessage({ type: "done", stopped: r.stopped, innerSteps: r.counts.innerSteps, valLoss: r.final.valLoss }),
  (e) => parentPort.postMessage({ type: "error", code: e.code, message: e.message }),
);`;

interface Outcome {
  type: string;
  stopped?: string;
  innerSteps?: number;
  valLoss?: number;
  /** From the main thread's "stop" to the worker's result. */
  stopLatencyMs: number;
}

describe("optimizeAsync in a worker thread", () => {
  it("reports progress and stops on a message from the main thread", async () => {
    const worker = new Worker(source, { eval: true });
    try {
      const outcome = await new Promise<Outcome>((resolve, reject) => {
        let progress = 0;
        let stoppedAt = 0;
        worker.on("error", reject);
        worker.on("message", (m) => {
          if (m.type === "progress" && ++progress === 3) {
            stoppedAt = Date.now();
            worker.postMessage("stop");
          } else if (m.type === "done" || m.type === "error") {
            resolve({ ...m, stopLatencyMs: Date.now() - stoppedAt });
          }
        });
      });
      expect(outcome).toMatchObject({ type: "done", stopped: "aborted" });
      // Stopped far from the million steps asked for: within a few windows of the stop
      // message (how many steps fit into its trip between threads depends on the load).
      expect(outcome.innerSteps).toBeLessThan(10_000);
      expect(Number.isFinite(outcome.valLoss)).toBe(true);
      expect(outcome.stopLatencyMs).toBeLessThan(1000);
    } finally {
      await worker.terminate();
    }
  });
});
