/**
 * Shared validation of option objects and scalar options.
 *
 * Options are read from the caller's object once, own enumerable properties only, into a
 * copy without a prototype: a property set on Object.prototype (by a polluted dependency)
 * must not become an option, and a getter must not run again (or differently) later.
 */
import { GlocalError, describe, printable } from "./errors";

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * The own enumerable properties of `value` (an object) in a prototype-free copy; each
 * getter runs once. Nested values are not copied (see `ownCopy`).
 */
export function ownProperties(value: object): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

/** Whether `value` has `key` as an own property (never one inherited from a prototype). */
export function hasOwnProperty(value: unknown, key: string): boolean {
  return typeof value === "object" && value !== null && hasOwn(value, key);
}

/**
 * A member of an object the caller implements (a plug-in model, a problem, a signal): its
 * own property or one of its class's, never one inherited from Object.prototype.
 */
export function member(value: object, key: string): unknown {
  for (
    let o: object | null = value;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d.get ? d.get.call(value) : d.value;
  }
  return undefined;
}

/** Whether `value` has `key` as its own or its class's member (the getter is not run). */
export function hasMember(value: object, key: string): boolean {
  for (
    let o: object | null = value;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  )
    if (Object.getOwnPropertyDescriptor(o, key)) return true;
  return false;
}

/**
 * A copy of plain option data: objects (own enumerable properties, prototype-free) and
 * arrays copied to `depth` levels; functions, typed arrays and other values as they are.
 * For options a long-lived object keeps (GlocalEstimator): the caller may change theirs.
 */
export function ownCopy(value: unknown, depth = 4): unknown {
  if (depth <= 0 || typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return Array.from(value, (v) => ownCopy(v, depth - 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = ownProperties(value);
  for (const key of Object.keys(out)) out[key] = ownCopy(out[key], depth - 1);
  return out;
}

/**
 * Rejects non-objects and keys outside `allowed` (typos must not pass silently); returns
 * the own enumerable properties in a prototype-free copy.
 */
export function checkOptions(options: unknown, allowed: readonly string[], name = "options"): Record<string, unknown> {
  if (options === undefined) return Object.create(null) as Record<string, unknown>;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new GlocalError("E_OPTION", `${name} must be an object, got ${describe(options)}`, name);
  }
  const own = ownProperties(options);
  for (const key of Object.keys(own)) {
    if (!allowed.includes(key)) {
      throw new GlocalError(
        "E_OPTION",
        `unknown option '${printable(key)}' in ${name} (allowed: ${allowed.join(", ")})`,
        `${name}.${key}`,
      );
    }
  }
  return own;
}

/** A boolean option: `fallback` when absent, E_OPTION naming it otherwise. */
export function optBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean")
    throw new GlocalError("E_OPTION", `option '${name}' must be a boolean, got ${describe(value)}`, name);
  return value;
}

/** A finite number option (passing `check`, described as `what`): `fallback` when absent. */
export function optNumber(
  value: unknown,
  name: string,
  fallback: number,
  check?: (v: number) => boolean,
  what = "valid",
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || (check && !check(value))) {
    throw new GlocalError(
      "E_OPTION",
      `option '${name}' must be a finite number${what === "valid" ? "" : " " + what}, got ${describe(value)}`,
      name,
    );
  }
  return value;
}

/** An integer option in [min, max]: `fallback` when absent, E_OPTION naming it otherwise. */
export function optInteger(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new GlocalError("E_OPTION", `option '${name}' must be an integer ${range}, got ${describe(value)}`, name);
  }
  return value;
}
