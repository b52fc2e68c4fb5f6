/**
 * Hostile input, round two (the CLI side; the library's is test/hostile.test.ts): output
 * paths that are links, special files or read-only; a stdout that fails; control bytes in
 * input and file names; demo flags checked only after the whole run; the BOM, empty input
 * and --horizon without its method. One test per finding, each failing on the code before.
 *
 * The tests run as root here, where the kernel lets every write through: permission is
 * therefore checked on the mode bits (a read-only file must not be replaced), not by
 * waiting for EACCES.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { runCli } from "../../../src/app/cli/main";
import { checkOutputPath, writeOutput } from "../../../src/app/cli/output";
import { GlocalError } from "../../../src/index";

const cli = path.join(__dirname, "..", "..", "..", "dist", "cli.cjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-hostile-"));
afterAll(() => {
  for (const d of fs.readdirSync(tmp)) {
    try {
      fs.chmodSync(path.join(tmp, d), 0o755);
    } catch {
      // a dangling link
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

const run = (args: string[], input?: string, stdout: "pipe" | number = "pipe") =>
  spawnSync(process.execPath, [cli, ...args], {
    input,
    encoding: "utf8",
    timeout: 60000,
    stdio: ["pipe", stdout, "pipe"],
    cwd: tmp,
  });
const at = (name: string) => path.join(tmp, name);
const good = JSON.stringify({ trajectory: Array.from({ length: 30 }, (_, t) => [1 - 0.7 ** (t + 1), 0.5 * 0.6 ** t]) });
const tiny = ["--train", "100", "--val", "50", "--steps", "20", "--window", "10", "--outer", "2", "--batch", "50"];

/** Exit 2, nothing on stdout, exactly one stderr line `error: CODE: …`; returns that line. */
function oneError(r: ReturnType<typeof run>, code: string): string {
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: ${code}: \\S`));
  return lines[0];
}

function thrownCode(fn: () => unknown): [string, string | undefined] {
  try {
    fn();
  } catch (e) {
    if (e instanceof GlocalError) return [e.code, e.argument];
    throw e;
  }
  throw new Error("returned instead of throwing");
}

describe("1. --out is written through links and never replaces what `>` could not", () => {
  it("a symbolic link: its target gets the text, the link stays a link, the target keeps its mode", () => {
    const target = at("target.svg");
    fs.writeFileSync(target, "old");
    fs.chmodSync(target, 0o640);
    const link = at("link.svg");
    fs.symlinkSync(target, link);
    writeOutput(checkOutputPath(link, "--out"), "new");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toBe("new");
    expect(fs.statSync(target).mode & 0o7777).toBe(0o640);
  });

  it("a new file gets the mode `>` gives it (0666 less the umask); nothing temporary is left", () => {
    const p = at("fresh.svg");
    writeOutput(checkOutputPath(p, "--out"), "text");
    const umask = process.umask();
    expect(fs.statSync(p).mode & 0o777).toBe(0o666 & ~umask);
    expect(fs.readdirSync(tmp).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("refused with E_IO, the path untouched: dangling link, FIFO, device, socket, directory, read-only file and directory", async () => {
    fs.symlinkSync(at("nowhere"), at("dangling.svg"));
    spawnSync("mkfifo", [at("fifo.svg")]);
    const dev = spawnSync("mknod", [at("dev.svg"), "c", "1", "3"]).status === 0;
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(at("sock.svg"), resolve));
    fs.mkdirSync(at("dir.svg"));
    fs.writeFileSync(at("ro.svg"), "keep");
    fs.chmodSync(at("ro.svg"), 0o444);
    fs.mkdirSync(at("rodir"));
    fs.writeFileSync(at("rodir/r.svg"), "keep");
    fs.chmodSync(at("rodir"), 0o555);
    try {
      const cases: Array<[string, () => boolean]> = [
        ["dangling.svg", () => fs.lstatSync(at("dangling.svg")).isSymbolicLink() && !fs.existsSync(at("nowhere"))],
        ["fifo.svg", () => fs.lstatSync(at("fifo.svg")).isFIFO()],
        ["sock.svg", () => fs.lstatSync(at("sock.svg")).isSocket()],
        ["dir.svg", () => fs.lstatSync(at("dir.svg")).isDirectory()],
        ["ro.svg", () => fs.readFileSync(at("ro.svg"), "utf8") === "keep"],
        ["rodir/r.svg", () => fs.readFileSync(at("rodir/r.svg"), "utf8") === "keep"],
        ["rodir/new.svg", () => !fs.existsSync(at("rodir/new.svg"))],
        ["missing/r.svg", () => !fs.existsSync(at("missing"))],
      ];
      if (dev) cases.push(["dev.svg", () => fs.lstatSync(at("dev.svg")).isCharacterDevice()]);
      for (const [name, intact] of cases) {
        // The library function, and the CLI before any work (a tiny demo would otherwise run).
        expect({ name, got: thrownCode(() => writeOutput(checkOutputPath(at(name), "--out"), "x")) }).toEqual({
          name,
          got: ["E_IO", "--out"],
        });
        const line = oneError(run(["demo", ...tiny, "--out", at(name)]), "E_IO");
        expect(line).toContain("--out");
        expect({ name, intact: intact() }).toEqual({ name, intact: true });
      }
    } finally {
      server.close();
    }
  });

  it("--out and --json naming the same file → E_OPTION before any work", () => {
    oneError(run(["demo", ...tiny, "--out", at("same"), "--json", at("same")]), "E_OPTION");
    expect(fs.existsSync(at("same"))).toBe(false);
  });

  it("end to end: the demo writes its report through a link", () => {
    const target = at("report-target.svg");
    fs.writeFileSync(target, "");
    fs.symlinkSync(target, at("report-link.svg"));
    const r = run(["demo", ...tiny, "--strategies", "truncated", "--out", at("report-link.svg")]);
    expect(r.status).toBe(0);
    expect(fs.lstatSync(at("report-link.svg")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toMatch(/<svg/);
  }, 120000);
});

describe("4. output errors and terminal safety", () => {
  it("a stdout that throws (EPIPE) → one line error: E_IO, exit 2 (in process)", async () => {
    let err = "";
    const status = await runCli(["estimate", "--input", "-"], {
      stdout: () => {
        throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
      },
      stderr: (t) => (err += t),
      readStdin: () => good,
    });
    expect(status).toBe(2);
    expect(err).toBe("error: E_IO: cannot write to stdout (EPIPE)\n");
  });

  (fs.existsSync("/dev/full") ? it : it.skip)(
    "stdout on a full disk (/dev/full) → one line error: E_IO, exit 2, no stack trace",
    () => {
      const fd = fs.openSync("/dev/full", "w");
      try {
        const r = run(["estimate", "--input", "-"], good, fd);
        expect(r.status).toBe(2);
        expect(r.stderr).toBe("error: E_IO: cannot write to stdout (ENOSPC)\n");
      } finally {
        fs.closeSync(fd);
      }
    },
  );

  it("control bytes from a file (ESC, CR, BEL, C1) never reach the terminal: they are escaped", () => {
    const bad = at("ansi.json");
    fs.writeFileSync(bad, Buffer.from("[[1, 2], [3, \x1b[31mred\r\x07\u009b]]", "utf8"));
    const line = oneError(run(["estimate", "--input", bad]), "E_PARSE");
    // eslint-disable-next-line no-control-regex -- control bytes are what is tested for
    expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(line).toContain("\\x1b");
  });

  it("control bytes in a file name are escaped too, C1 (\\u009b, a CSI) included", () => {
    const line = oneError(run(["estimate", "--input", at("no\x1b[2Jsuch\r\u009b2J.json")]), "E_IO");
    // eslint-disable-next-line no-control-regex -- control bytes are what is tested for
    expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
});

describe("5. demo flags are checked before any work", () => {
  // A window of 2 or 3 steps used to fail after the whole run (E_TOO_SHORT from the report's
  // trajectory). The demo's stride now shrinks with the window and a trajectory too short to
  // extrapolate is plotted with h_m, as the driver falls back: the run completes.
  it.each([["2"], ["3"]])(
    "--window %s runs to the end; the report's trajectory uses h_m",
    (w) => {
      const json = at(`w${w}.json`);
      const r = run([
        "demo",
        ...tiny.filter((_, i, a) => a[i - (i % 2)] !== "--window"),
        "--window",
        w,
        "--strategies",
        "truncated",
        "--out",
        at(`w${w}.svg`),
        "--json",
        json,
      ]);
      expect(r.status).toBe(0);
      expect(r.stderr).not.toMatch(/^error:/m);
      const t = JSON.parse(fs.readFileSync(json, "utf8")).trajectory;
      expect(t.method).toMatch(/h_m used|not trusted/);
    },
    60000,
  );

  it.each<[string, string[], string, string]>([
    ["--stride 1000000000", ["--stride", "1000000000"], "E_OPTION", "--stride"],
    ["--out into a missing directory", ["--out", "/nonexistent-glocal/dir/r.svg"], "E_IO", "--out"],
    ["--json into a missing directory", ["--json", "/nonexistent-glocal/r.json"], "E_IO", "--json"],
    ["--method rre with a 2-row window", ["--method", "rre", "--window", "4", "--stride", "2"], "E_OPTION", "--stride"],
  ])("%s: one error line naming the flag, no progress, within seconds", (_name, flags, code, flag) => {
    const t0 = Date.now();
    const line = oneError(run(["demo", ...tiny.filter((_, i, a) => !flags.includes(a[i - (i % 2)])), ...flags]), code);
    expect(line).toContain(flag);
    expect(Date.now() - t0).toBeLessThan(15000);
  });
});

describe("8. glocal estimate: BOM, empty input, --horizon without its method", () => {
  it("a UTF-8 byte order mark is accepted: the same estimate as without it", () => {
    const plain = run(["estimate", "--input", "-"], good);
    const bom = run(["estimate", "--input", "-"], "\ufeff" + good);
    fs.writeFileSync(at("bom.json"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]));
    const file = run(["estimate", "--input", at("bom.json")]);
    expect(plain.status).toBe(0);
    expect(bom.stdout).toBe(plain.stdout);
    expect(file.stdout).toBe(plain.stdout);
  });

  it("--horizon with another method → E_OPTION naming --horizon (it was silently ignored)", () => {
    expect(oneError(run(["estimate", "--input", "-", "--horizon", "500"], good), "E_OPTION")).toContain("--horizon");
    expect(
      oneError(run(["estimate", "--input", "-", "--horizon", "500", "--method", "rre"], good), "E_OPTION"),
    ).toContain("--horizon");
    expect(run(["estimate", "--input", "-", "--horizon", "500", "--method", "horizon"], good).status).toBe(0);
  });

  it("a trajectory beyond the work budget → E_TOO_LARGE at once (a 32 KB file with --delay 2000 ran for minutes)", () => {
    const rows = `[${Array.from({ length: 4000 }, (_, t) => `[${Math.sin(t / 7).toFixed(4)}]`).join(",")}]`;
    const t0 = Date.now();
    expect(oneError(run(["estimate", "--input", "-", "--delay", "2000"], rows), "E_TOO_LARGE")).toContain("delay");
    expect(Date.now() - t0).toBeLessThan(10000);
  });
});
