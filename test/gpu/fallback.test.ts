/**
 * gpu.js must never break a run: a gpu.js that cannot be loaded (simulated with a module
 * mock), or whose kernels fail mid-run, leaves the products to WebAssembly with the reason
 * reported; memory does not grow; offloading is switched off after every call.
 */
jest.mock("gpu.js", () => {
  throw new Error("simulated: gpu.js failed to load");
});

import {
  InnerTraining,
  optimizers,
  hypergradientTrajectory,
  backendInfo,
  setProductBackend,
  provideGpuJs,
  memoryStats,
  batchedProduct,
  GlocalError,
} from "../../src/index";
import { kernels } from "../../src/core/load";
import { withProductHook } from "../../src/core/productHook";
import { withScope } from "../../src/core/scope";
import { useSoftmaxGpuFixture } from "../support/gpu";

const fixture = useSoftmaxGpuFixture();

const opt = () => optimizers.momentum({ lr: 0.05, wd: 0.01, momentum: 0.8 });
const traj = (extra: object) =>
  hypergradientTrajectory(fixture.problem, opt(), {
    hyper: ["lr", "wd", "momentum"],
    steps: 20,
    batchSize: 50,
    seed: 4,
    ...extra,
  });

/** A stand-in gpu.js whose kernels compute on the CPU in f64 until `failAfter` runs, then throw. */
function flakyGpuJs(failAfter: number): { lib: unknown; runs: () => number } {
  let runs = 0;
  class FlakyGpu {
    constructor(_settings: { mode: string }) {}
    static get isHeadlessGLSupported() {
      return false;
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
    createKernel(_fn: unknown, settings: { output: [number, number]; constants: { k: number; n: number } }) {
      const [n, m] = settings.output,
        { k } = settings.constants;
      const kernel = (a: Float32Array, b: Float32Array) => {
        if (++runs > failAfter) throw new Error("simulated: WebGL context lost");
        return Array.from({ length: m }, (_, i) =>
          Float32Array.from({ length: n }, (_, j) => {
            let s = 0;
            for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
            return s;
          }),
        );
      };
      return Object.assign(kernel, { destroy() {} });
    }
    destroy() {}
  }
  return { lib: FlakyGpu, runs: () => runs };
}

describe("gpu.js that cannot be loaded", () => {
  it("'auto' runs on WebAssembly; forcing 'gpu' is E_UNSUPPORTED with the load error", () => {
    const run = new InnerTraining(fixture.problem, opt(), { batchSize: 50 });
    expect(run.products).toBe("wasm");
    run.step(3);
    run.dispose();
    const attempt = () => new InnerTraining(fixture.problem, opt(), { backend: "gpu", gpuMode: "cpu" });
    expect(attempt).toThrow(expect.objectContaining({ code: "E_UNSUPPORTED", argument: "backend" }));
    expect(attempt).toThrow(/simulated: gpu.js failed to load/);
    expect(() => batchedProduct([[1]], [[2]], { backend: "gpu", gpuMode: "webasm" })).toThrow(GlocalError);
    expect(batchedProduct([[1]], [[2]], { backend: "auto" }).data[0]).toBe(2);
    const info = backendInfo();
    expect(info.products).toBe("wasm");
    expect(info.gpu.available).toBe(false);
    expect(info.gpu.loaded).toBe(false);
  });
});

describe("gpu.js failing in the middle of a run", () => {
  it("the failing product and every later one fall back to WebAssembly; the run completes", () => {
    const f64 = traj({ backend: "wasm" });
    const flaky = flakyGpuJs(7);
    provideGpuJs(flaky.lib);
    const mixed = traj({ backend: "gpu", gpuMode: "cpu" });
    expect(flaky.runs()).toBe(8); // 7 good products, then the failure; none after it
    const info = backendInfo();
    expect(info.gpu.error).toMatch(/simulated: WebGL context lost/);
    expect(info.gpu.products.gpu).toBe(7);
    // The 7 early products were f32: the rest is f64, so the trajectory is close, not equal.
    let worst = 0;
    for (let i = 0; i < f64.trajectory.data.length; i++)
      worst = Math.max(worst, Math.abs(mixed.trajectory.data[i] - f64.trajectory.data[i]));
    expect(worst).toBeLessThan(1e-6);
    // That mode is not used again until setProductBackend() clears the failure.
    expect(() => traj({ backend: "gpu", gpuMode: "cpu" })).toThrow(expect.objectContaining({ code: "E_UNSUPPORTED" }));
    setProductBackend();
    expect(backendInfo().gpu.error).toBeNull();
  });

  it("a gpu.js that fails on its first product gives exactly the WebAssembly result", () => {
    const f64 = traj({ backend: "wasm" });
    provideGpuJs(flakyGpuJs(0).lib);
    const fallback = traj({ backend: "gpu", gpuMode: "cpu" });
    expect(Array.from(fallback.trajectory.data)).toEqual(Array.from(f64.trajectory.data));
  });
});

describe("memory and state", () => {
  it("many GPU-path steps and sessions leave WebAssembly memory where it was", () => {
    provideGpuJs(flakyGpuJs(Infinity).lib);
    const warm = new InnerTraining(fixture.problem, opt(), { batchSize: 50, backend: "gpu", gpuMode: "cpu" });
    warm.step(3);
    warm.dispose();
    const before = memoryStats();
    for (let s = 0; s < 12; s++) {
      const run = new InnerTraining(fixture.problem, opt(), { batchSize: 50, backend: "gpu", gpuMode: "cpu", seed: s });
      run.step(4);
      run.hypergradient();
      run.valLoss();
      run.dispose();
    }
    expect(memoryStats()).toEqual(before);
  });

  it("offloading is switched off after a GPU session's call, also when the call throws", () => {
    provideGpuJs(flakyGpuJs(Infinity).lib);
    const gpu = new InnerTraining(fixture.problem, opt(), {
      hyper: ["lr", "wd"],
      batchSize: 50,
      backend: "gpu",
      gpuMode: "cpu",
    });
    // A huge learning rate: the loss overflows and the step throws E_DIVERGED inside the offload.
    gpu.setPhi([Math.log(1e200), Math.log(0.01)]);
    expect(() => gpu.step(5)).toThrow(expect.objectContaining({ code: "E_DIVERGED" }));
    gpu.dispose();
    const before = backendInfo().gpu.products;
    const wasm = new InnerTraining(fixture.problem, opt(), { batchSize: 50, backend: "wasm" });
    wasm.step(5);
    wasm.dispose();
    expect(backendInfo().gpu.products).toEqual(before);
    expect(memoryStats().openScratchBlocks).toBe(0);
  });

  it("a hook that throws restores the previous one (nested offloads unwind)", () => {
    const seen: string[] = [];
    const product = () =>
      withScope((sc) => {
        const a = sc.put([1, 2]),
          b = sc.put([3, 4]),
          c = sc.alloc(1);
        sc.k.modelProduct(0, 0, 1, 1, 2, a, 2, b, 1, 0, c, 1);
        return sc.read(c, 1)[0];
      });
    withProductHook(
      kernels(),
      () => (seen.push("outer"), 0),
      () => {
        expect(() =>
          withProductHook(
            kernels(),
            () => (seen.push("inner"), 0),
            () => {
              product();
              throw new Error("boom");
            },
          ),
        ).toThrow("boom");
        expect(product()).toBe(11);
      },
    );
    expect(product()).toBe(11);
    expect(seen).toEqual(["inner", "outer"]);
  });
});
