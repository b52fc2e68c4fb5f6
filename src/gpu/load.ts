/**
 * Loads gpu.js in Node, lazily and only where it could help. Replaced by load.browser.ts
 * in the browser bundle (scripts/build-js.mjs).
 *
 * gpu.js is an optional peer dependency: it is loaded only when asked for (backend 'gpu',
 * or 'auto' where headless-gl is installed). In Node it has one GPU backend, headless-gl
 * (its optional dependency `gl`, a native addon). Without `gl` it offers only its CPU
 * modes, so loading it (about 0.2 s) is skipped unless a caller asks for those explicitly.
 */
import { requireOptional, resolvable } from "../core/optional";
import { GpuJs, asGpuJs } from "./gpujs";

/** Whether headless-gl is installed (cheap: resolves the name, loads nothing). */
export function headlessGlInstalled(): boolean {
  return resolvable("gl");
}

/** Loads gpu.js; E_MISSING_DEPENDENCY when it is not installed, else throws what failed. */
export function loadGpuJs(): GpuJs {
  const mod = asGpuJs(requireOptional("gpu.js", "gpu.js", "sending model products to gpu.js"));
  if (!mod) throw new Error("require('gpu.js') did not return gpu.js");
  return mod;
}

/** Node has no gpu.js global. */
export function globalGpuJs(): GpuJs | null {
  return null;
}

export const RUNTIME = "node";
