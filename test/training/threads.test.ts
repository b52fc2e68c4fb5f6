/**
 * The data-parallel inner step (src/training/parallel/): with threads the batch sums are
 * grouped by thread, so a threaded run matches the single-threaded one to rounding (not
 * bit for bit), repeats itself bit for bit for a given thread count, and leaves no worker
 * thread behind once the session is disposed.
 */
import { InnerTraining, datasets, problems } from "../../src/index";
import type { HyperName, Problem } from "../../src/index";
import { KernelCall, ThreadPool, liveThreadWorkers } from "../../src/training/parallel/pool";
import { checkThreads, setThreadDefaults, simulateThreadEnvironment } from "../../src/training/parallel/threads";
import { optimizer } from "../support/training";
import { code, relErr } from "../support/helpers";

const data = datasets.synthetic({ kind: "multiclass", classes: 4, train: 120, val: 30, features: 7, seed: 11 });
const hyperOf = (opt: string): HyperName[] => (opt === "sgd" ? ["lr", "wd"] : ["lr", "wd", "momentum"]);
const STEPS = 6;

interface Run {
  dTheta: Float64Array;
  tangent: Float64Array;
  loss: number;
  h: Float64Array;
}

function run(p: Problem, opt: "sgd" | "momentum" | "adam", threads: number, batchSize: number): Run {
  const s = new InnerTraining(p, optimizer(opt), { hyper: hyperOf(opt), batchSize, seed: 3, threads });
  try {
    expect(s.threads).toBe(threads);
    const theta0 = s.theta();
    s.step(STEPS);
    const theta = s.theta();
    return {
      dTheta: theta.map((v, i) => v - theta0[i]),
      tangent: s.tangent().data,
      loss: s.lastBatchLoss as number,
      h: s.hypergradient(),
    };
  } finally {
    s.dispose();
  }
}

