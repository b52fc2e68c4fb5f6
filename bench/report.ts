/** Formatting of the results: an aligned plain-text table, a Markdown table and JSON. */
import type { BinaryName } from "../src/index";
import type { Metric } from "./checks";
import type { Unit } from "./cases";
import type { Timing } from "./measure";

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  totalMemoryGiB: number;
  /** The binary the parent process loaded (the speed-ups use it). */
  wasm: BinaryName;
  relaxedSimdSupported: boolean;
  mlMatrix: string | null;
  benchmarkJs: string | null;
}

/** A measurement, or why there is none. */
export type Cell = { timing: Timing } | { missing: string };

export interface CheckReport {
  binary: BinaryName;
  ok: boolean;
  metrics: Metric[];
}

export interface CaseReport {
  id: string;
  label: string;
  unit: Unit;
  flops: number;
  glocal: Record<BinaryName, Cell>;
  mlMatrix: Cell;
  plainJs: Cell;
  /** Text for the plain-JS column when there is no separate baseline. */
  plainNote?: string;
  speedupVsMlMatrix: number | null;
  speedupVsPlainJs: number | null;
  checks: CheckReport[];
}

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: Machine;
  settings: { maxTime: number; minSamples: number; slowLimitS: number };
  cases: CaseReport[];
  notes: string[];
  elapsedS: number;
}

/** Three significant digits, never exponent notation. */
function sig(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** The figure shown for a timing: GFLOP/s or milliseconds. */
export function figure(c: { unit: Unit; flops: number }, t: Timing): number {
  return c.unit === "GFLOP/s" ? c.flops / t.mean / 1e9 : t.mean * 1e3;
}

function cellText(c: CaseReport, cell: Cell): string {
  if ("missing" in cell) return cell.missing;
  return `${sig(figure(c, cell.timing))} ${c.unit}${cell.timing.method === "single run" ? "*" : ""}`;
}

function ratio(r: number | null): string {
  return r === null ? "—" : `${sig(r)}×`;
}

function checkText(c: CaseReport): string {
  if (c.checks.length === 0) return "?";
  return c.checks.every((k) => k.ok)
    ? "✓"
    : "✗ " +
        c.checks
          .filter((k) => !k.ok)
          .map((k) => k.binary)
          .join(",");
}

function rows(r: BenchReport): string[][] {
  const header = [
    "case",
    "glocal simd",
    "glocal relaxed",
    "ml-matrix",
    "plain JS",
    "vs ml-matrix",
    "vs plain JS",
    "check",
  ];
  const body = r.cases.map((c) => [
    c.label,
    cellText(c, c.glocal.simd),
    cellText(c, c.glocal["relaxed-simd"]),
    cellText(c, c.mlMatrix),
    c.plainNote ?? cellText(c, c.plainJs),
    ratio(c.speedupVsMlMatrix),
    ratio(c.speedupVsPlainJs),
    checkText(c),
  ]);
  return [header, ...body];
}

export function machineLine(m: Machine): string {
  return (
    `Node ${m.node}, ${m.cpu}, ${m.cores} cores, ${m.platform}, ${m.totalMemoryGiB} GiB RAM; ` +
    `glocal wasm in this process: ${m.wasm}; ml-matrix ${m.mlMatrix ?? "not installed"}; benchmark.js ${m.benchmarkJs ?? "?"}`
  );
}

function footnotes(r: BenchReport): string[] {
  const out = [
    `speed-ups: glocal ${r.machine.wasm} time / baseline time, all measured in this run`,
    `GFLOP/s: gemm 2n³ flops, Gram n·p·(p+1) useful flops (one triangle); svd/eig: milliseconds per call with vectors`,
  ];
  if (
    r.cases.some((c) =>
      [c.mlMatrix, c.plainJs, ...Object.values(c.glocal)].some(
        (x) => "timing" in x && x.timing.method === "single run",
      ),
    )
  ) {
    out.push(`* single timed call (one call took more than ${r.settings.slowLimitS} s), not sampled by benchmark.js`);
  }
  return [...out, ...r.notes];
}

function checkLines(r: BenchReport): string[] {
  const out: string[] = [];
  for (const c of r.cases) {
    for (const k of c.checks) {
      const metrics = k.metrics
        .map((m) => `${m.name} ${m.value.toExponential(1)} (tol ${m.tol.toExponential(0)})`)
        .join("; ");
      out.push(`${k.ok ? "✓" : "✗"} ${c.label} [${k.binary}]: ${metrics}`);
    }
  }
  return out;
}

export function textReport(r: BenchReport): string {
  const table = rows(r);
  const widths = table[0].map((_, j) => Math.max(...table.map((row) => row[j].length)));
  const lines = table.map((row) =>
    row
      .map((cell, j) => (j === row.length - 1 ? cell : cell.padEnd(widths[j])))
      .join("  ")
      .trimEnd(),
  );
  return (
    [
      machineLine(r.machine),
      "",
      ...lines,
      "",
      ...footnotes(r),
      "",
      "checks (outside the timing):",
      ...checkLines(r).map((l) => "  " + l),
      "",
    ].join("\n") + "\n"
  );
}

/** Escapes Markdown emphasis and table syntax (the "*" single-run marker, error texts). */
function mdEscape(s: string): string {
  return s.replace(/([\\*_|])/g, "\\$1");
}

export function markdownReport(r: BenchReport): string {
  const table = rows(r);
  const md = (row: string[]): string => `| ${row.map(mdEscape).join(" | ")} |`;
  const align = table[0].map((_, j) => (j === 0 ? ":---" : j === table[0].length - 1 ? ":---:" : "---:"));
  return [
    `# glocal microbenchmarks${r.quick ? " (quick)" : ""}`,
    "",
    `**Machine:** ${machineLine(r.machine)}. ${r.date}.`,
    "",
    md(table[0]),
    md(align),
    ...table.slice(1).map(md),
    "",
    ...footnotes(r).map((l) => `- ${mdEscape(l)}`),
    "",
    "Checks (outside the timing):",
    "",
    ...checkLines(r).map((l) => `- ${mdEscape(l)}`),
    "",
  ].join("\n");
}
