/**
 * The product dispatch (src/gpu/dispatch.ts): 'auto' never picks gpu.js in Node without a
 * GPU, overrides route the products, bad values are typed errors, the crossover decides
 * per product where a (simulated) hardware GPU exists, and batchedProduct agrees across
 * backends within f32 accuracy.
 */
import {
  InnerTraining,
  optimizers,
  optimize,
  backendInfo,
  setProductBackend,
  provideGpuJs,
  batchedProduct,
  memoryStats,
  GlocalError,
  datasets,
} from "../../src/index";
import { runDemo } from "../../src/app/index";
import { digits, useSoftmaxGpuFixture } from "../support/gpu";
import { randomMatrix, refGemm } from "../support/helpers";

// gpu.js itself (a dependency): the real library, used to build a stand-in "hardware GPU".
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gpujs = require("gpu.js") as { GPU: new (s: { mode: string }) => unknown };

const fixture = useSoftmaxGpuFixture();

const sgd = () => optimizers.sgd({ lr: 0.05, wd: 0.01 });
const gpuCount = () => backendInfo().gpu.products.gpu;

describe("default dispatch in Node (no GPU)", () => {
  it("auto keeps every product in WebAssembly and does not even load gpu.js", () => {
    const info = backendInfo();
    expect(info.products).toBe("wasm");
    expect(info.gpu.available).toBe(false);
    expect(info.gpu.loaded).toBe(false);
    expect(info.gpu.reason).toMatch(/headless-gl/);
    const run = new InnerTraining(fixture.problem, sgd(), { batchSize: 50 });
    expect(run.products).toBe("wasm");
    const before = backendInfo().gpu.products;
    run.step(5);
    run.hypergradient();
    run.dispose();
    expect(backendInfo().gpu.products).toEqual(before);
    expect(backendInfo().gpu.loaded).toBe(false);
  });

  it("backend 'gpu' without a GPU is E_UNSUPPORTED and names the way to force gpu.js's CPU modes", () => {
    const attempt = () => new InnerTraining(fixture.problem, sgd(), { backend: "gpu" });
    expect(attempt).toThrow(GlocalError);
    expect(attempt).toThrow(expect.objectContaining({ code: "E_UNSUPPORTED", argument: "backend" }));
    expect(attempt).toThrow(/gpuMode 'webasm' or 'cpu'/);
  });
});

describe("overrides", () => {
  it("per session: backend 'gpu' with gpuMode 'cpu' or 'webasm' runs the products on gpu.js", () => {
    for (const gpuMode of ["cpu", "webasm"] as const) {
      const run = new InnerTraining(fixture.problem, sgd(), { batchSize: 50, backend: "gpu", gpuMode });
      expect(run.products).toBe("gpu");
      const before = gpuCount();
      run.step(2);
      run.valLoss();
      run.dispose();
      // Two products per step (forward, backward) and one for the evaluation.
      expect(gpuCount() - before).toBe(5);
    }
  });

  it("backend 'wasm' wins over a process default of 'gpu'", () => {
    setProductBackend({ backend: "gpu", gpuMode: "cpu" });
    expect(backendInfo().products).toBe("gpu");
    const byDefault = new InnerTraining(fixture.problem, sgd(), { batchSize: 50 });
    const wasm = new InnerTraining(fixture.problem, sgd(), { batchSize: 50, backend: "wasm" });
    expect(byDefault.products).toBe("gpu");
    expect(wasm.products).toBe("wasm");
    const before = gpuCount();
    wasm.step(3);
    expect(gpuCount()).toBe(before);
    byDefault.step(1);
    expect(gpuCount()).toBe(before + 2);
    byDefault.dispose();
    wasm.dispose();
  });

  it("optimize() and runDemo() pass backend and gpuMode through", () => {
    const before = gpuCount();
    const r = optimize({
      problem: fixture.problem,
      optimizer: sgd(),
      strategy: "truncated",
      innerSteps: 6,
      window: 3,
      batchSize: 50,
      seed: 1,
      backend: "gpu",
      gpuMode: "cpu",
    });
    expect(r.stopped).toBe("done");
    expect(gpuCount()).toBeGreaterThan(before);
    const d = digits();
    // The demo on handed-in data, every product on gpu.js's cpu mode.
    const demo = runDemo({
      data: d,
      train: d.train.x.rows,
      val: d.val.x.rows,
      steps: 8,
      window: 4,
      outer: 2,
      localEvery: 2,
      batch: 50,
      strategies: ["truncated", "glocal"],
      glocal: { stride: 1 },
      backend: "gpu",
      gpuMode: "cpu",
    });
    expect(demo.products).toBe("gpu");
    expect(demo.stopped).toBe("done");
    expect(demo.settings.products).toEqual({ backend: "gpu", gpuMode: "cpu" });
  });

  it("the caller's options are not modified", () => {
    const options = Object.freeze({ batchSize: 50, backend: "gpu" as const, gpuMode: "cpu" as const });
    const run = new InnerTraining(fixture.problem, sgd(), options);
    run.step(1);
    run.dispose();
    expect(options).toEqual({ batchSize: 50, backend: "gpu", gpuMode: "cpu" });
  });
});

