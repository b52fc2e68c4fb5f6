/**
 * The one owner of WebAssembly memory.
 *
 * Instantiation: both binaries ship inside the package as base64 (no `fs`, no fetch), so
 * Node and browsers share one path. The relaxed-SIMD binary is chosen only where a tiny
 * probe module that uses `f64x2.relaxed_madd` validates; otherwise the plain SIMD one.
 *
 * Allocation discipline: every call runs inside a Scope. Memory it takes (inputs copied
 * in, outputs, kernel workspace) is recorded on the kernels' allocation stack and released
 * in `finally`, also when a kernel traps, so repeated calls reuse the same pages and
 * memory never grows across repetitions. Long-lived buffers (streaming estimators) are
 * separate `persistent` blocks with an explicit owner.
 */
import { instantiate, instantiateSync } from "@assemblyscript/loader";
import { RELAXED_WASM_BASE64, SIMD_WASM_BASE64 } from "./generated/binaries";
import { GlocalError, isGlocalError } from "./errors";

/** The kernels exported by assembly/index.ts (pointers are byte offsets into memory). */
export type Kernels = {
  readonly memory: WebAssembly.Memory;
  scratchAlloc(bytes: number): number;
  scratchMark(): number;
  scratchRelease(mark: number): void;
  persistentAlloc(bytes: number): number;
  persistentFree(ptr: number): void;
  memoryBytes(): number;
  relaxedSimd(): number;
  dot(n: number, x: number, y: number): number;
  axpy(n: number, a: number, x: number, y: number): void;
  nrm2(n: number, x: number): number;
  gemv(trans: number, m: number, n: number, alpha: number, A: number, lda: number, x: number, beta: number, y: number): void;
  gemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number,
       A: number, lda: number, B: number, ldb: number, beta: number, C: number, ldc: number): void;
  gram(n: number, p: number, X: number, G: number): void;
  // Forward-mode hypergradient kernels (assembly/models, assembly/optim).
  gatherRows(count: number, idx: number, cols: number, src: number, dst: number): void;
  stackFinite(rows: number, cols: number, q: number, qa: number, x: number): number;
  tangentDot(rows: number, cols: number, q: number, theta: number, g: number, h: number): void;
  skinnyNN(n: number, p: number, w: number, X: number, ldx: number, B: number, ldb: number, beta: number, C: number, ldc: number): void;
  skinnyTN(n: number, p: number, w: number, X: number, ldx: number, D: number, ldd: number, C: number, ldc: number): void;
  linearGradJvp(head: number, n: number, p: number, k: number, q: number, qa: number, X: number, Y: number,
                w: number, wIdx: number, wDer: number, scale: number, theta: number, grad: number): number;
  linearEval(head: number, n: number, p: number, k: number, q: number, X: number, Y: number, theta: number, out: number): void;
  mlpGradJvp(act: number, head: number, n: number, p: number, h1: number, h2: number, k: number, q: number, qa: number,
             X: number, Y: number, w: number, wIdx: number, wDer: number, scale: number, theta: number, grad: number): number;
  mlpEval(act: number, head: number, n: number, p: number, h1: number, h2: number, k: number, q: number,
          X: number, Y: number, theta: number, out: number): void;
  sgdStep(rows: number, cols: number, q: number, qa: number, theta: number, grad: number,
          lr: number, wd: number, jLr: number, jWd: number): void;
  momentumStep(rows: number, cols: number, q: number, qa: number, theta: number, grad: number, vel: number,
               lr: number, wd: number, mu: number, jLr: number, jWd: number, jMom: number): void;
  adamStep(rows: number, cols: number, q: number, qa: number, theta: number, grad: number, M: number, V: number,
           lr: number, wd: number, b1: number, b2: number, eps: number, t: number, jLr: number, jWd: number, jMom: number): void;
  transpose(rows: number, cols: number, src: number, lds: number, dst: number, ldd: number): void;
  qrFactor(m: number, n: number, A: number, lda: number, tau: number): void;
  qrFormQ(m: number, k: number, A: number, lda: number, tau: number, Q: number): void;
  qrApplyQ(trans: number, m: number, k: number, A: number, lda: number, tau: number, C: number, ldc: number, nc: number): void;
  qrPivoted(m: number, n: number, A: number, lda: number, tau: number, jpvt: number): void;
  qrApplyQtUnblocked(m: number, k: number, A: number, lda: number, tau: number, C: number, ldc: number, nc: number): void;
  trsmUpper(n: number, nrhs: number, R: number, ldr: number, B: number, ldb: number): void;
  svd(m: number, n: number, A: number, lda: number, S: number, U: number, V: number, wantU: number, wantV: number): number;
  eig(n: number, A: number, lda: number, wr: number, wi: number, VR: number, VI: number, wantVectors: number): number;
  hankel(m: number, q: number, d: number, traj: number, G: number): void;
  // The batched model products (assembly/models/product.ts) and their offload switch.
  setProductOffload(on: number): void;
  modelProduct(transA: number, transB: number, m: number, n: number, k: number, A: number, lda: number,
               B: number, ldb: number, beta: number, C: number, ldc: number): void;
};

