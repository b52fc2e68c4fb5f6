/** `glocal estimate`: one trajectory in (JSON), one estimate out (JSON on stdout). */
import { closeSync, openSync, readSync } from "fs";
import { GlocalError } from "../../core/errors";
import { DEFAULT_METHOD, METHODS, checkMethod, resolveOptions } from "../../estimate/options";
import { estimateGlobal } from "../../estimate/pipeline";
import type { EstimateOptions, GlobalEstimate } from "../../estimate/types";
import { checkRankRule, formatRankRule, parseRankRule } from "../../estimate/rank";
import { integerFlag, numberFlag, parseFlags } from "./args";
import { parseTrajectoryJson } from "./json";
import { CommandHelp, flagSpec, usageLine } from "./help";

export const ESTIMATE_HELP: CommandHelp = {
  name: "estimate",
  summary: "the global hypergradient from a trajectory of hypergradients (JSON in, JSON out)",
  description: [
    'Reads a window\'s hypergradient trajectory h_1 … h_m, m rows of q numbers, as JSON: {"trajectory": [[…], …]} or a bare array of rows (at most 4 MiB; NaN and Infinity are rejected with their position). Fits the Hankel DMD (the Koopman operator\'s approximation) and prints one JSON line: {"estimate": […], "method", "delay", "rank", "eigenvalues": {"re", "im"}, "diagnostics": {trusted, warnings, residual, heldOutError, singularValues, truncated (h_m), …}}. When diagnostics.trusted is false, use h_m (diagnostics.truncated) instead.',
    "Bad input prints one line, error: E_CODE: what was wrong, on stderr and exits with status 2.",
  ],
  options: [
    { flag: "input", value: "FILE|-", required: true, text: "The trajectory file, or - for standard input." },
    {
      flag: "delay",
      value: "N|auto",
      default: "enough delay blocks to see about 16 modes, while keeping 3× as many columns",
      text: "Delay-embedding depth d (Hankel blocks); auto chooses it with the method on held-out rows.",
    },
    {
      flag: "rank",
      value: "N|full|svht|energy:X|auto",
      default: formatRankRule(checkRankRule(undefined)),
      text: "Truncation of the SVD: a fixed rank, none, the optimal hard threshold (svht), the smallest rank keeping a fraction X of the energy, or auto.",
    },
    {
      flag: "method",
      value: [...METHODS, "auto"].join("|"),
      default: DEFAULT_METHOD,
      text: "limit: the T → ∞ limit of the DMD modes near 1; horizon: h_T at --horizon T; affine: the fixed point of an affine Koopman fit; rre, mpe: vector extrapolation; auto: the one that predicts held-out rows best.",
    },
    {
      flag: "horizon",
      value: "T",
      default: "none (--method horizon requires it)",
      text: "Training length T > m for --method horizon.",
    },
    {
      flag: "tolerance",
      value: "X",
      default: String(resolveOptions({}, 20, 1).tolerance),
      text: "How close to 1 an eigenvalue counts as the steady mode (limit), in (0, 1).",
    },
  ],
  examples: [
    "glocal estimate --input trajectory.json",
    `echo '[[1], [1.5], [1.75], [1.875], [1.9375], [1.96875]]' | glocal estimate --input -    # estimate [2], h_m 1.96875`,
    "glocal estimate --input trajectory.json --delay 2 --method limit --rank svht",
    "glocal estimate --input trajectory.json --method horizon --horizon 1000",
  ],
};

export const ESTIMATE_USAGE = usageLine(ESTIMATE_HELP);

/**
 * The largest input `glocal estimate` reads: 4 MiB, 0.2–1 million numbers -- more than a
 * window of hypergradients holds (m·q is 10³…10⁵; 1000 hyperparameters × 200 rows in
 * full precision is 3.6 MiB). Larger input is rejected with E_TOO_LARGE after reading at
 * most this much, so a 100 MB file, an endless pipe or /dev/zero cannot exhaust the
 * machine. What the input asks for is bounded apart from its size: the estimate's work
 * budget (src/estimate/budget.ts) refuses a request whose predicted memory or work is too
 * large -- a 32 KB file with --delay 2000 used to run for minutes.
 */
export const MAX_INPUT_BYTES = 4 * 2 ** 20;

