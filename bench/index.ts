/**
 * `glocal bench`: microbenchmarks of the WebAssembly kernels against ml-matrix and plain
 * JavaScript, both WebAssembly binaries measured in one run (the second one in a child
 * process, see child.ts), every result checked for correctness outside the timing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendInfo } from "../src/index";
import type { BinaryName } from "../src/index";
import { passed } from "./checks";
import { CaseDef, CaseInstance, benchCases } from "./cases";
import { CHILD_ENV, ChildOutcome, ChildResult, runChild, writeOutputs, writeResult } from "./child";
import { FULL_SETTINGS, MeasureSettings, QUICK_SETTINGS, Timing, measure } from "./measure";
import { loadMlMatrix, packageVersion } from "./mlmatrix";
import { BenchReport, CaseReport, Cell, Machine, figure, markdownReport, textReport } from "./report";
import { JvpBenchResult, runJvpBench } from "./jvp";
import { runAccuracyBench } from "./accuracy/index";
import { runE2eBench } from "./e2e/index";
import { runPerFeatureE2e } from "./e2e/perFeature";
import { runPerFeatureExplore } from "./perFeature/explore";
import { runRegimesBench } from "./regimes/index";
import { runProductsBench } from "./products";
import { runSoak } from "./soak";
import { runHyperdimBench } from "./hyperdim";
import { runPerFeatureStudy } from "./perFeature/study";
import { runBudgetBench } from "./budget";
import { runTfjsBench } from "./tfjs";
import { runParallelStepBench } from "./parallel/step";
import { runParallelBench } from "./parallel/index";
import { defaultWorkers } from "../src/core/workers";

export interface BenchOptions {
  quick: boolean;
  suite?: Suite;
  json?: string;
  markdown?: string;
  log: (s: string) => void;
  /** Worker threads for the suites that split their cases (e2e); default the number of cores. */
  workers?: number;
}

export { serveBenchWorker } from "./worker";

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** Measures one implementation; a failure becomes a table cell rather than an abort. */
function tryMeasure(name: string, fn: (() => unknown) | null, s: MeasureSettings, absent: string): Cell {
  if (!fn) return { missing: absent };
  try {
    return { timing: measure(name, fn, s) };
  } catch (e) {
    return { missing: `error: ${message(e)}` };
  }
}

function machineInfo(): Machine {
  const info = backendInfo();
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryGiB: Math.round(os.totalmem() / 2 ** 30),
    wasm: info.wasm,
    relaxedSimdSupported: info.relaxedSimdSupported,
    mlMatrix: loadMlMatrix().mod ? (loadMlMatrix().version ?? "(version unknown)") : null,
    benchmarkJs: packageVersion("benchmark"),
  };
}

/** Child mode: only the glocal cases, results left in `dir` for the parent. */
function runAsChild(quick: boolean, dir: string): void {
  const settings = quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const result: ChildResult = { binary: backendInfo().wasm, timings: {}, errors: {} };
  for (const def of benchCases(quick)) {
    try {
      const inst = def.setup(null);
      result.timings[def.id] = measure(`glocal ${def.id}`, inst.glocal, settings);
      writeOutputs(dir, def.id, inst.glocal());
    } catch (e) {
      result.errors[def.id] = message(e);
    }
  }
  writeResult(dir, result);
}

interface Measured {
  def: CaseDef;
  inst: CaseInstance;
  report: CaseReport;
}

function speedup(base: Cell, glocal: Cell): number | null {
  return "timing" in base && "timing" in glocal ? base.timing.mean / glocal.timing.mean : null;
}

function short(def: CaseDef, cell: Cell): string {
  if ("missing" in cell) return cell.missing;
  return `${figure(def, cell.timing).toPrecision(3)} ${def.unit}`;
}

