/**
 * The gpu.js side of the batched model products: C ← op(A)·op(B) + βC for operands that
 * live in WebAssembly memory (f64). Operand panels are copied out as Float32Array
 * (transposes absorbed by the copy), one gpu.js matrix-multiply kernel per product shape
 * runs them, and the f32 result is written back into C. Only products reach this file:
 * heads, activations, optimiser recurrences and all the DMD linear algebra stay in
 * WebAssembly f64.
 */
import type { ProductCall } from "../core/productHook";
import { GpuJs, GpuJsInstance, GpuJsKernel, GpuMode } from "./gpujs";

/** Kernels kept compiled (one per product shape m × n × k); the oldest is destroyed. */
const KERNEL_CACHE = 24;
/** gpu.js indexes flat arguments in f32 on the GL backends: exact up to 2^24. */
const MAX_ELEMENTS = 1 << 24;

interface ShapeKernel {
  kernel: GpuJsKernel;
  /** op(A) packed m × k and op(B) packed k × n, reused by every call of this shape. */
  a: Float32Array;
  b: Float32Array;
}

// The kernel source: gpu.js transpiles it (GLSL, WebAssembly or JS); `this` is gpu.js's.
function matmul(
  this: { thread: { x: number; y: number }; constants: { k: number; n: number } },
  a: Float32Array,
  b: Float32Array,
): number {
  let s = 0;
  for (let p = 0; p < this.constants.k; p++) {
    s += a[this.thread.y * this.constants.k + p] * b[p * this.constants.n + this.thread.x];
  }
  return s;
}

export class GpuProducts {
  readonly mode: GpuMode;
  private readonly lib: GpuJs;
  private gpu: GpuJsInstance | null;
  private readonly cache = new Map<string, ShapeKernel>();

  constructor(lib: GpuJs, mode: GpuMode) {
    this.lib = lib;
    this.mode = mode;
    this.gpu = new lib.GPU({ mode });
  }

  /** Whether a product of this shape can go to gpu.js at all. */
  static fits(m: number, n: number, k: number): boolean {
    return m > 0 && n > 0 && k > 0 && m * k <= MAX_ELEMENTS && k * n <= MAX_ELEMENTS && m * n <= MAX_ELEMENTS;
  }

  /**
   * C (m×n, ldc, f64 at byte offset C of `memory`) ← op(A)·op(B) + βC. Throws when gpu.js
   * fails or runs the kernel on another backend than `mode`.
   */
  product(memory: ArrayBuffer, ...[transA, transB, m, n, k, A, lda, B, ldb, beta, C, ldc]: ProductCall): void {
    const sk = this.shape(m, n, k);
    const heap = new Float64Array(memory);
    pack(heap, A >>> 3, lda, transA !== 0, m, k, sk.a);
    pack(heap, B >>> 3, ldb, transB !== 0, k, n, sk.b);
    const rows = sk.kernel(sk.a, sk.b) as ArrayLike<ArrayLike<number>>;
    this.checkBackend(sk.kernel);
    if (!rows || rows.length !== m)
      throw new Error(`gpu.js returned ${rows ? rows.length : "no"} rows for a ${m} × ${n} product`);
    const c0 = C >>> 3;
    for (let i = 0; i < m; i++) {
      const r = rows[i],
        base = c0 + i * ldc;
      if (beta === 0) for (let j = 0; j < n; j++) heap[base + j] = r[j];
      else for (let j = 0; j < n; j++) heap[base + j] = r[j] + beta * heap[base + j];
    }
  }

  /** The WebGL context of the most recently compiled kernel (GL modes), else null. */
  context(): unknown {
    let last: ShapeKernel | undefined;
    for (const sk of this.cache.values()) last = sk;
    return last?.kernel.kernel?.context ?? null;
  }

  /** Compiled kernels now held. */
  get kernels(): number {
    return this.cache.size;
  }

  /** Destroys every kernel and the gpu.js instance (idempotent). */
  dispose(): void {
    for (const sk of this.cache.values()) safeDestroy(sk.kernel);
    this.cache.clear();
    if (this.gpu) {
      try {
        const r = this.gpu.destroy();
        // gpu.js may return a Promise; a failure there must not surface as unhandled.
        if (r && typeof (r as Promise<unknown>).then === "function")
          (r as Promise<unknown>).then(undefined, () => undefined);
      } catch {
        // nothing left to release
      }
      this.gpu = null;
    }
  }

  private shape(m: number, n: number, k: number): ShapeKernel {
    const key = `${m}x${n}x${k}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last: Map iteration order is insertion order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    if (!this.gpu) throw new Error("gpu.js instance disposed");
    const kernel = this.gpu.createKernel(matmul, {
      output: [n, m],
      constants: { k, n },
      precision: "single",
      tactic: "precision",
      loopMaxIterations: Math.max(1000, k),
    });
    const sk = { kernel, a: new Float32Array(m * k), b: new Float32Array(k * n) };
    this.cache.set(key, sk);
    if (this.cache.size > KERNEL_CACHE) {
      const [oldest, old] = this.cache.entries().next().value as [string, ShapeKernel];
      this.cache.delete(oldest);
      safeDestroy(old.kernel);
    }
    return sk;
  }

  private checkBackend(kernel: GpuJsKernel): void {
    const cls = this.lib.kernelClass(this.mode);
    if (cls && kernel.kernel && !(kernel.kernel instanceof cls)) {
      throw new Error(`gpu.js ran the product on another backend than '${this.mode}' (its fallback)`);
    }
  }
}

function safeDestroy(kernel: GpuJsKernel): void {
  try {
    kernel.destroy?.(true);
  } catch {
    // a kernel that fails to destroy holds nothing we can release
  }
}

/** out (rows × cols, row-major) ← op(X): X is rows × cols (ld) or, transposed, cols × rows. */
function pack(
  heap: Float64Array,
  x0: number,
  ld: number,
  trans: boolean,
  rows: number,
  cols: number,
  out: Float32Array,
): void {
  if (!trans) {
    for (let i = 0; i < rows; i++) {
      const src = x0 + i * ld,
        dst = i * cols;
      for (let j = 0; j < cols; j++) out[dst + j] = heap[src + j];
    }
  } else {
    for (let j = 0; j < cols; j++) {
      const src = x0 + j * ld;
      for (let i = 0; i < rows; i++) out[i * cols + j] = heap[src + i];
    }
  }
}
