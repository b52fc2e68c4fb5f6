/**
 * The `perfeature` scenario: one weight decay per input feature, every strategy plus a
 * glocal variant with another fallback policy, and the report's per-feature decay panel.
 */
import { resolveDemoOptions, runDemo } from "../../../src/app/demo/run";
import { SCENARIOS } from "../../../src/app/demo/scenarios";
import { renderReportSvg } from "../../../src/app/report/svg";

const RUNS = [
  "none",
  "random",
  "local",
  "truncated",
  "glocal",
  "glocal (fallback absurd)",
  "glocal (fallback nonfinite)",
];

describe("scenario perfeature", () => {
  it("resolves every run with its own meta learning rate and hyperparameters; --meta-lr sets them all", () => {
    const s = resolveDemoOptions({ scenario: "perfeature" });
    expect(s.runs.map((r) => r.name)).toEqual(RUNS);
    expect(s.hyper).toEqual(["featureWd"]);
    expect(s.hyperOf.random).toEqual(["lr", "wd"]);
    for (const name of RUNS.slice(2)) expect(s.metaLrs[name]).toBe(SCENARIOS.perfeature.metaLrs?.[name]);
    const all = resolveDemoOptions({ scenario: "perfeature", metaLr: 0.02 });
    expect(new Set(Object.values(all.metaLrs))).toEqual(new Set([0.02]));
    // A variant runs only with its strategy.
    expect(resolveDemoOptions({ scenario: "perfeature", strategies: ["truncated"] }).runs.map((r) => r.name)).toEqual([
      "truncated",
    ]);
  });

  it("a quick run has every strategy, equal inner steps, the costs, and the decay panel", () => {
    const r = runDemo({ scenario: "perfeature", quick: true, steps: 150 });
    expect(r.stopped).toBe("done");
    expect(r.summary.map((x) => x.strategy)).toEqual(RUNS);
    const row = (name: string) => r.summary.find((x) => x.strategy === name) as (typeof r.summary)[number];
    for (const name of RUNS.filter((n) => n !== "random")) expect(row(name).innerSteps).toBe(150);
    expect(row("random").innerSteps).toBe(150 * r.settings.outer); // each trial trains a whole model
    for (const name of RUNS.slice(2)) {
      expect(row(name).jvps).toBeGreaterThan(0);
      expect(row(name).valGradients).toBeGreaterThan(0);
    }
    // Truncated and glocal record the same tangents; glocal adds a validation gradient per step.
    expect(row("glocal").jvps).toBe(row("truncated").jvps);
    expect(row("glocal").valGradients).toBe(150);
    // The variant used the 'absurd' policy: it fell back only on absurd or missing estimates.
    const variant = r.variants["glocal (fallback absurd)"];
    for (const e of variant.history.slice(1))
      if (e.target === "truncated" && e.estimate !== undefined) expect(e.warnings).toContain("ABSURD_MAGNITUDE");
    // 'nonfinite' used every finite estimate it got.
    for (const e of r.variants["glocal (fallback nonfinite)"].history.slice(1))
      if (e.estimate !== undefined) expect(e.target).toBe("limit");
    // The decay panel: 60 features, 36 real; per-feature runs learn different decays, the others one.
    const d = r.report.decays as NonNullable<typeof r.report.decays>;
    expect(d.real).toBe(36);
    expect(d.series.map((x) => x.name)).toEqual(RUNS);
    for (const x of d.series) {
      expect(x.decays).toHaveLength(60);
      expect(x.decays.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    }
    const spread = (name: string) =>
      new Set((d.series.find((x) => x.name === name) as { decays: number[] }).decays).size;
    expect(spread("truncated")).toBeGreaterThan(1);
    expect(spread("random")).toBe(1);
    expect(d.series.find((x) => x.name === "none")?.decays[0]).toBeCloseTo(1e-3, 15);
    const svg = renderReportSvg(r.report);
    expect(svg).toContain('<g id="panel-decays">');
    for (const name of RUNS) {
      expect(svg).toContain(`data-panel="decays" data-series="${name}"`);
      expect(svg).toContain(`<g class="row" data-series="${name}">`);
    }
  });
});
