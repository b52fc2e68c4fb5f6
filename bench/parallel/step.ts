/**
 * One inner step with 1 and with 2 threads (the data-parallel step, docs/threads.md), and
 * with 2 slices both computed on the caller (no helper thread):
 * softmax regression and a one-hidden-layer MLP on 784 features and 10 classes (MNIST's
 * shape, synthetic data), q = 2 tangents (lr, wd), SGD, mini-batches of 10, 100, 1000 and
 * 10 000 from 10 000 training examples. Wall-clock median ms per step over interleaved
 * rounds; beside it the process's CPU time per step (user + system, all threads added
 * up: on a busy machine wall time measures the neighbours, while CPU time shows what the
 * threads cost in total — their overhead over one thread), what `threads: 'auto'` picks,
 * and the work batch × parameters × (1 + q) the crossover is stated in.
 */
import * as os from "os";
import { Worker } from "worker_threads";
import { InnerTraining, datasets, optimizers, problems } from "../../src/index";
import type { Problem } from "../../src/index";
import { THREAD_CROSSOVER_WORK, setThreadDefaults, threadDefaults } from "../../src/training/parallel/threads";

export interface ParallelStepRow {
  model: string;
  batch: number;
  parameters: number;
  /** batch × parameters × (1 + q) */
  work: number;
  ms1: number;
  ms2: number;
  /** Process CPU ms per step (all threads). */
  cpu1: number;
  cpu2: number;
  /** Wall and CPU ms per step of 2 slices with no helper thread (both on the caller). */
  msCaller: number;
  cpuCaller: number;
  /** Wall and CPU ms per step of threads: 'auto' (its slices, helpers as far as the cores go). */
  msAuto: number;
  cpuAuto: number;
  /** ms2 / ms1 */
  ratio: number;
  /** The slices threads: 'auto' chose (each on its own thread as far as the cores go). */
  auto: number;
}

const Q = 2;
const TRAIN = 10_000;

function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** Median wall and CPU ms per step of each session, rounds interleaved so drifting load hits both. */
function timeSessions(sessions: InnerTraining[], rounds: number): { wall: number[]; cpu: number[] } {
  sessions.forEach((s) => s.step(1)); // starts the threads, warms the code
  const t0 = performance.now();
  sessions[0].step(1);
  const steps = Math.max(1, Math.min(200, Math.round(150 / Math.max(performance.now() - t0, 0.01))));
  const times: number[][] = sessions.map(() => []);
  const cpu: number[][] = sessions.map(() => []);
  for (let r = 0; r < rounds; r++) {
    sessions.forEach((s, i) => {
      const c = process.cpuUsage();
      const t = performance.now();
      s.step(steps);
      times[i].push((performance.now() - t) / steps);
      const d = process.cpuUsage(c);
      cpu[i].push((d.user + d.system) / 1000 / steps);
    });
  }
  return { wall: times.map(median), cpu: cpu.map(median) };
}

/**
 * How much parallel capacity the machine offers right now: the wall time of two threads
 * each spinning through the same fixed loop, over that of one (1 = two free cores, 2 = the
 * equivalent of one core left to this process).
 */
async function parallelCapacity(): Promise<number> {
  const spin = `let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; require("worker_threads").parentPort.postMessage(x);`;
  const run = async (n: number) => {
    const t = performance.now();
    await Promise.all(
      Array.from({ length: n }, () => new Promise((r) => new Worker(spin, { eval: true }).once("message", r))),
    );
    return performance.now() - t;
  };
  const one = [await run(1), await run(1)],
    two = [await run(2), await run(2)];
  return Math.min(...two) / Math.min(...one);
}