/**
 * The host side of assembly/models/product.ts: C (m×n, ldc) ← op(A)·op(B) + βC on
 * pointers into WebAssembly memory; returns 1 when it wrote C, 0 to leave the product to
 * WebAssembly. Installed only for the duration of `withProductHook`.
 */
export type ProductHook = (transA: number, transB: number, m: number, n: number, k: number, A: number, lda: number,
                           B: number, ldb: number, beta: number, C: number, ldc: number) => number;

let productHook: ProductHook | null = null;

// The module imports `glocal.product`; it is called only while offloading is switched on.
const imports = {
  glocal: {
    product: (transA: number, transB: number, m: number, n: number, k: number, A: number, lda: number,
              B: number, ldb: number, beta: number, C: number, ldc: number): number =>
      productHook === null ? 0 : productHook(transA, transB, m, n, k, A, lda, B, ldb, beta, C, ldc),
  },
};

export type BinaryName = "simd" | "relaxed-simd";
export type BinaryPreference = BinaryName | "auto";

interface Backend {
  readonly kernels: Kernels;
  readonly binary: BinaryName;
  /** Bumped on every instantiation, so objects holding memory can tell a stale instance. */
  readonly generation: number;
}

let backend: Backend | null = null;
let generation = 0;
let preference: BinaryPreference = "auto";

// A minimal module whose one function uses f64x2.relaxed_madd: it validates only where
// the runtime implements relaxed SIMD.
const RELAXED_PROBE = probeModule([0xfd, 0x87, 0x02], 3);
// The same with a bare v128.const: validates where plain SIMD exists.
const SIMD_PROBE = probeModule([], 1);

function probeModule(op: number[], consts: number): Uint8Array<ArrayBuffer> {
  const vconst = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00];
  for (let i = 0; i < consts; i++) body.push(...vconst);
  body.push(...op, 0x0b);
  const code = [0x01, body.length, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x0a, code.length, ...code,
  ]);
}

let relaxedCache: boolean | undefined;
/** Whether this runtime validates relaxed-SIMD WebAssembly. */
export function relaxedSimdSupported(): boolean {
  if (relaxedCache === undefined) {
    try {
      relaxedCache = WebAssembly.validate(RELAXED_PROBE);
    } catch {
      relaxedCache = false;
    }
  }
  return relaxedCache;
}

/** Whether this runtime validates WebAssembly SIMD (required). */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === "function") {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(text, "base64"));
  throw new GlocalError("E_UNSUPPORTED", "no base64 decoder (atob or Buffer) in this runtime");
}

function envPreference(): BinaryPreference {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.GLOCAL_WASM;
  if (env === "simd" || env === "relaxed-simd" || env === "auto") return env;
  return preference;
}

function pick(pref: BinaryPreference): { binary: BinaryName; bytes: Uint8Array<ArrayBuffer> } {
  if (!simdSupported()) {
    throw new GlocalError("E_UNSUPPORTED", "this runtime lacks WebAssembly SIMD, which glocal requires (Node >= 20, current browsers)");
  }
  const relaxed = relaxedSimdSupported();
  if (pref === "relaxed-simd" && !relaxed) {
    throw new GlocalError("E_UNSUPPORTED", "binary 'relaxed-simd' was requested but this runtime does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)", "binary");
  }
  const useRelaxed = pref === "relaxed-simd" || (pref === "auto" && relaxed);
  return useRelaxed
    ? { binary: "relaxed-simd", bytes: decodeBase64(RELAXED_WASM_BASE64) }
    : { binary: "simd", bytes: decodeBase64(SIMD_WASM_BASE64) };
}

