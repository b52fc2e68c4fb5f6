/**
 * runDemoAsync: the demo without holding the thread — its strategies on a pool of workers
 * (parallel.ts), or, with one worker (or where no worker can be started), in this thread
 * with turns of the event loop in between.
 */
import { runYielding } from "../../core/cooperative";
import { ownProperties } from "../../core/validate";
import { checkWorkers, nodeSpawner, resolveOwnBundle, webSpawner } from "../../core/workers";
import { resolveProducts } from "../../gpu/dispatch";
import { splitYieldOption } from "../../optimize/index";
import { DemoOptions, DemoResult, demoWork, resolveDemoOptions } from "./run";
import { runDemoOnWorkers } from "./parallel";

/**
 * `runDemo` that does not hold the thread. With `workers` > 1 (default: the number of
 * cores) the strategies run side by side on worker threads, longest first, and the
 * progress of all of them arrives through `onProgress`; with `workers: 1` they run here,
 * giving the event loop a turn at least every `yieldEveryMs` (default 25 ms). Either way an
 * aborted `signal` stops every strategy within one inner step, and the results are
 * runDemo's bit for bit, apart from wall times. In Node the workers load the package's own
 * CommonJS bundle; in browsers they run the module script `workerUrl`. Without either (the
 * library bundled into an application, a browser without `workerUrl`), where the products
 * run on a GPU, or for a TensorFlow.js model, the run stays in this thread.
 */
export async function runDemoAsync(options: DemoOptions & { yieldEveryMs?: number } = {}): Promise<DemoResult> {
  const { yieldEveryMs, rest } = splitYieldOption(options);
  // The caller's options read once, as own properties; everything below uses this copy.
  const own = (
    typeof rest === "object" && rest !== null && !Array.isArray(rest) ? ownProperties(rest) : rest
  ) as DemoOptions;
  const s = resolveDemoOptions(own); // every option checked before any work
  // Units of work: every run (strategies and their variants), random search's trials one by one.
  const units = s.runs.length + (s.strategies.includes("random") ? s.outer - 1 : 0);
  const workers = Math.min(checkWorkers(own.workers), units);
  // A TensorFlow.js model stays here: each worker would have to load TensorFlow.js itself.
  const local = s.tfjs || resolveProducts(s.products) !== null;
  const spawn = workers > 1 && !local ? demoSpawner(own.workerUrl) : null;
  if (spawn !== null) return runDemoOnWorkers(own, workers, spawn, yieldEveryMs);
  const pauses = { ms: 0 };
  return runYielding(demoWork(own, pauses), { yieldEveryMs, onPause: (ms) => (pauses.ms += ms) });
}

/** Web Workers running the caller's script, or Node worker threads serving the tasks from the package's demo bundle. */
function demoSpawner(url: DemoOptions["workerUrl"]): ReturnType<typeof nodeSpawner> {
  if (url !== undefined) return webSpawner(url);
  return nodeSpawner(resolveOwnBundle("glocal-hypergrad/demo"), "serveDemoWorker");
}
