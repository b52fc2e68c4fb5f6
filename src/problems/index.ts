/** Built-in inner problems: `problems.linear`, `.logistic`, `.softmax`, `.mlp`. */
export { linear } from "./linear";
export { logistic } from "./logistic";
export { softmax } from "./softmax";
export type { ClassifierOptions } from "./softmax";
export { mlp } from "./mlp";
export type { MlpOptions, Activation } from "./mlp";
export type {
  Problem,
  ProblemKind,
  ProblemData,
  ProblemOptions,
  DataSplit,
  Targets,
  ParameterBlock,
  DecayMode,
  ProblemWarning,
} from "./types";
