/**
 * glocal-hypergrad: glocal hypergradient estimation with the Koopman operator.
 * WebAssembly f64 kernels (SIMD, relaxed-SIMD where available) behind a thin typed API.
 */
export * as linalg from "./linalg/index";
export { GlocalError, isGlocalError } from "./errors";
export type { GlocalErrorCode } from "./errors";
export { matrix, identity, get, toArray, transpose, toMatrix } from "./matrix";
export type { Matrix, MatrixLike, VectorLike } from "./matrix";
export { backendInfo, ready, initSync, memoryStats, relaxedSimdSupported } from "./wasm";
export type { BackendInfo, BinaryName, BinaryPreference } from "./wasm";
