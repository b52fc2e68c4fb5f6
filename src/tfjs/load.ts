/**
 * Loading TensorFlow.js, an optional peer dependency of `glocal-hypergrad/tfjs`. In order:
 * the namespace the caller passes (`tf` option: the surest, it is the copy their model
 * was built with), a global `tf` (the browser's script-tag builds), then `require` of
 * `@tensorflow/tfjs`, or of `@tensorflow/tfjs-core` with `@tensorflow/tfjs-backend-cpu`
 * when no backend is registered yet. Nothing is loaded before a tfjs problem is made.
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { GlocalError, describe } from "../core/errors";
import { isMissing, nodeRequire } from "../core/optional";

/** The TensorFlow.js namespace (`@tensorflow/tfjs` or `@tensorflow/tfjs-core`). */
export type Tf = typeof tfc;
/** A TensorFlow.js tensor (for code outside src/tfjs/, which does not import tfjs). */
export type TfTensor = tfc.Tensor;

/** What glocal uses of the namespace; anything lacking one of these is not tfjs. */
const REQUIRED = ["tensor", "tidy", "grads", "engine", "getGradient", "registerGradient", "unregisterGradient"];

let cached: Tf | null = null;

function looksLikeTf(x: unknown): x is Tf {
  return (
    (typeof x === "object" || typeof x === "function") &&
    x !== null &&
    REQUIRED.every((k) => typeof (x as Record<string, unknown>)[k] === "function")
  );
}

/** The module where this runtime can load it synchronously (Node, CommonJS bundlers);
 *  null when it is not installed. Any other failure of the module propagates. */
function tryRequire(name: string): unknown {
  // A lazy load of an optional peer dependency: an import would make it mandatory.
  const req = nodeRequire();
  if (req === null) return null;
  try {
    return req(name);
  } catch (e) {
    if (isMissing(e, name)) return null;
    throw e;
  }
}

const INSTALL =
  "glocal-hypergrad/tfjs needs TensorFlow.js: npm install @tensorflow/tfjs (or @tensorflow/tfjs-core with a backend such as @tensorflow/tfjs-backend-cpu), or pass your namespace as the 'tf' option";

/**
 * The TensorFlow.js namespace to use: `explicit` when given (checked), else the one found
 * (cached). Throws `E_MISSING_DEPENDENCY` when there is none, no backend, or no gradients.
 */
export function loadTf(explicit?: unknown): Tf {
  if (explicit !== undefined) {
    if (!looksLikeTf(explicit))
      throw new GlocalError(
        "E_TYPE",
        `option 'tf' must be the TensorFlow.js namespace (import * as tf from "@tensorflow/tfjs"), got ${describe(explicit)}`,
        "tf",
      );
    return checkUsable(explicit);
  }
  if (cached) return cached;
  const global = (globalThis as { tf?: unknown }).tf;
  let tf: unknown = looksLikeTf(global) ? global : tryRequire("@tensorflow/tfjs");
  if (!looksLikeTf(tf)) {
    tf = tryRequire("@tensorflow/tfjs-core");
    if (!looksLikeTf(tf)) throw new GlocalError("E_MISSING_DEPENDENCY", INSTALL, "tf");
    // tfjs-core alone has neither a backend nor its gradients registered: the CPU backend
    // and tfjs-layers (which registers every gradient) are picked up when installed.
    if (tf.engine().backendNames().length === 0) tryRequire("@tensorflow/tfjs-backend-cpu");
    if (!tf.getGradient("Tanh")) tryRequire("@tensorflow/tfjs-layers");
  }
  cached = checkUsable(tf as Tf);
  return cached;
}

/** A namespace with a backend and its gradients registered, or E_MISSING_DEPENDENCY. */
function checkUsable(tf: Tf): Tf {
  if (tf.engine().backendNames().length === 0)
    throw new GlocalError(
      "E_MISSING_DEPENDENCY",
      "TensorFlow.js has no backend registered: install and import one (@tensorflow/tfjs-backend-cpu, -webgl, -wasm or -webgpu)",
      "tf",
    );
  if (!tf.getGradient("Tanh") || (!tf.getGradient("MatMul") && !tf.getGradient("BatchMatMul")))
    throw new GlocalError(
      "E_MISSING_DEPENDENCY",
      "TensorFlow.js's gradients are not registered: import @tensorflow/tfjs, or @tensorflow/tfjs-core/dist/register_all_gradients",
      "tf",
    );
  return tf;
}

/** `tf.tidy` for a function that returns plain data (tidy's types want tensors): every
 *  tensor made inside is freed, except those kept with `tf.keep`. */
export function tidy<T>(tf: Tf, fn: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = fn();
  });
  return out as T;
}
