/** The built CLI (dist/cli.cjs, made by `npm test`'s build step), run as a user would. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const cli = path.join(__dirname, "..", "..", "..", "dist", "cli.cjs");
const fixture = (name: string) => path.join(__dirname, "..", "..", "fixtures", `${name}.json`);
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8" });

function expectError(r: ReturnType<typeof run>, code: string): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: ${code}: \\S`));
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/); // no stack trace
}

describe("glocal estimate", () => {
  it("prints one JSON object with the estimate and its diagnostics", () => {
    const r = run([
      "estimate",
      "--input",
      fixture("ridge_exact_p3_gd"),
      "--delay",
      "30",
      "--rank",
      "full",
      "--method",
      "limit",
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["estimate", "method", "delay", "rank", "eigenvalues", "diagnostics"]);
    const fx = JSON.parse(fs.readFileSync(fixture("ridge_exact_p3_gd"), "utf8"));
    const e = fx.expected.estimate_infinite as number[];
    const err = Math.hypot(out.estimate[0] - e[0], out.estimate[1] - e[1]) / Math.hypot(e[0], e[1]);
    expect(err).toBeLessThan(fx.tolerance.estimate_infinite);
    expect(out.rank).toBe(12);
    expect(out.eigenvalues.re).toHaveLength(12);
    expect(out.diagnostics.trusted).toBe(true);
    // The held-out refit's three ratios, and why not trusted (nothing, here).
    for (const k of ["forecastRatio", "nestedChange", "correctionRatio"])
      expect(out.diagnostics[k]).toBeGreaterThanOrEqual(0);
    expect(out.diagnostics.untrustedBecause).toEqual([]);
  });

  it('writes a failed test\'s Infinity ratio as the string "Infinity" (JSON has none) and says why', () => {
    const rows = Array.from({ length: 20 }, (_, t) => [t + 1]);
    const r = run(["estimate", "--input", "-", "--method", "rre", "--delay", "2"], JSON.stringify(rows));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics.trusted).toBe(false);
    expect(out.diagnostics.untrustedBecause.length).toBeGreaterThan(0);
    for (const k of ["forecastRatio", "nestedChange", "correctionRatio"])
      expect(typeof out.diagnostics[k] === "number" || out.diagnostics[k] === "Infinity").toBe(true);
  });

  it("reads a bare array from stdin; --method auto reports its choice", () => {
    const rows = Array.from({ length: 40 }, (_, t) => [1 - Math.pow(0.7, t + 1), 0.5 * Math.pow(0.7, t + 1)]);
    const r = run(["estimate", "--input", "-", "--method", "auto", "--delay", "auto"], JSON.stringify(rows));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Math.abs(out.estimate[0] - 1)).toBeLessThan(1e-8);
    expect(out.diagnostics.auto[0].method).toBe(out.method);
  });

  it("horizon with --horizon", () => {
    const r = run([
      "estimate",
      "--input",
      fixture("scalar_geometric_q1"),
      "--delay",
      "2",
      "--method",
      "horizon",
      "--horizon",
      "10",
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).estimate[0]).toBeCloseTo(0.9990234375, 12);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-cli-"));
  const write = (name: string, text: string) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const bad: Array<[string, () => string[], string, string?]> = [
    [
      "NaN token",
      () => ["estimate", "--input", write("nan.json", '{"trajectory": [[1, 2], [NaN, 3], [1, 1]]}')],
      "E_NONFINITE",
    ],
    ["-Infinity token", () => ["estimate", "--input", "-"], "E_NONFINITE", "[[1, 2], [-Infinity, 3]]"],
    [
      '"NaN" string (fixture encoding)',
      () => ["estimate", "--input", fixture("bad_nan_inside"), "--delay", "3"],
      "E_NONFINITE",
    ],
    ["ragged rows", () => ["estimate", "--input", fixture("bad_ragged_rows"), "--delay", "3"], "E_SHAPE"],
    ["empty input", () => ["estimate", "--input", write("empty.json", "[]")], "E_SHAPE"],
    ["truncated JSON", () => ["estimate", "--input", write("trunc.json", '{"trajectory": [[1, 2], [3')], "E_PARSE"],
    ["delay 0", () => ["estimate", "--input", fixture("ridge_exact_p1_gd"), "--delay", "0"], "E_OPTION"],
    [
      "too short for the delay",
      () => ["estimate", "--input", fixture("bad_too_short_for_delay"), "--delay", "5"],
      "E_TOO_SHORT",
    ],
    [
      "horizon not beyond the window",
      () => ["estimate", "--input", fixture("ridge_exact_p1_gd"), "--method", "horizon", "--horizon", "30"],
      "E_OPTION",
    ],
    ["unknown option", () => ["estimate", "--input", fixture("ridge_exact_p1_gd"), "--colour", "red"], "E_OPTION"],
    ["unknown method", () => ["estimate", "--input", fixture("ridge_exact_p1_gd"), "--method", "best"], "E_OPTION"],
    ["bad rank", () => ["estimate", "--input", fixture("ridge_exact_p1_gd"), "--rank", "energy:2"], "E_OPTION"],
    ["missing file", () => ["estimate", "--input", path.join(tmp, "absent.json")], "E_IO"],
    ["missing --input", () => ["estimate"], "E_OPTION"],
    ["unknown command", () => ["estimat"], "E_OPTION"],
  ];
  for (const [name, args, code, stdin] of bad) {
    it(`${name} → exit 2, one line: error: ${code}: …`, () => expectError(run(args(), stdin), code));
  }
});
