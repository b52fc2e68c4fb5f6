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
export { hankel } from "./hankel";
export type { HankelPair } from "./hankel";
export { dmd } from "./dmd";
export type { DmdResult } from "./dmd";
export { rank, parseRankRule, numericalRank } from "./rank";
export type { RankRule } from "./rank";
export { estimateGlobal, defaultDelay, DEFAULT_METHOD, METHODS } from "./glocal";
export type { EstimateOptions, GlobalEstimate, EstimateDiagnostics, AutoCandidate, Method, EstimateWarning, TrustThresholds } from "./glocal";
export { GlocalEstimator } from "./estimator";
export type { GlocalEstimatorOptions } from "./estimator";
