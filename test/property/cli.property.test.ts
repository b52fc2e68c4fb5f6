/**
 * `glocal estimate` spawned on generated input (fewer cases: a process each). Whatever
 * the input and flags, the process exits 0 with one JSON object whose estimate is finite
 * and equals the library's, or exits 2 with exactly one stderr line `error: E_CODE: …`
 * (no stack trace) -- the same outcome the CLI's code gives in-process.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import fc from "fast-check";
import { runCli } from "../../src/cli";
import { METHODS } from "../../src/index";
import { DOCUMENTED_CODES, assert } from "./support/contract";
import { checkAsync, note, writeSummaryPart } from "./support/summary";
import { buildTrajectory, trajSpec } from "./support/trajectories";

afterAll(() => writeSummaryPart(__filename));

const cli = path.join(__dirname, "..", "..", "dist", "cli.cjs");

/** A number as a JSON token, keeping -0 and writing NaN / ±Infinity as the bare tokens Python emits. */
const token = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : Object.is(v, -0) ? "-0" : String(v));

type TextDamage = "none" | "nanToken" | "infinityToken" | "nanString" | "ragged" | "string" | "truncate" | "garbage" | "empty" | "wrongKey" | "notArray" | "nested";

const arb = fc.record({
  spec: trajSpec,
  wrap: fc.boolean(),
  damage: fc.oneof({ weight: 8, arbitrary: fc.constant<TextDamage>("none") }, { weight: 3, arbitrary: fc.constantFrom<TextDamage>("nanToken", "infinityToken", "nanString", "ragged", "string", "truncate", "garbage", "empty", "wrongKey", "notArray", "nested") }),
  cut: fc.nat(),
  flags: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.constant("--delay"), fc.constantFrom("1", "2", "3", "auto")) },
      { weight: 6, arbitrary: fc.tuple(fc.constant("--rank"), fc.constantFrom("full", "svht", "auto", "2", "energy:0.9")) },
      { weight: 6, arbitrary: fc.tuple(fc.constant("--method"), fc.constantFrom(...METHODS.filter((m) => m !== "horizon"), "auto")) },
      { weight: 3, arbitrary: fc.constantFrom(["--method", "horizon", "--horizon", "1000"], ["--tolerance", "0.2"], ["--tolerance", "0.01"]) },
      {
        weight: 3,
        arbitrary: fc.constantFrom<string[]>(["--delay", "0"], ["--delay", "2.5"], ["--rank", "energy:2"], ["--method", "best"], ["--horizon", "-1"], ["--horizon", "3"],
          ["--tolerance", "NaN"], ["--tolerance", ""], ["--colour", "red"], ["--delay"], ["--help", "x"], ["stray"], ["--method", "horizon"]),
      },
    ),
    { maxLength: 3 },
  ),
});

function inputText(c: typeof arb extends fc.Arbitrary<infer T> ? T : never): string {
  const t = buildTrajectory(c.spec);
  const rows: string[][] = [];
  for (let i = 0; i < t.rows; i++) rows.push(Array.from(t.data.subarray(i * t.cols, (i + 1) * t.cols), token));
  const i = c.cut % Math.max(rows.length, 1), j = c.cut % Math.max(t.cols, 1);
  switch (c.damage) {
    case "nanToken":
      if (rows.length) rows[i][j] = "NaN";
      break;
    case "infinityToken":
      if (rows.length) rows[i][j] = "-Infinity";
      break;
    case "nanString":
      if (rows.length) rows[i][j] = '"NaN"';
      break;
    case "ragged":
      if (rows.length) rows[i].push("1");
      break;
    case "string":
      if (rows.length) rows[i][j] = '"1"';
      break;
    case "nested":
      if (rows.length) rows[i][j] = "[1]";
      break;
  }
  let body = `[${rows.map((r) => `[${r.join(",")}]`).join(",")}]`;
  if (c.damage === "empty") body = "[]";
  if (c.damage === "notArray") body = '"trajectory"';
  let text = c.damage === "wrongKey" ? `{"traj": ${body}}` : c.wrap ? `{"trajectory": ${body}}` : body;
  if (c.damage === "truncate") text = text.slice(0, c.cut % Math.max(text.length, 1));
  if (c.damage === "garbage") text = String.fromCharCode(...Array.from({ length: 40 }, (_, k) => (c.cut * (k + 7) * 2654435761) % 256));
  return text;
}

describe("glocal estimate (spawned)", () => {
  it("agrees with the library and fails cleanly: exit 0 with a finite estimate, or exit 2 and one line error: E_CODE", async () => {
    await checkAsync("cli estimate", arb, async (c) => {
      const args: string[] = ["estimate", "--input", "-", ...c.flags.flat()];
      const text = inputText(c);
      let out = "", err = "";
      const status = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => text });
      const r = spawnSync(process.execPath, [cli, ...args], { input: text, encoding: "utf8", timeout: 60000 });
      assert(r.status === 0 || r.status === 2, `exit status ${r.status} (signal ${r.signal}); stderr ${r.stderr}`);
      assert(!args.includes("--help") || r.status === 0, `--help exited ${r.status}`);
      if (r.status === 0 && args.includes("--help")) {
        // --help anywhere after the command prints the usage and runs nothing.
        assert(r.stderr === "" && /^glocal \d+\.\d+\.\d+: [^]*glocal estimate --input/.test(r.stdout), `--help: ${r.stdout.slice(0, 200)}`);
        note("usage");
      } else if (r.status === 0) {
        assert(r.stderr === "", `stderr on success: ${r.stderr}`);
        const lines = r.stdout.trimEnd().split("\n");
        assert(lines.length === 1, "stdout must be one JSON line");
        const o = JSON.parse(lines[0]);
        assert(Array.isArray(o.estimate) && o.estimate.every((v: unknown) => typeof v === "number" && Number.isFinite(v)), "estimate not finite");
        note("ok");
      } else {
        assert(r.stdout === "", "stdout on failure");
        const lines = r.stderr.trimEnd().split("\n");
        assert(lines.length === 1, `stderr must be one line, got ${JSON.stringify(r.stderr)}`);
        const m = /^error: (E_[A-Z_]+): \S/.exec(lines[0]);
        assert(m !== null && DOCUMENTED_CODES.includes(m[1] as never), `bad error line ${lines[0]}`);
        assert(!/\bat .*:\d+:\d+/.test(r.stderr), "stack trace on stderr");
        assert(m[1] !== "E_INTERNAL", `internal error: ${lines[0]}`);
        note(m[1]);
      }
      // The in-process CLI (the library) gives the same answer, byte for byte.
      assert(status === r.status, `in-process exit ${status}, spawned ${r.status}`);
      assert(out === r.stdout && err === r.stderr, `in-process output differs: ${err || out.slice(0, 200)} vs ${r.stderr || r.stdout.slice(0, 200)}`);
    }, 20);
  });
});
