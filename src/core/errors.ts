/**
 * Typed errors. Every failure the library reports is a GlocalError with a stable
 * `code` and a message that names the offending argument, so callers (and the CLI)
 * can branch on the code and show the message as is.
 */
export type GlocalErrorCode =
  | "E_SHAPE" // wrong dimensions, ragged rows, empty input
  | "E_NONFINITE" // NaN or ±Infinity where finite numbers are required
  | "E_TYPE" // a value of the wrong type (a string where a matrix is expected, …)
  | "E_TOO_SHORT" // a trajectory too short for the requested delay / method
  | "E_OPTION" // an unknown option or an option value out of range
  | "E_DIVERGED" // inner training produced a non-finite loss
  | "E_ABORTED" // cancelled through an AbortSignal
  | "E_NOCONVERGE" // an iterative factorisation hit its iteration limit (or, for entries spanning more than the float64 range, underflowed)
  | "E_TOO_LARGE" // a problem that exceeds what WebAssembly memory (or the CLI's 4 MiB input) can hold, or a result beyond the float64 range
  | "E_DISPOSED" // an object used after dispose()
  | "E_NOT_READY" // browser main thread: call `await ready()` first
  | "E_UNSUPPORTED" // the runtime lacks WebAssembly SIMD
  | "E_IO" // the CLI could not read or write a file
  | "E_PARSE" // the CLI's input is not valid JSON
  | "E_CALLBACK" // a function the caller passed (onProgress, an AbortSignal's getter) threw: the original is `cause`
  | "E_MISSING_DEPENDENCY" // an optional peer dependency (gpu.js, mnist, TensorFlow.js) is asked for but not installed
  | "E_WORKER" // a worker thread running part of a parallel run crashed (threw outside the library, or exited)
  | "E_INTERNAL"; // a kernel trapped: a bug in glocal, please report it

/** The one error type of the library: a stable `code`, a message that names the argument, and the argument. */
export class GlocalError extends Error {
  readonly code: GlocalErrorCode;
  /** The argument (or option path) the error is about, when there is one; for
   *  E_MISSING_DEPENDENCY, the package to install. */
  readonly argument?: string;
  /** What the caller's own code threw (E_CALLBACK), kept as it was. */
  declare readonly cause?: unknown;

  constructor(code: GlocalErrorCode, message: string, argument?: string, options?: { cause?: unknown }) {
    super(message);
    this.name = "GlocalError";
    this.code = code;
    this.argument = argument;
    // As ES2022's Error option: an own, non-enumerable property, present only when given.
    if (options !== undefined && Object.prototype.hasOwnProperty.call(options, "cause"))
      Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    Object.setPrototypeOf(this, GlocalError.prototype);
  }
}

/** True for a GlocalError, also one thrown by another copy of the library. */
export function isGlocalError(e: unknown): e is GlocalError {
  return (
    e instanceof GlocalError ||
    (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "GlocalError")
  );
}

/**
 * Control and other non-printing characters (C0, DEL, C1, bidirectional overrides, line
 * separators, lone surrogates, unassigned code points) that would reach a terminal
 * verbatim: an ESC from a file could recolour or rewrite the user's screen.
 */
const NON_PRINTING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;

/**
 * `text` with every non-printing character escaped (`\x1b`, `\u202e`, `\u{e0001}`), so a
 * message that carries bytes from a file or the command line is safe to print.
 */
export function printable(text: string): string {
  return text.replace(NON_PRINTING, (ch) => {
    const c = ch.codePointAt(0) as number;
    if (c <= 0xff) return `\\x${c.toString(16).padStart(2, "0")}`;
    if (c <= 0xffff) return `\\u${c.toString(16).padStart(4, "0")}`;
    return `\\u{${c.toString(16)}}`;
  });
}

/** A short printable description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string")
    return printable(JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value));
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return printable(value.toString());
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `a ${value.constructor.name} of length ${(value as unknown as { length: number }).length}`;
  if (typeof value === "function") return "a function";
  return `an object`;
}
