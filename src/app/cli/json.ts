/**
 * Reading trajectories from JSON for the CLI. JSON has no NaN or Infinity, but files written
 * by Python and others contain those tokens: they are detected (outside strings) and
 * reported as E_NONFINITE with their position instead of a parser crash. The strings
 * "NaN", "Infinity", "-Infinity" in number positions are read as those values too, so the
 * same E_NONFINITE reaches the user.
 */
import { GlocalError, describe, printable } from "../../core/errors";

function position(text: string, index: number): string {
  let line = 1,
    col = 1;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

/** Throws E_NONFINITE at the first bare NaN / Infinity token outside strings. */
function scanNonFiniteTokens(text: string, name: string): void {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    if (ch === "N" && text.startsWith("NaN", i)) {
      throw new GlocalError("E_NONFINITE", `${name} contains NaN at ${position(text, i)}`, "trajectory");
    }
    if (ch === "I" && text.startsWith("Infinity", i)) {
      const neg = text[i - 1] === "-";
      throw new GlocalError(
        "E_NONFINITE",
        `${name} contains ${neg ? "-" : ""}Infinity at ${position(text, neg ? i - 1 : i)}`,
        "trajectory",
      );
    }
  }
}

const NONFINITE_STRINGS: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** Parses `{"trajectory": [[…], …]}` or a bare array of rows. */
export function parseTrajectoryJson(text: string, name: string): unknown[] {
  // Empty input (nothing, or only white space) is an empty trajectory: E_SHAPE, as `[]` is.
  if (text.trim() === "")
    throw new GlocalError("E_SHAPE", `${name} is empty: a trajectory needs at least one row`, "trajectory");
  scanNonFiniteTokens(text, name);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // The engine's message quotes the input: its bytes (an ESC, a CR) are escaped here.
    const msg = e instanceof Error ? e.message : String(e);
    throw new GlocalError("E_PARSE", `${name} is not valid JSON (${printable(msg)})`, "input");
  }
  let rows: unknown = value;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    if (!Object.prototype.hasOwnProperty.call(value, "trajectory")) {
      throw new GlocalError(
        "E_SHAPE",
        `${name} must be {"trajectory": [[...], ...]} or an array of rows; it has no "trajectory" field`,
        "trajectory",
      );
    }
    rows = (value as { trajectory: unknown }).trajectory;
  }
  if (!Array.isArray(rows))
    throw new GlocalError("E_TYPE", `the trajectory must be an array of rows, got ${describe(rows)}`, "trajectory");
  return rows.map((row) =>
    Array.isArray(row)
      ? row.map((v) => (typeof v === "string" && v in NONFINITE_STRINGS ? NONFINITE_STRINGS[v] : v))
      : row,
  );
}
