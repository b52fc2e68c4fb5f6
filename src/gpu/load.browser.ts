/**
 * Browser replacement of load.ts (swapped in by scripts/build-js.mjs): the browser bundle
 * does not carry gpu.js (about 0.6 MB). Load `gpu-browser.min.js` beside it (a script tag,
 * or `import` it in a module worker: it sets the global `GPU`), or hand the class in with
 * `provideGpuJs(GPU)`.
 */
import { GlocalError } from "../core/errors";
import { GpuJs, asGpuJs } from "./gpujs";

export function headlessGlInstalled(): boolean {
  return false;
}

export function loadGpuJs(): GpuJs {
  const mod = globalGpuJs();
  if (!mod)
    throw new GlocalError(
      "E_MISSING_DEPENDENCY",
      "sending model products to gpu.js needs the optional package 'gpu.js', which is not loaded: load gpu-browser.min.js before (it defines the global GPU) or call provideGpuJs(GPU)",
      "gpu.js",
    );
  return mod;
}

/** gpu.js's UMD global, if a page or worker loaded it. */
export function globalGpuJs(): GpuJs | null {
  return asGpuJs((globalThis as { GPU?: unknown }).GPU);
}

export const RUNTIME = "browser";
