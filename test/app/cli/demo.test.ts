/** `glocal demo` as a user runs it (tiny sizes): exit codes, the table, the report file. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const cli = path.join(__dirname, "..", "..", "..", "dist", "cli.cjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-demo-"));
// glocal's stride scales with --window: 10 recorded points per 20-step window here.
const tiny = ["--train", "200", "--val", "100", "--steps", "60", "--window", "20", "--outer", "2", "--batch", "50"];
const run = (args: string[]) => spawnSync(process.execPath, [cli, "demo", ...args], { encoding: "utf8", cwd: tmp });

describe("glocal demo", () => {
  const out = path.join(tmp, "report.svg");
  const json = path.join(tmp, "results.json");
  const r = run([...tiny, "--out", out, "--json", json, "--seed", "3"]);

  it("exits 0 and prints the table with every strategy and baseline, and the cost columns", () => {
    expect(r.status).toBe(0);
    for (const s of ["global", "local", "truncated", "glocal", "none", "random"])
      expect(r.stdout).toMatch(new RegExp(`^${s}\\s+\\d\\.\\d{4}`, "m"));
    expect(r.stdout).toMatch(/^strategy\s+val loss\s+val acc\s+wall time\s+inner steps\s+JVPs\s+val grads\s+updates/m);
    // none computes no hypergradient; random spends global's inner steps on 2 trials.
    expect(r.stdout).toMatch(/^none\s+\S+\s+\S+ %\s+\S+ s\s+60\s+0\s+0\s+0\s/m);
    expect(r.stdout).toMatch(/^random\s+\S+\s+\S+ %\s+\S+ s\s+120\s+0\s+0\s+2 trials/m);
    expect(r.stdout).toMatch(/^scenario softmax: /m);
    expect(r.stdout).toMatch(/^best: \w+ \(\d\.\d{4}\), [+-]\d+\.\d % against no tuning/m);
    expect(r.stdout).toMatch(/^glocal vs none [+-]\d/m);
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
        for (const s of ["global", "local", "truncated", "glocal", "none", "random"])
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

  it("--scenario and --val-subsample: another scenario, glocal's trajectory on a subsample", () => {
    const j = path.join(tmp, "mlp.json");
    const e = run([
      ...tiny,
      "--scenario",
      "mlp",
      "--strategies",
      "glocal,none",
      "--val-subsample",
      "40",
      "--stride",
      "2",
      "--out",
      path.join(tmp, "mlp.svg"),
      "--json",
      j,
    ]);
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/^scenario mlp: /m);
    const d = JSON.parse(fs.readFileSync(j, "utf8"));
    expect(d.settings.model).toBe("mlp");
    expect(d.settings.glocal.valSubsample).toBe(40);
    // 3 windows of 20 steps at stride 2: 10 recorded h each, plus h_m on the whole set.
    expect(d.summary.find((x: { strategy: string }) => x.strategy === "glocal").valGradients).toBe(3 * 11);
  });

  it.each<[string, string[], string]>([
    ["unknown scenario", ["--scenario", "cifar"], "E_OPTION"],
    ["bad val subsample", ["--val-subsample", "some"], "E_OPTION"],
    ["negative val subsample", ["--val-subsample", "-3"], "E_OPTION"],
    ["strategy typo among new ones", ["--strategies", "none,randm"], "E_OPTION"],
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
