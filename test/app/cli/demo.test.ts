/** `glocal demo` as a user runs it (tiny sizes): exit codes, the table, the report file. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const cli = path.join(__dirname, "..", "..", "..", "dist", "cli.cjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-demo-"));
const tiny = ["--train", "200", "--val", "100", "--steps", "60", "--window", "20", "--outer", "2", "--batch", "50"];
const run = (args: string[]) => spawnSync(process.execPath, [cli, "demo", ...args], { encoding: "utf8", cwd: tmp });

describe("glocal demo", () => {
  const out = path.join(tmp, "report.svg");
  const json = path.join(tmp, "results.json");
  const r = run([...tiny, "--out", out, "--json", json, "--seed", "3"]);

  it("exits 0 and prints the table with every strategy", () => {
    expect(r.status).toBe(0);
    for (const s of ["global", "local", "truncated", "glocal"])
      expect(r.stdout).toMatch(new RegExp(`^${s}\\s+\\d\\.\\d{4}`, "m"));
    expect(r.stdout).toMatch(/glocal vs global: validation loss [+-]\d/);
    expect(r.stdout).toContain(`report: ${out}`);
    expect(r.stdout).toMatch(/^whole run \(.*\): \d+\.\d s$/m);
  });

  it("writes a valid SVG report with the expected series", () => {
    const svg = fs.readFileSync(out, "utf8");
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    for (const panel of ["lr", "wd", "momentum", "loss", "trajectory"]) {
      expect(svg).toContain(`id="panel-${panel}"`);
      if (panel !== "trajectory") {
        for (const s of ["global", "local", "truncated", "glocal"])
          expect(svg).toContain(`data-panel="${panel}" data-series="${s}"`);
      }
    }
    for (const s of ["window", "estimate", "true-global"])
      expect(svg).toContain(`data-panel="trajectory" data-series="${s}"`);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    expect(fs.readdirSync(tmp).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("is deterministic for a seed (the JSON results match apart from wall time)", () => {
    const json2 = path.join(tmp, "results2.json");
    const r2 = run([...tiny, "--out", path.join(tmp, "r2.svg"), "--json", json2, "--seed", "3"]);
    expect(r2.status).toBe(0);
    const strip = (f: string) => {
      const d = JSON.parse(fs.readFileSync(f, "utf8"));
      return d.summary.map((x: { strategy: string; valLoss: number; innerSteps: number; jvps: number }) => [
        x.strategy,
        x.valLoss,
        x.innerSteps,
        x.jvps,
      ]);
    };
    expect(strip(json2)).toEqual(strip(json));
  });

  it.each<[string, string[], string]>([
    ["unknown flag", ["--colour", "red"], "E_OPTION"],
    ["bad model", ["--model", "resnet"], "E_OPTION"],
    ["bad strategy", ["--strategies", "global,best"], "E_OPTION"],
    ["bad steps", ["--steps", "x"], "E_OPTION"],
    ["unwritable report", [...tiny, "--strategies", "local", "--out", path.join(tmp, "missing-dir", "r.svg")], "E_IO"],
  ])("%s → exit 2, one line error: %s", (_n, args, code) => {
    const e = run(args);
    expect(e.status).toBe(2);
    expect(
      e.stderr
        .trimEnd()
        .split("\n")
        .filter((l) => l.startsWith("error:")),
    ).toEqual([expect.stringMatching(new RegExp(`^error: ${code}: `))]);
  });
});
