/**
 * The `glocal` command line. Errors print exactly one line, `error: E_CODE: message`, on
 * stderr and exit with status 2; no stack traces.
 */
import { isGlocalError, GlocalError } from "../../core/errors";
import { ESTIMATE_HELP, MAX_INPUT_BYTES, readBounded, runEstimate } from "./estimate";
import { DEMO_HELP, runDemoCommand } from "./demo";
import { BENCH_HELP, runBenchCommand } from "./benchmarks";
import { INFO_HELP, runInfo } from "./info";
import { CommandHelp, formatHelp, usageLine } from "./help";

// Replaced by the version in package.json when the CLI is bundled (scripts/build-js.mjs).
declare const __GLOCAL_VERSION__: string | undefined;
const VERSION: string =
  typeof __GLOCAL_VERSION__ === "string"
    ? __GLOCAL_VERSION__
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- unbundled (ts-jest) only
      (require("../../../package.json") as { version: string }).version;

const COMMANDS: CommandHelp[] = [DEMO_HELP, ESTIMATE_HELP, BENCH_HELP, INFO_HELP];

const USAGE = [
  `glocal ${VERSION}: glocal hypergradient estimation with the Koopman operator`,
  "",
  "usage:",
  ...COMMANDS.map((c) => `  ${usageLine(c)}`),
  "  glocal --help | --version",
  "",
  "commands:",
  ...COMMANDS.map((c) => `  ${c.name.padEnd(9)}${c.summary}`),
  "",
  "glocal COMMAND --help describes the command's options, their defaults and examples.",
  "",
].join("\n");

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  /** Draw the demo's progress bar in place (stderr is a terminal). */
  stderrIsTTY?: boolean;
}

async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  // `glocal demo --help` and the like: the command's help, whatever the other flags are.
  const help = COMMANDS.find((c) => c.name === command);
  if (help && (rest.includes("--help") || rest.includes("-h"))) {
    io.stdout(formatHelp(VERSION, help));
    return 0;
  }
  switch (command) {
    case undefined:
    case "--help":
    case "-h":
    case "help":
      io.stdout(USAGE);
      return 0;
    case "--version":
      io.stdout(VERSION + "\n");
      return 0;
    case "info":
      return runInfo(rest, io.stdout);
    case "demo":
      return runDemoCommand(rest, { stdout: io.stdout, stderr: io.stderr, stderrIsTTY: io.stderrIsTTY === true });
    case "estimate":
      runEstimate(rest, io.stdout, io.readStdin);
      return 0;
    case "bench":
      return runBenchCommand(rest, io.stdout);
    default:
      throw new GlocalError("E_OPTION", `unknown command '${command}' (try glocal --help)`, command);
  }
}

/** Runs the CLI; returns the exit status (0 ok, 2 bad input or failure, 130 interrupted by SIGINT). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ");
    if (isGlocalError(e)) {
      io.stderr(`error: ${e.code}: ${oneLine(e.message)}\n`);
      if (e.code === "E_ABORTED" && e.argument === "SIGINT") return 130;
    } else {
      io.stderr(`error: E_INTERNAL: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    }
    return 2;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => readBounded(0, MAX_INPUT_BYTES, "stdin"),
    stderrIsTTY: process.stderr.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