export async function runParallelStepBench(o: {
  quick: boolean;
  log: (s: string) => void;
}): Promise<{ json: object; markdown: string }> {
  const data = datasets.synthetic({ kind: "multiclass", classes: 10, train: TRAIN, val: 100, features: 784, seed: 5 });
  const models: Array<[string, () => Problem]> = [
    ["softmax", () => problems.softmax(data, { classes: 10 })],
    ["mlp (784-64-10, tanh)", () => problems.mlp(data, { hidden: [64], activation: "tanh" })],
  ];
  const batches = o.quick ? [100, 1000] : [10, 100, 1000, 10_000];
  const rounds = o.quick ? 3 : 9;
  const rows: ParallelStepRow[] = [];
  const loadBefore = os.loadavg()[0];
  const capacityBefore = await parallelCapacity();
  for (const [model, make] of models) {
    const p = make();
    for (const batch of batches) {
      const opts = { hyper: ["lr", "wd"] as const, batchSize: batch, seed: 1 };
      const opt = optimizers.sgd({ lr: 0.05, wd: 1e-4 });
      const auto = new InnerTraining(p, opt, { ...opts, hyper: [...opts.hyper] });
      const autoThreads = auto.threads;
      const sessions = [1, 2].map((threads) => new InnerTraining(p, opt, { ...opts, hyper: [...opts.hyper], threads }));
      // The same 2 slices with no helper (a 1-core machine, a pool's worker): both on the caller.
      const { maxHelpers } = threadDefaults(); // (setThreadDefaults returns the new values)
      setThreadDefaults({ maxHelpers: 0 });
      const alone = new InnerTraining(p, opt, { ...opts, hyper: [...opts.hyper], threads: 2 });
      alone.step(1); // helpers are counted on the first step
      setThreadDefaults({ maxHelpers });
      sessions.push(alone, auto);
      const {
        wall: [ms1, ms2, msCaller, msAuto],
        cpu: [cpu1, cpu2, cpuCaller, cpuAuto],
      } = timeSessions(sessions, rounds);
      sessions.forEach((s) => s.dispose());
      const row: ParallelStepRow = {
        model,
        batch,
        parameters: p.parameterCount,
        work: batch * p.parameterCount * (1 + Q),
        ms1,
        ms2,
        cpu1,
        cpu2,
        msCaller,
        cpuCaller,
        msAuto,
        cpuAuto,
        ratio: ms2 / ms1,
        auto: autoThreads,
      };
      rows.push(row);
      o.log(
        `${model.padEnd(22)} batch ${String(batch).padStart(6)}: 1 thread ${ms1.toFixed(3)} ms, 2 threads ${ms2.toFixed(3)} ms (${row.ratio.toFixed(2)}×); CPU ${cpu1.toFixed(3)} / ${cpu2.toFixed(3)} ms; 2 slices on the caller ${msCaller.toFixed(3)} ms, CPU ${cpuCaller.toFixed(3)} ms; auto ${autoThreads} slices ${msAuto.toFixed(3)} ms, CPU ${cpuAuto.toFixed(3)} ms\n`,
      );
    }
    p.dispose();
  }
  const loadAfter = os.loadavg()[0];
  const capacityAfter = await parallelCapacity();
  const capacity = `two threads spinning through a fixed loop took ${capacityBefore.toFixed(2)}× the wall time of one before the measurement and ${capacityAfter.toFixed(2)}× after (1 = two free cores; 2 = one core's worth left to this process, where no thread count can speed anything up)`;
  o.log(`parallel capacity: ${capacity}\n`);
  const machine = `Node ${process.version}, ${os.cpus()[0]?.model.trim() ?? "?"}, ${os.availableParallelism()} logical cores; load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`;
  let md = `## One inner step with 1 and 2 threads, and 2 slices without helpers\n\n**Machine:** ${machine}; ${capacity}. With a load average above the core count, wall times measure the neighbours as much as the step: the CPU columns (process user + system time, all threads added up) show what the threads cost in total.\n\n`;
  md += `Synthetic data of MNIST's shape (${TRAIN.toLocaleString("en-US")} training examples, 784 features, 10 classes), SGD with q = ${Q} tangents (lr, wd); wall-clock median ms per step over ${rounds} interleaved rounds. Work = batch × parameters × (1 + q); \`threads: 'auto'\` cuts a step into 2 slices from ${THREAD_CROSSOVER_WORK.toLocaleString("en-US")}, each on its own thread where the cores allow. "2 slices, caller" is \`threads: 2\` with \`maxHelpers: 0\`: both slices on the calling thread (a 1-core machine, a pool's worker), same results as "2 threads".\n\n`;
  md += `| model | batch | work | 1 thread (ms) | 2 threads (ms) | 2 / 1 | 2 slices, caller (ms) | CPU 1 thread (ms) | CPU 2 threads (ms) | CPU 2 slices, caller (ms) | auto slices | auto (ms) | CPU auto (ms) |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
  for (const r of rows)
    md += `| ${r.model} | ${r.batch} | ${r.work.toExponential(2)} | ${r.ms1.toFixed(3)} | ${r.ms2.toFixed(3)} | ${r.ratio.toFixed(2)} | ${r.msCaller.toFixed(3)} | ${r.cpu1.toFixed(3)} | ${r.cpu2.toFixed(3)} | ${r.cpuCaller.toFixed(3)} | ${r.auto} | ${r.msAuto.toFixed(3)} | ${r.cpuAuto.toFixed(3)} |\n`;
  return {
    json: {
      machine,
      capacityBefore,
      capacityAfter,
      q: Q,
      train: TRAIN,
      rounds,
      crossoverWork: THREAD_CROSSOVER_WORK,
      rows,
    },
    markdown: md,
  };
}
