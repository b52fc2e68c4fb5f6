/**
 * Loads gpu.js in Node, lazily and only where it could help. Replaced by load.browser.ts
 * in the browser bundle (scripts/build-js.mjs).
 *
 * In Node gpu.js has one GPU backend, headless-gl (its optional dependency `gl`, a native
 * addon). Without `gl` it offers only its CPU modes, so loading it (about 0.2 s) is skipped
 * unless a caller asks for those modes explicitly.
 */
import { GpuJs, asGpuJs } from "./gpujs";

/** Whether headless-gl is installed (cheap: resolves the name, loads nothing). */
export function headlessGlInstalled(): boolean {
  try {
    return (
      typeof require === "function" &&
      typeof require.resolve === "function" &&
      typeof require.resolve("gl") === "string"
    );
  } catch {
    return false;
  }
}

/** Loads gpu.js; throws when it cannot be loaded (the caller records the reason). */
export function loadGpuJs(): GpuJs {
  if (typeof require !== "function") throw new Error("no require() in this runtime");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional at run time, synchronous, Node only
  const mod = asGpuJs(require("gpu.js"));
  if (!mod) throw new Error("require('gpu.js') did not return gpu.js");
  return mod;
}

/** Node has no gpu.js global. */
export function globalGpuJs(): GpuJs | null {
  return null;
}

export const RUNTIME = "node";
