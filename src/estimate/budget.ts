/**
 * The work budget of an estimate: its memory and work are predicted from the shape of the
 * request -- rows m, hyperparameters q, delay d, the method, the held-out refit, the DMD
 * diagnostics and every candidate of an `auto` search -- before any of it is done, and a
 * request beyond the budget is refused with E_TOO_LARGE naming the option that made it
 * so. Without it a 32 KB input with delay 2000 ran for minutes and took gigabytes.
 *
 * Each fit works on the Hankel snapshots: n = q·d rows, c = m − d columns, k = min(n, c).
 * Its peak scratch memory is bounded by  8·(α·n·c + β·k² + γ·(n + c) + δ)  bytes, with
 * (α, β, γ, δ) per kind of fit an upper bound fitted to the measured high-water mark of
 * WebAssembly scratch over 3,900 requests (q 1…3000, d 1…400, c 3…10⁵; every method,
 * held-out and diagnostics setting) and then raised by 10 %; the property tests check
 * it on random requests. Its work is n·c·k + 3·k³ + 40·n·c units (the SVD and the
 * eigendecomposition, and the passes over the snapshots), an upper bound of the
 * measured times at ≈ 18 ns per unit on the reference machine (docs/reliability.md).
 */
import { GlocalError } from "../core/errors";
import { autoCandidates } from "./auto";
import { Config, DEFAULT_METHOD, Resolved, defaultDelay } from "./options";
import type { Method } from "./types";

/** The most WebAssembly scratch memory one estimate may be predicted to need: 1 GiB. */
export const MAX_ESTIMATE_BYTES = 2 ** 30;
/** The most work one estimate may be predicted to need: 5·10⁸ units (≈ 9 s here; see docs/reliability.md). */
export const MAX_ESTIMATE_WORK = 5e8;

type FitKind = "dmd" | "projection" | "extrapolation";

/** (α, β, γ, δ) of the memory bound, in doubles, per kind of fit. */
const MEMORY: Readonly<Record<FitKind, readonly [number, number, number, number]>> = {
  dmd: [18.5, 49, 56, 2820],
  projection: [14.6, 33, 64, 2670],
  extrapolation: [12.2, 26.4, 47.4, 2450],
};

function kindOf(method: Method): FitKind {
  return method === "limit" || method === "horizon" ? "dmd" : method === "affine" ? "projection" : "extrapolation";
}

/** Predicted memory (bytes) and work (units) of one request. */
export interface WorkEstimate {
  bytes: number;
  work: number;
}

function fitBytes(kind: FitKind, n: number, c: number): number {
  const [a, b, g, d] = MEMORY[kind];
  const k = Math.min(n, c);
  return 8 * (a * n * c + b * k * k + g * (n + c) + d);
}

function fitWork(n: number, c: number): number {
  const k = Math.min(n, c);
  return n * c * k + 3 * k ** 3 + 40 * n * c;
}

/** One method run on `rows` rows with configuration cfg (and the DMD when `withDmd`). */
function methodRun(rows: number, q: number, cfg: Config, withDmd: boolean): WorkEstimate {
  const n = q * cfg.delay,
    c = Math.max(rows - cfg.delay, 1);
  const kind = kindOf(cfg.method);
  let bytes = fitBytes(kind, n, c),
    work = fitWork(n, c);
  if (withDmd && kind !== "dmd") {
    bytes += fitBytes("dmd", n, c);
    work += fitWork(n, c);
  }
  return { bytes, work };
}

/**
 * The predicted cost of estimating a window of m rows of q with resolved options `r` (its
 * configuration `cfg` when nothing is `auto`), as the pipeline runs it: the auto search
 * (each candidate on m − p rows, one at a time), then the method on all m rows with the
 * held-out refit on m − p rows held beside it.
 */
