/**
 * `glocal estimate` spawned on generated input (fewer cases: a process each). Whatever
 * the input and flags, the process exits 0 with one JSON object whose estimate is finite
 * and equals the library's, or exits 2 with exactly one stderr line `error: E_CODE: …`
 * (no stack trace) -- the same outcome the CLI's code gives in-process.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import fc from "fast-check";
import { runCli } from "../../../src/app/cli/main";
import { METHODS, estimateGlobal } from "../../../src/index";
import type { EstimateOptions, Matrix } from "../../../src/index";
import { DOCUMENTED_CODES, assert } from "../../support/property/contract";
import { checkAsync, note, writeSummaryPart } from "../../support/property/summary";
import { buildTrajectory, trajSpec } from "../../support/property/trajectories";

afterAll(() => writeSummaryPart(__filename));

const cli = path.join(__dirname, "..", "..", "..", "dist", "cli.cjs");

/** A number as a JSON token, keeping -0 and writing NaN / ±Infinity as the bare tokens Python emits. */
const token = (v: number) =>
  Number.isNaN(v)
    ? "NaN"
    : v === Infinity
      ? "Infinity"
      : v === -Infinity
        ? "-Infinity"
        : Object.is(v, -0)
          ? "-0"
          : String(v);

type TextDamage =
  | "none"
  | "nanToken"
  | "infinityToken"
  | "nanString"
  | "ragged"
  | "string"
  | "truncate"
  | "garbage"
  | "empty"
  | "wrongKey"
  | "notArray"
  | "nested"
  | "bom"
  | "control"
  | "blank";

const arb = fc.record({
  spec: trajSpec,
  wrap: fc.boolean(),
  damage: fc.oneof(
    { weight: 8, arbitrary: fc.constant<TextDamage>("none") },
    {
      weight: 3,
      arbitrary: fc.constantFrom<TextDamage>(
        "nanToken",
        "infinityToken",
        "nanString",
        "ragged",
        "string",
        "truncate",
        "garbage",
        "empty",
        "wrongKey",
        "notArray",
        "nested",
        "bom",
        "control",
        "blank",
      ),
    },
  ),
  cut: fc.nat(),
  flags: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.constant("--delay"), fc.constantFrom("1", "2", "3", "auto")) },
      {
        weight: 6,
        arbitrary: fc.tuple(fc.constant("--rank"), fc.constantFrom("full", "svht", "auto", "2", "energy:0.9")),
      },
      {
        weight: 6,
        arbitrary: fc.tuple(
          fc.constant("--method"),
          fc.constantFrom(...METHODS.filter((m) => m !== "horizon"), "auto"),
        ),
      },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          ["--method", "horizon", "--horizon", "1000"],
          ["--tolerance", "0.2"],
          ["--tolerance", "0.01"],
        ),
      },
      {
        weight: 3,
        arbitrary: fc.constantFrom<string[]>(
          ["--delay", "0"],
          ["--delay", "2.5"],
          ["--rank", "energy:2"],
          ["--method", "best"],
          ["--horizon", "-1"],
          ["--horizon", "3"],
          ["--tolerance", "NaN"],
          ["--tolerance", ""],
          ["--colour", "red"],
          ["--delay"],
          ["--help", "x"],
          ["stray"],
          ["--method", "horizon"],
        ),
      },
    ),
    { maxLength: 3 },
  ),
});

/** Damages that replace one entry's token with another. */
const TOKEN_DAMAGE: Partial<Record<TextDamage, string>> = {
  nanToken: "NaN",
  infinityToken: "-Infinity",
  nanString: '"NaN"',
  string: '"1"',
  nested: "[1]",
};

type Case = typeof arb extends fc.Arbitrary<infer T> ? T : never;

