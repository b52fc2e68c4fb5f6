/**
 * `glocal bench --suite tfjs`: TensorFlow.js models as inner problems (glocal-hypergrad/tfjs),
 * on tfjs's pure-JS CPU backend.
 *
 * Precision: h_T after T = 100 full-batch steps of the tfjs problem (model math in f32)
 * against the built-in f64 problem with the same model, data and θ₀ (logistic, softmax,
 * one-hidden-layer tanh MLP; tfjs as a loss function of parameter tensors and as a
 * tf.LayersModel), for SGD, heavy ball and AdamW: max |Δh| / max |h|.
 *
 * Cost: a step carrying q tangents as a multiple of a plain step, for tfjs (q
 * double-backward passes) and for the built-in WebAssembly kernels, on MNIST digits
 * (784 features, batch 256), and the tfjs step against the WebAssembly step. Sessions take
 * their rounds in turn; medians of the process's CPU time per step (the cores are shared).
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import {
  InnerTraining,
  datasets,
  globalHypergradient,
  optimizers,
  problems,
  type HyperName,
  type OptimizerSpec,
  type Problem,
} from "../src/index";
import { tfjsProblem, type TfjsProblem } from "../src/tfjs/index";
import type { DriverSession } from "../src/training/types";

interface Split {
  x: { rows: number; cols: number; data: Float64Array };
  y: ArrayLike<number>;
}
interface Data {
  train: Split;
  val: Split;
}

export interface PrecisionRow {
  model: string;
  form: "function" | "layers";
  optimizer: string;
  q: number;
  /** max |h_tfjs − h_f64| / max |h_f64|. */
  relErr: number;
  /** max |θ_tfjs − θ_f64| / max |θ_f64| after the T steps. */
  thetaRelErr: number;
}

export interface CostRow {
  model: string;
  q: number;
  tfjsMs: number;
  tfjsRatio: number;
  wasmMs: number;
  wasmRatio: number;
}

export interface TfjsBenchResult {
  date: string;
  tfjs: string;
  backend: string;
  steps: number;
  precision: PrecisionRow[];
  batch: number;
  cost: CostRow[];
  elapsedS: number;
}

/** A model in both worlds: widths d_in, (hidden,) d_out; k = 1: logistic. */
interface Spec {
  name: string;
  widths: number[];
  make: (d: Data) => Problem;
  data: Data;
}

function tensors(theta: Float64Array, widths: number[]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let off = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [i, o] = [widths[l], widths[l + 1]];
    out.push(tf.tensor2d(Float32Array.from(theta.subarray(off, off + i * o)), [i, o]));
    out.push(tf.tensor1d(Float32Array.from(theta.subarray(off + i * o, off + i * o + o))));
    off += i * o + o;
  }
  return out;
}

/** The built-in problem's model, data and θ₀ as a tfjs problem (same θ layout); `release`
 *  disposes it and the LayersModel it reads. */
export function tfjsTwin(
  builtin: Problem,
  data: Data,
  widths: number[],
  form: "function" | "layers",
): { problem: TfjsProblem; release: () => void } {
  const k = widths[widths.length - 1];
  const xs = (s: Split) => tf.tensor2d(Float32Array.from(s.x.data), [s.x.rows, s.x.cols]);
  const labels = (s: Split) => tf.tensor1d(Float32Array.from(s.y));
  const target = (s: Split) => {
    const l = labels(s);
    const t = k === 1 ? tf.reshape(l, [-1, 1]) : tf.oneHot(tf.cast(l, "int32"), k);
    if (t !== l) l.dispose();
    return t;
  };
  const params = tensors(builtin.initialTheta(), widths);
  const owned: tf.Tensor[] = [...params];
  const keep = <T extends tf.Tensor>(t: T) => (owned.push(t), t);
  try {
    if (form === "function") {
      const logits = (p: tf.Tensor[], x: tf.Tensor) => {
        let h = x;
        for (let l = 0; l < p.length; l += 2) {
          h = tf.add(tf.matMul(h, p[l]), p[l + 1]);
          if (l + 2 < p.length) h = tf.tanh(h);
        }
        return h;
      };
      const problem = tfjsProblem({
        params,
        loss:
          k === 1
            ? (p, x, y) => {
                const z = logits(p, x);
                return tf.mean(tf.sub(tf.softplus(z), tf.mul(y, z))) as tf.Scalar;
              }
            : (p, x, y) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits(p, x))), -1))) as tf.Scalar,
        train: { x: keep(xs(data.train)), y: keep(target(data.train)) },
        val: { x: keep(xs(data.val)), y: keep(target(data.val)) },
      });
      return { problem, release: () => problem.dispose() };
    }
    const model = tfl.sequential({
      layers: widths.slice(1).map((units, l) =>
        tfl.layers.dense({
          units,
          inputShape: l === 0 ? [widths[0]] : undefined,
          activation: l + 2 < widths.length ? "tanh" : k === 1 ? "sigmoid" : "softmax",
        }),
      ),
    });
    model.setWeights(params);
    const problem = tfjsProblem({
      model,
      loss: k === 1 ? "binaryCrossentropy" : "sparseCategoricalCrossentropy",
      train: { x: keep(xs(data.train)), y: keep(labels(data.train)) },
      val: { x: keep(xs(data.val)), y: keep(labels(data.val)) },
    });
    return {
      problem,
      release: () => {
        problem.dispose();
        model.dispose();
      },
    };
  } finally {
    tf.dispose(owned);
  }
}

function relMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

const OPTIMIZERS: Array<[string, OptimizerSpec, HyperName[]]> = [
  ["sgd", optimizers.sgd({ lr: 0.3, wd: 0.02 }), ["lr", "wd"]],
  ["heavy ball", optimizers.momentum({ lr: 0.1, wd: 0.02, momentum: 0.6 }), ["lr", "wd", "momentum"]],
  ["adamw ε 1e-8", optimizers.adam({ lr: 0.02, wd: 0.02, beta1: 0.8, beta2: 0.95 }), ["lr", "wd", "momentum"]],
  // Adam's m̂/(√v̂ + ε) turns gradients below ε into updates of order lr: a larger ε keeps
  // f32 rounding noise (gradients ~1e-8 where f64 has ~1e-17) from being amplified.
  [
    "adamw ε 1e-6",
    optimizers.adam({ lr: 0.02, wd: 0.02, beta1: 0.8, beta2: 0.95, eps: 1e-6 }),
    ["lr", "wd", "momentum"],
  ],
];

function precision(quick: boolean, log: (s: string) => void, steps: number): PrecisionRow[] {
  const common = { train: 200, val: 100, features: 20, noise: 0.3, seed: 3 };
  const multi = datasets.synthetic({ kind: "multiclass", classes: 5, ...common }) as unknown as Data;
  const binary = datasets.synthetic({ kind: "binary", ...common }) as unknown as Data;
  const digits = datasets.mnist({ train: quick ? 200 : 500, val: 200, seed: 1 }) as unknown as Data;
  const specs: Spec[] = [
    { name: "logistic 20", widths: [20, 1], make: (d) => problems.logistic(d as never), data: binary },
    { name: "softmax 20-5", widths: [20, 5], make: (d) => problems.softmax(d as never, { classes: 5 }), data: multi },
    {
      name: "mlp 20-16-5 tanh",
      widths: [20, 16, 5],
      make: (d) => problems.mlp(d as never, { classes: 5, hidden: [16], activation: "tanh", seed: 2 }),
      data: multi,
    },
    { name: "softmax 784-10 (MNIST)", widths: [784, 10], make: (d) => problems.softmax(d as never), data: digits },
    {
      name: "mlp 784-32-10 tanh (MNIST)",
      widths: [784, 32, 10],
      make: (d) => problems.mlp(d as never, { hidden: [32], activation: "tanh", seed: 2 }),
      data: digits,
    },
  ];
  const rows: PrecisionRow[] = [];
  log(`precision: h_T after T = ${steps} full-batch steps, tfjs (f32 model math) vs built-in (f64)`);
  for (const spec of specs) {
    const builtin = spec.make(spec.data);
    try {
      for (const [optName, opt, hyper] of OPTIMIZERS) {
        // MNIST rows: SGD only (the optimisers' recurrences are the same code on any model).
        if (spec.name.includes("MNIST") && optName !== "sgd") continue;
        const ref = globalHypergradient(builtin, opt, { steps, hyper });
        for (const form of ["function", "layers"] as const) {
          const twin = tfjsTwin(builtin, spec.data, spec.widths, form);
          try {
            const got = globalHypergradient(twin.problem, opt, { steps, hyper });
            if (got.approximate) throw new Error(`${spec.name} ${form}: approximate (${got.approximation})`);
            const row: PrecisionRow = {
              model: spec.name,
              form,
              optimizer: optName,
              q: hyper.length,
              relErr: relMax(got.hypergradient, ref.hypergradient),
              thetaRelErr: relMax(got.state.theta, ref.state.theta),
            };
            rows.push(row);
            log(
              `  ${spec.name.padEnd(27)} ${form.padEnd(8)} ${optName.padEnd(12)} h_T rel err ${row.relErr.toExponential(2)}  θ_T ${row.thetaRelErr.toExponential(2)}`,
            );
          } finally {
            twin.release();
          }
        }
      }
    } finally {
      builtin.dispose();
    }
  }
  return rows;
}

