/**
 * The other WebAssembly binary in the same `glocal bench` run. Node 20 loads the
 * relaxed-SIMD binary only with --experimental-wasm-relaxed-simd, and a process keeps the
 * binary it instantiated, so the second column comes from a child process. The child is
 * selected by a private environment variable (the CLI rejects unknown flags), measures
 * only the glocal cases, and leaves timings as JSON plus its outputs as raw f64 files in
 * a temporary directory, so the parent checks them against the baselines it holds.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BinaryName } from "../src/index";
import type { Timing } from "./measure";

export const CHILD_ENV = "GLOCAL_BENCH_CHILD_DIR";

export interface ChildResult {
  binary: BinaryName;
  timings: Record<string, Timing>;
  /** Per case: an error message when the child could not run it. */
  errors: Record<string, string>;
}

export type ChildOutcome =
  | { ok: true; result: ChildResult; outputs(id: string): Float64Array[] | null; cleanup(): void }
  | { ok: false; reason: string };

/** Child side: writes one case's packed outputs. */
export function writeOutputs(dir: string, id: string, out: Float64Array[]): void {
  out.forEach((a, i) =>
    fs.writeFileSync(path.join(dir, `${id}.${i}.f64`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
  );
}

/** Child side: writes the timings last, so its presence means the child finished. */
export function writeResult(dir: string, result: ChildResult): void {
  fs.writeFileSync(path.join(dir, "result.json"), JSON.stringify(result));
}

function readOutputs(dir: string, id: string): Float64Array[] | null {
  const out: Float64Array[] = [];
  for (let i = 0; ; i++) {
    const file = path.join(dir, `${id}.${i}.f64`);
    if (!fs.existsSync(file)) break;
    const bytes = fs.readFileSync(file);
    // Copy into a fresh (8-byte aligned) buffer: a Buffer may sit at any offset of its pool.
    out.push(new Float64Array(new Uint8Array(bytes).buffer));
  }
  return out.length > 0 ? out : null;
}

function lastLine(text: string): string {
  const lines = text
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "");
  return lines.length > 0 ? lines[lines.length - 1].trim() : "";
}

/** Parent side: runs `cli.cjs bench` in a child that loads `binary`. Never throws. */
export function runChild(
  binary: BinaryName,
  cliPath: string,
  quick: boolean,
  relaxedAlreadySupported: boolean,
  timeoutMs: number,
): ChildOutcome {
  if (!fs.existsSync(cliPath)) return { ok: false, reason: `${cliPath} not found` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-bench-"));
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  // Only pass the V8 flag where it is needed: newer Node versions ship relaxed SIMD and
  // may reject a flag that no longer exists.
  const flags = binary === "relaxed-simd" && !relaxedAlreadySupported ? ["--experimental-wasm-relaxed-simd"] : [];
  const args = [...flags, cliPath, "bench", ...(quick ? ["--quick"] : [])];
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, GLOCAL_WASM: binary, [CHILD_ENV]: dir },
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  const resultFile = path.join(dir, "result.json");
  if (r.error || r.status !== 0 || !fs.existsSync(resultFile)) {
    const why = r.error
      ? r.error.message
      : lastLine(r.stderr ?? "") || lastLine(r.stdout ?? "") || `exit status ${String(r.status)}`;
    cleanup();
    return { ok: false, reason: `child process for ${binary} failed: ${why}` };
  }
  try {
    const result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as ChildResult;
    if (result.binary !== binary) {
      cleanup();
      return { ok: false, reason: `child process loaded ${result.binary}, not ${binary}` };
    }
    return { ok: true, result, outputs: (id) => readOutputs(dir, id), cleanup };
  } catch (e) {
    cleanup();
    return {
      ok: false,
      reason: `child process for ${binary} wrote unreadable results: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
