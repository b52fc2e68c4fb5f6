/** What a benchmark worker thread serves (pool.ts): one case of a suite, by name. */
import { unit } from "../src/core/cooperative";
import { WorkerPort, serveTasks } from "../src/core/serveTasks";
import { E2E_TASK, E2eCase, e2eCase } from "./e2e/index";

export function serveBenchWorker(port: WorkerPort): void {
  serveTasks(port, {
    [E2E_TASK]: ((c: E2eCase) => unit(() => e2eCase(c))) as never,
  });
}
