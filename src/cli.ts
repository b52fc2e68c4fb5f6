/**
 * The `glocal` command line. Subcommands: bench (more arrive with the estimator and the
 * demo). Errors print exactly one line, `error: E_CODE: message`, and exit with status 2.
 */
import { GlocalError, isGlocalError } from "./errors";
import { backendInfo } from "./wasm";

const VERSION = "0.1.0";

const USAGE = `glocal ${VERSION}: glocal hypergradient estimation with the Koopman operator

usage:
  glocal bench [--quick] [--json FILE] [--markdown FILE]   microbenchmarks of the kernels
  glocal info                                              which WebAssembly binary runs
  glocal --help | --version
`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Parses `--flag value` / `--flag=value` / bare `--flag` arguments against a spec. */
export function parseFlags(args: string[], spec: Record<string, "value" | "boolean">): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new GlocalError("E_OPTION", `unexpected argument '${arg}'`, arg);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new GlocalError("E_OPTION", `unknown flag '--${name}'`, `--${name}`);
    if (kind === "boolean") {
      if (eq >= 0) throw new GlocalError("E_OPTION", `flag '--${name}' takes no value`, `--${name}`);
      out[name] = true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new GlocalError("E_OPTION", `flag '--${name}' needs a value`, `--${name}`);
      out[name] = value;
    }
  }
  return out;
}

async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
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
      parseFlags(rest, {});
      io.stdout(JSON.stringify(backendInfo(), null, 2) + "\n");
      return 0;
    case "bench": {
      const flags = parseFlags(rest, { quick: "boolean", json: "value", markdown: "value" });
      // The benchmark suites are a separate bundle next to this file.
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const bench = require("./bench.cjs") as { runBench(o: { quick: boolean; json?: string; markdown?: string; log: (s: string) => void }): Promise<void> };
      await bench.runBench({
        quick: flags.quick === true,
        json: flags.json as string | undefined,
        markdown: flags.markdown as string | undefined,
        log: io.stdout,
      });
      return 0;
    }
    default:
      throw new GlocalError("E_OPTION", `unknown command '${command}' (try glocal --help)`, command);
  }
}

/** Runs the CLI; returns the exit status (0 ok, 2 bad input or failure). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    if (isGlocalError(e)) {
      io.stderr(`error: ${e.code}: ${e.message.replace(/\s*\n\s*/g, " ")}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`error: E_INTERNAL: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 2;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