export function predictWork(m: number, q: number, r: Resolved): WorkEstimate {
  const window = 16 * m * q; // the caller's window in WebAssembly memory and its scaled copy
  const auto = r.method === "auto" || r.delay === "auto" || r.rank.kind === "auto";
  const p = Math.max(1, r.heldOut);
  let searchBytes = 0,
    work = 0;
  let chosen: Config[];
  if (auto) {
    const candidates = autoCandidates(m, q, r);
    for (const cfg of candidates) {
      const f = methodRun(m - p, q, cfg, false);
      searchBytes = Math.max(searchBytes, f.bytes);
      work += f.work;
    }
    // Any candidate may win, or none (then the default configuration runs): budget for the dearest.
    const fallback: Config = {
      method: r.method === "auto" ? DEFAULT_METHOD : r.method,
      delay: r.delay === "auto" ? defaultDelay(m, q) : r.delay,
      rank: { kind: "full" },
    };
    chosen = [...candidates, fallback];
  } else {
    chosen = [{ method: r.method as Method, delay: r.delay as number, rank: r.rank }];
  }
  let mainBytes = 0,
    mainWork = 0;
  for (const cfg of chosen) {
    const main = methodRun(m, q, cfg, r.dmdDiagnostics);
    const held = r.heldOut > 0 ? methodRun(m - r.heldOut, q, cfg, false) : { bytes: 0, work: 0 };
    mainBytes = Math.max(mainBytes, main.bytes + held.bytes);
    mainWork = Math.max(mainWork, main.work + held.work);
  }
  return { bytes: window + Math.max(searchBytes, mainBytes), work: work + mainWork };
}

/** The option a request too large is blamed on: what was "auto", the delay given, or the window itself. */
function culprit(r: Resolved, delayGiven: boolean): string {
  if (r.delay === "auto") return "delay";
  if (r.method === "auto") return "method";
  if (r.rank.kind === "auto") return "rank";
  return delayGiven ? "delay" : "trajectory";
}

function format(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

function fits(m: number, q: number, r: Resolved): boolean {
  const { bytes, work } = predictWork(m, q, r);
  return bytes <= MAX_ESTIMATE_BYTES && work <= MAX_ESTIMATE_WORK;
}

/** The largest integer in [lo, hi] for which `ok` holds (ok(lo) holds, ok is monotone). */
function largest(lo: number, hi: number, ok: (v: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** What would bring the request within the budget, as advice for the message. */
function advice(m: number, q: number, r: Resolved, argument: string): string {
  const out: string[] = [];
  if (argument === "delay" && typeof r.delay === "number" && fits(m, q, { ...r, delay: 1 }))
    out.push(`a delay of at most ${largest(1, r.delay, (d) => fits(m, q, { ...r, delay: d }))}`);
  else if (argument === "trajectory" && typeof r.delay === "number" && fits(r.delay + 2, q, r))
    out.push(`at most ${largest(r.delay + 2, m, (rows) => fits(rows, q, r))} rows (the newest of the window)`);
  else if (argument !== "trajectory") out.push(`a fixed ${argument}`);
  if (r.dmdDiagnostics && fits(m, q, { ...r, dmdDiagnostics: false })) out.push("dmdDiagnostics: false");
  if (r.heldOut > 0 && fits(m, q, { ...r, heldOut: 0 })) out.push("heldOut: 0");
  return out.length ? `; within it: ${out.join(", or ")}` : "";
}

/**
 * E_TOO_LARGE, before any work, when the request's predicted memory or work exceeds the
 * budget; the error names the option to change (`delay`, `method`, `rank`) or the
 * trajectory when the window itself is too large at the default delay, and says what
 * would fit.
 */
export function checkWork(m: number, q: number, r: Resolved, delayGiven: boolean): void {
  const { bytes, work } = predictWork(m, q, r);
  if (bytes <= MAX_ESTIMATE_BYTES && work <= MAX_ESTIMATE_WORK) return;
  const argument = culprit(r, delayGiven);
  const what =
    r.method === "auto" || r.delay === "auto" || r.rank.kind === "auto"
      ? "with its auto search"
      : `with delay ${r.delay as number} (method ${r.method})`;
  throw new GlocalError(
    "E_TOO_LARGE",
    `estimating m = ${m} rows of q = ${q} ${what} would need about ${format(bytes)} of memory and ${work.toExponential(1)} units of work, ` +
      `beyond the budget of ${format(MAX_ESTIMATE_BYTES)} and ${MAX_ESTIMATE_WORK.toExponential(0)} units${advice(m, q, r, argument)}`,
    argument,
  );
}