function install(kernels: Kernels, binary: BinaryName): Backend {
  backend = { kernels, binary, generation: ++generation };
  return backend;
}

function checkPreference(binary: unknown): BinaryPreference {
  if (binary === undefined) return envPreference();
  if (binary === "auto" || binary === "simd" || binary === "relaxed-simd") return binary;
  throw new GlocalError("E_OPTION", `option 'binary' must be 'auto', 'simd' or 'relaxed-simd', got ${String(binary)}`, "binary");
}

/**
 * Instantiates the kernels asynchronously (required once on a browser main thread, where
 * synchronous compilation of large modules is not allowed). Safe to call repeatedly;
 * passing `binary` replaces the running instance (objects holding memory of the old one
 * become unusable).
 */
export async function ready(options: { binary?: BinaryPreference } = {}): Promise<BackendInfo> {
  const pref = checkPreference(options.binary);
  if (backend && (options.binary === undefined || backend.binary === pick(pref).binary)) return backendInfo();
  const { binary, bytes } = pick(pref);
  const result = await instantiate<Kernels>(bytes, imports);
  install(result.exports as unknown as Kernels, binary);
  return backendInfo();
}

/** Synchronous instantiation (Node, Web Workers). See `ready` for `binary`. */
export function initSync(options: { binary?: BinaryPreference } = {}): BackendInfo {
  const pref = checkPreference(options.binary);
  if (backend && options.binary === undefined) return backendInfo();
  const { binary, bytes } = pick(pref);
  if (backend && backend.binary === binary) return backendInfo();
  let result;
  try {
    result = instantiateSync<Kernels>(bytes, imports);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new GlocalError("E_NOT_READY", "WebAssembly cannot be compiled synchronously here (browser main thread): call `await glocal.ready()` once before using the library");
    }
    throw e;
  }
  install(result.exports as unknown as Kernels, binary);
  return backendInfo();
}

function current(): Backend {
  if (!backend) {
    preference = envPreference();
    initSync({ binary: preference });
  }
  return backend as Backend;
}

/** The kernels of the running instance, instantiating on first use. */
export function kernels(): Kernels {
  return current().kernels;
}

/** The instance generation (changes when `ready`/`initSync` switch binaries). */
export function backendGeneration(): number {
  return current().generation;
}

export interface BackendInfo {
  /** Which WebAssembly binary runs the f64 kernels. */
  wasm: BinaryName;
  /** Whether this runtime could run the relaxed-SIMD binary. */
  relaxedSimdSupported: boolean;
  /** Bytes of WebAssembly linear memory currently reserved. */
  memoryBytes: number;
}

/** Which binary runs and what the runtime supports. */
export function backendInfo(): BackendInfo {
  const b = current();
  return { wasm: b.binary, relaxedSimdSupported: relaxedSimdSupported(), memoryBytes: b.kernels.memory.buffer.byteLength };
}

/**
 * Runs `fn` with every batched model product offered to `hook` first (the GPU path of
 * src/gpu/dispatch.ts); offloading is switched off again afterwards, also on error.
 */
export function withProductHook<T>(hook: ProductHook, fn: () => T): T {
  const k = kernels();
  const previous = productHook;
  productHook = hook;
  k.setProductOffload(1);
  try {
    return fn();
  } finally {
    productHook = previous;
    k.setProductOffload(previous === null ? 0 : 1);
  }
}

/** WebAssembly memory statistics: reserved bytes and open scratch blocks (0 between calls). */
export function memoryStats(): { wasmBytes: number; openScratchBlocks: number } {
  const k = kernels();
  return { wasmBytes: k.memory.buffer.byteLength, openScratchBlocks: k.scratchMark() };
}

// The runtime's allocator caps one block at 1 GiB; WebAssembly memory at 4 GiB.
const MAX_BLOCK_BYTES = 2 ** 30 - 64;
// A trap with this much memory reserved is taken for a failed grow (see translateError).
const OOM_BYTES = 3 * 2 ** 30;

function checkBytes(bytes: number): void {
  if (!(bytes <= MAX_BLOCK_BYTES)) {
    throw new GlocalError("E_TOO_LARGE", `a buffer of ${bytes} bytes exceeds the 1 GiB per-buffer limit of WebAssembly memory`);
  }
}

