/**
 * The one owner of long-lived WebAssembly memory: a block of doubles held by an object
 * across calls (a problem's data, a training session's state, an estimator's ring). It is
 * freed by `dispose()`, or by a FinalizationRegistry if the owner forgets, and refuses to
 * be used once the WebAssembly instance it came from has been replaced.
 */
import { GlocalError } from "./errors";
import { backendGeneration, kernels } from "./load";
import { checkBytes, translateError } from "./traps";

interface Held {
  ptr: number;
  generation: number;
  freed: boolean;
}

/** FinalizationRegistry where the runtime has one (typed locally: the build targets ES2020). */
interface Finalizer<T> {
  register(target: object, held: T, token: object): void;
  unregister(token: object): void;
}
const FR = (globalThis as { FinalizationRegistry?: new (cb: (held: Held) => void) => Finalizer<Held> })
  .FinalizationRegistry;
const registry: Finalizer<Held> | null = typeof FR === "function" ? new FR(free) : null;

function free(held: Held): void {
  if (held.freed) return;
  held.freed = true;
  // Only into the instance that allocated it: a replaced instance's memory is gone.
  if (held.generation === backendGeneration()) kernels().persistentFree(held.ptr);
}

export class PersistentBlock {
  /** Doubles in the block. */
  readonly length: number;
  private held: Held | null;
  /** Names the owner in E_DISPOSED messages ("this training session", …). */
  private readonly owner: () => string;

  /** Allocates n doubles (uninitialised) for `owner`, which the registry watches. */
  constructor(owner: object, n: number, what: string | (() => string)) {
    const bytes = Math.max(n, 1) * 8;
    checkBytes(bytes);
    let ptr: number;
    try {
      ptr = kernels().persistentAlloc(bytes) >>> 0;
    } catch (e) {
      throw translateError(e); // a raw RuntimeError escaped here when memory was full
    }
    this.length = n;
    this.owner = typeof what === "string" ? () => what : what;
    this.held = { ptr, generation: backendGeneration(), freed: false };
    registry?.register(owner, this.held, this);
  }

  get disposed(): boolean {
    return this.held === null;
  }

  /** The block's byte offset; E_DISPOSED when freed or the instance was replaced. */
  get ptr(): number {
    return this.live().ptr;
  }

  /** A live view of the block (invalidated when memory grows: take it after allocating). */
  view(): Float64Array {
    return new Float64Array(kernels().memory.buffer, this.live().ptr, this.length);
  }

  /** Throws E_DISPOSED unless the block can be used (argument: the owner's name in errors). */
  check(argument: string): void {
    this.live(argument);
  }

  /** Frees the memory now (idempotent). */
  dispose(): void {
    if (this.held === null) return;
    registry?.unregister(this);
    free(this.held);
    this.held = null;
  }

  private live(argument?: string): Held {
    if (this.held === null) throw new GlocalError("E_DISPOSED", `${this.owner()} was disposed`, argument);
    if (this.held.generation !== backendGeneration()) {
      throw new GlocalError(
        "E_DISPOSED",
        `the WebAssembly instance was replaced (ready/initSync with another binary) after ${this.owner()} was created`,
        argument,
      );
    }
    return this.held;
  }
}
