/**
 * `backendInfo()`: which WebAssembly binary runs the f64 kernels (src/wasm.ts) and where
 * the batched model products go (src/gpu/dispatch.ts).
 */
import { backendInfo as wasmInfo, BackendInfo as WasmBackendInfo } from "../core/load";
import { GpuInfo, defaultProducts, gpuInfo } from "./dispatch";

/** What `backendInfo()` reports: the WebAssembly binary and where the batched model products go. */
export interface BackendInfo extends WasmBackendInfo {
  /** Where the batched model products of a session with default options go: 'gpu' means
   *  gpu.js f32 for products above `gpu.crossover` flops, the rest WebAssembly f64. */
  products: "wasm" | "gpu";
  gpu: GpuInfo;
}

/** Which binary runs, what the runtime supports, and where the model products go. */
export function backendInfo(): BackendInfo {
  return { ...wasmInfo(), products: defaultProducts(), gpu: gpuInfo() };
}
