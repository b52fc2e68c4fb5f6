/**
 * Loading the WebAssembly kernels: both binaries ship inside the package as base64 (no
 * `fs`, no fetch), so Node and browsers share one path. The relaxed-SIMD binary is chosen
 * only where a tiny probe module that uses `f64x2.relaxed_madd` validates, and not on a
 * Node before 24 (see relaxedSpills); otherwise the plain SIMD one. (A third binary, on a
 * shared memory, serves the threaded inner step: src/training/parallel/.) This file owns the running instance; memory is handed out by scope.ts
 * (per call) and block.ts (long-lived).
 */
import { instantiate, instantiateSync } from "@assemblyscript/loader";
import { RELAXED_WASM_BASE64, SIMD_WASM_BASE64 } from "../generated/binaries";
import type { Kernels } from "./abi";
import { GlocalError, describe } from "./errors";
import { checkOptions } from "./validate";
import { hostImports } from "./productHook";

export type { Kernels } from "./abi";

/** The two WebAssembly binaries: plain SIMD, and relaxed SIMD (fused multiply-add) where validated. */
export type BinaryName = "simd" | "relaxed-simd";
/** A binary, or "auto": relaxed SIMD where the runtime validates it. */
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
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // magic, version
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // type: () -> v128
    0x03,
    0x02,
    0x01,
    0x00, // one function of type 0
    0x0a,
    code.length,
    ...code,
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

/** Bytes of a base64 string (atob in browsers, Buffer in Node). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
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

/**
 * Whether this is a Node whose V8 (before Node 24) spills the relaxed gemm micro-kernel's
 * accumulators: its optimising tier hoists the six broadcasts of a column of A above the
 * fused multiply-adds, runs out of vector registers, and reloads and stores three or four
 * accumulators on every iteration of the inner loop, which puts a store-to-load round trip
 * into their dependency chains; the plain binary, which spills too, ends up faster there
 * (bench/results/relaxed-simd.md). 'auto' then loads the plain binary; asking for
 * 'relaxed-simd' still gets it. Node 24 keeps all twelve accumulators in registers.
 */
function relaxedSpills(): boolean {
  const v = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return typeof v === "string" && Number(v.split(".")[0]) < 24;
}

function pick(pref: BinaryPreference): { binary: BinaryName; bytes: Uint8Array<ArrayBuffer> } {
  if (!simdSupported()) {
    throw new GlocalError(
      "E_UNSUPPORTED",
      "this runtime lacks WebAssembly SIMD, which glocal requires (Node >= 20, current browsers)",
    );
  }
  const relaxed = relaxedSimdSupported();
  if (pref === "relaxed-simd" && !relaxed) {
    throw new GlocalError(
      "E_UNSUPPORTED",
      "binary 'relaxed-simd' was requested but this runtime does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)",
      "binary",
    );
  }
  const useRelaxed = pref === "relaxed-simd" || (pref === "auto" && relaxed && !relaxedSpills());
  return useRelaxed
    ? { binary: "relaxed-simd", bytes: decodeBase64(RELAXED_WASM_BASE64) }
    : { binary: "simd", bytes: decodeBase64(SIMD_WASM_BASE64) };
}

/** A compiled WebAssembly module, typed opaquely: the published declarations must not need
 *  the WebAssembly (DOM) typings, which a consumer's strict check may lack. */
export interface CompiledBinary {
  readonly __compiledBinary: true;
}

let plainCompiled: CompiledBinary | null = null;
/**
 * The plain-SIMD binary, compiled (once): the sliced inner step runs its slices on a
 * private instance of it where there are no helper threads, so that they give the bits
 * of the shared binary, also where the running instance is the relaxed one. `ready()`
 * compiles it ahead where synchronous compilation may be refused (a browser main thread).
 */
export function plainModule(): CompiledBinary {
  plainCompiled ??= new WebAssembly.Module(decodeBase64(SIMD_WASM_BASE64)) as unknown as CompiledBinary;
  return plainCompiled;
}

function install(kernels: Kernels, binary: BinaryName): Backend {
  backend = { kernels, binary, generation: ++generation };
  return backend;
}

function checkPreference(binary: unknown): BinaryPreference {
  if (binary === undefined) return envPreference();
  if (binary === "auto" || binary === "simd" || binary === "relaxed-simd") return binary;
  throw new GlocalError(
    "E_OPTION",
    `option 'binary' must be 'auto', 'simd' or 'relaxed-simd', got ${describe(binary)}`,
    "binary",
  );
}

/**
 * Instantiates the kernels asynchronously (required once on a browser main thread, where
 * synchronous compilation of large modules is not allowed). Safe to call repeatedly;
 * passing `binary` replaces the running instance (objects holding memory of the old one
 * become unusable).
 */
export async function ready(options: { binary?: BinaryPreference } = {}): Promise<BackendInfo> {
  const o = checkOptions(options, ["binary"], "ready options");
  const pref = checkPreference(o.binary);
  if (backend && (o.binary === undefined || backend.binary === pick(pref).binary)) return backendInfo();
  const { binary, bytes } = pick(pref);
  const result = await instantiate<Kernels>(bytes, hostImports);
  const plain = binary === "simd" ? result.module : await WebAssembly.compile(decodeBase64(SIMD_WASM_BASE64));
  plainCompiled ??= plain as unknown as CompiledBinary;
  install(result.exports as unknown as Kernels, binary);
  return backendInfo();
}

/** Synchronous instantiation (Node, Web Workers). See `ready` for `binary`. */
export function initSync(options: { binary?: BinaryPreference } = {}): BackendInfo {
  const o = checkOptions(options, ["binary"], "initSync options");
  const pref = checkPreference(o.binary);
  if (backend && o.binary === undefined) return backendInfo();
  const { binary, bytes } = pick(pref);
  if (backend && backend.binary === binary) return backendInfo();
  let result;
  try {
    result = instantiateSync<Kernels>(bytes, hostImports);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new GlocalError(
        "E_NOT_READY",
        "WebAssembly cannot be compiled synchronously here (browser main thread): call `await glocal.ready()` once before using the library",
      );
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

/** The WebAssembly part of `backendInfo()`, also what `ready()` and `initSync()` return. */
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
  return {
    wasm: b.binary,
    relaxedSimdSupported: relaxedSimdSupported(),
    memoryBytes: b.kernels.memory.buffer.byteLength,
  };
}

/** WebAssembly memory statistics: reserved bytes and open scratch blocks (0 between calls). */
export function memoryStats(): { wasmBytes: number; openScratchBlocks: number } {
  const k = kernels();
  return { wasmBytes: k.memory.buffer.byteLength, openScratchBlocks: k.scratchMark() };
}

/** Bytes of WebAssembly memory the running instance holds (0 before instantiation). */
export function reservedBytes(): number {
  return backend ? backend.kernels.memory.buffer.byteLength : 0;
}

/** The most call-scoped scratch held at once (bytes) since `resetScratchPeak()` (tests, the budget bench). */
export function scratchPeak(): number {
  return kernels().scratchPeakBytes();
}

/** Starts a new high-water mark of call-scoped scratch. */
export function resetScratchPeak(): void {
  kernels().scratchPeakReset();
}
