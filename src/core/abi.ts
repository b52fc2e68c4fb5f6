/**
 * The typed interface of the WebAssembly module: `Kernels` is generated at build time
 * (scripts/build-wasm.mjs) from the AssemblyScript compiler's own declarations of
 * assembly/index.ts, so a kernel whose name or parameters change no longer type-checks
 * where TypeScript calls it. test/core/abi.test.ts checks the same against the binary.
 */
export type { Kernels } from "../generated/kernels";
