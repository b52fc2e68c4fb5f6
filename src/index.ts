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
export { optimizers } from "./training/optim";
export type { OptimizerSpec, OptimizerKind, SgdSpec, MomentumSpec, AdamSpec } from "./training/optim";
export type { HyperName, WeightsOptions, WeightTransform } from "./training/hyperparameters";
export { InnerTraining, PluginTraining, hypergradientTrajectory, globalHypergradient, localHypergradient } from "./training/functional";
export type { InnerTrainingOptions, TrajectoryOptions, PluginTrajectoryOptions, HypergradientResult } from "./training/functional";
export type { TrainingSession, TrainingState, TrainingSnapshot, TrainingCounts, TrajectoryResult, StepOptions } from "./training/types";
export type { PluginModel, PluginState, PluginSnapshot, PluginTrainingOptions } from "./training/plugin";
export { GlocalError, isGlocalError } from "./core/errors";
export type { GlocalErrorCode } from "./core/errors";
export { matrix, identity, get, toArray, transpose, toMatrix } from "./core/matrix";
export type { Matrix, MatrixLike, VectorLike } from "./core/matrix";
export { ready, initSync, memoryStats, relaxedSimdSupported } from "./core/load";
export type { BinaryName, BinaryPreference } from "./core/load";
export { backendInfo } from "./gpu/backendInfo";
export type { BackendInfo } from "./gpu/backendInfo";
// Where the batched model products run: WebAssembly f64 or gpu.js f32 (src/gpu).
export { setProductBackend, productDefaults, provideGpuJs, batchedProduct, GPU_MODES, PRODUCT_BACKENDS } from "./gpu/index";
export type { ProductBackend, ProductOptions, ProductDefaults, GpuInfo, GpuMode, BatchedProductOptions } from "./gpu/index";
export { hankel } from "./estimate/hankel";
export type { HankelPair } from "./estimate/hankel";
export { dmd } from "./estimate/dmd";
export type { DmdResult } from "./estimate/dmd";
export { rank, parseRankRule, numericalRank } from "./estimate/rank";
export type { RankRule } from "./estimate/rank";
export { estimateGlobal } from "./estimate/pipeline";
export { defaultDelay, DEFAULT_METHOD, METHODS } from "./estimate/options";
export type { EstimateOptions, GlobalEstimate, EstimateDiagnostics, AutoCandidate, Method, EstimateWarning, TrustThresholds } from "./estimate/types";
export { GlocalEstimator } from "./estimate/streaming";
export type { GlocalEstimatorOptions } from "./estimate/streaming";
export { optimize, STRATEGIES } from "./optimize";
export type { Strategy, OptimizeOptions, OptimizeResult, HistoryEntry, OptimizeEvent, Progress, GlocalOptions, GlocalTarget, MetaOptimizerSpec } from "./optimize";
// The demo's whole job (also the browser demo's worker) and its SVG report.
export { runDemo } from "./app/demo/run";
export type { DemoOptions, DemoProgress, DemoResult, DemoSettings } from "./app/demo/run";
export { renderReportSvg, STRATEGY_COLOURS } from "./app/report/svg";
export type { DemoReport } from "./app/report/svg";
