/** `glocal estimate`: one trajectory in (JSON), one estimate out (JSON on stdout). */
import { readFileSync } from "fs";
import { GlocalError } from "../errors";
import { EstimateOptions, GlobalEstimate, Method, METHODS, estimateGlobal } from "../glocal";
import { parseRankRule } from "../rank";
import { integerFlag, numberFlag, parseFlags } from "./args";
import { parseTrajectoryJson } from "./json";

export const ESTIMATE_USAGE =
  "glocal estimate --input FILE|- [--delay N|auto] [--rank N|full|svht|energy:X|auto] [--method limit|horizon|affine|rre|mpe|auto] [--horizon T] [--tolerance X]";

function readInput(path: string, readStdin: () => string): string {
  if (path === "-") return readStdin();
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new GlocalError("E_IO", `cannot read --input ${JSON.stringify(path)} (${code || (e as Error).message})`, "--input");
  }
}

/** Builds the estimate options from the flags. */
export function estimateOptionsFromFlags(flags: Record<string, string | boolean>): EstimateOptions {
  const options: EstimateOptions = {};
  if (typeof flags.delay === "string") options.delay = flags.delay === "auto" ? "auto" : integerFlag(flags.delay, "delay", 1);
  if (typeof flags.rank === "string") options.rank = parseRankRule(flags.rank);
  if (typeof flags.method === "string") {
    if (flags.method !== "auto" && !METHODS.includes(flags.method as Method)) {
      throw new GlocalError("E_OPTION", `--method must be one of ${METHODS.join(", ")}, auto; got ${JSON.stringify(flags.method)}`, "--method");
    }
    options.method = flags.method as Method | "auto";
  }
  if (typeof flags.horizon === "string") options.horizon = integerFlag(flags.horizon, "horizon", 1);
  if (typeof flags.tolerance === "string") options.tolerance = numberFlag(flags.tolerance, "tolerance");
  return options;
}

/** The CLI's JSON form of an estimate (typed arrays become arrays). */
export function estimateToJson(r: GlobalEstimate): object {
  const d = r.diagnostics;
  return {
    estimate: Array.from(r.estimate),
    method: r.method,
    delay: r.delay,
    rank: r.rank,
    eigenvalues: { re: Array.from(r.eigenvalues.re), im: Array.from(r.eigenvalues.im) },
    diagnostics: {
      trusted: d.trusted,
      warnings: d.warnings,
      target: r.target,
      horizon: r.horizon,
      rankRule: d.rankRule,
      methodRank: d.methodRank,
      keptModes: d.keptModes,
      singularValues: Array.from(d.singularValues),
      residual: d.residual,
      heldOutError: d.heldOutError === null || Number.isFinite(d.heldOutError) ? d.heldOutError : "Infinity",
      heldOutRows: d.heldOutRows,
      slowestTimeConstant: d.slowestTimeConstant,
      truncated: Array.from(d.truncated),
      ...(d.auto ? { auto: d.auto.map((c) => ({ ...c, error: Number.isFinite(c.error) ? c.error : "Infinity" })) } : {}),
    },
  };
}

export function runEstimate(args: string[], out: (text: string) => void, readStdin: () => string): void {
  const flags = parseFlags(args, { input: "value", delay: "value", rank: "value", method: "value", horizon: "value", tolerance: "value" });
  if (typeof flags.input !== "string") throw new GlocalError("E_OPTION", `--input FILE (or - for stdin) is required: ${ESTIMATE_USAGE}`, "--input");
  const options = estimateOptionsFromFlags(flags);
  const text = readInput(flags.input, readStdin);
  const rows = parseTrajectoryJson(text, flags.input === "-" ? "stdin" : flags.input);
  const result = estimateGlobal(rows as number[][], options);
  out(JSON.stringify(estimateToJson(result)) + "\n");
}
