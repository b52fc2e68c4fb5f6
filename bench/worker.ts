/** What a benchmark worker thread serves (pool.ts): one case of a suite, by name. */
import { unit } from "../src/core/cooperative";
import { WorkerPort, serveTasks } from "../src/core/serveTasks";
import { setThreadDefaults } from "../src/training/parallel/threads";
import { E2E_TASK, E2eCase, e2eCase } from "./e2e/index";
import { ACCURACY_TASK, AccuracyCase, accuracyCase } from "./accuracy/index";
import { REGIME_TASK, RegimeTask, regimeTask } from "./regimes/index";

export function serveBenchWorker(port: WorkerPort): void {
  // The pool fills the cores with cases: no helper threads inside a case (same slices, same bits).
  setThreadDefaults({ maxHelpers: 0 });
  serveTasks(port, {
    [E2E_TASK]: ((c: E2eCase) => unit(() => e2eCase(c))) as never,
    [ACCURACY_TASK]: ((c: AccuracyCase) => unit(() => accuracyCase(c))) as never,
    [REGIME_TASK]: ((t: RegimeTask) => regimeTask(t)) as never,
  });
}