function inputText(c: Case): string {
  const t = buildTrajectory(c.spec);
  const rows: string[][] = [];
  for (let i = 0; i < t.rows; i++) rows.push(Array.from(t.data.subarray(i * t.cols, (i + 1) * t.cols), token));
  const i = c.cut % Math.max(rows.length, 1),
    j = c.cut % Math.max(t.cols, 1);
  const replacement = TOKEN_DAMAGE[c.damage];
  if (replacement !== undefined && rows.length) rows[i][j] = replacement;
  if (c.damage === "ragged" && rows.length) rows[i].push("1");
  let body = `[${rows.map((r) => `[${r.join(",")}]`).join(",")}]`;
  if (c.damage === "empty") body = "[]";
  if (c.damage === "notArray") body = '"trajectory"';
  let text = c.damage === "wrongKey" ? `{"traj": ${body}}` : c.wrap ? `{"trajectory": ${body}}` : body;
  if (c.damage === "truncate") text = text.slice(0, c.cut % Math.max(text.length, 1));
  if (c.damage === "garbage")
    text = String.fromCharCode(...Array.from({ length: 40 }, (_, k) => (c.cut * (k + 7) * 2654435761) % 256));
  // A UTF-8 byte order mark before valid JSON: read as if it were not there.
  if (c.damage === "bom") text = "\ufeff" + text;
  // Terminal control bytes (ESC sequences, CR, BEL, a C1 CSI) inside the JSON: the error must not echo them raw.
  if (c.damage === "control") {
    const at = c.cut % Math.max(text.length, 1);
    text =
      text.slice(0, at) + ["\x1b[2J", "\r\x1b[K", "\x07", "\u009b31m", "\x1b]0;title\x07"][c.cut % 5] + text.slice(at);
  }
  // Nothing but white space: empty input, E_SHAPE (as docs/cli.md says).
  if (c.damage === "blank") text = [" ", "", "\n\t\n"][c.cut % 3];
  return text;
}

/**
 * The estimate options the (valid) flags ask for, written out here rather than by the
 * CLI's own estimateOptionsFromFlags: --delay N|auto, --rank full|svht|auto|N|energy:X,
 * --method M, --horizon T, --tolerance X.
 */
function optionsOf(flags: string[][]): EstimateOptions {
  const o: Record<string, unknown> = {};
  for (const [name, value] of flags) {
    switch (name) {
      case "--delay":
        o.delay = value === "auto" ? "auto" : Number(value);
        break;
      case "--rank":
        o.rank = value.startsWith("energy:")
          ? { kind: "energy", fraction: Number(value.slice(7)) }
          : /^[0-9]+$/.test(value)
            ? { kind: "fixed", rank: Number(value) }
            : { kind: value };
        break;
      case "--method":
        o.method = value;
        break;
      case "--horizon":
        o.horizon = Number(value);
        break;
      case "--tolerance":
        o.tolerance = Number(value);
        break;
      default:
        throw new Error(`no option for ${name}`);
    }
  }
  return o as EstimateOptions;
}

/** A successful `glocal estimate` printed what estimateGlobal gives for the same rows and options. */
function expectLibraryEstimate(
  c: Case,
  o: { estimate: number[]; method: string; delay: number; rank: number; diagnostics: { trusted: boolean } },
): void {
  // Only undamaged input is accepted: its rows are the generated trajectory (every token
  // is the number's shortest round-trip form, so JSON reads back the same doubles).
  assert(c.damage === "none" || c.damage === "bom", `accepted input damaged by ${c.damage}`);
  const traj: Matrix = buildTrajectory(c.spec);
  // Accepted flags come in name/value pairs (the horizon entry holds two of them).
  const flat = c.flags.flat();
  assert(flat.length % 2 === 0, `accepted flags ${flat.join(" ")}`);
  const byName: string[][] = [];
  for (let k = 0; k < flat.length; k += 2) byName.push([flat[k], flat[k + 1]]);
  const r = estimateGlobal(traj, optionsOf(byName));
  const want = Array.from(r.estimate);
  // Bit-identical (JSON writes -0 as 0, hence === rather than Object.is).
  assert(
    o.estimate.length === want.length && o.estimate.every((v, i) => v === want[i]),
    () => `CLI estimate ${JSON.stringify(o.estimate)}, library ${JSON.stringify(want)}`,
  );
  assert(
    o.method === r.method && o.delay === r.delay && o.rank === r.rank && o.diagnostics.trusted === r.trusted,
    "CLI method/delay/rank/trusted differ from the library's",
  );
}