function measureCase(def: CaseDef, binary: BinaryName, settings: MeasureSettings, log: (s: string) => void): Measured {
  const ml = loadMlMatrix();
  const inst = def.setup(ml.mod);
  const glocal = tryMeasure(`glocal ${def.id}`, inst.glocal, settings, "n/a");
  const mlMatrix = tryMeasure(`ml-matrix ${def.id}`, inst.ml, settings, "n/a");
  const plainJs = tryMeasure(`plain ${def.id}`, inst.plain, settings, "—");
  const report: CaseReport = {
    id: def.id,
    label: def.label,
    unit: def.unit,
    flops: def.flops,
    glocal: { simd: { missing: "n/a" }, "relaxed-simd": { missing: "n/a" }, [binary]: glocal },
    mlMatrix,
    plainJs,
    plainNote: def.plainNote,
    speedupVsMlMatrix: speedup(mlMatrix, glocal),
    speedupVsPlainJs: speedup(plainJs, glocal),
    checks: [],
  };
  // Checked after the baselines ran: they keep their last result as the reference.
  try {
    const metrics = inst.check(inst.glocal());
    report.checks.push({ binary, ok: passed(metrics), metrics });
  } catch (e) {
    report.checks.push({ binary, ok: false, metrics: [{ name: `error: ${message(e)}`, value: NaN, tol: 0 }] });
  }
  log(
    `  ${def.label}: glocal ${short(def, glocal)}, ml-matrix ${short(def, mlMatrix)}, plain JS ${def.plainNote ?? short(def, plainJs)}\n`,
  );
  return { def, inst, report };
}

/** Merges the child's column and checks its outputs against this process's baselines. */
function mergeChild(measured: Measured[], other: BinaryName, outcome: ChildOutcome): void {
  for (const { def, inst, report } of measured) {
    if (!outcome.ok) {
      report.glocal[other] = { missing: "unavailable" };
      continue;
    }
    const timing: Timing | undefined = outcome.result.timings[def.id];
    const error = outcome.result.errors[def.id];
    report.glocal[other] = timing ? { timing } : { missing: error ? `error: ${error}` : "unavailable" };
    const out = timing ? outcome.outputs(def.id) : null;
    if (!out) continue;
    try {
      const metrics = inst.check(out);
      report.checks.push({ binary: other, ok: passed(metrics), metrics });
    } catch (e) {
      report.checks.push({ binary: other, ok: false, metrics: [{ name: `error: ${message(e)}`, value: NaN, tol: 0 }] });
    }
  }
}

/** The linear-algebra and DMD microbenchmarks (both binaries); returns the report. */
async function runMicro(o: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const settings = o.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const machine = machineInfo();
  const notes: string[] = [];
  const ml = loadMlMatrix();
  if (ml.note) notes.push(ml.note);
  else if (typeof ml.mod?.Matrix.prototype.gram === "function") {
    notes.push(
      "ml-matrix Gram uses X.gram() (one triangle, the faster of its two ways; X.transpose().mmul(X) is about 2× slower)",
    );
  }
  notes.push(
    "plain JS: i-k-j loops on row-major Float64Array; for svd/eig ml-matrix (a JAMA port) is the plain-JS implementation",
  );
  notes.push("glocal times include copying inputs into and results out of WebAssembly memory (the public API)");

  o.log(
    `glocal bench${o.quick ? " --quick" : ""}: ${machine.node}, ${machine.cpu}, ${machine.cores} cores, wasm ${machine.wasm}\n`,
  );
  const measured = benchCases(o.quick).map((def) => measureCase(def, machine.wasm, settings, o.log));

  // The other binary, in a child process (after the parent's timings, so they never overlap).
  const other: BinaryName = machine.wasm === "simd" ? "relaxed-simd" : "simd";
  o.log(`  measuring the ${other} binary in a child process...\n`);
  const cliPath = path.join(__dirname, "cli.cjs");
  const outcome = runChild(other, cliPath, o.quick, machine.relaxedSimdSupported, (o.quick ? 3 : 20) * 60_000);
  if (!outcome.ok) notes.push(`glocal ${other} column unavailable: ${outcome.reason}`);
  try {
    mergeChild(measured, other, outcome);
  } finally {
    if (outcome.ok) outcome.cleanup();
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    quick: o.quick,
    machine,
    settings: { maxTime: settings.maxTime, minSamples: settings.minSamples, slowLimitS: settings.slowLimitS },
    cases: measured.map((m) => m.report),
    notes,
    elapsedS: Math.round((Date.now() - started) / 100) / 10,
  };
  o.log("\n" + textReport(report));
  o.log(`total ${report.elapsedS} s\n`);
  return report;
}

