/**
 * Exact second derivatives through TensorFlow.js's reverse mode. tfjs can differentiate a
 * gradient (`tf.grads` nested), but two of its shortcuts silently drop terms of the second
 * derivative, which would make Hessian-vector products wrong without any error:
 *
 * 1. A kernel whose gradient reads the kernel's own output (tanh, sigmoid, softmax, exp, …):
 *    the engine saves a copy of the output before it records the kernel on the tape, so
 *    the copy is not connected to the inputs and the outer pass takes it as a constant.
 * 2. An op with a custom gradient (`tf.customGrad`: softmaxCrossEntropy, logSoftmax,
 *    logSigmoid, …): what it saves is computed with the tape off.
 *
 * 3. A second pass crosses comparisons and logical ops (clipByValue's gradient is a
 *    logicalAnd of comparisons): their derivative is zero, but tfjs registers no gradient
 *    for most of them and throws.
 *
 * Inside `secondOrderScope`, (1) such kernels save their inputs and recompute their output
 * in the backward pass, on the tape; (2) custom-gradient ops save their inputs and re-run
 * their forward function in the backward pass, on the tape (except a fused kernel with a
 * linear activation, whose saved output its gradient never reads); (3) boolean-valued
 * kernels without a gradient get a zero one. The first derivatives
 * are the same kernels on the same values. Kernels of this kind the table does not know
 * are recorded when their gradient runs, so the caller can fall back to finite
 * differences. Everything is put back on exit.
 */
import type { GradConfig, NamedAttrMap, NamedTensorMap, Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./load";

/** Input names of the kernels whose gradients read their output. */
const OUTPUT_READERS: Readonly<Record<string, readonly string[]>> = {
  Tanh: ["x"],
  Sigmoid: ["x"],
  Softmax: ["logits"],
  LogSoftmax: ["logits"],
  Exp: ["x"],
  Elu: ["x"],
  Pow: ["a", "b"],
  Max: ["x"],
  Min: ["x"],
};

/** Input names of boolean-valued kernels (derivative zero), given a zero gradient when tfjs has none. */
const BOOLEAN_VALUED: Readonly<Record<string, readonly string[]>> = {
  Equal: ["a", "b"],
  NotEqual: ["a", "b"],
  Greater: ["a", "b"],
  GreaterEqual: ["a", "b"],
  Less: ["a", "b"],
  LessEqual: ["a", "b"],
  LogicalAnd: ["a", "b"],
  LogicalOr: ["a", "b"],
  LogicalNot: ["x"],
};

/** Fused kernels whose custom gradient reads the saved output only for a non-linear activation. */
const FUSED = new Set(["_FusedMatMul", "FusedConv2D", "FusedDepthwiseConv2D"]);

type CustomGrad = Tf["customGrad"];
type CustomFn = (...args: unknown[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] };
type SaveFn = (tensors: Tensor[]) => void;
type RunKernel = (name: string, inputs: NamedTensorMap, attrs?: NamedAttrMap) => Tensor | Tensor[];

/** What a scope saw: kernels whose gradient read an output it could not reconnect. */
export interface ScopeReport {
  unconnected: Set<string>;
}

/**
 * Runs `fn` with exact second derivatives (see above); `report.unconnected` names the
 * kernels whose gradient still read an unconnected output (their second derivative then
 * lacks terms).
 */
export function secondOrderScope<T>(tf: Tf, fn: () => T, report?: ScopeReport): T {
  const engine = tf.engine() as unknown as { customGrad: CustomGrad; runKernel: RunKernel };
  const restores: (() => void)[] = [];
  try {
    for (const [name, inputs] of Object.entries(OUTPUT_READERS)) {
      const original = tf.getGradient(name);
      if (original) replaceGradient(tf, original, recomputing(original, inputs, engine), restores);
    }
    for (const [name, inputs] of Object.entries(BOOLEAN_VALUED)) {
      if (tf.getGradient(name)) continue;
      tf.registerGradient(zeroGradient(tf, name, inputs));
      restores.push(() => tf.unregisterGradient(name));
    }
    for (const original of unknownOutputReaders(tf)) {
      replaceGradient(tf, original, recording(original, report), restores);
    }
    const originalCustomGrad = engine.customGrad;
    const originalRunKernel = engine.runKernel;
    restores.push(() => {
      delete (engine as Partial<typeof engine>).customGrad;
      delete (engine as Partial<typeof engine>).runKernel;
      if (engine.customGrad !== originalCustomGrad) engine.customGrad = originalCustomGrad;
      if (engine.runKernel !== originalRunKernel) engine.runKernel = originalRunKernel;
    });
    // Kernels run by the custom op being evaluated (null outside one).
    let kernels: { name: string; attrs?: NamedAttrMap }[] | null = null;
    engine.runKernel = function (name, inputs, attrs) {
      kernels?.push({ name, attrs });
      return originalRunKernel.call(this, name, inputs, attrs);
    };
    engine.customGrad = ((f: CustomFn) =>
      originalCustomGrad.call(engine, (...args: unknown[]) => {
        const save = args.pop() as SaveFn;
        const inputs = args as Tensor[];
        let captured: Tensor[] = [];
        const outer = kernels;
        kernels = [];
        const res = f(...inputs, (ts: Tensor[]) => (captured = ts));
        const ran = kernels;
        kernels = outer;
        if (fusedLinear(ran)) {
          save(captured);
          return res;
        }
        save(inputs);
        const gradFunc = (dy: Tensor, saved: Tensor[]) => {
          let again: Tensor[] = [];
          const rerun = f(...saved, (ts: Tensor[]) => (again = ts));
          return rerun.gradFunc(dy, again);
        };
        return { value: res.value, gradFunc };
      })) as unknown as CustomGrad;
    return fn();
  } finally {
    for (let i = restores.length - 1; i >= 0; i--) restores[i]();
  }
}

/** A gradient that saves the kernel's inputs and recomputes its output on the tape. */
function recomputing(
  original: GradConfig,
  inputNames: readonly string[],
  engine: { runKernel: RunKernel },
): GradConfig {
  const originalInputs = original.inputsToSave ?? [];
  return {
    kernelName: original.kernelName,
    inputsToSave: inputNames.slice(),
    gradFunc: (dy, saved, attrs) => {
      const inputs: NamedTensorMap = {};
      inputNames.forEach((n, i) => (inputs[n] = saved[i]));
      const y = engine.runKernel(original.kernelName, inputs, attrs) as Tensor;
      return original.gradFunc(dy, [...originalInputs.map((n) => inputs[n]), y], attrs);
    },
  };
}

/** A zero gradient (float32, shaped like each input). */
function zeroGradient(tf: Tf, kernelName: string, inputNames: readonly string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: inputNames.slice(),
    gradFunc: (_dy, saved) => {
      const out: Record<string, () => Tensor> = {};
      inputNames.forEach((n, i) => (out[n] = () => tf.zeros(saved[i].shape)));
      return out;
    },
  };
}

