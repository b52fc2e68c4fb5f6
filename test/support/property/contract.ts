/**
 * The contract every public call is held to: it returns a result that passes the caller's
 * check (finite, satisfying the function's identities), or it throws a GlocalError with a
 * documented code that the test allows for those inputs -- and for inputs the test knows
 * to be bad (`rejects`) it must throw: accepting them is a violation. Never another exception (a
 * WebAssembly RuntimeError, a TypeError, a RangeError), never a mutated input, never an
 * allocation left open.
 */
import * as fs from "fs";
import { GlocalError, GlocalErrorCode, memoryStats } from "../../../src/index";
import { note } from "./summary";

export const DOCUMENTED_CODES: readonly GlocalErrorCode[] = [
  "E_SHAPE",
  "E_NONFINITE",
  "E_TYPE",
  "E_TOO_SHORT",
  "E_OPTION",
  "E_DIVERGED",
  "E_ABORTED",
  "E_NOCONVERGE",
  "E_TOO_LARGE",
  "E_DISPOSED",
  "E_NOT_READY",
  "E_UNSUPPORTED",
  "E_MISSING_DEPENDENCY",
  "E_IO",
  "E_PARSE",
  "E_CALLBACK",
  "E_INTERNAL",
];

export type Outcome = "ok" | GlocalErrorCode;

const TRACE = process.env.GLOCAL_PROPERTY_TRACE;

export interface Expectation<T> {
  /** Error codes these inputs may raise (an empty list: the call must succeed). */
  codes: Iterable<GlocalErrorCode>;
  /** The result may overflow float64 for these inputs: E_TOO_LARGE is then allowed too. */
  mayOverflow?: boolean;
  /**
   * The inputs are known bad (the generator broke them, or they break a documented rule):
   * the call must throw, one of `codes`; a result is a violation, and `check` is not run.
   * Without it `codes` only permits errors.
   */
  rejects?: boolean;
  /** Checks a result; throws on a violation. */
  check?: (result: T) => void;
}

export function fail(message: string): never {
  throw new Error(message);
}

export function assert(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) fail(typeof message === "string" ? message : message());
}

/**
 * A canonical text of a value (typed-array kinds, -0, NaN, holes, bigint and symbols
 * included) to detect mutation of inputs.
 */
export function snapshot(v: unknown, seen: Set<unknown> = new Set()): string {
  switch (typeof v) {
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return `${v}n`;
    case "string":
      return JSON.stringify(v);
    case "symbol":
      return v.toString();
    case "function":
      return "fn";
    case "undefined":
    case "boolean":
      return String(v);
  }
  if (v === null) return "null";
  if (seen.has(v)) return "<cycle>";
  seen.add(v);
  if (ArrayBuffer.isView(v)) {
    const arr = Array.from(v as unknown as ArrayLike<number | bigint>);
    return `${v.constructor.name}[${arr.map((x) => snapshot(x, seen)).join(",")}]`;
  }
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (let i = 0; i < v.length; i++) parts.push(i in v ? snapshot(v[i], seen) : "<hole>");
    return `[${parts.join(",")}]`;
  }
  const obj = v as Record<string, unknown>;
  // An ml-matrix-like object: its entries are behind get().
  if (
    typeof obj.get === "function" &&
    Number.isInteger(obj.rows) &&
    Number.isInteger(obj.columns) &&
    (obj.rows as number) * (obj.columns as number) <= 1e5
  ) {
    const get = obj.get as (i: number, j: number) => unknown;
    const vals: string[] = [];
    for (let i = 0; i < (obj.rows as number); i++)
      for (let j = 0; j < (obj.columns as number); j++) vals.push(snapshot(get.call(obj, i, j), seen));
    return `ml(${obj.rows}×${obj.columns})[${vals.join(",")}]`;
  }
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${k}:${snapshot(obj[k], seen)}`)
    .join(",")}}`;
}

/** Runs `call` under the contract; returns and counts the outcome. */
export function contract<T>(inputs: readonly unknown[], call: () => T, ex: Expectation<T>): Outcome {
  const before = inputs.map((x) => snapshot(x));
  // A synchronous hang cannot be interrupted: GLOCAL_PROPERTY_TRACE=FILE keeps the inputs
  // of the call in progress there, to find the case after killing the run.
  if (TRACE) fs.writeFileSync(TRACE, before.join("\n"));
  let result: T | undefined;
  let error: unknown;
  let threw = false;
  try {
    result = call();
  } catch (e) {
    threw = true;
    error = e;
  }
  inputs.forEach((x, i) =>
    assert(
      snapshot(x) === before[i],
      `input ${i} was modified by the call: ${before[i].slice(0, 200)} → ${snapshot(x).slice(0, 200)}`,
    ),
  );
  assert(memoryStats().openScratchBlocks === 0, "the call left WebAssembly scratch memory allocated");
  const allowed = new Set(ex.codes);
  if (ex.mayOverflow) allowed.add("E_TOO_LARGE");
  if (threw) {
    if (!(error instanceof GlocalError)) {
      const e = error as Error;
      fail(
        `threw ${e?.name ?? typeof error} (${e?.message ?? String(error)}), not a GlocalError${e?.stack ? "\n" + e.stack.split("\n").slice(0, 6).join("\n") : ""}`,
      );
    }
    const { code, message } = error;
    assert(DOCUMENTED_CODES.includes(code), `undocumented error code ${code}`);
    if (process.env.GLOCAL_PROPERTY_DEBUG) console.error(`${code}: ${message}`);
    assert(
      allowed.has(code),
      `threw ${code} (${message}); allowed here: ${[...allowed].join(", ") || "none (must succeed)"}`,
    );
    assert(typeof message === "string" && message.length > 0, "an error without a message");
    note(code);
    return code;
  }
  if (ex.rejects) {
    fail(
      `accepted inputs it must reject (with ${[...allowed].join(" or ")}): ${before.map((b) => b.slice(0, 200)).join(" | ")}`,
    );
  }
  ex.check?.(result as T);
  note("ok");
  return "ok";
}

/** Every entry finite. */
export function allFinite(data: ArrayLike<number>, what: string): void {
  for (let i = 0; i < data.length; i++) assert(Number.isFinite(data[i]), () => `${what}[${i}] is ${data[i]}`);
}
