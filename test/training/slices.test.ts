/**
 * Slices versus helper threads (src/training/parallel/): a step's results depend on the
 * slice count (the `threads` option and the problem) only — bit for bit the same whether
 * helpers compute slices or the caller does, whatever the cores, and where the runtime has
 * no shared memory or workers.
 */
import {
  InnerTraining,
  backendInfo,
  datasets,
  initSync,
  problems,
  relaxedSimdSupported,
  threadInfo,
} from "../../src/index";
import type { Problem, ThreadsOption } from "../../src/index";
import { liveThreadWorkers } from "../../src/training/parallel/pool";
import { resolveSlices, setThreadDefaults, simulateThreadEnvironment } from "../../src/training/parallel/threads";
import { optimizer } from "../support/training";
import { code } from "../support/helpers";

const data = datasets.synthetic({ kind: "multiclass", classes: 4, train: 90, val: 20, features: 7, seed: 5 });

interface Env {
  cores?: number;
  support?: { ok: boolean; reason: string };
  maxHelpers?: number;
}

/** Every number a few steps leave (θ, tangents, hypergradient, loss) and the helpers seen alive. */
function run(p: Problem, threads: ThreadsOption, env: Env, crossover = 5_000_000) {
  simulateThreadEnvironment({ cores: env.cores ?? 4, support: env.support ?? null });
  setThreadDefaults({ maxHelpers: env.maxHelpers ?? 63, crossover });
  const before = liveThreadWorkers();
  const s = new InnerTraining(p, optimizer("adam"), {
    hyper: ["lr", "wd", "momentum"],
    batchSize: 40,
    seed: 4,
    threads,
  });
  try {
    s.step(4);
    const values = [...s.theta(), ...s.tangent().data, ...s.hypergradient(), s.lastBatchLoss as number];
    return { values, slices: s.threads, helpers: liveThreadWorkers() - before };
  } finally {
    s.dispose();
  }
}

function expectSameBits(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  const differing = a.filter((v, i) => !Object.is(v, b[i])).length;
  expect(differing).toBe(0);
}

afterEach(() => {
  simulateThreadEnvironment({});
  setThreadDefaults({ threads: "auto", crossover: 5_000_000, maxHelpers: 63 });
});

const models: Array<[string, () => Problem]> = [
  ["softmax", () => problems.softmax(data, { classes: 4, initScale: 0.1 })],
  ["MLP", () => problems.mlp(data, { hidden: [9, 6], activation: "tanh" })],
];

describe.each(models)("%s with tangents", (_name, make) => {
  let p: Problem;
  beforeAll(() => (p = make()));
  afterAll(() => p.dispose());

  it("2 slices: 1 helper and 0 helpers give the same bits", () => {
    const helped = run(p, 2, {});
    const alone = run(p, 2, { maxHelpers: 0 });
    expect([helped.slices, helped.helpers, alone.slices, alone.helpers]).toEqual([2, 1, 2, 0]);
    expectSameBits(helped.values, alone.values);
    // The slices are not one thread's step: the order of the sums did change something.
    const one = run(p, 1, {});
    expect(one.values.some((v, i) => !Object.is(v, helped.values[i]))).toBe(true);
  });

  it("3 slices: 2, 1 (one helper takes two slices) and 0 helpers give the same bits", () => {
    const two = run(p, 3, { cores: 4 });
    const oneHelper = run(p, 3, { cores: 2 });
    const none = run(p, 3, { cores: 1 });
    expect([two.helpers, oneHelper.helpers, none.helpers]).toEqual([2, 1, 0]);
    expectSameBits(two.values, oneHelper.values);
    expectSameBits(two.values, none.values);
  });

  it("'auto' on 1 and on 2 cores: the same slices, the same bits", () => {
    const work = 40 * p.parameterCount * 4;
    const oneCore = run(p, "auto", { cores: 1 }, work);
    const twoCores = run(p, "auto", { cores: 2 }, work);
    expect([oneCore.slices, oneCore.helpers, twoCores.slices, twoCores.helpers]).toEqual([2, 0, 2, 1]);
    expectSameBits(oneCore.values, twoCores.values);
  });

  it("'auto' cuts a power of two of slices (even shares on 2, 4 or 8 cores), at most 8 and the batch", () => {
    const slices = (work: number, batch = 1000) => resolveSlices("auto", work, batch, 100);
    expect([0, 99, 100, 199, 200, 299, 300, 699, 700, 799, 5000].map((w) => slices(w))).toEqual([
      1, 1, 2, 2, 2, 2, 4, 4, 8, 8, 8,
    ]);
    expect([slices(800, 3), slices(800, 1), resolveSlices(5, 800, 1000, 100)]).toEqual([2, 1, 5]);
  });

  it("without shared memory or workers the slices run on the caller, with the same bits", () => {
    const threaded = run(p, 2, {});
    const reason = "shared memory is unavailable (simulated)";
    const fallback = run(p, 2, { support: { ok: false, reason } });
    expect([fallback.slices, fallback.helpers]).toEqual([2, 0]);
    expect(threadInfo()).toMatchObject({ available: false, reason });
    expectSameBits(threaded.values, fallback.values);
  });
});

describe("maxHelpers", () => {
  it("is validated with a typed error, reported by threadInfo, and leaves no worker after dispose", async () => {
    for (const bad of [-1, 1.5, 64, "0", null, NaN])
      expect(code(() => setThreadDefaults({ maxHelpers: bad as never }))).toEqual({
        code: "E_OPTION",
        argument: "maxHelpers",
      });
    expect(threadInfo().maxHelpers).toBe(63);
    expect(setThreadDefaults({ maxHelpers: 1 })).toMatchObject({ maxHelpers: 1 });
    expect(threadInfo().maxHelpers).toBe(1);
    const p = problems.softmax(data, { classes: 4 });
    simulateThreadEnvironment({ cores: 8 });
    const before = liveThreadWorkers();
    const s = new InnerTraining(p, optimizer("sgd"), { batchSize: 40, threads: 4 });
    s.step(1);
    expect(s.threads).toBe(4); // the slices stay; only the helpers are capped
    expect(liveThreadWorkers()).toBe(before + 1);
    s.dispose();
    p.dispose();
    for (let i = 0; i < 200 && liveThreadWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(liveThreadWorkers()).toBe(0);
  });
});

// Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd; Node ≥ 24 and
// current browsers do. Last in this file: it switches the binary of this file's instance.
(relaxedSimdSupported() ? describe : describe.skip)("on the relaxed-SIMD binary", () => {
  it("slices without helpers still give the bits of the shared (plain) binary, unlike one slice", () => {
    initSync({ binary: "relaxed-simd" });
    expect(backendInfo().wasm).toBe("relaxed-simd");
    const p = problems.mlp(data, { hidden: [9, 6], activation: "tanh" });
    const helped = run(p, 2, {});
    const alone = run(p, 2, { maxHelpers: 0 });
    expect(alone.helpers).toBe(0);
    expectSameBits(helped.values, alone.values);
    // One slice runs on the relaxed instance itself (fused multiply-add, one sum): other bits.
    const one = run(p, 1, {});
    expect(one.values.some((v, i) => !Object.is(v, helped.values[i]))).toBe(true);
    p.dispose();
  });
});
