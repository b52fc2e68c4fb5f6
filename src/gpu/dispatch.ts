/**
 * The one place that decides, per batched model product, WebAssembly f64 or gpu.js f32
 * (one place, visible in backendInfo()). Only the products of assembly/models/dense.ts can be sent
 * (through assembly/models/product.ts); everything else never leaves WebAssembly.
 *
 * - backend 'wasm': WebAssembly only.
 * - backend 'auto' (default): gpu.js when it reports a working hardware GPU backend
 *   (WebGL2, WebGL, headless-gl; not a software renderer such as SwiftShader), and then
 *   only for products of at least `crossover` flops (crossover.ts). In Node without
 *   headless-gl that is never: gpu.js is not even loaded.
 * - backend 'gpu': every product to gpu.js, in the best GPU mode or the `gpuMode` given;
 *   gpuMode 'webasm' or 'cpu' forces gpu.js's own f32 CPU modes (for tests; never chosen
 *   otherwise). E_UNSUPPORTED when no such backend can be set up.
 *
 * gpu.js never breaks a run: loading, probing and every product are guarded; a product
 * that fails is computed by WebAssembly instead and the mode is not used again (until
 * `setProductBackend`), with the reason in `backendInfo().gpu.error`.
 */
import { GlocalError, describe, isGlocalError } from "../core/errors";
import { checkOptions, ownProperties } from "../core/validate";
import { kernels } from "../core/load";
import { ProductHook, withProductHook } from "../core/productHook";
import { GPU_CROSSOVER_FLOPS } from "./crossover";
import { GPU_MODES, GpuJs, GpuMode, HARDWARE_MODES, asGpuJs } from "./gpujs";
import { GpuProducts } from "./kernels";
import { RUNTIME, globalGpuJs, headlessGlInstalled, loadGpuJs } from "./load";

/** Where batched model products may run: WebAssembly f64, gpu.js f32, or chosen per product. */
export type ProductBackend = "wasm" | "gpu" | "auto";
/** The product backends (frozen: a name pushed by a caller must not become one). */
export const PRODUCT_BACKENDS: readonly ProductBackend[] = Object.freeze(["wasm", "gpu", "auto"] as ProductBackend[]);
export type { GpuMode } from "./gpujs";

/** Per-call choice (InnerTraining, optimize, runDemo). */
export interface ProductOptions {
  /** 'auto' (default), 'wasm' or 'gpu'. */
  backend?: ProductBackend;
  /** gpu.js mode for 'gpu' (or a hardware mode for 'auto'); 'webasm'/'cpu' only with 'gpu'. */
  gpuMode?: GpuMode;
}
export const PRODUCT_OPTION_KEYS = ["backend", "gpuMode"] as const;

/** Process-wide defaults (setProductBackend). */
export interface ProductDefaults {
  backend: ProductBackend;
  gpuMode: GpuMode | null;
  /** Minimum flops (2·m·n·k) of a product that 'auto' sends to the GPU. */
  crossover: number;
}

/** What `backendInfo().gpu` reports. */
export interface GpuInfo {
  /** A working hardware GPU backend of gpu.js was found. */
  available: boolean;
  /** Its gpu.js mode, or null. */
  mode: GpuMode | null;
  /** WebGL's renderer string, when the backend exposes one. */
  renderer: string | null;
  /** True for a software renderer (SwiftShader, llvmpipe): a GPU API, but on the CPU. */
  software: boolean;
  /** The WebGPU API exists. gpu.js's WebGPU kernels return Promises, and a training step
   *  is synchronous, so glocal does not use it. */
  webgpu: boolean;
  /** gpu.js has been loaded in this runtime. */
  loaded: boolean;
  /** Products of at least this many flops go to the GPU under 'auto'. */
  crossover: number;
  /** Why 'auto' keeps the products in WebAssembly (null when it would use the GPU). */
  reason: string | null;
  /** The last gpu.js failure during a product (that mode is then not used again). */
  error: string | null;
  /** Products run on gpu.js, and products offered to it but left to WebAssembly. */
  products: { gpu: number; wasm: number };
}

