/**
 * glocal-hypergrad: glocal hypergradient estimation with the Koopman operator.
 * WebAssembly f64 kernels (SIMD, relaxed-SIMD where available) behind a thin typed API.
 */
export * as linalg from "./linalg/index";
// Forward-mode hypergradients: problems, optimisers, training sessions, datasets.
export * as problems from "./problems/index";
export * as datasets from "./datasets/index";
export type { Problem, ProblemKind, ProblemData, ProblemOptions, ClassifierOptions, MlpOptions, Activation, DataSplit, Targets, ParameterBlock } from "./problems/index";
export type { MnistOptions, ClassificationData, SyntheticOptions, SyntheticData } from "./datasets/index";
export { optimizers } from "./optimizers";
export type { OptimizerSpec, OptimizerKind, SgdSpec, MomentumSpec, AdamSpec } from "./optimizers";
export type { HyperName, WeightsOptions, WeightTransform } from "./hyperparams";
export { InnerTraining, PluginTraining, hypergradientTrajectory, globalHypergradient, localHypergradient } from "./hypergrad";
export type { InnerTrainingOptions, TrajectoryOptions, PluginTrajectoryOptions, HypergradientResult } from "./hypergrad";
export type { TrainingSession, TrainingState, TrainingSnapshot, TrainingCounts, TrajectoryResult, StepOptions } from "./training/types";
export type { PluginModel, PluginState, PluginSnapshot, PluginTrainingOptions } from "./problems/plugin";
export { GlocalError, isGlocalError } from "./errors";
export type { GlocalErrorCode } from "./errors";
export { matrix, identity, get, toArray, transpose, toMatrix } from "./matrix";
export type { Matrix, MatrixLike, VectorLike } from "./matrix";
export { ready, initSync, memoryStats, relaxedSimdSupported } from "./wasm";
export type { BinaryName, BinaryPreference } from "./wasm";
export { backendInfo } from "./backend";
export type { BackendInfo } from "./backend";
// Where the batched model products run: WebAssembly f64 or gpu.js f32 (src/gpu).
export { setProductBackend, productDefaults, provideGpuJs, batchedProduct, GPU_MODES, PRODUCT_BACKENDS } from "./gpu/index";
export type { ProductBackend, ProductOptions, ProductDefaults, GpuInfo, GpuMode, BatchedProductOptions } from "./gpu/index";
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
export { optimize, STRATEGIES } from "./optimize";
export type { Strategy, OptimizeOptions, OptimizeResult, HistoryEntry, OptimizeEvent, Progress, GlocalOptions, GlocalTarget, MetaOptimizerSpec } from "./optimize";
// The demo's whole job (also the browser demo's worker) and its SVG report.
export { runDemo } from "./demo/run";
export type { DemoOptions, DemoProgress, DemoResult, DemoSettings } from "./demo/run";
export { renderReportSvg, STRATEGY_COLOURS } from "./report/svg";
export type { DemoReport } from "./report/svg";
