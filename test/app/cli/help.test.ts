/**
 * Each subcommand's own --help (dist/cli.cjs, spawned): every flag the parser accepts is
 * described with its default (or marked required), every example parses, `glocal info`'s
 * output fields are all explained; and `glocal bench` outside a dev install says why it
 * cannot run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags } from "../../../src/app/cli/args";
import { flagSpec } from "../../../src/app/cli/help";
import { DEMO_HELP } from "../../../src/app/cli/demo";
import { ESTIMATE_HELP } from "../../../src/app/cli/estimate";
import { BENCH_HELP } from "../../../src/app/cli/benchmarks";
import { INFO_HELP } from "../../../src/app/cli/info";
import { backendInfo } from "../../../src/index";

const root = path.join(__dirname, "..", "..", "..");
const cli = path.join(root, "dist", "cli.cjs");
const run = (args: string[], cliPath = cli) =>
  spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", timeout: 60000 });

const COMMANDS = [DEMO_HELP, ESTIMATE_HELP, BENCH_HELP, INFO_HELP];

describe.each(COMMANDS.map((c) => [c.name, c] as const))("glocal %s --help", (name, help) => {
  const r = run([name, "--help"]);
  const text = r.stdout;

  it("prints the command's own help, exit 0", () => {
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(text).toMatch(new RegExp(`^glocal \\d+\\.\\d+\\.\\d+: glocal ${name} — `));
    for (const other of COMMANDS.filter((c) => c.name !== name)) expect(text).not.toContain(`glocal ${other.name} [`);
  });

  it("describes every flag the parser accepts, with its default or as required", () => {
    const flags = Object.keys(flagSpec(help));
    const options = text.slice(text.indexOf("\noptions:\n"));
    for (const flag of flags) {
      const at = options.indexOf(`\n  --${flag}`);
      expect(at).toBeGreaterThanOrEqual(0);
      // The flag's paragraph: up to the next flag or the examples.
      const rest = options.slice(at + 3);
      const paragraph = rest.slice(0, rest.search(/\n {2}--|\nexamples:/));
      expect(paragraph).toMatch(/Default:\s+\S|Required\./);
    }
    if (flags.length === 0) expect(text).not.toContain("\noptions:\n");
  });

  it("gives examples that the parser accepts", () => {
    expect(help.examples.length).toBeGreaterThan(0);
    for (const example of help.examples) {
      const words = example.split("|").find((part) => part.includes(`glocal ${name}`));
      expect(words).toBeDefined();
      const args = (words as string).replace(/#.*$/, "").trim().split(/\s+/);
      expect(args.slice(0, 2)).toEqual(["glocal", name]);
      expect(() => parseFlags(args.slice(2), flagSpec(help))).not.toThrow();
      expect(text).toContain(example);
    }
  });
});

describe("glocal --help", () => {
  it("lists every command with its summary and points to the commands' own help", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.summary);
    expect(r.stdout).toContain("glocal COMMAND --help");
  });
});

describe("glocal info", () => {
  it("prints backendInfo() as JSON, and its help explains every field", () => {
    const r = run(["info"]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(Object.keys(info).sort()).toEqual(Object.keys(backendInfo()).sort());
    const doc = INFO_HELP.description.join(" ");
    for (const key of [...Object.keys(info), ...Object.keys(info.gpu)]) expect(doc).toMatch(new RegExp(`\\b${key}\\b`));
  });
});

describe("glocal bench outside a dev install", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-bench-"));
  beforeAll(() => {
    fs.copyFileSync(cli, path.join(dir, "cli.cjs"));
    fs.cpSync(
      path.join(root, "node_modules", "@assemblyscript", "loader"),
      path.join(dir, "node_modules", "@assemblyscript", "loader"),
      { recursive: true },
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the published package (no benchmark suites): E_UNSUPPORTED, exit 2, one line", () => {
    const r = run(["bench", "--quick"], path.join(dir, "cli.cjs"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: E_UNSUPPORTED: glocal bench runs from a clone of the repository[^\n]*\n$/);
  });

  it("the suites without their harness: E_MISSING_DEPENDENCY naming benchmark", () => {
    fs.copyFileSync(path.join(root, "dist", "bench.cjs"), path.join(dir, "bench.cjs"));
    const r = run(["bench", "--quick"], path.join(dir, "cli.cjs"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^error: E_MISSING_DEPENDENCY: glocal bench needs the development dependency 'benchmark'[^\n]*\n$/,
    );
  });
});
