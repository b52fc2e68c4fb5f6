/**
 * A FinalizationRegistry where the runtime has one (typed locally: the build targets the
 * ES2020 library). Objects that own WebAssembly memory register here so a forgotten
 * `dispose()` still frees it, eventually.
 */
export interface Finalizer<T> {
  register(target: object, held: T, token: object): void;
  unregister(token: object): void;
}

export function makeFinalizer<T>(cleanup: (held: T) => void): Finalizer<T> | null {
  const FR = (globalThis as { FinalizationRegistry?: new (cb: (held: T) => void) => Finalizer<T> }).FinalizationRegistry;
  return typeof FR === "function" ? new FR(cleanup) : null;
}