/** Turns a kernel trap or an engine memory failure into a typed error. */
export function translateError(e: unknown): unknown {
  if (isGlocalError(e)) return e;
  if (e instanceof WebAssembly.RuntimeError) {
    // The allocator traps (unreachable) when memory cannot grow: near the 4 GiB ceiling
    // that is running out of memory, not a bug (found by the property tests).
    if (/unreachable/.test(e.message) && backend && backend.kernels.memory.buffer.byteLength > OOM_BYTES) {
      return new GlocalError("E_TOO_LARGE", `out of WebAssembly memory (${backend.kernels.memory.buffer.byteLength} bytes reserved, 4 GiB at most)`);
    }
    return new GlocalError("E_INTERNAL", `a WebAssembly kernel trapped (${e.message}); this is a bug in glocal`);
  }
  if (e instanceof RangeError && /memory|allocation|grow/i.test(e.message)) {
    return new GlocalError("E_TOO_LARGE", `out of WebAssembly memory: ${e.message}`);
  }
  if (e instanceof Error && /^abort: Allocation too large/.test(e.message)) {
    // A kernel's own workspace beyond the allocator's 1 GiB block limit (a 7.7M-row trajectory).
    return new GlocalError("E_TOO_LARGE", `a kernel's workspace exceeds the 1 GiB per-buffer limit of WebAssembly memory (${e.message})`);
  }
  if (e instanceof Error && /^abort/.test(e.message)) {
    return new GlocalError("E_INTERNAL", `a WebAssembly kernel aborted (${e.message}); this is a bug in glocal`);
  }
  return e;
}

/** Call-scoped view of WebAssembly memory; everything allocated is released by `release`. */
export class Scope {
  readonly k: Kernels;
  private readonly mark: number;

  constructor(k: Kernels) {
    this.k = k;
    this.mark = k.scratchMark();
  }

  /** Allocates n doubles (uninitialised). */
  alloc(n: number): number {
    const bytes = Math.max(n, 1) * 8;
    checkBytes(bytes);
    // >>> 0: pointers at or above 2 GiB come back from WebAssembly as negative i32s
    // (a typed-array view then threw a bare RangeError; found with a 16 MiB CLI input).
    return this.k.scratchAlloc(bytes) >>> 0;
  }

  /** Allocates n doubles set to zero. */
  zeros(n: number): number {
    const p = this.alloc(n);
    this.f64(p, n).fill(0);
    return p;
  }

  /** Allocates n 32-bit integers. */
  allocI32(n: number): number {
    const bytes = Math.max(n, 1) * 4;
    checkBytes(bytes);
    return this.k.scratchAlloc(bytes) >>> 0;
  }

  /** Copies numbers into fresh WebAssembly memory and returns the pointer. */
  put(src: ArrayLike<number>): number {
    const p = this.alloc(src.length);
    this.f64(p, src.length).set(src);
    return p;
  }

  /** A live view (invalidated when memory grows: take it after the last allocation). */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, n);
  }

  /** A copy that outlives the scope. */
  read(ptr: number, n: number): Float64Array {
    return this.f64(ptr, n).slice();
  }

  release(): void {
    this.k.scratchRelease(this.mark);
  }
}

/** Runs `fn` with a fresh Scope; memory is released and traps become GlocalErrors. */
export function withScope<T>(fn: (scope: Scope) => T): T {
  const scope = new Scope(kernels());
  try {
    return fn(scope);
  } catch (e) {
    throw translateError(e);
  } finally {
    scope.release();
  }
}

/** A long-lived block of n doubles owned by the caller (free with freePersistent). */
export function allocPersistent(n: number): { ptr: number; generation: number } {
  const bytes = Math.max(n, 1) * 8;
  checkBytes(bytes);
  const b = current();
  try {
    return { ptr: b.kernels.persistentAlloc(bytes) >>> 0, generation: b.generation };
  } catch (e) {
    throw translateError(e); // a raw RuntimeError escaped here when memory was full
  }
}

/** Frees a persistent block if its instance is still the running one. */
export function freePersistent(block: { ptr: number; generation: number }): void {
  if (backend && backend.generation === block.generation) backend.kernels.persistentFree(block.ptr);
}