export type Suite =
  | "micro"
  | "jvp"
  | "accuracy"
  | "e2e"
  | "e2e-perfeature"
  | "regimes"
  | "gpu"
  | "soak"
  | "hyperdim"
  | "perfeature"
  | "perfeature-explore"
  | "perfeature-confirm"
  | "budget"
  | "tfjs"
  | "parallel-step"
  | "parallel"
  | "all";
export const SUITES: readonly Suite[] = [
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

const PER_FEATURE_HEADING = "## End-to-end: scenario `perfeature`";

/** Writes the per-feature e2e section into existing e2e markdown and JSON files (or new ones). */
function spliceE2e(o: BenchOptions, pf: { markdown: string; json: object }): void {
  if (o.markdown) {
    const old = fs.existsSync(o.markdown) ? fs.readFileSync(o.markdown, "utf8") : "";
    const start = old.indexOf(PER_FEATURE_HEADING);
    let md: string;
    if (start < 0) md = (old ? old.replace(/\n*$/, "\n\n") : "") + pf.markdown + "\n";
    else {
      const next = old.indexOf("\n## ", start + PER_FEATURE_HEADING.length);
      md = old.slice(0, start) + pf.markdown + "\n" + (next < 0 ? "" : old.slice(next + 1));
    }
    fs.writeFileSync(o.markdown, md);
    o.log(`wrote ${o.markdown}\n`);
  }
  if (o.json) {
    const old = fs.existsSync(o.json) ? (JSON.parse(fs.readFileSync(o.json, "utf8")) as Record<string, unknown>) : {};
    const e2e = (old.e2e ?? {}) as Record<string, unknown>;
    e2e.perfeature = pf.json;
    fs.writeFileSync(o.json, JSON.stringify({ ...old, e2e }, null, 1) + "\n");
    o.log(`wrote ${o.json}\n`);
  }
}

/**
 * `glocal bench`: `micro` (linear algebra, DMD) and `jvp` (forward-mode step cost) by
 * default; `accuracy` (the estimator against true global hypergradients) on request.
 */
export async function runBench(o: BenchOptions): Promise<void> {
  const childDir = process.env[CHILD_ENV];
  if (childDir) {
    runAsChild(o.quick, childDir);
    return;
  }
  const suite = o.suite ?? "micro";
  const run = (s: Suite) => suite === "all" || suite === s || (suite === "micro" && s === "jvp");
  const json: Record<string, unknown> = {};
  let md = "";
  if (run("micro")) {
    const report = await runMicro(o);
    json.micro = report;
    md += markdownReport(report) + "\n";
  }
  if (run("jvp")) {
    o.log("\n");
    const jvp = await runJvpBench({ quick: o.quick, log: (line) => o.log(line + "\n") });
    json.jvp = jvp;
    md += jvpMarkdown(jvp) + "\n";
  }
  if (run("accuracy")) {
    o.log("\n");
    const accuracy = await runAccuracyBench({ quick: o.quick, log: o.log, workers: o.workers ?? defaultWorkers() });
    json.accuracy = accuracy.json;
    md += accuracy.markdown + "\n";
  }
  if (run("e2e")) {
    // The convex model and a non-convex one, from the same start.
    const e2e: Record<string, object> = {};
    for (const scenario of ["softmax", "mlp"]) {
      o.log("\n");
      const r = await runE2eBench({ quick: o.quick, log: o.log, scenario, workers: o.workers ?? defaultWorkers() });
      e2e[scenario] = r.json;
      md += r.markdown + "\n";
    }
    o.log("\n");
    const pf = await runPerFeatureE2e({ quick: o.quick, log: o.log });
    e2e.perfeature = pf.json;
    md += pf.markdown + "\n";
    json.e2e = e2e;
  }
  if (suite === "e2e-perfeature") {
    // Only the per-feature scenario of e2e: its section replaces the one in the files
    // given (the other scenarios' sections and JSON stay as they were).
    const pf = await runPerFeatureE2e({ quick: o.quick, log: o.log });
    spliceE2e(o, pf);
    return;
  }
  if (run("regimes")) {
    o.log("\n");
    const regimes = await runRegimesBench({ quick: o.quick, log: o.log, workers: o.workers ?? defaultWorkers() });
    json.regimes = regimes.json;
    md += regimes.markdown + "\n";
  }
  if (run("hyperdim")) {
    o.log("\n");
    const r = await runHyperdimBench({ quick: o.quick, log: o.log });
    json.hyperdim = r.json;
    md += r.markdown + "\n";
  }
  if (run("perfeature")) {
    o.log("\n");
    const r = await runPerFeatureStudy({ quick: o.quick, log: o.log });
    json.perfeature = r.json;
    md += r.markdown + "\n";
  }
  if (suite === "perfeature-explore") {
    const r = await runPerFeatureExplore({ quick: o.quick, log: o.log });
    json.perfeatureExplore = r.json;
    md += r.markdown + "\n";
  }
  if (suite === "perfeature-confirm") {
    const r = await runPerFeatureExplore({ quick: o.quick, log: o.log, confirm: true });
    json.perfeatureConfirm = r.json;
    md += r.markdown + "\n";
  }
  if (run("soak")) {
    o.log("\n");
    const soak = await runSoak({ quick: o.quick, log: o.log });
    json.soak = soak.json;
    md += soak.markdown + "\n";
  }
  if (run("budget")) {
    o.log("\n");
    const budget = await runBudgetBench({ quick: o.quick, log: o.log });
    json.budget = budget.json;
    md += budget.markdown + "\n";
  }
  if (run("tfjs")) {
    o.log("\n");
    const r = await runTfjsBench({ quick: o.quick, log: o.log });
    json.tfjs = r.json;
    md += r.markdown + "\n";
  }
  if (run("parallel-step")) {
    o.log("\n");
    const r = await runParallelStepBench({ quick: o.quick, log: o.log });
    json.parallelStep = r.json;
    md += r.markdown + "\n";
  }
  if (run("parallel")) {
    o.log("\n");
    const r = await runParallelBench({ quick: o.quick, log: o.log });
    json.parallel = r.json;
    md += r.markdown + "\n";
  }
  if (run("gpu")) {
    const products = await runProductsBench({ quick: o.quick, log: o.log });
    if (process.env.GLOCAL_PRODUCTS_CHILD_FILE) return; // a child measuring its binary only
    json.gpu = products.json;
    md += products.markdown + "\n";
  }
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify(json, null, 1) + "\n");
    o.log(`wrote ${o.json}\n`);
  }
  if (o.markdown) {
    fs.writeFileSync(o.markdown, md);
    o.log(`wrote ${o.markdown}\n`);
  }
}

function jvpMarkdown(r: JvpBenchResult): string {
  const models = [...new Set(r.rows.map((x) => x.model))];
  const qs = [...new Set(r.rows.map((x) => x.q))].filter((q) => q > 0);
  let out = `## Forward-mode step cost (${r.binary} binary, batch ${r.throughput.batch}, 784 features)\n\n`;
  out += `| model | plain step | ${qs.map((q) => `q = ${q}`).join(" | ")} |\n| :--- | ---: | ${qs.map(() => "---:").join(" | ")} |\n`;
  for (const m of models) {
    const plain = r.rows.find((x) => x.model === m && x.q === 0);
    out += `| ${m} | ${plain ? plain.msPerStep.toFixed(3) + " ms" : "—"} | ${qs
      .map((q) => {
        const x = r.rows.find((y) => y.model === m && y.q === q);
        return x ? `${x.ratio.toFixed(2)}× (target ${x.target.toFixed(1)})` : "—";
      })
      .join(" | ")} |\n`;
  }
  out += `\nSoftmax regression plain step: ${r.throughput.msPerStep.toFixed(3)} ms, ${Math.round(r.throughput.samplesPerSecond).toLocaleString("en-US")} samples/s.\n`;
  return out;
}