describe("bad values", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["backend 'cuda'", () => new InnerTraining(fixture.problem, sgd(), { backend: "cuda" as never }), "backend"],
    [
      "gpuMode 'metal'",
      () => new InnerTraining(fixture.problem, sgd(), { backend: "gpu", gpuMode: "metal" as never }),
      "gpuMode",
    ],
    [
      "gpuMode with backend 'wasm'",
      () => new InnerTraining(fixture.problem, sgd(), { backend: "wasm", gpuMode: "cpu" }),
      "gpuMode",
    ],
    [
      "gpuMode 'cpu' with 'auto'",
      () => new InnerTraining(fixture.problem, sgd(), { backend: "auto", gpuMode: "cpu" }),
      "gpuMode",
    ],
    [
      "optimize backend 7",
      () =>
        optimize({ problem: fixture.problem, optimizer: sgd(), strategy: "local", innerSteps: 2, backend: 7 as never }),
      "backend",
    ],
    ["runDemo backend 'x'", () => runDemo({ backend: "x" as never }), "backend"],
    ["setProductBackend crossover -1", () => setProductBackend({ crossover: -1 }), "crossover"],
    ["setProductBackend crossover NaN", () => setProductBackend({ crossover: NaN }), "crossover"],
    [
      "setProductBackend unknown key",
      () => setProductBackend({ mode: "gpu" } as never),
      "setProductBackend options.mode",
    ],
    ["batchedProduct backend 'x'", () => batchedProduct([[1]], [[1]], { backend: "x" as never }), "backend"],
  ];
  for (const [name, fn, argument] of cases) {
    it(`${name} → E_OPTION naming '${argument}'`, () => {
      expect(fn).toThrow(expect.objectContaining({ code: "E_OPTION", argument }));
    });
  }

  it("provideGpuJs rejects what is not gpu.js (E_TYPE), e.g. the browser's native WebGPU `GPU`", () => {
    class NativeWebGpu {}
    expect(() => provideGpuJs({})).toThrow(expect.objectContaining({ code: "E_TYPE" }));
    expect(() => provideGpuJs(NativeWebGpu)).toThrow(expect.objectContaining({ code: "E_TYPE" }));
    expect(() => provideGpuJs(42)).toThrow(expect.objectContaining({ code: "E_TYPE" }));
  });

  it("a failed validation leaves no memory behind", () => {
    new InnerTraining(fixture.problem, sgd(), { batchSize: 50 }).dispose();
    const before = memoryStats();
    for (let i = 0; i < 50; i++)
      expect(() => new InnerTraining(fixture.problem, sgd(), { backend: "nope" as never })).toThrow(GlocalError);
    expect(memoryStats()).toEqual(before);
  });
});

/** gpu.js's real cpu backend, presented as a hardware GPU (headless-gl), to test 'auto'. */
function fakeHardwareGpu(): unknown {
  const Real = gpujs.GPU as unknown as new (s: { mode: string }) => object;
  class HardwareGpu extends (Real as new (s: { mode: string }) => object) {
    constructor(settings: { mode: string }) {
      super({ ...settings, mode: "cpu" });
    }
    static get isHeadlessGLSupported() {
      return true;
    }
    static get isWebGL2Supported() {
      return false;
    }
    static get isWebGLSupported() {
      return false;
    }
    static get isWebGPUSupported() {
      return false;
    }
  }
  return HardwareGpu;
}

