/** Flag parsing for the CLI: `--flag value`, `--flag=value` and bare boolean flags. */
import { GlocalError } from "../../core/errors";

export type FlagSpec = Record<string, "value" | "boolean">;

export function parseFlags(args: string[], spec: FlagSpec): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new GlocalError("E_OPTION", `unexpected argument '${arg}'`, arg);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new GlocalError("E_OPTION", `unknown flag '--${name}'`, `--${name}`);
    if (name in out) throw new GlocalError("E_OPTION", `flag '--${name}' given twice`, `--${name}`);
    if (kind === "boolean") {
      if (eq >= 0) throw new GlocalError("E_OPTION", `flag '--${name}' takes no value`, `--${name}`);
      out[name] = true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--")))
        throw new GlocalError("E_OPTION", `flag '--${name}' needs a value`, `--${name}`);
      out[name] = value;
    }
  }
  return out;
}

/** A flag value that must be a finite number. */
export function numberFlag(value: string, name: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v))
    throw new GlocalError("E_OPTION", `--${name} must be a number, got ${JSON.stringify(value)}`, `--${name}`);
  return v;
}

/** A flag value that must be an integer ≥ min. */
export function integerFlag(value: string, name: string, min: number): number {
  if (!/^-?[0-9]+$/.test(value.trim()))
    throw new GlocalError(
      "E_OPTION",
      `--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`,
      `--${name}`,
    );
  const v = Number(value);
  if (v < min) throw new GlocalError("E_OPTION", `--${name} must be an integer >= ${min}, got ${v}`, `--${name}`);
  return v;
}
