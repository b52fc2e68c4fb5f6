/**
 * `glocal demo`: every strategy on MNIST under one budget, a progress bar on stderr, the
 * table on stdout and the SVG report written atomically (a temporary file renamed into
 * place), so an interrupted run leaves the report whole or absent, never half-written.
 */
import { renameSync, unlinkSync, writeFileSync } from "fs";
import { GlocalError } from "../../core/errors";
import { DemoOptions, DemoResult, comparisons, runDemo } from "../demo/run";
import { STRATEGIES, Strategy } from "../../optimize/types";
import { checkMethod } from "../../estimate/options";
import { renderReportSvg } from "../report/svg";
import { integerFlag, numberFlag, parseFlags } from "./args";

export const DEMO_USAGE =
  "glocal demo [--quick] [--model softmax|mlp|tfjs] [--hidden N] [--train N] [--val N] [--batch N] [--steps T] [--window M] [--local-every K] [--outer K] [--strategies global,local,truncated,glocal] [--target limit|remaining] [--method M] [--stride S] [--meta-lr X] [--seed N] [--out FILE] [--json FILE]";

const FLAGS = {
  quick: "boolean",
  model: "value",
  hidden: "value",
  train: "value",
  val: "value",
  batch: "value",
  steps: "value",
  window: "value",
  "local-every": "value",
  outer: "value",
  strategies: "value",
  target: "value",
  method: "value",
  stride: "value",
  "meta-lr": "value",
  seed: "value",
  out: "value",
  json: "value",
} as const;

export function demoOptionsFromFlags(flags: Record<string, string | boolean>): DemoOptions {
  const o: DemoOptions = { quick: flags.quick === true };
  const int = (name: string, min: number) =>
    typeof flags[name] === "string" ? integerFlag(flags[name] as string, name, min) : undefined;
  if (typeof flags.model === "string") {
    if (flags.model !== "softmax" && flags.model !== "mlp" && flags.model !== "tfjs")
      throw new GlocalError(
        "E_OPTION",
        `--model must be softmax, mlp or tfjs, got ${JSON.stringify(flags.model)}`,
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
  const head = ["strategy", "val loss", "val acc", "wall time", "inner steps", "JVPs", "updates", "fallbacks"];
  const rows = r.summary.map((x) => [
    x.strategy,
    x.valLoss.toFixed(4),
    x.valAccuracy === null ? "—" : `${(100 * x.valAccuracy).toFixed(1)} %`,
    `${(x.wallTimeMs / 1000).toFixed(2)} s`,
    String(x.innerSteps),
    String(x.jvps),
    String(x.updates),
    x.strategy === "glocal" ? String(x.fallbacks) : "—",
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join("  ");
  return [line(head), ...rows.map(line), "", ...comparisons(r.summary)].join("\n") + "\n";
}

/** Writes `text` to `path` through a temporary file and a rename (atomic on one file system). */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GlocalError("E_IO", `cannot write ${JSON.stringify(path)} (${code})`, "--out");
  }
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
    // One turn of the event loop delivers a signal that arrived during fn.
    await new Promise((resolve) => setImmediate(resolve));
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
  const bar = progressBar(io.stderr, io.stderrIsTTY);
  const started = Date.now();
  const result = runDemo({ ...options, onProgress: bar });
  if (io.stderrIsTTY) io.stderr("\n");
  io.stdout(formatTable(result));
  await withSigintDeferred(() => {
    writeAtomic(out, renderReportSvg(result.report));
    io.stdout(`report: ${out}\n`);
    if (typeof flags.json === "string") {
      writeAtomic(
        flags.json,
        JSON.stringify(
          {
            settings: result.settings,
            summary: result.summary,
            trajectory: result.trajectory,
            results: result.results,
          },
          null,
          1,
        ),
      );
      io.stdout(`results: ${flags.json}\n`);
    }
  });
  io.stdout(
    `whole run (every strategy, evaluations, the trajectory, the report): ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
