/**
 * The benchmarks' cases on worker threads (the library's pool, src/core/pool.ts): the
 * workers load this bundle (dist/bench.cjs) and serve the cases of worker.ts. Rows come
 * back in the order of the cases, whatever order they ran in.
 */
import { PoolTask, runPool } from "../src/core/pool";
import { nodeSpawner } from "../src/core/workers";
import { GlocalError } from "../src/core/errors";

/** Runs `tasks` on `workers` worker threads; the values in task order. */
export async function benchPool(tasks: PoolTask[], workers: number): Promise<unknown[]> {
  // The bundle itself: under a TypeScript loader there is no bundle for a worker to load.
  const spawn = nodeSpawner(/\.cjs$/.test(__filename) ? __filename : null, "serveBenchWorker");
  if (spawn === null)
    throw new GlocalError("E_UNSUPPORTED", "bench workers need the built bundle (npm run build)", "workers");
  const values = await runPool(tasks, { workers, spawn });
  return values;
}
