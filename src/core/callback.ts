/**
 * Code the caller hands the library (a progress callback, an AbortSignal's `aborted`
 * getter) runs through `callerCode`: whatever it throws is the caller's error, reported
 * as E_CALLBACK naming the callback, with the original value as `cause` -- never
 * E_INTERNAL, which blames the library.
 */
import { GlocalError, describe, printable } from "./errors";

/** A one-line summary of a thrown value that cannot itself throw (a hostile getter). */
function summary(e: unknown): string {
  try {
    if (e instanceof Error) {
      const text = `${String(e.name)}: ${String(e.message)}`;
      return printable(text.length > 200 ? text.slice(0, 197) + "..." : text);
    }
    return describe(e);
  } catch {
    return "a value that could not be described";
  }
}

/** Runs the caller's `fn`; a throw becomes E_CALLBACK naming `argument`, with `cause`. */
export function callerCode<T>(argument: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new GlocalError("E_CALLBACK", `${argument} threw (${summary(e)})`, argument, { cause: e });
  }
}
