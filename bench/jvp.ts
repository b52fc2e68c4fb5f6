/**
 * Benchmark of the forward-mode engine (the project's target: a training step carrying q tangents
 * should cost ≤ 1 + 0.6q plain steps).
 *
 * For softmax regression, logistic regression and a one-hidden-layer MLP on MNIST-sized
 * data (784 features, batch 256), it times a plain step (a session without tangent slots)
 * and steps carrying q = 1, 2, 4, 8 real hyperparameter tangents (lr; lr, wd;
 * lr, wd, momentum + example weights), and the throughput of a plain softmax step.
 * Timings are medians over rounds, all in one process on one machine.
 */
import { InnerTraining, datasets, optimizers, problems } from "../src/index";
import type { HyperName, Problem } from "../src/index";
import { backendInfo } from "../src/core/load";

export interface JvpBenchRow {
  model: string;
  /** Tangents carried (0 = plain step). */
  q: number;
  msPerStep: number;
  /** Cost relative to the plain step of the same model. */
  ratio: number;
  /** The target: 1 + 0.6q plain steps. */
  target: number;
  meetsTarget: boolean;
}

export interface JvpBenchResult {
  rows: JvpBenchRow[];
  throughput: {
    model: "softmax";
    features: number;
    classes: number;
    batch: number;
    msPerStep: number;
    samplesPerSecond: number;
  };
  binary: string;
}

const QS = [1, 2, 4, 8];

/** Hyperparameters giving exactly q tangents (momentum optimiser; weights fill up). */
function hyperFor(q: number): { hyper: HyperName[]; indices?: number[] } {
  if (q === 0) return { hyper: [] };
  if (q === 1) return { hyper: ["lr"] };
  if (q === 2) return { hyper: ["lr", "wd"] };
  return { hyper: ["lr", "wd", "momentum", "weights"], indices: Array.from({ length: q - 3 }, (_, i) => i) };
}

/**
 * Median ms per step of sessions carrying q = each of `qs` tangents. The sessions take
 * their rounds in turn (interleaved), so a machine whose speed drifts affects all alike.
 */
function timeSteps(problem: Problem, qs: number[], batch: number, steps: number, rounds: number): number[] {
  const sessions = qs.map((q) => {
    const { hyper, indices } = hyperFor(q);
    return new InnerTraining(problem, optimizers.momentum({ lr: 0.01, wd: 1e-4, momentum: 0.9 }), {
      hyper,
      batchSize: batch,
      seed: 1,
      weights: indices ? { indices } : undefined,
    });
  });
  try {
    sessions.forEach((s) => s.step(2)); // warm-up: JIT, memory pages
    const times: number[][] = qs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      sessions.forEach((s, i) => {
        const t0 = performance.now();
        s.step(steps);
        times[i].push((performance.now() - t0) / steps);
      });
    }
    return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
  } finally {
    sessions.forEach((s) => s.dispose());
  }
}

export async function runJvpBench(opts: { quick: boolean; log: (s: string) => void }): Promise<JvpBenchResult> {
  const { quick, log } = opts;
  const batch = 256;
  const steps = quick ? 3 : 6,
    rounds = quick ? 3 : 9;
  const digits = datasets.mnist({ train: quick ? 1024 : 2560, val: 256, seed: 1 });
  const pair = datasets.mnist({ train: quick ? 1024 : 1536, val: 256, seed: 1, classes: [3, 8] });
  const models: Array<[string, () => Problem]> = [
    ["softmax", () => problems.softmax(digits)],
    ["logistic", () => problems.logistic(pair)],
    ["mlp 784-64-10 tanh", () => problems.mlp(digits, { hidden: 64, activation: "tanh" })],
  ];
  const rows: JvpBenchRow[] = [];
  let softmaxPlain = 0;
  log(`forward-mode step cost, batch ${batch}, 784 features (${backendInfo().wasm} binary)`);
  log("model                  q   ms/step   ratio   target 1+0.6q");
  for (const [name, make] of models) {
    const problem = make();
    try {
      const [plain, ...withTangents] = timeSteps(problem, [0, ...QS], batch, steps, rounds);
      if (name === "softmax") softmaxPlain = plain;
      rows.push({ model: name, q: 0, msPerStep: plain, ratio: 1, target: 1, meetsTarget: true });
      log(`${name.padEnd(22)} ${"0".padStart(2)} ${plain.toFixed(3).padStart(9)}   1.00`);
      QS.forEach((q, i) => {
        const ms = withTangents[i],
          ratio = ms / plain,
          target = 1 + 0.6 * q;
        rows.push({ model: name, q, msPerStep: ms, ratio, target, meetsTarget: ratio <= target });
        log(
          `${name.padEnd(22)} ${String(q).padStart(2)} ${ms.toFixed(3).padStart(9)} ${ratio.toFixed(2).padStart(6)}   ${target.toFixed(1).padStart(5)} ${ratio <= target ? "ok" : "MISS"}`,
        );
      });
    } finally {
      problem.dispose();
    }
  }
  const throughput = {
    model: "softmax" as const,
    features: 784,
    classes: 10,
    batch,
    msPerStep: softmaxPlain,
    samplesPerSecond: (batch / softmaxPlain) * 1000,
  };
  log(
    `softmax regression plain step (784 × 10, batch ${batch}): ${softmaxPlain.toFixed(3)} ms, ${Math.round(throughput.samplesPerSecond)} samples/s`,
  );
  return { rows, throughput, binary: backendInfo().wasm };
}