/** The same gradient, noting its kernel's name when it runs. */
function recording(original: GradConfig, report: ScopeReport | undefined): GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      report?.unconnected.add(original.kernelName);
      return original.gradFunc(dy, saved, attrs);
    },
  };
}

/** Registered gradients of the current backend's kernels that read an output, outside the table. */
function unknownOutputReaders(tf: Tf): GradConfig[] {
  const out: GradConfig[] = [];
  for (const k of tf.getKernelsForBackend(tf.getBackend())) {
    if (k.kernelName in OUTPUT_READERS) continue;
    const g = tf.getGradient(k.kernelName);
    if (g && g.outputsToSave?.some(Boolean)) out.push(g);
  }
  return out;
}

/** Swaps a registered gradient for `replacement` (without tfjs's override warning). */
function replaceGradient(tf: Tf, original: GradConfig, replacement: GradConfig, restores: (() => void)[]): void {
  tf.unregisterGradient(original.kernelName);
  tf.registerGradient(replacement);
  restores.push(() => {
    tf.unregisterGradient(original.kernelName);
    tf.registerGradient(original);
  });
}

/** A custom op that is one fused kernel with a linear activation (plus reshapes). */
function fusedLinear(ran: { name: string; attrs?: NamedAttrMap }[]): boolean {
  const fused = ran.filter((k) => FUSED.has(k.name));
  return (
    fused.length === 1 &&
    ran.every((k) => FUSED.has(k.name) || k.name === "Reshape") &&
    (fused[0].attrs?.activation === undefined || fused[0].attrs.activation === "linear")
  );
}

/**
 * After an exception inside nested gradients tfjs leaves the outer tape behind with the
 * tensors its nodes saved (kept, so no tidy frees them): free them and drop the tape.
 */
export function discardTape(tf: Tf): void {
  const state = tf.engine().state as unknown as {
    gradientDepth: number;
    activeTape: { saved?: Tensor[] }[] | null;
  };
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) if (!t.isDisposed) t.dispose();
  state.activeTape = null;
}
