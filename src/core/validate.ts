/** Shared validation of option objects and scalar options. */
import { GlocalError, describe } from "./errors";

/** Rejects non-objects and keys outside `allowed` (typos must not pass silently). */
export function checkOptions(options: unknown, allowed: readonly string[], name = "options"): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new GlocalError("E_OPTION", `${name} must be an object, got ${describe(options)}`, name);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new GlocalError(
        "E_OPTION",
        `unknown option '${key}' in ${name} (allowed: ${allowed.join(", ")})`,
        `${name}.${key}`,
      );
    }
  }
  return options as Record<string, unknown>;
}

export function optBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean")
    throw new GlocalError("E_OPTION", `option '${name}' must be a boolean, got ${describe(value)}`, name);
  return value;
}

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
