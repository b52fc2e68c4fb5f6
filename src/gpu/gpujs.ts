/**
 * The part of gpu.js (https://gpu.rocks, a dependency) that glocal uses, typed locally so
 * nothing of gpu.js is loaded until a product is actually sent to it.
 */

/** gpu.js backends: the real GPUs first, then gpu.js's own CPU fallbacks (f32 too). */
export type GpuMode = "webgl2" | "webgl" | "headlessgl" | "webasm" | "cpu";
/** Every gpu.js mode, the GPU ones first. */
export const GPU_MODES: readonly GpuMode[] = ["webgl2", "webgl", "headlessgl", "webasm", "cpu"];
/** Modes that run on a graphics processor (what 'auto' may choose). */
export const HARDWARE_MODES: readonly GpuMode[] = ["headlessgl", "webgl2", "webgl"];

export interface GpuJsKernelInstance {
  context?: unknown;
}

/** A kernel as createKernel returns it: callable, with the backend's kernel behind it. */
export interface GpuJsKernel {
  (...args: unknown[]): unknown;
  kernel?: GpuJsKernelInstance;
  destroy?(removeCanvasReferences?: boolean): void;
}

export interface GpuJsInstance {
  createKernel(fn: (...args: never[]) => number, settings: Record<string, unknown>): GpuJsKernel;
  destroy(): unknown;
}

export interface GpuJsClass {
  new (settings: { mode: GpuMode }): GpuJsInstance;
  readonly isWebGL2Supported: boolean;
  readonly isWebGLSupported: boolean;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebGPUSupported: boolean;
  readonly prototype: { createKernel?: unknown };
}

/** What the rest of glocal needs: the GPU class and the kernel class of each mode. */
export interface GpuJs {
  GPU: GpuJsClass;
  /** The kernel class a kernel of `mode` must be an instance of (gpu.js may silently
   *  degrade a kernel to its cpu backend; glocal checks). */
  kernelClass(mode: GpuMode): (abstract new (...args: never[]) => unknown) | null;
}

const KERNEL_CLASS: Record<GpuMode, string> = {
  webgl2: "WebGL2Kernel",
  webgl: "WebGLKernel",
  headlessgl: "HeadlessGLKernel",
  webasm: "WebAssemblyKernel",
  cpu: "CPUKernel",
};

/**
 * Accepts gpu.js as `require('gpu.js')` gives it (a module object with `GPU`) or as the
 * browser build's global (the GPU class with the kernel classes as statics). Anything
 * else (e.g. the browser's native WebGPU interface, also named `GPU`) is null.
 */
export function asGpuJs(candidate: unknown): GpuJs | null {
  if (candidate === null || (typeof candidate !== "object" && typeof candidate !== "function")) return null;
  const holder = candidate as Record<string, unknown>;
  const GPU = (typeof holder.GPU === "function" ? holder.GPU : candidate) as GpuJsClass;
  if (typeof GPU !== "function" || typeof GPU.prototype?.createKernel !== "function") return null;
  const classes = holder as Record<string, unknown>;
  return {
    GPU,
    kernelClass(mode) {
      const c = classes[KERNEL_CLASS[mode]] ?? (GPU as unknown as Record<string, unknown>)[KERNEL_CLASS[mode]];
      return typeof c === "function" ? (c as abstract new (...args: never[]) => unknown) : null;
    },
  };
}