describe("'auto' with a GPU present (simulated)", () => {
  it("reports the GPU and sends products of at least `crossover` flops to it, the rest to WebAssembly", () => {
    provideGpuJs(fakeHardwareGpu());
    const info = backendInfo();
    expect(info.gpu).toMatchObject({ available: true, mode: "headlessgl", software: false, reason: null });
    expect(info.products).toBe("gpu");

    // Softmax, batch 50, 784 features, k(1+q) = 10·3 columns: forward 2·50·784·30 flops.
    const forward = 2 * 50 * 784 * 30;
    const count = (crossover: number) => {
      setProductBackend({ crossover });
      const run = new InnerTraining(fixture.problem, sgd(), { batchSize: 50 });
      expect(run.products).toBe("gpu");
      const before = backendInfo().gpu.products;
      run.step(1);
      run.dispose();
      const after = backendInfo().gpu.products;
      return { gpu: after.gpu - before.gpu, wasm: after.wasm - before.wasm };
    };
    expect(count(0)).toEqual({ gpu: 2, wasm: 0 });
    expect(count(forward)).toEqual({ gpu: 2, wasm: 0 }); // both products are exactly this size
    expect(count(forward + 1)).toEqual({ gpu: 0, wasm: 2 });
  });

  it("a software renderer is reported but not chosen", () => {
    const Real = fakeHardwareGpu() as new (s: { mode: string }) => object;
    // The renderer string comes from the kernel's WebGL context: give the cpu kernel one.
    const soft = class extends Real {
      createKernel(fn: unknown, settings: unknown) {
        const k = (
          Real.prototype as unknown as { createKernel: (f: unknown, s: unknown) => { kernel: Record<string, unknown> } }
        ).createKernel.call(this, fn, settings);
        const ctx = { RENDERER: 1, getExtension: () => null, getParameter: () => "Google SwiftShader" };
        k.kernel = new Proxy(k.kernel, {
          get: (t, p) => (p === "context" ? ctx : (t as Record<string | symbol, unknown>)[p]),
        });
        return k;
      }
    };
    provideGpuJs(soft);
    const info = backendInfo();
    expect(info.gpu).toMatchObject({ available: true, software: true, renderer: "Google SwiftShader" });
    expect(info.gpu.reason).toMatch(/software renderer/);
    expect(info.products).toBe("wasm");
    const run = new InnerTraining(fixture.problem, sgd(), { batchSize: 50 });
    expect(run.products).toBe("wasm");
    run.dispose();
  });
});

describe("batchedProduct on each backend", () => {
  const shapes: Array<[string, number, number, number, boolean, boolean]> = [
    ["skinny X·W", 40, 7, 33, false, false],
    ["X·[W|Ẇ] wide", 23, 130, 41, false, false],
    ["Xᵀ·D skinny", 19, 9, 50, true, false],
    ["Xᵀ·D wide", 17, 60, 31, true, false],
    ["D·Wᵀ", 29, 21, 12, false, true],
  ];
  for (const [name, m, n, k, tA, tB] of shapes) {
    it(`${name} (${m} × ${n} × ${k}): gpu.js cpu and webasm agree with WebAssembly f64 to f32 accuracy`, () => {
      const A = tA ? randomMatrix(k, m, 1) : randomMatrix(m, k, 1);
      const B = tB ? randomMatrix(n, k, 2) : randomMatrix(k, n, 2);
      const ref = refGemm(A, B, tA, tB);
      const abs = (X: typeof A) => ({ ...X, data: X.data.map(Math.abs) });
      const sumAbs = refGemm(abs(A), abs(B), tA, tB); // Σ|a||b| per entry
      const wasm = batchedProduct(A, B, { transA: tA, transB: tB, backend: "wasm" });
      for (let i = 0; i < ref.data.length; i++)
        expect(Math.abs(wasm.data[i] - ref.data[i])).toBeLessThanOrEqual(k * 2 ** -52 * sumAbs.data[i]);
      for (const gpuMode of ["cpu", "webasm"] as const) {
        const gpu = batchedProduct(A, B, { transA: tA, transB: tB, backend: "gpu", gpuMode });
        expect(gpu.rows).toBe(m);
        expect(gpu.cols).toBe(n);
        let worst = 0,
          ratio = 0;
        for (let i = 0; i < ref.data.length; i++) {
          const e = Math.abs(gpu.data[i] - ref.data[i]);
          worst = Math.max(worst, e);
          // Worst-case error of k f32 multiply-adds on f32-rounded inputs: (k+2)·2⁻²⁴·Σ|a||b|.
          ratio = Math.max(ratio, e / ((k + 2) * 2 ** -24 * sumAbs.data[i]));
        }
        expect(ratio).toBeLessThanOrEqual(1);
        expect(worst).toBeGreaterThan(0); // really f32: not the f64 result
      }
    });
  }

  it("rejects mismatched shapes (E_SHAPE) and leaves the inputs alone", () => {
    const A = randomMatrix(3, 4, 1),
      B = randomMatrix(5, 2, 2);
    const a = A.data.slice();
    expect(() => batchedProduct(A, B, { backend: "gpu", gpuMode: "cpu" })).toThrow(
      expect.objectContaining({ code: "E_SHAPE" }),
    );
    expect(A.data).toEqual(a);
    expect(datasets.MNIST_FEATURES).toBe(784);
  });
});