async function noWorkersLeft(): Promise<number> {
  for (let i = 0; i < 200 && liveThreadWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return liveThreadWorkers();
}

const models: Array<[string, () => Problem]> = [
  // θ₀ ≠ 0: at θ₀ = 0 with balanced classes the full-batch bias gradient is zero in exact
  // arithmetic, its computed value pure rounding, and AdamW's g/√v turns that rounding
  // into an O(lr) step: 1 and 2 threads then differ by ~1e-11, whichever is "right".
  ["softmax", () => problems.softmax(data, { classes: 4, initScale: 0.1 })],
  ["MLP", () => problems.mlp(data, { hidden: [9, 6], activation: "tanh" })],
];

describe.each(models)("%s", (_name, make) => {
  let p: Problem;
  beforeAll(() => (p = make()));
  afterAll(() => p.dispose());

  it.each(["sgd", "momentum", "adam"] as const)(
    "%s: 2 and 3 threads match 1 to 1e-13 (mini-batch and full batch, with tangents)",
    (opt) => {
      for (const batch of [50, 120]) {
        const one = run(p, opt, 1, batch);
        for (const threads of [2, 3]) {
          const par = run(p, opt, threads, batch);
          expect(relErr(par.dTheta, one.dTheta)).toBeLessThanOrEqual(1e-13);
          expect(relErr(par.tangent, one.tangent)).toBeLessThanOrEqual(1e-13);
          expect(relErr(par.h, one.h)).toBeLessThanOrEqual(1e-13);
          expect(Math.abs(par.loss - one.loss) / Math.abs(one.loss)).toBeLessThanOrEqual(1e-13);
        }
      }
    },
  );

  it("is bit-identical from run to run for a given thread count", () => {
    const a = run(p, "adam", 2, 50),
      b = run(p, "adam", 2, 50);
    expect(Buffer.from(a.dTheta.buffer).equals(Buffer.from(b.dTheta.buffer))).toBe(true);
    expect(Buffer.from(a.tangent.buffer).equals(Buffer.from(b.tangent.buffer))).toBe(true);
    expect(Object.is(a.loss, b.loss)).toBe(true);
  });
});

describe("threads option and workers", () => {
  it("weighted losses with weight hyperparameters match one thread", () => {
    const p = problems.softmax(data, { classes: 4 });
    const mk = (threads: number) =>
      new InnerTraining(p, optimizer("momentum"), {
        hyper: ["lr", "weights"],
        weights: { transform: "softplus", indices: [0, 5, 77] },
        batchSize: 40,
        seed: 2,
        threads,
      });
    const a = mk(1),
      b = mk(2);
    a.step(4);
    b.step(4);
    expect(relErr(b.tangent().data, a.tangent().data)).toBeLessThanOrEqual(1e-13);
    expect(relErr(b.theta(), a.theta())).toBeLessThanOrEqual(1e-13);
    a.dispose();
    b.dispose();
    p.dispose();
  });

  it("leaves no worker alive after dispose (counted)", async () => {
    const p = problems.softmax(data, { classes: 4 });
    const before = liveThreadWorkers();
    simulateThreadEnvironment({ cores: 4 }); // one helper per slice beyond the caller's
    const sessions = [2, 3].map((threads) => new InnerTraining(p, optimizer("sgd"), { batchSize: 60, threads }));
    sessions.forEach((s) => s.step(1));
    expect(liveThreadWorkers()).toBe(before + 1 + 2);
    simulateThreadEnvironment({});
    sessions.forEach((s) => s.dispose());
    expect(await noWorkersLeft()).toBe(0);
    p.dispose();
  });

  it("validates 'threads' with a typed error; 'auto' keeps small steps on one thread", () => {
    const p = problems.softmax(data, { classes: 4 });
    for (const bad of [0, 1.5, -2, 65, "2", null, NaN])
      expect(code(() => new InnerTraining(p, optimizer("sgd"), { threads: bad as never }))).toEqual({
        code: "E_OPTION",
        argument: "threads",
      });
    expect(checkThreads(undefined)).toBe("auto");
    const s = new InnerTraining(p, optimizer("sgd"), { batchSize: 10 });
    expect(s.threads).toBe(1);
    s.dispose();
    // More threads than examples: one example per thread at most.
    const t = new InnerTraining(p, optimizer("sgd"), { batchSize: 2, threads: 4 });
    expect(t.threads).toBe(2);
    t.dispose();
    p.dispose();
  });
});

describe("setThreadDefaults", () => {
  afterEach(() => setThreadDefaults({ threads: "auto", crossover: 5_000_000, maxHelpers: 63 }));

  it("sets what sessions without 'threads' use, and the crossover of 'auto'", () => {
    const p = problems.softmax(data, { classes: 4 });
    // work = 60 × 32 parameters × 3 = 5760
    const make = (o: { threads?: number }) =>
      new InnerTraining(p, optimizer("sgd"), { hyper: ["lr", "wd"], batchSize: 60, ...o });
    const threadsOf = (o: { threads?: number } = {}) => {
      const s = make(o);
      const t = s.threads;
      s.dispose();
      return t;
    };
    expect(threadsOf()).toBe(1); // far below the crossover
    expect(setThreadDefaults({ crossover: 5760 })).toEqual({ threads: "auto", crossover: 5760, maxHelpers: 63 });
    // 'auto' at the crossover: 2 slices, whatever the machine's cores.
    expect(threadsOf()).toBe(2);
    setThreadDefaults({ threads: 1 });
    expect(threadsOf()).toBe(1);
    expect(threadsOf({ threads: 3 })).toBe(3); // the session's own option wins
    expect(code(() => setThreadDefaults({ crossover: 0 }))).toEqual({ code: "E_OPTION", argument: "crossover" });
    expect(code(() => setThreadDefaults({ threads: 0 }))).toEqual({ code: "E_OPTION", argument: "threads" });
    expect(code(() => setThreadDefaults({ workers: 2 } as never))).toEqual({
      code: "E_OPTION",
      argument: "setThreadDefaults options.workers",
    });
    p.dispose();
  });
});

describe("ThreadPool", () => {
  it("a slice gives the same bits on a worker and on the caller (the fallback while a worker starts)", async () => {
    const pool = new ThreadPool(2);
    const k = pool.k;
    const n = 40,
      f = 6,
      classes = 3,
      q = 2;
    const at = (doubles: number) => k.persistentAlloc(doubles * 8) >>> 0;
    const X = at(n * f),
      Y = at(n),
      theta = at((f + 1) * classes * (1 + q)),
      g = [at((f + 1) * classes * (1 + q)), at((f + 1) * classes * (1 + q))];
    const buf = pool.memory.buffer;
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    new Float64Array(buf, X, n * f).forEach((_, i, a) => (a[i] = rand()));
    new Float64Array(buf, Y, n).forEach((_, i, a) => (a[i] = i % classes));
    new Float64Array(buf, theta, (f + 1) * classes * (1 + q)).forEach((_, i, a) => (a[i] = 0.3 * rand()));
    // Softmax head (2), with a bias row, q = qa = 2 tangents.
    const job = (grad: number): KernelCall[] => [
      { name: "linearGradJvp", args: [2, n, f, classes, 1, q, q, X, Y, 0, 0, 0, 1 / n, theta, grad] },
    ];
    const here = (calls: readonly KernelCall[]) =>
      calls.map((c) => {
        const mark = k.scratchMark();
        try {
          return (k[c.name] as (...a: number[]) => number)(...c.args);
        } finally {
          k.scratchRelease(mark);
        }
      });
    try {
      expect(pool.ready(1)).toBe(false); // no worker started: the job runs here
      const local = pool.run([job(g[0])], () => undefined, here);
      pool.start(1 << 20, true);
      expect(pool.ready(1)).toBe(true);
      const remote = pool.run([job(g[1])], () => undefined, here);
      expect(local[0].length).toBe(1);
      expect(local[0][0]).not.toBe(0); // the slice's loss
      expect(Object.is(local[0][0], remote[0][0])).toBe(true);
      const size = (f + 1) * classes * (1 + q);
      const a = new Float64Array(pool.memory.buffer, g[0], size),
        b = new Float64Array(pool.memory.buffer, g[1], size);
      expect(Buffer.from(a.slice().buffer).equals(Buffer.from(b.slice().buffer))).toBe(true);
      expect(a.some((v) => v !== 0)).toBe(true);
    } finally {
      pool.dispose();
    }
    expect(await noWorkersLeft()).toBe(0);
  });
});