describe("glocal estimate (spawned)", () => {
  it("agrees with the library and fails cleanly: exit 0 with a finite estimate, or exit 2 and one line error: E_CODE", async () => {
    await checkAsync(
      "cli estimate",
      arb,
      async (c) => {
        const args: string[] = ["estimate", "--input", "-", ...c.flags.flat()];
        const text = inputText(c);
        let out = "",
          err = "";
        const status = await runCli(args, {
          stdout: (s) => (out += s),
          stderr: (s) => (err += s),
          readStdin: () => text,
        });
        const r = spawnSync(process.execPath, [cli, ...args], { input: text, encoding: "utf8", timeout: 60000 });
        assert(r.status === 0 || r.status === 2, `exit status ${r.status} (signal ${r.signal}); stderr ${r.stderr}`);
        assert(!args.includes("--help") || r.status === 0, `--help exited ${r.status}`);
        if (r.status === 0 && args.includes("--help")) {
          // --help anywhere after the command prints the usage and runs nothing.
          assert(
            r.stderr === "" && /^glocal \d+\.\d+\.\d+: [^]*glocal estimate --input/.test(r.stdout),
            `--help: ${r.stdout.slice(0, 200)}`,
          );
          note("usage");
        } else if (r.status === 0) {
          assert(r.stderr === "", `stderr on success: ${r.stderr}`);
          const lines = r.stdout.trimEnd().split("\n");
          assert(lines.length === 1, "stdout must be one JSON line");
          const o = JSON.parse(lines[0]);
          assert(
            Array.isArray(o.estimate) && o.estimate.every((v: unknown) => typeof v === "number" && Number.isFinite(v)),
            "estimate not finite",
          );
          expectLibraryEstimate(c, o);
          note("ok");
        } else {
          assert(r.stdout === "", "stdout on failure");
          const lines = r.stderr.trimEnd().split("\n");
          assert(lines.length === 1, `stderr must be one line, got ${JSON.stringify(r.stderr)}`);
          const m = /^error: (E_[A-Z_]+): \S/.exec(lines[0]);
          assert(m !== null && DOCUMENTED_CODES.includes(m[1] as never), `bad error line ${lines[0]}`);
          assert(!/\bat .*:\d+:\d+/.test(r.stderr), "stack trace on stderr");
          // Nothing a terminal would act on: no C0 (but the final newline), DEL or C1 byte.
          assert(
            // eslint-disable-next-line no-control-regex -- control bytes are what is tested for
            !/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(r.stderr),
            `control bytes on stderr: ${JSON.stringify(r.stderr)}`,
          );
          // (A bad flag is reported first: flags are checked before the input is read.)
          if (c.damage === "blank" && m[1] !== "E_OPTION")
            assert(m[1] === "E_SHAPE", `blank input gave ${m[1]}, not E_SHAPE`);
          if (c.damage === "bom") assert(m[1] !== "E_PARSE", "a byte order mark made the input unparsable");
          assert(m[1] !== "E_INTERNAL", `internal error: ${lines[0]}`);
          note(m[1]);
        }
        // The in-process CLI (the same code, unspawned) gives the same answer, byte for byte.
        assert(status === r.status, `in-process exit ${status}, spawned ${r.status}`);
        assert(
          out === r.stdout && err === r.stderr,
          `in-process output differs: ${err || out.slice(0, 200)} vs ${r.stderr || r.stdout.slice(0, 200)}`,
        );
      },
      20,
    );
  });
});