interface Probe {
  lib: GpuJs | null;
  mode: GpuMode | null;
  renderer: string | null;
  software: boolean;
  webgpu: boolean;
  reason: string | null;
}

/** The products of one session go to `engine` when at least `minFlops`. */
export interface ProductRoute {
  readonly mode: GpuMode;
  readonly minFlops: number;
  readonly hook: ProductHook;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

let defaults: ProductDefaults = { backend: "auto", gpuMode: null, crossover: GPU_CROSSOVER_FLOPS };
let provided: GpuJs | null = null;
let probed: Probe | null = null;
let loadedLib: GpuJs | null = null;
const engines = new Map<GpuMode, GpuProducts>();
const failed = new Map<GpuMode, string>();
let lastError: string | null = null;
const counts = { gpu: 0, wasm: 0 };

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** gpu.js itself: handed in, a page's global, or loaded (Node), else the reason why not
 *  (`missing`: the E_MISSING_DEPENDENCY to throw where gpu.js was asked for). */
function library(): { lib: GpuJs | null; reason: string | null; missing?: GlocalError } {
  if (provided) return { lib: provided, reason: null };
  if (loadedLib) return { lib: loadedLib, reason: null };
  const global = globalGpuJs();
  if (global) return { lib: (loadedLib = global), reason: null };
  try {
    return { lib: (loadedLib = loadGpuJs()), reason: null };
  } catch (e) {
    const missing = isGlocalError(e) && e.code === "E_MISSING_DEPENDENCY" ? e : undefined;
    return { lib: null, reason: `gpu.js could not be loaded (${message(e)})`, missing };
  }
}

function check(engine: GpuProducts): string | null {
  // A 2 × 3 · 3 × 2 product with a known answer, in plain f64 memory (not WebAssembly's).
  const mem = new Float64Array(16);
  mem.set([1, 2, 3, 4, 5, 6], 0);
  mem.set([1, 0, 0, 1, 1, 1], 6);
  engine.product(mem.buffer, 0, 0, 2, 2, 3, 0, 3, 48, 2, 0, 96, 2);
  const want = [4, 5, 10, 11];
  for (let i = 0; i < 4; i++)
    if (Math.abs(mem[12 + i] - want[i]) > 1e-4) return `its result is wrong (${mem[12 + i]} for ${want[i]})`;
  return null;
}

function rendererOf(engine: GpuProducts): string | null {
  const gl = engine.context() as WebGLRenderingContext | null;
  if (!gl || typeof gl.getParameter !== "function") return null;
  return safe(() => {
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const r = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    return typeof r === "string" ? r : null;
  }, null);
}

/** Finds gpu.js's best hardware backend and checks that it computes (once per runtime). */
function probe(): Probe {
  if (probed) return probed;
  const none = (reason: string, extra: Partial<Probe> = {}): Probe =>
    (probed = { lib: null, mode: null, renderer: null, software: false, webgpu: false, reason, ...extra });
  if (!provided && !loadedLib && !globalGpuJs() && RUNTIME === "node" && !headlessGlInstalled()) {
    return none("Node without headless-gl (the optional 'gl' package): gpu.js has no GPU backend here");
  }
  const { lib, reason } = library();
  if (!lib) return none(reason ?? "gpu.js is not available");
  const webgpu = safe(() => lib.GPU.isWebGPUSupported === true, false);
  const flag: Record<string, () => boolean> = {
    headlessgl: () => lib.GPU.isHeadlessGLSupported,
    webgl2: () => lib.GPU.isWebGL2Supported,
    webgl: () => lib.GPU.isWebGLSupported,
  };
  const mode = HARDWARE_MODES.find((m) => safe(() => flag[m]() === true, false)) ?? null;
  if (!mode) {
    return none(
      `gpu.js reports no WebGL2, WebGL or headless-gl backend${webgpu ? " (WebGPU exists, but its kernels are asynchronous)" : ""}`,
      { lib, webgpu },
    );
  }
  try {
    const engine = engineFor(lib, mode);
    const wrong = check(engine);
    if (wrong) return none(`gpu.js ${mode} does not compute correctly: ${wrong}`, { lib, webgpu });
    const renderer = rendererOf(engine);
    const software = renderer !== null && SOFTWARE_RENDERER.test(renderer);
    return (probed = {
      lib,
      mode,
      renderer,
      software,
      webgpu,
      reason: software ? `gpu.js ${mode} runs on a software renderer (${renderer}), slower than WebAssembly` : null,
    });
  } catch (e) {
    return none(`gpu.js ${mode} failed its first product (${message(e)})`, { lib, webgpu });
  }
}

function engineFor(lib: GpuJs, mode: GpuMode): GpuProducts {
  let e = engines.get(mode);
  if (!e) {
    e = new GpuProducts(lib, mode);
    engines.set(mode, e);
  }
  return e;
}

function fail(mode: GpuMode, e: unknown): void {
  lastError = `gpu.js ${mode}: ${message(e)}`;
  failed.set(mode, lastError);
  const engine = engines.get(mode);
  engines.delete(mode);
  engine?.dispose();
}

function makeRoute(mode: GpuMode, minFlops: number): ProductRoute {
  const hook: ProductHook = (transA, transB, m, n, k, A, lda, B, ldb, beta, C, ldc) => {
    const engine = engines.get(mode);
    if (!engine || 2 * m * n * k < minFlops || !GpuProducts.fits(m, n, k)) {
      counts.wasm++;
      return 0;
    }
    try {
      engine.product(kernels().memory.buffer, transA, transB, m, n, k, A, lda, B, ldb, beta, C, ldc);
      counts.gpu++;
      return 1;
    } catch (e) {
      fail(mode, e);
      counts.wasm++;
      return 0;
    }
  };
  return { mode, minFlops, hook };
}

function checkBackend(v: unknown, name: string): ProductBackend | undefined {
  if (v === undefined) return undefined;
  if (!PRODUCT_BACKENDS.includes(v as ProductBackend)) {
    throw new GlocalError("E_OPTION", `option '${name}' must be 'wasm', 'gpu' or 'auto', got ${describe(v)}`, name);
  }
  return v as ProductBackend;
}

function checkMode(v: unknown, name: string): GpuMode | undefined {
  if (v === undefined || v === null) return undefined;
  if (!GPU_MODES.includes(v as GpuMode)) {
    throw new GlocalError(
      "E_OPTION",
      `option '${name}' must be one of ${GPU_MODES.join(", ")}, got ${describe(v)}`,
      name,
    );
  }
  return v as GpuMode;
}

/**
 * Where the products of a session go: null for WebAssembly, else a route to gpu.js.
 * Validates `backend` and `gpuMode` (E_OPTION); E_UNSUPPORTED when 'gpu' is asked for
 * and no gpu.js backend can be set up.
 */
export function resolveProducts(options: ProductOptions = {}): ProductRoute | null {
  const o = ownProperties(options);
  const backend = checkBackend(o.backend, "backend") ?? defaults.backend;
  const asked = checkMode(o.gpuMode, "gpuMode");
  if (backend === "wasm") {
    if (asked !== undefined)
      throw new GlocalError(
        "E_OPTION",
        "option 'gpuMode' applies only to backend 'gpu' or 'auto', not 'wasm'",
        "gpuMode",
      );
    return null;
  }
  if (backend === "auto") {
    if (asked !== undefined && !HARDWARE_MODES.includes(asked)) {
      throw new GlocalError(
        "E_OPTION",
        `backend 'auto' chooses only a hardware GPU (${HARDWARE_MODES.join(", ")}); gpu.js's '${asked}' mode is for tests: use backend 'gpu'`,
        "gpuMode",
      );
    }
    const p = probe();
    const mode = asked ?? p.mode;
    if (!p.lib || !mode || p.software || mode !== p.mode || failed.has(mode)) return null;
    return makeRoute(mode, defaults.crossover);
  }
  // gpu.js is asked for: a missing package is reported as such, before the GPU probe.
  const missing = library().missing;
  if (missing) throw missing;
  const mode = asked ?? defaults.gpuMode ?? probe().mode;
  if (!mode) {
    throw new GlocalError(
      "E_UNSUPPORTED",
      `backend 'gpu': ${probe().reason ?? "no gpu.js backend"}; gpuMode 'webasm' or 'cpu' runs gpu.js's own f32 CPU modes (for tests)`,
      "backend",
    );
  }
  const why = failed.get(mode);
  if (why)
    throw new GlocalError("E_UNSUPPORTED", `backend 'gpu': ${why} (call setProductBackend() to try again)`, "backend");
  const { lib, reason } = library();
  if (!lib) throw new GlocalError("E_UNSUPPORTED", `backend 'gpu': ${reason}`, "backend");
  try {
    engineFor(lib, mode);
  } catch (e) {
    throw new GlocalError(
      "E_UNSUPPORTED",
      `backend 'gpu': gpu.js mode '${mode}' could not be set up (${message(e)})`,
      "backend",
    );
  }
  return makeRoute(mode, 0);
}

/** Runs `fn` (kernel calls of one session) with its products routed; null: as is. */
export function runProducts<T>(route: ProductRoute | null, fn: () => T): T {
  return route === null ? fn() : withProductHook(kernels(), route.hook, fn);
}

/**
 * Sets the process-wide defaults: `backend` for sessions that do not name one, the
 * `gpuMode` of backend 'gpu', and the `crossover` (flops) of 'auto'. Clears recorded
 * gpu.js failures, so a failed mode is tried again. Returns the new defaults.
 */
export function setProductBackend(
  options: { backend?: ProductBackend; gpuMode?: GpuMode | null; crossover?: number } = {},
): ProductDefaults {
  const o = checkOptions(options, ["backend", "gpuMode", "crossover"], "setProductBackend options");
  const backend = checkBackend(o.backend, "backend");
  const gpuMode = o.gpuMode === null ? null : checkMode(o.gpuMode, "gpuMode");
  if (o.crossover !== undefined && (typeof o.crossover !== "number" || !(o.crossover >= 0))) {
    throw new GlocalError(
      "E_OPTION",
      `option 'crossover' must be a number of flops >= 0, got ${describe(o.crossover)}`,
      "crossover",
    );
  }
  defaults = {
    backend: backend ?? defaults.backend,
    gpuMode: gpuMode === undefined ? defaults.gpuMode : gpuMode,
    crossover: (o.crossover as number | undefined) ?? defaults.crossover,
  };
  failed.clear();
  lastError = null;
  return { ...defaults };
}

/** The current process-wide defaults (a copy). */
export function productDefaults(): ProductDefaults {
  return { ...defaults };
}

/**
 * Hands gpu.js to glocal (its GPU class, or the module object Node's require gives), e.g. where the browser
 * bundle cannot see a global `GPU`; null forgets it. The GPU is probed again on next use.
 */
export function provideGpuJs(gpujs: unknown): void {
  let lib: GpuJs | null = null;
  if (gpujs !== null) {
    lib = asGpuJs(gpujs);
    if (!lib)
      throw new GlocalError(
        "E_TYPE",
        `provideGpuJs expects gpu.js's GPU class (or the gpu.js module object), got ${describe(gpujs)}`,
        "gpujs",
      );
  }
  for (const e of engines.values()) e.dispose();
  engines.clear();
  failed.clear();
  lastError = null;
  provided = lib;
  probed = null;
}

/** What the dispatcher knows (for backendInfo). */
export function gpuInfo(): GpuInfo {
  const p = probe();
  const mode = p.mode;
  const usable = p.lib !== null && mode !== null && !p.software && !failed.has(mode);
  return {
    available: p.lib !== null && mode !== null && !failed.has(mode),
    mode,
    renderer: p.renderer,
    software: p.software,
    webgpu: p.webgpu,
    loaded: provided !== null || loadedLib !== null,
    crossover: defaults.crossover,
    reason: usable ? null : (mode && failed.get(mode)) || p.reason,
    error: lastError,
    products: { ...counts },
  };
}

/** Where the products of a session with the default options go now. */
export function defaultProducts(): "wasm" | "gpu" {
  if (defaults.backend === "wasm") return "wasm";
  if (defaults.backend === "gpu") return "gpu";
  return gpuInfo().reason === null ? "gpu" : "wasm";
}
