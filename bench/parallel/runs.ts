/**
 * Parallel runs, measured: the demo's whole run (`glocal demo`, a child process each, so
 * every run starts cold the way a user's does) and the end-to-end benchmark, each with 1
 * worker and with 2. Wall time is what the workers change, so wall time is reported, with
 * the load average beside it (on shared cores the ratio measures the neighbours too). Each
 * pair is also checked for the same results: the demo's JSON and the benchmark's losses
 * and counts, timing fields aside.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runE2eBench, Row } from "../e2e/index";

export interface RunsOptions {
  quick: boolean;
  log: (s: string) => void;
  /** Worker counts compared (default 1 and 2). */
  workers?: number[];
}

interface Timed {
  workers: number;
  wallMs: number;
  /** CPU time of the process, all its threads (the workers' start and the data handed over included). */
  cpuMs: number;
  load: number;
}

/** Preloaded into the demo's child: its process CPU time (every thread) on stderr's last line at exit. */
const CPU_REPORTER = `process.on("exit", () => { const u = process.cpuUsage(); require("fs").writeSync(2, "\\ncpu-ms " + (u.user + u.system) / 1000 + "\\n"); });`;

const TIMING = /^(wallTimeMs|evalTimeMs|cpuMs)$/;
/** JSON without the timing fields and the notes' time ratios: what must not depend on the workers. */
function timeless(value: unknown): string {
  return JSON.stringify(value, (k, v) =>
    TIMING.test(k) ? undefined : typeof v === "string" ? v.replace(/[0-9.]+× time/g, "× time") : v,
  );
}

/** `glocal demo` with `workers` workers in a child process: its wall time and its results without timings. */
function demoRun(quick: boolean, workers: number, dir: string): Timed & { results: string } {
  const json = path.join(dir, `demo-${workers}.json`);
  const reporter = path.join(dir, "cpu-reporter.js");
  fs.writeFileSync(reporter, CPU_REPORTER);
  const args = ["--require", reporter, path.join(__dirname, "cli.cjs"), "demo", ...(quick ? ["--quick"] : [])];
  args.push("--workers", String(workers));
  args.push("--out", path.join(dir, `demo-${workers}.svg`), "--json", json);
  const load = os.loadavg()[0];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`glocal demo --workers ${workers} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const cpuMs = Number(/cpu-ms ([0-9.]+)\s*$/.exec(r.stderr)?.[1] ?? NaN);
  return { workers, wallMs, cpuMs, load, results: timeless(JSON.parse(fs.readFileSync(json, "utf8"))) };
}

async function e2eRun(quick: boolean, workers: number, log: (s: string) => void): Promise<Timed & { rows: string }> {
  const load = os.loadavg()[0];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rows: Row[] = [];
  // bench:e2e's two scenarios, as `npm run bench:e2e` runs them.
  for (const scenario of ["softmax", "mlp"]) {
    const r = await runE2eBench({ quick, scenario, workers, log: () => undefined });
    rows.push(...(r.json as { rows: Row[] }).rows);
  }
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  log(`  e2e, ${workers} worker(s): ${(wallMs / 1000).toFixed(1)} s wall, ${(cpuMs / 1000).toFixed(1)} s CPU\n`);
  return { workers, wallMs, cpuMs, load, rows: timeless(rows) };
}

/** Whether the kernel shares CPU between sessions rather than threads (Linux autogroup scheduling). */
function autogroup(): boolean {
  try {
    return fs.readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1";
  } catch {
    return false;
  }
}

export async function runParallelRuns(o: RunsOptions): Promise<{ markdown: string; json: object }> {
  const counts = o.workers ?? [1, 2];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-parallel-"));
  try {
    const demo = counts.map((w) => {
      const r = demoRun(o.quick, w, dir);
      o.log(
        `  demo${o.quick ? " --quick" : ""}, ${w} worker(s): ${(r.wallMs / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU\n`,
      );
      return r;
    });
    const e2e: Array<Timed & { rows: string }> = [];
    for (const w of counts) e2e.push(await e2eRun(o.quick, w, o.log));
    const same = (list: Array<{ results?: string; rows?: string }>) =>
      list.every((x) => (x.results ?? x.rows) === (list[0].results ?? list[0].rows));
    const ratio = (list: Timed[], i: number) => list[i].wallMs / list[0].wallMs;
    const size = o.quick ? "`--quick` sizes" : "full sizes";
    let md = `## Parallel runs: 1 worker against ${counts.slice(1).join(", ")} (${size})\n\n`;
    md += `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}. Wall time of the whole run, and the CPU time of its process (all threads: what the workers cost beyond the work itself — their start, the data handed to them, a warm-up each). The load average (1 min) at each start says how busy the machine was: ${autogroup() ? "this kernel shares the cores between sessions (autogroup scheduling), not between threads, so while other sessions keep the cores busy a second worker cannot get this process more CPU and the wall-time ratio says little; it means something on an otherwise idle machine" : "other jobs share the cores"}.\n\n`;
    md += `| run | workers | wall time (s) | vs 1 worker | CPU time (s) | vs 1 worker | load at start | same results as 1 worker |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: | :--- |\n`;
    const rowsOf = (name: string, list: Array<Timed & { results?: string; rows?: string }>) =>
      list
        .map(
          (x, i) =>
            `| ${name} | ${x.workers} | ${(x.wallMs / 1000).toFixed(1)} | ${ratio(list, i).toFixed(2)}× | ${(x.cpuMs / 1000).toFixed(1)} | ${(x.cpuMs / list[0].cpuMs).toFixed(2)}× | ${x.load.toFixed(1)} | ${(x.results ?? x.rows) === (list[0].results ?? list[0].rows) ? "yes" : "**no**"} |\n`,
        )
        .join("");
    md += rowsOf(`glocal demo${o.quick ? " --quick" : ""} (softmax)`, demo);
    md += rowsOf(`bench:e2e${o.quick ? " --quick" : ""} (softmax and mlp)`, e2e);
    md += `\nTargets on an otherwise idle 2-core machine: the demo ≤ 0.6×, bench:e2e ≤ 0.55× with 2 workers. What stays serial: the data, made before the workers start, and the report; the workers' start (loading the bundle, the data handed over, a warm-up); and the longest task — global, whose training runs follow one another. The demo's trajectory plot starts from glocal's final hyperparameters and is recorded in the main thread while the workers finish the others.\n`;
    const json = {
      quick: o.quick,
      cores: os.cpus().length,
      autogroup: autogroup(),
      demo: demo.map(({ workers, wallMs, cpuMs, load }, i) => ({
        workers,
        wallMs,
        cpuMs,
        load,
        ratio: ratio(demo, i),
      })),
      e2e: e2e.map(({ workers, wallMs, cpuMs, load }, i) => ({ workers, wallMs, cpuMs, load, ratio: ratio(e2e, i) })),
      sameResults: { demo: same(demo), e2e: same(e2e) },
    };
    return { markdown: md, json };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
