/**
 * The `glocal` command line. Errors print exactly one line, `error: E_CODE: message`, on
 * stderr and exit with status 2; no stack traces.
 */
import { writeSync } from "fs";
import { isGlocalError, GlocalError, printable } from "../../core/errors";
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

/**
 * The CLI's stdout: a failed write (EPIPE from a closed pipe, ENOSPC on a full disk) is
 * E_IO, reported like any other error, not a stack trace from an unhandled stream error.
 */
function checkedStdout(io: CliIO): (text: string) => void {
  return (text) => {
    try {
      io.stdout(text);
    } catch (e) {
      if (isGlocalError(e)) throw e;
      const code = (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
      throw new GlocalError("E_IO", `cannot write to stdout (${code})`, "stdout");
    }
  };
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

/**
 * Runs the CLI; returns the exit status (0 ok, 2 bad input or failure, 130 interrupted by
 * SIGINT). An error is one line on stderr with every non-printing character escaped: a
 * message may carry bytes of the input file or the command line (an ESC, a CR).
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    return await main(argv, { ...io, stdout: checkedStdout(io) });
  } catch (e) {
    const oneLine = (s: string) => printable(s.replace(/\s*\n\s*/g, " "));
    let line: string;
    let status = 2;
    if (isGlocalError(e)) {
      line = `error: ${e.code}: ${oneLine(e.message)}\n`;
      if (e.code === "E_ABORTED" && e.argument === "SIGINT") status = 130;
    } else {
      line = `error: E_INTERNAL: ${oneLine(e instanceof Error ? e.message : String(e))}\n`;
    }
    try {
      io.stderr(line);
    } catch {
      // stderr is gone too: the exit status is all that is left
    }
    return status;
  }
}

/**
 * Writes to a file descriptor synchronously, all of it: a process stream would report a
 * failure later, as an 'error' event with a stack trace, after the CLI has moved on.
 */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  for (let off = 0; off < bytes.length;) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      // A non-blocking pipe that is full: wait a moment and retry.
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (t) => writeAll(1, t),
    stderr: (t) => writeAll(2, t),
    readStdin: () => readBounded(0, MAX_INPUT_BYTES, "stdin"),
    stderrIsTTY: process.stderr.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
