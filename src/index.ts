/**
 * glocal-hypergrad: glocal hypergradient estimation with the Koopman operator.
 * WebAssembly f64 kernels (SIMD, relaxed-SIMD where available) behind a thin typed API.
 *
 * The entry is grouped as the library is layered: the estimate (from a trajectory of
 * hypergradients to the global one), forward mode (trajectories from training), the
 * optimisation driver, dense linear algebra, and the runtime (loading, memory, backends,
 * errors). The demo application and its report are a separate entry, `glocal-hypergrad/demo`.
 *
 * @packageDocumentation
 */

// --- The estimate: Hankel DMD and its relatives on a hypergradient trajectory ---------
export { estimateGlobal } from "./estimate/pipeline";
export { GlocalEstimator } from "./estimate/streaming";
export type { GlocalEstimatorOptions } from "./estimate/streaming";
export { defaultDelay, DEFAULT_DELAY_DIM, DEFAULT_METHOD, METHODS } from "./estimate/options";
export type {
  EstimateOptions,
  GlobalEstimate,
  EstimateDiagnostics,
  AutoCandidate,
  Method,
  EstimateWarning,
  TrustThresholds,
} from "./estimate/types";
export { hankel } from "./estimate/hankel";
export type { HankelPair } from "./estimate/hankel";
export { dmd } from "./estimate/dmd";
export type { DmdResult } from "./estimate/dmd";
export { rank, parseRankRule, numericalRank } from "./estimate/rank";
export type { RankRule } from "./estimate/rank";

// --- Forward mode: inner problems, optimisers, training sessions, datasets ------------
/** The built-in inner problems (linear, logistic, softmax regression, MLP) on your data. */
export * as problems from "./problems/index";
/** Data: the MNIST digits of the optional `mnist` package, the per-feature-decay task built on them, seeded synthetic data, the digits file. */
export * as datasets from "./datasets/index";
export type {
  Problem,
  ProblemKind,
  ProblemData,
  ProblemOptions,
  ClassifierOptions,
  MlpOptions,
  Activation,
  DataSplit,
  Targets,
  ParameterBlock,
  DecayMode,
  ProblemWarning,
} from "./problems/index";
export type {
  MnistOptions,
  ClassificationData,
  SyntheticOptions,
  SyntheticData,
  PerFeatureOptions,
  PerFeatureData,
} from "./datasets/index";
export { optimizers } from "./training/optim/index";
export type { OptimizerSpec, OptimizerKind, SgdSpec, MomentumSpec, AdamSpec } from "./training/optim/index";
export type { HyperName, HyperparameterReport, WeightsOptions, WeightTransform } from "./training/hyperparameters";
export { InnerTraining } from "./training/builtin";
export type { InnerTrainingOptions } from "./training/builtin";
export { threadInfo, setThreadDefaults } from "./training/parallel/threads";
export type { ThreadDefaults, ThreadInfo, ThreadsOption } from "./training/parallel/threads";
export { PluginTraining } from "./training/plugin";
export type { PluginModel, PluginState, PluginSnapshot, PluginTrainingOptions } from "./training/plugin";
export { hypergradientTrajectory, globalHypergradient, localHypergradient } from "./training/functional";
export type { TrajectoryOptions, PluginTrajectoryOptions, HypergradientResult } from "./training/functional";
export type {
  TrainingSession,
  TrainingState,
  TrainingSnapshot,
  TrainingCounts,
  TrajectoryResult,
  StepOptions,
} from "./training/types";

// --- Hyperparameter optimisation: the driver and its strategies -----------------------
export { optimize, optimizeAsync, STRATEGIES, HYPERGRADIENT_STRATEGIES } from "./optimize/index";
export { defaultWorkers, workersAlive } from "./core/workers";
export type {
  Strategy,
  OptimizeOptions,
  OptimizeAsyncOptions,
  OptimizeResult,
  HistoryEntry,
  OptimizeEvent,
  Progress,
  GlocalOptions,
  GlocalTarget,
  GlocalFallback,
  RandomSearchOptions,
} from "./optimize/types";
export type { MetaOptimizerSpec } from "./optimize/meta";

// --- Dense f64 linear algebra and the boundary matrix type ----------------------------
/** Dense f64 linear algebra on the WebAssembly kernels: gemm, gram, qr, lstsq, svd, eig. */
export * as linalg from "./linalg/index";
export { matrix, identity, get, toArray, transpose, toMatrix } from "./core/matrix";
export type { ToMatrixOptions } from "./core/matrix";
export type { Matrix, MatrixLike, VectorLike } from "./core/matrix";

// --- Runtime: loading, memory, where the model products run, errors -------------------
export { ready, initSync, memoryStats, relaxedSimdSupported } from "./core/load";
export type { BinaryName, BinaryPreference, BackendInfo as WasmBackendInfo } from "./core/load";
export { backendInfo } from "./gpu/backendInfo";
export type { BackendInfo } from "./gpu/backendInfo";
export {
  setProductBackend,
  productDefaults,
  provideGpuJs,
  batchedProduct,
  GPU_MODES,
  PRODUCT_BACKENDS,
} from "./gpu/index";
export type {
  ProductBackend,
  ProductOptions,
  ProductDefaults,
  GpuInfo,
  GpuMode,
  BatchedProductOptions,
} from "./gpu/index";
export { GlocalError, isGlocalError } from "./core/errors";
export type { GlocalErrorCode } from "./core/errors";
