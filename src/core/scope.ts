/**
 * Call-scoped WebAssembly memory. Every call runs inside a Scope: what it takes (inputs
 * copied in, outputs, kernel workspace) is recorded on the kernels' allocation stack
 * (assembly/memory.ts) and released in `finally`, also when a kernel traps, so repeated
 * calls reuse the same pages and memory never grows across repetitions.
 */
import { Kernels, kernels } from "./load";
import { checkBytes, translateError } from "./traps";

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