/** Reads a file descriptor to its end, or throws E_TOO_LARGE once it exceeds `limit` bytes. */
export function readBounded(fd: number, limit: number, name: string): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue; // a non-blocking pipe with no data yet
      if (code === "EOF") break; // Windows pipes report their end this way
      throw new GlocalError("E_IO", `cannot read ${name} (${code ?? (e as Error).message})`, "--input");
    }
    if (n === 0) break;
    total += n;
    if (total > limit) {
      throw new GlocalError(
        "E_TOO_LARGE",
        `${name} is larger than ${limit / 2 ** 20} MiB, the most glocal estimate reads`,
        "--input",
      );
    }
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

function readInput(path: string, readStdin: () => string): string {
  const text = path === "-" ? readStdin() : readFile(path);
  // readStdin may come from a caller (tests, embedding): hold it to the same limit.
  if (text.length > MAX_INPUT_BYTES) {
    throw new GlocalError(
      "E_TOO_LARGE",
      `the input is larger than ${MAX_INPUT_BYTES / 2 ** 20} MiB, the most glocal estimate reads`,
      "--input",
    );
  }
  // A UTF-8 byte order mark (editors on Windows write one) is not part of the JSON.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new GlocalError(
      "E_IO",
      `cannot read --input ${JSON.stringify(path)} (${code || (e as Error).message})`,
      "--input",
    );
  }
  try {
    return readBounded(fd, MAX_INPUT_BYTES, `--input ${JSON.stringify(path)}`);
  } finally {
    closeSync(fd);
  }
}

/** Builds the estimate options from the flags. */
export function estimateOptionsFromFlags(flags: Record<string, string | boolean>): EstimateOptions {
  const options: EstimateOptions = {};
  if (typeof flags.delay === "string")
    options.delay = flags.delay === "auto" ? "auto" : integerFlag(flags.delay, "delay", 1);
  if (typeof flags.rank === "string") options.rank = parseRankRule(flags.rank);
  if (typeof flags.method === "string") options.method = checkMethod(flags.method, "--method");
  if (typeof flags.horizon === "string") {
    // Only the horizon method (and auto, which may choose it) uses T: anything else would ignore it.
    if (options.method !== "horizon" && options.method !== "auto")
      throw new GlocalError(
        "E_OPTION",
        `--horizon is used only by --method horizon (or auto); with --method ${options.method ?? "affine (the default)"} it would be ignored`,
        "--horizon",
      );
    options.horizon = integerFlag(flags.horizon, "horizon", 1);
  }
  if (typeof flags.tolerance === "string") options.tolerance = numberFlag(flags.tolerance, "tolerance");
  return options;
}

/** JSON has no Infinity: a failed test's ratio is written as the string "Infinity". */
function finiteOrWord(v: number | null): number | string | null {
  return v === null || Number.isFinite(v) ? v : "Infinity";
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
      // JSON has no Infinity: an overflowed diagnostic (DIAGNOSTIC_OVERFLOW) is the string "Infinity".
      singularValues: Array.from(d.singularValues, (v) => (Number.isFinite(v) ? v : "Infinity")),
      residual: d.residual,
      heldOutError: finiteOrWord(d.heldOutError),
      heldOutRows: d.heldOutRows,
      forecastRatio: finiteOrWord(d.forecastRatio),
      nestedChange: finiteOrWord(d.nestedChange),
      correctionRatio: finiteOrWord(d.correctionRatio),
      untrustedBecause: d.untrustedBecause,
      slowestTimeConstant: d.slowestTimeConstant,
      truncated: Array.from(d.truncated),
      ...(d.auto
        ? { auto: d.auto.map((c) => ({ ...c, error: Number.isFinite(c.error) ? c.error : "Infinity" })) }
        : {}),
    },
  };
}

export function runEstimate(args: string[], out: (text: string) => void, readStdin: () => string): void {
  const flags = parseFlags(args, flagSpec(ESTIMATE_HELP));
  if (typeof flags.input !== "string")
    throw new GlocalError("E_OPTION", `--input FILE (or - for stdin) is required: ${ESTIMATE_USAGE}`, "--input");
  const options = estimateOptionsFromFlags(flags);
  const text = readInput(flags.input, readStdin);
  const rows = parseTrajectoryJson(text, flags.input === "-" ? "stdin" : `--input ${JSON.stringify(flags.input)}`);
  const result = estimateGlobal(rows as number[][], options);
  out(JSON.stringify(estimateToJson(result)) + "\n");
}