/** This process's CPU time in ms (user + system): unlike wall time, it does not count the
 *  time other jobs on the shared cores take (both engines run on this one thread). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median CPU ms per step of each session (rounds interleaved). */
function timeSessions(sessions: DriverSession[], steps: number, rounds: number): number[] {
  sessions.forEach((s) => s.step(2)); // warm-up, and tangents no longer zero
  const times: number[][] = sessions.map(() => []);
  for (let r = 0; r < rounds; r++)
    sessions.forEach((s, i) => {
      const t0 = cpuMs();
      s.step(steps);
      times[i].push((cpuMs() - t0) / steps);
    });
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

const HYPERS: HyperName[][] = [[], ["lr"], ["lr", "wd"], ["lr", "wd", "momentum"]];

function cost(quick: boolean, log: (s: string) => void, batch: number): CostRow[] {
  const digits = datasets.mnist({ train: 1024, val: 256, seed: 1 }) as unknown as Data;
  const specs: Spec[] = [
    { name: "softmax 784-10", widths: [784, 10], make: (d) => problems.softmax(d as never), data: digits },
    {
      name: "mlp 784-64-10 tanh",
      widths: [784, 64, 10],
      make: (d) => problems.mlp(d as never, { hidden: [64], activation: "tanh", seed: 2 }),
      data: digits,
    },
  ];
  const opt = optimizers.momentum({ lr: 0.01, wd: 1e-4, momentum: 0.9 });
  const steps = quick ? 1 : 3,
    rounds = quick ? 3 : 7;
  const rows: CostRow[] = [];
  log(`cost: CPU ms per step (batch ${batch}), tfjs CPU backend vs built-in WebAssembly; ratio to the plain step`);
  for (const spec of specs) {
    const builtin = spec.make(spec.data);
    const twin = tfjsTwin(builtin, spec.data, spec.widths, "function");
    const options = (hyper: HyperName[]) => ({ hyper, batchSize: batch, seed: 1 });
    const sessions: DriverSession[] = [
      ...HYPERS.map((h) => twin.problem.createSession(opt, options(h))),
      ...HYPERS.map((h) => new InnerTraining(builtin, opt, options(h))),
    ];
    try {
      const ms = timeSessions(sessions, steps, rounds);
      const t = ms.slice(0, HYPERS.length),
        w = ms.slice(HYPERS.length);
      HYPERS.forEach((h, q) => {
        const row = { model: spec.name, q, tfjsMs: t[q], tfjsRatio: t[q] / t[0], wasmMs: w[q], wasmRatio: w[q] / w[0] };
        rows.push(row);
        log(
          `  ${spec.name.padEnd(20)} q = ${q}  tfjs ${row.tfjsMs.toFixed(1).padStart(7)} ms (${row.tfjsRatio.toFixed(2)}×)  wasm ${row.wasmMs.toFixed(2).padStart(6)} ms (${row.wasmRatio.toFixed(2)}×)  tfjs/wasm ${(row.tfjsMs / row.wasmMs).toFixed(0)}×`,
        );
      });
    } finally {
      sessions.forEach((s) => s.dispose());
      twin.release();
      builtin.dispose();
    }
  }
  return rows;
}

export async function runTfjsBench(opts: {
  quick: boolean;
  log: (s: string) => void;
}): Promise<{ json: TfjsBenchResult; markdown: string }> {
  const started = performance.now();
  await tf.setBackend("cpu");
  // No "install tfjs-node" banner (tfjs's IS_TEST flag would also add leak checks to every kernel).
  const warn = console.warn;
  console.warn = () => undefined;
  tf.tensor1d([0]).dispose();
  console.warn = warn;
  const log = (s: string) => opts.log(s + "\n");
  const steps = 100,
    batch = 256;
  const precisionRows = precision(opts.quick, log, steps);
  const costRows = cost(opts.quick, log, batch);
  const json: TfjsBenchResult = {
    date: new Date().toISOString().slice(0, 10),
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    steps,
    precision: precisionRows,
    batch,
    cost: costRows,
    elapsedS: Math.round((performance.now() - started) / 1000),
  };
  return { json, markdown: markdown(json) };
}

function markdown(r: TfjsBenchResult): string {
  let out = `## TensorFlow.js inner problems (tfjs ${r.tfjs}, ${r.backend} backend, measured ${r.date})\n\n`;
  out += `### Precision: h_T after T = ${r.steps} full-batch steps, tfjs against the built-in f64 problem\n\n`;
  out += "max |h_tfjs − h_f64| / max |h_f64| (and the same for θ_T); same model, data, θ₀ and hyperparameters.\n\n";
  out +=
    "| model | optimiser (q) | function form: h_T | θ_T | LayersModel: h_T | θ_T |\n| :--- | :--- | ---: | ---: | ---: | ---: |\n";
  const keys = [...new Set(r.precision.map((p) => `${p.model}|${p.optimizer}`))];
  for (const key of keys) {
    const [model, optimizer] = key.split("|");
    const f = r.precision.find((p) => p.model === model && p.optimizer === optimizer && p.form === "function");
    const l = r.precision.find((p) => p.model === model && p.optimizer === optimizer && p.form === "layers");
    const e = (v: number | undefined) => (v === undefined ? "—" : v.toExponential(1));
    out += `| ${model} | ${optimizer} (${f?.q ?? l?.q}) | ${e(f?.relErr)} | ${e(f?.thetaRelErr)} | ${e(l?.relErr)} | ${e(l?.thetaRelErr)} |\n`;
  }
  const worst = (kind: (o: string) => boolean) =>
    Math.max(...r.precision.filter((p) => kind(p.optimizer)).map((p) => p.relErr)).toExponential(1);
  out += `\nWorst h_T relative error: gradient descent (sgd) ${worst((o) => o === "sgd")} (target ≤ 1e-4), heavy ball ${worst((o) => o === "heavy ball")}, AdamW ${worst((o) => o.startsWith("adamw"))}.\n`;
  out +=
    "AdamW's step m̂/(√v̂ + ε) maps a gradient g ≪ ε to about g/ε: where the true gradient is zero, f32 rounding " +
    "(~1e-9, where f64 has ~1e-17) becomes a step of order lr, and the tangent there is amplified by 1/ε. In " +
    "softmax 20-5 the biases of the classes with exactly n/k training examples have a zero gradient at θ₀ = 0; " +
    "ε = 1e-6 shrinks the disagreement a hundredfold. The same f32 gradients under SGD and heavy ball agree to ≤ 1e-6.\n\n";
  out += `### Cost of a step carrying q tangents (MNIST digits, 784 features, batch ${r.batch}, heavy ball)\n\n`;
  out +=
    "| model | q | tfjs CPU ms/step | tfjs ratio to plain | WebAssembly CPU ms/step | WebAssembly ratio to plain | tfjs / WebAssembly |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const c of r.cost)
    out += `| ${c.model} | ${c.q} | ${c.tfjsMs.toFixed(1)} | ${c.tfjsRatio.toFixed(2)}× | ${c.wasmMs.toFixed(2)} | ${c.wasmRatio.toFixed(2)}× | ${(c.tfjsMs / c.wasmMs).toFixed(0)}× |\n`;
  out += `\nCPU time of the benchmark's process (one thread runs both engines), medians over rounds taken in turn: the 2 cores were shared with other jobs, which wall time would count. Whole suite: ${r.elapsedS} s wall.\n`;
  return out;
}
