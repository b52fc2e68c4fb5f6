/** `glocal info`: which WebAssembly binary runs and where the model products go, as JSON. */
import { backendInfo } from "../../gpu/backendInfo";
import { parseFlags } from "./args";
import { CommandHelp, flagSpec } from "./help";

export const INFO_HELP: CommandHelp = {
  name: "info",
  summary: "the runtime glocal found: WebAssembly binary, memory, where the model products go",
  description: [
    "Prints backendInfo() as JSON. wasm: the binary that runs the f64 kernels (relaxed-simd where the runtime validates relaxed SIMD, else simd); relaxedSimdSupported; memoryBytes: WebAssembly memory reserved; products: where the batched model products of a session with default options go (wasm, or gpu for gpu.js above the crossover).",
    "gpu: available (gpu.js found a working hardware backend), mode (its gpu.js mode), renderer (WebGL's renderer string), software (true for a software renderer such as SwiftShader: a GPU API on the CPU, slower than WebAssembly, never chosen by 'auto'), webgpu (the WebGPU API exists; unused, its kernels are asynchronous), loaded (gpu.js has been loaded), crossover (the flops from which 'auto' sends a product to the GPU), reason (why the products stay in WebAssembly), error (the last gpu.js failure) and products (products run by gpu.js and left to WebAssembly so far).",
    "In Node, gpu.js (an optional package) has a GPU backend only through headless-gl (the optional 'gl' package); without it the products stay in WebAssembly and gpu.js is not even loaded.",
  ],
  options: [],
  examples: ["glocal info", "glocal info | jq .gpu.reason"],
};

export function runInfo(args: string[], out: (text: string) => void): number {
  parseFlags(args, flagSpec(INFO_HELP));
  out(JSON.stringify(backendInfo(), null, 2) + "\n");
  return 0;
}
