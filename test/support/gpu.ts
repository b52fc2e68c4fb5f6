/** Shared pieces of the gpu.js offload tests: small MNIST problems and comparisons. */
import { datasets, problems, productDefaults, provideGpuJs, setProductBackend } from "../../src/index";
import type { Matrix, Problem } from "../../src/index";

let cached: ReturnType<typeof datasets.mnist> | null = null;
/** 300 training / 100 validation digits (seeded). */
export function digits(): ReturnType<typeof datasets.mnist> {
  cached ??= datasets.mnist({ train: 300, val: 100, seed: 5 });
  return cached;
}

export function binary(): Parameters<typeof problems.logistic>[0] {
  const d = digits();
  return {
    train: { x: d.train.x, y: Int32Array.from(d.train.y, (v) => v % 2) },
    val: { x: d.val.x, y: Int32Array.from(d.val.y, (v) => v % 2) },
  };
}

export function makeProblem(kind: "softmax" | "logistic" | "mlp"): Problem {
  if (kind === "softmax") return problems.softmax(digits(), { seed: 1 });
  if (kind === "logistic") return problems.logistic(binary(), { seed: 1 });
  return problems.mlp(digits(), { hidden: 16, seed: 2 });
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    x = 0,
    y = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    x += a[i] * a[i];
    y += b[i] * b[i];
  }
  return d / Math.sqrt(x * y);
}

/** The smallest cosine between matching columns (one per hyperparameter) of two trajectories. */
export function worstColumnCosine(a: Matrix, b: Matrix): number {
  let worst = 1;
  for (let j = 0; j < a.cols; j++) {
    const x = Float64Array.from({ length: a.rows }, (_, i) => a.data[i * a.cols + j]);
    const y = Float64Array.from({ length: b.rows }, (_, i) => b.data[i * b.cols + j]);
    worst = Math.min(worst, cosine(x, y));
  }
  return worst;
}

/**
 * The gpu tests' shared setup: one softmax problem for the file (fixture.problem, built
 * in beforeAll), and after each test no gpu.js handed in and the product defaults as the
 * file found them (backend 'auto', no gpuMode, the crossover it started with).
 */
export function useSoftmaxGpuFixture(): { readonly problem: Problem } {
  const fixture = {} as { problem: Problem };
  let initial: ReturnType<typeof productDefaults>;
  beforeAll(() => {
    initial = productDefaults();
    fixture.problem = makeProblem("softmax");
  });
  afterAll(() => fixture.problem.dispose());
  afterEach(() => {
    provideGpuJs(null);
    setProductBackend({ backend: "auto", gpuMode: null, crossover: initial.crossover });
  });
  return fixture;
}
