/**
 * `glocal demo` checks every flag and both output paths before any work: a bad --stride,
 * a --window too short for the trajectory's estimate or an --out into a missing directory
 * used to fail after the whole training run, with progress lines before the error. The
 * errors name the flag the user typed.
 */
import { GlocalError, isGlocalError } from "../../core/errors";
import { ownProperties } from "../../core/validate";
import { checkGlocalOptions } from "../../optimize/glocalOptions";
import { windowEstimator } from "../../optimize/strategies/index";
import { DemoOptions, DemoSettings, resolveDemoOptions } from "../demo/run";
import { OutputTarget, checkOutputPath } from "./output";

/** The flag behind each demo option (as resolveDemoOptions and optimize name them). */
export const FLAG_OF: Readonly<Record<string, string>> = {
  model: "--model",
  hidden: "--hidden",
  train: "--train",
  val: "--val",
  batch: "--batch",
  steps: "--steps",
  window: "--window",
  localEvery: "--local-every",
  outer: "--outer",
  strategies: "--strategies",
  seed: "--seed",
  metaLr: "--meta-lr",
  workers: "--workers",
  "glocal.stride": "--stride",
  "glocal.method": "--method",
  "glocal.target": "--target",
};

/** A GlocalError about a demo option, renamed after the flag the user typed. */
function asFlagError(e: unknown, fallback: string): unknown {
  if (!isGlocalError(e)) return e;
  const flag = (e.argument !== undefined && FLAG_OF[e.argument]) || fallback;
  const text = e.message.replace(/\bglocal\.\w+/g, (name) => FLAG_OF[name] ?? name);
  return new GlocalError(e.code, text.startsWith(flag) ? text : `${flag}: ${text}`, flag);
}

/**
 * The trajectory of the report: `window` steps recorded every `stride`, estimated with
 * the glocal options. A dry run on a smooth synthetic window of the same shape finds a
 * window too short for the options (E_TOO_SHORT), or beyond the work budget, now.
 */
function checkTrajectoryEstimate(s: DemoSettings, strideGiven: boolean): void {
  const stride = s.glocal.stride ?? 1;
  const rows = Math.floor(s.window / stride);
  const flag = strideGiven ? "--stride" : "--window";
  if (rows < 1) {
    // The stride may be the demo's default, which the user never typed.
    throw new GlocalError(
      "E_OPTION",
      strideGiven
        ? `--stride ${stride} exceeds the window (${s.window} inner steps): no hypergradient would be recorded`
        : `--window ${s.window} is shorter than the stride glocal records at (${stride} by default; --stride sets it)`,
      flag,
    );
  }
  // The demo's own estimator (its options without the driver's: target, stride, valSubsample).
  const q = s.hyper.length;
  const est = windowEstimator(q, s.window, s.glocal);
  try {
    for (let t = 1; t <= rows; t++)
      est.push(Array.from({ length: q }, (_, j) => (j % 2 === 0 ? 0.9 ** t : 1 - 0.7 ** t)));
    est.estimate();
  } catch (e) {
    // Too few recorded rows for the demo's own settings is not an error: the plot then shows
    // h_m, as the driver falls back to it. A stride or method the user chose that can never
    // be estimated in this window is refused now, not found out after the run.
    if (isGlocalError(e) && e.code === "E_TOO_SHORT" && !strideGiven) return;
    if (isGlocalError(e) && (e.code === "E_TOO_SHORT" || e.code === "E_TOO_LARGE" || e.code === "E_OPTION")) {
      throw new GlocalError(
        e.code === "E_TOO_LARGE" ? "E_TOO_LARGE" : "E_OPTION",
        `${flag}: the report's trajectory (window ${s.window}, stride ${stride}: ${rows} recorded rows) cannot be estimated: ${e.message}`,
        flag,
      );
    }
    throw e;
  } finally {
    est.dispose();
  }
}

/** Where the demo's files go, checked. */
export interface DemoOutputs {
  report: OutputTarget;
  json: OutputTarget | null;
}

/**
 * Every check of `glocal demo` that needs no training: the options (as runDemo resolves
 * them), glocal's estimator options for the strategies' windows and for the report's
 * trajectory, and both output paths. Throws the first error, naming its flag.
 */
export function checkDemoRequest(
  options: DemoOptions,
  given: Record<string, string | boolean>,
  out: string,
  json: string | undefined,
): DemoOutputs {
  const fallback = given.stride === undefined ? "--window" : "--stride";
  let s: DemoSettings;
  try {
    s = resolveDemoOptions(options);
  } catch (e) {
    throw asFlagError(e, fallback);
  }
  try {
    if (s.strategies.includes("glocal")) checkGlocalOptions(ownProperties(s.glocal), s.window);
  } catch (e) {
    throw asFlagError(e, fallback);
  }
  checkTrajectoryEstimate(s, given.stride !== undefined);
  const report = checkOutputPath(out, "--out");
  const jsonTarget = json === undefined ? null : checkOutputPath(json, "--json");
  if (jsonTarget && jsonTarget.path === report.path)
    throw new GlocalError(
      "E_OPTION",
      "--json names the same file as --out: the results would replace the report",
      "--json",
    );
  return { report, json: jsonTarget };
}
