/** Shared fixtures of the forward-mode tests: tiny problems and finite differences. */
import {
  datasets,
  optimizers,
  problems,
  InnerTraining,
  OptimizerSpec,
  HyperName,
  WeightsOptions,
} from "../../src/index";
import type { DecayMode, Problem } from "../../src/index";

export type ModelName = "linear" | "logistic" | "softmax" | "mlp-tanh" | "mlp-gelu" | "mlp2-tanh" | "mlp2-gelu";
export const MODELS: ModelName[] = ["linear", "logistic", "softmax", "mlp-tanh", "mlp-gelu", "mlp2-tanh", "mlp2-gelu"];
export type OptimizerName = "sgd" | "momentum" | "adam";
export const OPTIMIZERS: OptimizerName[] = ["sgd", "momentum", "adam"];

export const N_TRAIN = 12;

/** The sizes and noise of the tiny problems' synthetic data (12 training, 8 validation examples, 4 features). */
export const TINY_DATA = { train: N_TRAIN, val: 8, features: 4, noise: 0.3 };

/** The structural options of a tiny problem: bias (one flag, or one per MLP layer) and decay. */
export interface TinyOptions {
  bias?: boolean | boolean[];
  decay?: DecayMode;
}

/** A tiny problem of each kind (data: TINY_DATA). */
export function tinyProblem(model: ModelName, seed = 1, options: TinyOptions = {}): Problem {
  const common = { ...TINY_DATA, seed };
  const { bias, decay } = options;
  const linearBias = Array.isArray(bias) ? bias[0] : bias;
  switch (model) {
    case "linear":
      return problems.linear(datasets.synthetic({ kind: "regression", outputs: 2, ...common }), {
        bias: linearBias,
        decay,
      });
    case "logistic":
      return problems.logistic(datasets.synthetic({ kind: "binary", ...common }), { bias: linearBias, decay });
    case "softmax":
      return problems.softmax(datasets.synthetic({ kind: "multiclass", classes: 3, ...common }), {
        classes: 3,
        bias: linearBias,
        decay,
      });
    default: {
      const [, act] = model.split("-") as [string, "tanh" | "gelu"];
      const hidden = model.startsWith("mlp2") ? [4, 3] : [5];
      return problems.mlp(datasets.synthetic({ kind: "multiclass", classes: 3, ...common }), {
        classes: 3,
        hidden,
        activation: act,
        seed: 7,
        bias,
        decay,
      });
    }
  }
}

export function optimizer(name: OptimizerName): OptimizerSpec {
  switch (name) {
    case "sgd":
      return optimizers.sgd({ lr: 0.3, wd: 0.02 });
    case "momentum":
      return optimizers.momentum({ lr: 0.1, wd: 0.02, momentum: 0.6 });
    case "adam":
      return optimizers.adam({ lr: 0.05, wd: 0.02, beta1: 0.8, beta2: 0.95 });
  }
}

/** Every hyperparameter the optimiser has, plus the per-example weights. */
export function allHypers(opt: OptimizerName): HyperName[] {
  return opt === "sgd" ? ["lr", "wd", "weights"] : ["lr", "wd", "momentum", "weights"];
}

/** Weights varied per example, so each weight's derivative differs. */
export function tinyWeights(transform: "sigmoid" | "softplus"): WeightsOptions {
  const initial = Array.from({ length: N_TRAIN }, (_, i) =>
    transform === "sigmoid" ? 0.25 + 0.04 * i : 0.5 + 0.1 * i,
  );
  return { transform, initial };
}

/** ℓ̃(θ_T(φ)) by plain training (no tangent). */
export function unrolledValLoss(
  problem: Problem,
  opt: OptimizerSpec,
  options: ConstructorParameters<typeof InnerTraining>[2],
  phi: Float64Array,
  steps: number,
): number {
  const s = new InnerTraining(problem, opt, options);
  try {
    s.setPhi(phi);
    s.step(steps, { tangent: false });
    return s.valLoss();
  } finally {
    s.dispose();
  }
}

/** 4th-order central differences of f at φ along each coordinate. */
export function fdGradient(f: (phi: Float64Array) => number, phi: Float64Array, eps = 1e-3): Float64Array {
  const out = new Float64Array(phi.length);
  for (let j = 0; j < phi.length; j++) {
    const at = (d: number) => {
      const p = phi.slice();
      p[j] += d;
      return f(p);
    };
    out[j] = (-at(2 * eps) + 8 * at(eps) - 8 * at(-eps) + at(-2 * eps)) / (12 * eps);
  }
  return out;
}

/** The driver tests' data: 3 classes, 8 features, 120 training and 80 validation examples. */
export function driverData() {
  return datasets.synthetic({ kind: "multiclass", train: 120, val: 80, features: 8, classes: 3, noise: 0.5, seed: 3 });
}
