/**
 * The CLI under abuse (dist/cli.cjs, spawned): unreadable and missing input, broken and
 * binary JSON, input beyond the documented 4 MiB limit (a 100 MB file, a pipe, /dev/zero),
 * bad flags, and SIGINT during `glocal demo`. Every bad input: exit status 2 and exactly
 * one stderr line `error: E_CODE: …`, no stack trace; SIGINT: a non-zero exit, the report
 * whole or absent, no temporary file left.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const cli = path.join(__dirname, "..", "..", "..", "dist", "cli.cjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-abuse-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[], input?: string | Buffer) =>
  spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8", timeout: 60000, maxBuffer: 64 << 20 });
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};
const good = JSON.stringify({ trajectory: Array.from({ length: 30 }, (_, t) => [1 - 0.7 ** (t + 1), 0.5 * 0.6 ** t]) });

function expectError(r: ReturnType<typeof run>, codes: string | string[]): void {
  const allowed = Array.isArray(codes) ? codes : [codes];
  expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  const m = /^error: (E_[A-Z_]+): \S/.exec(lines[0]);
  expect(m && allowed.includes(m[1])).toBe(true);
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
}

describe("glocal estimate: unreadable and missing input", () => {
  it("a directory → E_IO", () => expectError(run(["estimate", "--input", tmp]), "E_IO"));
  it("a nonexistent path → E_IO", () =>
    expectError(run(["estimate", "--input", path.join(tmp, "absent", "t.json")]), "E_IO"));
  it("an empty path (--input=) → E_IO", () => expectError(run(["estimate", "--input="]), "E_IO"));

  it("a file without read permission → E_IO (as root, where chmod 000 does not stop reading: processed)", () => {
    const p = write("locked.json", good);
    fs.chmodSync(p, 0o000);
    try {
      let readable = true;
      try {
        fs.readFileSync(p);
      } catch {
        readable = false;
      }
      const r = run(["estimate", "--input", p]);
      if (readable) {
        // Running as root (or with CAP_DAC_OVERRIDE): the permission is not enforced.
        expect(r.status).toBe(0);
        expect(JSON.parse(r.stdout).estimate).toHaveLength(2);
      } else {
        expectError(r, "E_IO");
      }
    } finally {
      fs.chmodSync(p, 0o600);
    }
  });
});

describe("glocal estimate: broken input", () => {
  it("truncated JSON → E_PARSE", () =>
    expectError(run(["estimate", "--input", write("trunc.json", good.slice(0, good.length / 2))]), "E_PARSE"));
  it("truncated JSON on stdin → E_PARSE", () =>
    expectError(run(["estimate", "--input", "-"], '{"trajectory": [[1, 2], [3'), "E_PARSE"));
  it("binary garbage → E_PARSE", () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 256));
    expectError(run(["estimate", "--input", write("garbage.bin", bytes)]), ["E_PARSE", "E_NONFINITE"]);
  });
  it("an empty (or blank) file → E_SHAPE, as docs/cli.md says of empty input", () => {
    expectError(run(["estimate", "--input", write("empty.json", "")]), "E_SHAPE");
    expectError(run(["estimate", "--input", write("blank.json", " \n\t\n")]), "E_SHAPE");
    expectError(run(["estimate", "--input", "-"], ""), "E_SHAPE");
  });
  it("JSON of the wrong shape → E_SHAPE / E_TYPE", () => {
    expectError(run(["estimate", "--input", "-"], '{"traj": [[1]]}'), "E_SHAPE");
    expectError(run(["estimate", "--input", "-"], '"trajectory"'), "E_TYPE");
    expectError(run(["estimate", "--input", "-"], "[[1, 2], [3]]"), "E_SHAPE");
    expectError(run(["estimate", "--input", "-"], '[[1, 2], [3, "4"]]'), "E_TYPE");
  });
});

describe("glocal estimate: input beyond the 4 MiB limit", () => {
  it("a well-formed 100 MB trajectory is rejected with E_TOO_LARGE within seconds, reading at most 4 MiB", () => {
    const p = path.join(os.tmpdir(), `glocal-100mb-${process.pid}.json`);
    try {
      const fd = fs.openSync(p, "w");
      const row = (t: number) => `[${(1 - 0.999 ** (t + 1)).toFixed(17)}, ${(0.5 * 0.998 ** t).toFixed(17)}]`;
      fs.writeSync(fd, '{"trajectory": [');
      const chunk = Array.from({ length: 20000 }, (_, t) => row(t)).join(",");
      let written = 0;
      while (written < 100e6) {
        written += fs.writeSync(fd, (written ? "," : "") + chunk);
      }
      fs.writeSync(fd, "]}");
      fs.closeSync(fd);
      expect(fs.statSync(p).size).toBeGreaterThan(100e6);
      const t0 = Date.now();
      const r = run(["estimate", "--input", p]);
      expectError(r, "E_TOO_LARGE");
      expect(r.stderr).toMatch(/4 MiB/);
      expect(Date.now() - t0).toBeLessThan(10000);
    } finally {
      fs.rmSync(p, { force: true });
    }
    expect(fs.existsSync(p)).toBe(false);
  });

  it("5 MiB on stdin → E_TOO_LARGE; just under 4 MiB is estimated", () => {
    const rows = (n: number) =>
      `[${Array.from({ length: n }, (_, t) => `[${(1 - 0.9 ** ((t % 500) + 1)).toFixed(15)},${(0.1 * 0.8 ** (t % 500)).toFixed(15)},0.25]`).join(",")}]`;
    const over = rows(130000);
    expect(over.length).toBeGreaterThan(5 * 2 ** 20);
    expectError(run(["estimate", "--input", "-"], over), "E_TOO_LARGE");
    const under = rows(60000);
    expect(under.length).toBeLessThan(4 * 2 ** 20);
    const r = run(["estimate", "--input", "-", "--delay", "2"], under);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).estimate).toHaveLength(3);
  });

  (fs.existsSync("/dev/zero") ? it : it.skip)("an endless device (/dev/zero) → E_TOO_LARGE, promptly", () => {
    const t0 = Date.now();
    expectError(run(["estimate", "--input", "/dev/zero"]), "E_TOO_LARGE");
    expect(Date.now() - t0).toBeLessThan(10000);
  });
});

describe("glocal estimate: bad flags", () => {
  const f = () => write("good.json", good);
  it.each<[string, () => string[]]>([
    ["an unknown flag", () => ["estimate", "--input", f(), "--colour", "red"]],
    ["a flag given twice", () => ["estimate", "--input", f(), "--delay", "2", "--delay", "3"]],
    ["--input twice", () => ["estimate", "--input", f(), "--input", f()]],
    ["a missing value at the end", () => ["estimate", "--input", f(), "--delay"]],
    ["a missing value before the next flag", () => ["estimate", "--input", f(), "--delay", "--method", "limit"]],
    ["a value for a command that takes none", () => ["estimate", "--input", f(), "extra"]],
    ["--input without a value", () => ["estimate", "--input"]],
    ["a non-numeric delay", () => ["estimate", "--input", f(), "--delay", "two"]],
    ["a negative horizon", () => ["estimate", "--input", f(), "--method", "horizon", "--horizon", "-5"]],
    ["a tolerance of NaN", () => ["estimate", "--input", f(), "--tolerance", "NaN"]],
    ["an unknown command", () => ["estimat", "--input", f()]],
    ["demo with an unknown flag", () => ["demo", "--quick", "--colour"]],
    ["demo with --steps twice", () => ["demo", "--steps", "5", "--steps", "6"]],
  ])("%s → E_OPTION", (_name, args) => expectError(run(args()), "E_OPTION"));
});

describe("--help after a command", () => {
  it.each([["demo"], ["estimate"], ["bench"], ["info"]])(
    "glocal %s --help prints the usage, exit 0, runs nothing",
    (command) => {
      const r = run([command, "--quick", "--help"].filter((a) => a !== "--quick" || command === "demo"));
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(r.stdout).toMatch(/^glocal \d+\.\d+\.\d+: /);
      expect(r.stdout).toContain(`glocal ${command}`);
    },
  );
});

describe("glocal demo: SIGINT", () => {
  /** Runs the quick demo into dir and sends SIGINT once `when` says so. */
  function interrupt(
    dir: string,
    when: (elapsedMs: number, stdout: string) => boolean,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [cli, "demo", "--quick", "--out", path.join(dir, "report.svg"), "--json", path.join(dir, "results.json")],
        { cwd: dir },
      );
      let stdout = "",
        stderr = "",
        sent = false;
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (!sent && when(Date.now() - t0, stdout)) {
          sent = true;
          child.kill("SIGINT");
        }
      }, 5);
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        clearInterval(poll);
        resolve({ code, signal, stderr });
      });
    });
  }

  function expectWholeOrAbsent(dir: string): void {
    const files = fs.readdirSync(dir);
    expect(files.filter((f) => f.includes(".tmp-"))).toEqual([]);
    if (files.includes("report.svg"))
      expect(fs.readFileSync(path.join(dir, "report.svg"), "utf8").trimEnd().endsWith("</svg>")).toBe(true);
    if (files.includes("results.json"))
      expect(() => JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"))).not.toThrow();
  }

  it("after ~1 s: a non-zero exit (signal or 130), no report and no temporary file", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "sigint-"));
    const r = await interrupt(dir, (ms) => ms > 1000);
    expect(r.code === 130 || r.signal === "SIGINT").toBe(true);
    expectWholeOrAbsent(dir);
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  }, 60000);

  it("the moment the table is printed (just before the report is written): whole files or none, exit non-zero", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "sigint-late-"));
    const r = await interrupt(dir, (_ms, out) => out.includes("glocal vs"));
    expect(r.code === 130 || r.signal === "SIGINT").toBe(true);
    expectWholeOrAbsent(dir);
    if (r.code === 130) expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/^error: E_ABORTED: /);
  }, 60000);
});
