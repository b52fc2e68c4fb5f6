/**
 * Engine failures as typed errors: a kernel trap, a failed memory grow or an allocation
 * beyond the allocator's block limit becomes a GlocalError (E_TOO_LARGE or E_INTERNAL),
 * so no raw WebAssembly.RuntimeError or RangeError reaches a caller.
 */
import { GlocalError, isGlocalError } from "./errors";
import { reservedBytes } from "./load";

/** The runtime's allocator caps one block at 1 GiB (WebAssembly memory at 4 GiB). */
export const MAX_BLOCK_BYTES = 2 ** 30 - 64;
// A trap with this much memory reserved is taken for a failed grow.
const OOM_BYTES = 3 * 2 ** 30;

/** E_TOO_LARGE before asking the allocator for more than one block can hold. */
export function checkBytes(bytes: number): void {
  if (!(bytes <= MAX_BLOCK_BYTES)) {
    throw new GlocalError(
      "E_TOO_LARGE",
      `a buffer of ${bytes} bytes exceeds the 1 GiB per-buffer limit of WebAssembly memory`,
    );
  }
}

/** Turns a kernel trap or an engine memory failure into a typed error. */
export function translateError(e: unknown): unknown {
  if (isGlocalError(e)) return e;
  if (e instanceof WebAssembly.RuntimeError) {
    // The allocator traps (unreachable) when memory cannot grow: near the 4 GiB ceiling
    // that is running out of memory, not a bug (found by the property tests).
    const reserved = reservedBytes();
    if (/unreachable/.test(e.message) && reserved > OOM_BYTES) {
      return new GlocalError("E_TOO_LARGE", `out of WebAssembly memory (${reserved} bytes reserved, 4 GiB at most)`);
    }
    return new GlocalError("E_INTERNAL", `a WebAssembly kernel trapped (${e.message}); this is a bug in glocal`);
  }
  if (e instanceof RangeError && /memory|allocation|grow/i.test(e.message)) {
    return new GlocalError("E_TOO_LARGE", `out of WebAssembly memory: ${e.message}`);
  }
  if (e instanceof Error && /^abort: Allocation too large/.test(e.message)) {
    // A kernel's own workspace beyond the allocator's 1 GiB block limit (a 7.7M-row trajectory).
    return new GlocalError(
      "E_TOO_LARGE",
      `a kernel's workspace exceeds the 1 GiB per-buffer limit of WebAssembly memory (${e.message})`,
    );
  }
  if (e instanceof Error && /^abort/.test(e.message)) {
    return new GlocalError("E_INTERNAL", `a WebAssembly kernel aborted (${e.message}); this is a bug in glocal`);
  }
  return e;
}
