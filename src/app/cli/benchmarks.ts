/**
 * `glocal bench`: the benchmark suites, a separate bundle beside the CLI (dist/bench.cjs)
 * loaded only here. Their harness (benchmark.js) and baselines are devDependencies and the
 * published package leaves the suites out: they run from a clone of the repository.
 */
import { GlocalError } from "../../core/errors";
import { integerFlag, parseFlags } from "./args";
import { defaultWorkers } from "../../core/workers";
import { CommandHelp, flagSpec } from "./help";

const SUITES = [
  "micro",
  "jvp",
  "accuracy",
  "e2e",
  "e2e-perfeature",
  "regimes",
  "gpu",
  "soak",
  "hyperdim",
  "perfeature",
  "perfeature-explore",
  "perfeature-confirm",
  "budget",
  "tfjs",
  "parallel-step",
  "parallel",
  "all",
];

export const BENCH_HELP: CommandHelp = {
  name: "bench",
  summary: "the benchmarks, printed as a table (from a clone of the repository)",
  description: [
    "Measures the kernels, the forward-mode steps, the estimator's accuracy, the strategies end to end, the gpu.js products or a memory soak, and prints a table. The suites are not part of the published package: run them in a clone after npm install (npm run bench and its siblings write bench/results/).",
  ],
  options: [
    {
      flag: "suite",
      value: SUITES.join("|"),
      default: "micro",
      text: "Which suite: micro (linear algebra against ml-matrix, with the jvp suite), jvp (the batched JVP step), accuracy (every estimator against true global hypergradients), e2e (the strategies end to end, three scenarios), e2e-perfeature (only the per-feature scenario of e2e, written into the existing e2e files), gpu (gpu.js against WebAssembly products), soak (memory over repeated calls), tfjs (a TensorFlow.js model's hypergradient precision against the built-in f64 problems, and its step cost), parallel-step (one inner step on 1 and 2 threads), parallel (the demo and e2e with 1 worker and with 2, and one inner step with 1 and 2 threads), all.",
    },
    {
      flag: "quick",
      default: "off",
      text: "Fewer sizes and repetitions: a smoke test of the suite, not figures to quote.",
    },
    {
      flag: "workers",
      value: "N",
      default: `the number of cores (${defaultWorkers()} here)`,
      text: "Worker threads that run the e2e suite's cases (seed × strategy) side by side, longest first; 1: one after another in this thread. The losses and counts are the same whatever N; e.g. --workers 2.",
    },
    { flag: "json", value: "FILE", default: "none", text: "Also write the results as JSON to FILE." },
    { flag: "markdown", value: "FILE", default: "none", text: "Also write the results as a Markdown table to FILE." },
  ],
  examples: [
    "glocal bench --quick",
    "glocal bench --suite accuracy --markdown accuracy.md --json accuracy.json",
    "glocal bench --suite e2e --workers 2",
  ],
};

interface BenchModule {
  runBench(o: {
    quick: boolean;
    suite?: string;
    json?: string;
    markdown?: string;
    log: (s: string) => void;
    workers?: number;
  }): Promise<void>;
}

/** The suites' bundle, or the E_* that says what is missing to run them. */
function loadBench(): BenchModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- beside dist/cli.cjs, not bundled
    return require("./bench.cjs") as BenchModule;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code !== "MODULE_NOT_FOUND") throw e;
    const missing = /Cannot find module '([^']+)'/.exec(err.message ?? "")?.[1];
    if (missing === "./bench.cjs") {
      throw new GlocalError(
        "E_UNSUPPORTED",
        "glocal bench runs from a clone of the repository (npm install, then npm run bench): the published package leaves the benchmark suites out",
        "bench",
      );
    }
    const pkg = missing?.split("/")[0] ?? "benchmark";
    throw new GlocalError(
      "E_MISSING_DEPENDENCY",
      `glocal bench needs the development dependency '${pkg}', which is not installed: run npm install in the repository`,
      pkg,
    );
  }
}

export async function runBenchCommand(args: string[], log: (s: string) => void): Promise<number> {
  const flags = parseFlags(args, flagSpec(BENCH_HELP));
  if (flags.suite !== undefined && !SUITES.includes(flags.suite as string)) {
    throw new GlocalError(
      "E_OPTION",
      `--suite must be one of ${SUITES.join(", ")}, got ${JSON.stringify(flags.suite)}`,
      "--suite",
    );
  }
  await loadBench().runBench({
    quick: flags.quick === true,
    suite: flags.suite as string | undefined,
    json: flags.json as string | undefined,
    markdown: flags.markdown as string | undefined,
    log,
    ...(typeof flags.workers === "string" ? { workers: integerFlag(flags.workers, "workers", 1) } : {}),
  });
  return 0;
}
