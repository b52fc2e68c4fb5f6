/** The SVG report renderer (`glocal demo`): well-formed, complete, robust, deterministic. */
import {
  lossRange,
  renderReportSvg,
  spreadLabels,
  strategyColours,
  STRATEGY_COLOURS,
} from "../../../src/app/report/svg";
import { linearAxis, logAxis, pathData, escapeXml, num } from "../../../src/app/report/chart";
import type { DemoReport, StrategyPath, TrajectoryPlot } from "../../../src/app/report/types";

// ---------------------------------------------------------------------------------------
// A tiny XML reader: enough of XML 1.0 to reject what a browser would (unbalanced or
// mismatched tags, raw "<" or bad "&" in text and attributes, duplicate attributes).

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string; // direct text content, entities decoded
  parent: El | null;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

function decode(s: string, where: string): string {
  for (let i = s.indexOf("&"); i >= 0; i = s.indexOf("&", i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(s)) throw new Error(`bad entity in ${where}: ${s.slice(i, i + 12)}`);
  }
  return s.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === "amp"
      ? "&"
      : e === "lt"
        ? "<"
        : e === "gt"
          ? ">"
          : e === "quot"
            ? '"'
            : e === "apos"
              ? "'"
              : String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

function parseXml(src: string): El {
  let s = src.replace(/^<\?xml[^?]*\?>\s*/, "");
  if (s.includes("<!--") || s.includes("<!")) s = s.replace(/<!--[\s\S]*?-->/g, "");
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  const attr = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  const root: El = { name: "#document", attrs: {}, children: [], text: "", parent: null };
  let cur = root,
    i = 0;
  while (i < s.length) {
    const lt = s.indexOf("<", i);
    const chunk = s.slice(i, lt < 0 ? s.length : lt);
    if (chunk.length) {
      if (cur === root && chunk.trim()) throw new Error(`text outside the root: ${chunk.slice(0, 20)}`);
      cur.text += decode(chunk, `<${cur.name}> text`);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(s);
    if (!m) throw new Error(`malformed tag at ${lt}: ${s.slice(lt, lt + 60)}`);
    const [whole, close, name, attrText, selfClose] = m;
    if (close) {
      if (attrText || selfClose) throw new Error(`malformed end tag ${whole}`);
      if (cur.name !== name) throw new Error(`</${name}> closes <${cur.name}>`);
      cur = cur.parent as El;
    } else {
      if (cur === root && root.children.length) throw new Error("more than one root element");
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(attr)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
        const raw = a[2] ?? a[3];
        if (raw.includes("<")) throw new Error(`"<" in attribute ${a[1]}`);
        attrs[a[1]] = decode(raw, `${name}@${a[1]}`);
      }
      const el: El = { name, attrs, children: [], text: "", parent: cur };
      cur.children.push(el);
      if (!selfClose) cur = el;
    }
    i = lt + whole.length;
  }
  if (cur !== root) throw new Error(`<${cur.name}> never closed`);
  if (root.children.length !== 1) throw new Error("no root element");
  return root.children[0];
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  if (pred(el)) out.push(el);
  for (const c of el.children) all(c, pred, out);
  return out;
}

const textOf = (el: El): string => el.text + el.children.map(textOf).join("");
const panel = (svg: El, id: string) => all(svg, (e) => e.name === "g" && e.attrs.id === `panel-${id}`);
const series = (svg: El, p: string) =>
  all(svg, (e) => e.attrs.class === "series" && e.attrs["data-panel"] === p).map((e) => e.attrs["data-series"]);

// ---------------------------------------------------------------------------------------
// Data.

function strategy(name: string, n: number, scale = 1): StrategyPath {
  const points: StrategyPath["points"] = [];
  for (let k = 0; k < n; k++) {
    points.push({
      innerSteps: k * 50,
      wallTimeMs: k * 50 * 3 * scale,
      lr: 0.01 * (1 + k / n) * scale,
      wd: 1e-4 * Math.exp(k / n),
      momentum: 0.5 + 0.4 * (k / n),
      valLoss: k % 2 === 0 ? 2.3 * Math.exp(-k / n) + 0.3 : null,
    });
  }
  return { name, points };
}

function trajectory(): TrajectoryPlot {
  const steps: number[] = [],
    values: number[] = [];
  for (let t = 0; t <= 300; t += 3) {
    steps.push(t);
    values.push(-0.8 * (1 - Math.exp(-t / 50)));
  }
  return {
    hyperName: "log_wd",
    steps,
    values,
    windowSteps: 60,
    estimate: -0.78,
    trueGlobal: values[values.length - 1],
    truncated: values[20],
    method: "affine, delay 8",
  };
}

const NAMES = ["global", "local", "truncated", "glocal", "none", "random"];

function report(over: Partial<DemoReport> = {}): DemoReport {
  return {
    title: "glocal demo: softmax regression on MNIST",
    subtitle: "train 2000 · val 500 · seed 1 · budget 3000 inner steps",
    strategies: NAMES.map((n, i) => strategy(n, 30 + 10 * i, 1 + i)),
    trajectory: trajectory(),
    summary: NAMES.map((n, i) => ({
      strategy: n,
      valLoss: 0.3 + i / 100,
      valAccuracy: 0.9 - i / 100,
      wallTimeMs: 12345 * (i + 1),
      innerSteps: 3000,
      jvps: 9000,
      valGradients: 60 + i,
      fallbacks: i,
      updates: 60,
    })),
    notes: ["global is exact but expensive; glocal extrapolates h_t beyond the window."],
    ...over,
  };
}

/** Renders, parses and checks what every output must satisfy. */
function renderChecked(r: DemoReport): { out: string; svg: El } {
  const out = renderReportSvg(r);
  const svg = parseXml(out);
  expect(svg.name).toBe("svg");
  expect(svg.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
  expect(svg.attrs.viewBox).toMatch(/^0 0 1200 \d+$/);
  expect(out).not.toMatch(/NaN|Infinity|undefined|null|\[object/);
  // Coordinates stay short: at most 2 decimals in any numeric attribute or path data.
  const coords = all(svg, () => true).flatMap((e) =>
    ["x", "y", "cx", "cy", "r", "width", "height", "d", "transform"]
      .map((k) => e.attrs[k])
      .filter((v): v is string => v !== undefined),
  );
  for (const c of coords) expect(c).not.toMatch(/\d\.\d{3}/);
  return { out, svg };
}

// ---------------------------------------------------------------------------------------

describe("the test's XML reader", () => {
  it("rejects what a browser would", () => {
    const ok = '<svg a="1"><g><text>x &amp; y</text></g><path d="M0 0"/></svg>';
    expect(parseXml(ok).children).toHaveLength(2);
    for (const bad of [
      "<svg><g></svg>",
      "<svg></g></svg>",
      "<svg><text>a < b</text></svg>",
      "<svg><text>a & b</text></svg>",
      '<svg a="1" a="2"/>',
      '<svg a="<"/>',
      "<svg/><svg/>",
      "text<svg/>",
      "<svg a=1/>",
    ])
      expect(() => parseXml(bad)).toThrow();
  });
});

describe("renderReportSvg", () => {
  it("is well-formed XML with the five panels, the legend and the title", () => {
    const { svg } = renderChecked(report());
    for (const id of ["lr", "wd", "momentum", "loss", "trajectory", "summary"]) expect(panel(svg, id)).toHaveLength(1);
    const texts = textOf(svg);
    expect(texts).toContain("glocal demo: softmax regression on MNIST");
    expect(texts).toContain("validation loss against training wall time");
    expect(texts).toContain("one hypergradient trajectory");
    const legend = all(svg, (e) => e.attrs.class === "legend-item").map((e) => e.attrs["data-series"]);
    expect(legend).toEqual(NAMES);
  });

  it("draws one series per strategy in each path panel and the loss panel, in the panel's group", () => {
    const { svg } = renderChecked(report());
    for (const p of ["lr", "wd", "momentum", "loss"]) {
      expect([...series(svg, p)].sort()).toEqual([...NAMES].sort());
      const inside = all(panel(svg, p)[0], (e) => e.attrs.class === "series");
      expect(inside).toHaveLength(NAMES.length);
      for (const e of inside) expect(e.attrs.d).toMatch(/^M[\d. ]+(L[\d. ]+)?$/);
    }
  });

  it("gives the named strategies their fixed colours and others distinct further colours", () => {
    const c = strategyColours(["glocal", "mine", "global", "other", "mine"]);
    expect(c.get("glocal")).toBe(STRATEGY_COLOURS.glocal);
    expect(c.get("global")).toBe(STRATEGY_COLOURS.global);
    // The baselines' fixed colours are distinct from the others and from the extra palette.
    const six = strategyColours(["global", "local", "truncated", "glocal", "none", "random", "mine", "other"]);
    expect(new Set(six.values()).size).toBe(8);
    const colours = [...c.values()];
    expect(new Set(colours).size).toBe(colours.length);
    expect(c.size).toBe(4);
    // "constructor" must not pick up Object.prototype members.
    expect(strategyColours(["constructor"]).get("constructor")).toMatch(/^#[0-9A-F]{6}$/i);
  });

  it("draws the trajectory: window, estimate, true global, h_m and their labels", () => {
    const { svg } = renderChecked(report());
    const s = series(svg, "trajectory");
    expect(s).toEqual(expect.arrayContaining(["window", "estimate", "true-global", "long-run"]));
    for (const e of all(panel(svg, "trajectory")[0], (x) => x.attrs.class === "series")) expect(e.attrs.d).not.toBe("");
    const texts = textOf(panel(svg, "trajectory")[0]);
    expect(texts).toContain("window seen by the estimator");
    expect(texts).toContain("glocal estimate (affine, delay 8)");
    expect(texts).toContain("true global");
    expect(texts).toContain("h_m");
    expect(all(svg, (e) => e.attrs["data-series"] === "h_m")).toHaveLength(1);
    const estimate = all(svg, (e) => e.attrs["data-series"] === "estimate")[0];
    expect(estimate.attrs["stroke-dasharray"]).toBeDefined();
  });

  it("prints the summary table with rounded numbers, and the notes", () => {
    const { svg } = renderChecked(report());
    const rows = all(svg, (e) => e.attrs.class === "row");
    expect(rows.map((r) => r.attrs["data-series"])).toEqual(NAMES);
    const cells = all(rows[1], (e) => e.name === "text").map(textOf);
    expect(cells).toEqual(["local", "0.3100", "89.00", "24.69", "3000", "9000", "61", "1", "60"]);
    expect(textOf(panel(svg, "summary")[0])).toContain("glocal extrapolates h_t beyond the window.");
  });

  it("escapes strategy names, titles and notes", () => {
    const nasty = `a<b&"c"'</svg>`;
    const r = report({
      title: "<script>alert(1)</script> & co",
      strategies: [strategy(nasty, 5), strategy("glocal", 5)],
      summary: [
        {
          strategy: nasty,
          valLoss: 1,
          valAccuracy: null,
          wallTimeMs: 1,
          innerSteps: 1,
          jvps: 0,
          fallbacks: 0,
          updates: 0,
        },
      ],
      notes: ["x < y & z > w"],
      trajectory: { ...trajectory(), method: `"<m>"` },
    });
    const { out, svg } = renderChecked(r);
    expect(out).not.toContain("<script>");
    for (const p of ["lr", "wd", "momentum", "loss"]) expect(series(svg, p)).toContain(nasty);
    const texts = textOf(svg);
    expect(texts).toContain(nasty);
    expect(texts).toContain("<script>alert(1)</script> & co");
    expect(texts).toContain("x < y & z > w");
    expect(texts).toContain(`glocal estimate ("<m>")`);
    expect(escapeXml(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&apos;");
  });

  it("renders degenerate inputs without throwing or emitting non-numbers", () => {
    const bad = [NaN, Infinity, -Infinity, 0, -1, 1e-320, Number.MAX_VALUE, -Number.MAX_VALUE];
    const weird: StrategyPath = {
      name: "weird",
      points: bad.map((v, i) => ({
        innerSteps: i % 2 ? v : i,
        wallTimeMs: v,
        lr: v,
        wd: -v,
        momentum: i % 3 ? v : null,
        valLoss: v,
      })),
    };
    const cases: DemoReport[] = [
      report({ strategies: [], trajectory: null, summary: [], notes: [] }),
      report({ strategies: [{ name: "empty", points: [] }] }),
      report({ strategies: [strategy("single", 1)] }),
      report({ strategies: [weird, strategy("glocal", 3)] }),
      report({
        strategies: [
          {
            name: "flat",
            points: [0, 1, 2].map(() => ({
              innerSteps: 5,
              wallTimeMs: 7,
              lr: 0.1,
              wd: 0.1,
              momentum: 0.9,
              valLoss: 1,
            })),
          },
        ],
      }),
      report({
        strategies: [
          {
            name: "zeros",
            points: [0, 1, 2].map((k) => ({ innerSteps: k, wallTimeMs: 0, lr: 0, wd: -1e-3, momentum: 0, valLoss: 0 })),
          },
        ],
      }),
      report({
        strategies: [
          {
            name: "huge",
            points: [0, 1].map((k) => ({
              innerSteps: k * 1e300,
              wallTimeMs: k * 1e300,
              lr: k ? 1e300 : 1e-300,
              wd: 1e-310,
              momentum: k ? 1e300 : -1e300,
              valLoss: k ? 1e308 : -1e308,
            })),
          },
        ],
      }),
      report({ trajectory: { ...trajectory(), steps: [], values: [] } }),
      report({
        trajectory: {
          ...trajectory(),
          steps: [0, 1, 2],
          values: [NaN, Infinity, 5],
          windowSteps: NaN,
          estimate: NaN,
          trueGlobal: Infinity,
          truncated: NaN,
          method: "",
        },
      }),
      report({
        trajectory: {
          ...trajectory(),
          steps: [0],
          values: [1],
          windowSteps: 0,
          estimate: 1,
          trueGlobal: 1,
          truncated: 1,
        },
      }),
      report({ trajectory: { ...trajectory(), windowSteps: 1e6, estimate: 1e300 } }),
      report({
        summary: [
          {
            strategy: "nan",
            valLoss: NaN,
            valAccuracy: null,
            wallTimeMs: Infinity,
            innerSteps: NaN,
            jvps: NaN,
            fallbacks: 0,
            updates: 0,
          },
        ],
      }),
      report({ title: "", subtitle: "x".repeat(1000), notes: ["y".repeat(500), ""] }),
    ];
    for (const r of cases) expect(() => renderChecked(r)).not.toThrow();
  });

  it("keeps one (possibly empty) series per strategy when values cannot be drawn", () => {
    const { svg } = renderChecked(
      report({
        strategies: [
          {
            name: "zeros",
            points: [0, 1].map((k) => ({ innerSteps: k, wallTimeMs: k, lr: 0, wd: -1, momentum: 0.5, valLoss: null })),
          },
        ],
      }),
    );
    for (const p of ["lr", "wd", "loss"]) {
      const s = all(svg, (e) => e.attrs.class === "series" && e.attrs["data-panel"] === p);
      expect(s.map((e) => e.attrs["data-series"])).toEqual(["zeros"]);
      expect(s[0].attrs.d).toBe("");
    }
    expect(series(svg, "momentum")).toEqual(["zeros"]);
  });

  it("says 'no momentum' and 'no trajectory' when there is nothing to draw", () => {
    const r = report({ trajectory: null });
    r.strategies = r.strategies.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, momentum: null })) }));
    const { svg } = renderChecked(r);
    expect(textOf(panel(svg, "momentum")[0])).toContain("no momentum");
    expect(series(svg, "momentum")).toEqual([]);
    expect(textOf(panel(svg, "trajectory")[0])).toContain("no trajectory");
    expect(series(svg, "trajectory")).toEqual([]);
  });

  it("draws a single point as a visible dot", () => {
    const { svg } = renderChecked(report({ strategies: [strategy("single", 1)] }));
    expect(all(svg, (e) => e.attrs["data-series"] === "single" && e.attrs["data-panel"] === "lr")[0].attrs.d).toMatch(
      /^M[\d.]+ [\d.]+h0$/,
    );
  });

  it("is deterministic and does not modify its input", () => {
    const r = report();
    const copy = JSON.parse(JSON.stringify(r)) as DemoReport;
    const a = renderReportSvg(r);
    expect(renderReportSvg(copy)).toBe(a);
    expect(renderReportSvg(r)).toBe(a);
    expect(JSON.parse(JSON.stringify(r))).toEqual(copy);
  });

  it("stays small for long runs (series are thinned per unit of width)", () => {
    const long = report({ strategies: NAMES.map((n) => strategy(n, 20000)) });
    const { out } = renderChecked(long);
    expect(out.length).toBeLessThan(250_000);
  });

  it("grows taller instead of clipping a long table", () => {
    const many = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const { svg } = renderChecked(
      report({
        strategies: many.map((n) => strategy(n, 3)),
        summary: many.map((n) => ({ ...report().summary[0], strategy: n })),
      }),
    );
    expect(Number(svg.attrs.height)).toBeGreaterThan(900);
    expect(series(svg, "lr")).toHaveLength(30);
  });
});

describe("the per-feature decay panel", () => {
  const decays = {
    real: 3,
    series: [
      { name: "truncated", decays: [1e-3, 2e-3, 5e-4, 0.05, 0.1] },
      { name: "random", decays: [0.01, 0.01, 0.01, 0.01, 0.01] },
    ],
  };

  it("is drawn only when the report has decays: one series per run, real features shaded apart", () => {
    expect(panel(renderChecked(report()).svg, "decays")).toHaveLength(0);
    const { svg } = renderChecked(report({ decays }));
    const [g] = panel(svg, "decays");
    expect(g).toBeDefined();
    const series = all(g, (e) => e.attrs.class === "series").map((e) => e.attrs["data-series"]);
    expect(series).toEqual(["truncated", "random"]);
    expect(all(g, (e) => e.name === "circle")).toHaveLength(10);
    const texts = textOf(g);
    expect(texts).toContain("real features (0–2)");
    expect(texts).toContain("irrelevant features (3–4)");
    // The shaded band ends between feature 2 and feature 3: left of the first irrelevant dot.
    const band = all(g, (e) => e.attrs.class === "real")[0];
    const xs = all(g, (e) => e.name === "circle" && e.attrs["data-series"] === "truncated").map((e) =>
      Number(e.attrs.cx),
    );
    const right = Number(band.attrs.x) + Number(band.attrs.width);
    expect(right).toBeGreaterThan(xs[2]);
    expect(right).toBeLessThan(xs[3]);
    // Larger decays sit higher (log scale, y grows downwards).
    const ys = all(g, (e) => e.name === "circle" && e.attrs["data-series"] === "truncated").map((e) =>
      Number(e.attrs.cy),
    );
    expect(ys[4]).toBeLessThan(ys[3]);
    expect(ys[2]).toBeGreaterThan(ys[0]);
  });

  it("renders degenerate decays without throwing or emitting non-numbers", () => {
    const bad = {
      real: NaN,
      series: [
        { name: "x", decays: [NaN, -1, 0, Infinity] },
        { name: "y", decays: [] },
      ],
    };
    renderChecked(report({ decays: bad as never }));
    renderChecked(report({ decays: { real: 2, series: [] } }));
    renderChecked(report({ decays: { real: 2, series: "no" } as never }));
  });
});

describe("the loss panel: final losses that can be told apart", () => {
  // Curves from chance level (2.3) down to finals only 0.3 % apart, as in the demo.
  const finals = [0.36, 0.3611, 0.3622, 0.3633, 0.3644, 0.3655];
  const curve = (name: string, i: number): StrategyPath => ({
    name,
    points: [0, 1, 2, 3].map((k) => ({
      innerSteps: 100 * k,
      wallTimeMs: 1000 * k * (1 + i),
      lr: 0.01,
      wd: 1e-3,
      momentum: 0.9,
      valLoss: k === 0 ? 2.3 : k === 3 ? finals[i] : 0.5 - 0.05 * k,
    })),
  });
  const r = report({ strategies: NAMES.map(curve) });
  const { svg } = renderChecked(r);
  const lossPanel = panel(svg, "loss")[0];
  const markers = all(lossPanel, (e) => e.name === "circle" && e.attrs.class === "marker");

  it("marks each strategy's final loss with a dot, at least 3 units apart for finals 0.3 % apart", () => {
    expect(markers.map((m) => m.attrs["data-series"]).sort()).toEqual([...NAMES].sort());
    const ys = NAMES.map((n) => Number(markers.find((m) => m.attrs["data-series"] === n)?.attrs.cy));
    for (let i = 1; i < ys.length; i++) expect(ys[i - 1] - ys[i]).toBeGreaterThanOrEqual(3); // higher loss: higher up
    // Linear over the whole range (2.3 … 0.36), the same finals were about one unit apart.
  });

  it("zooms the axis on the finals: the start at chance level lies above it, clipped", () => {
    const [lo, hi] = lossRange(r.strategies) as [number, number];
    expect(lo).toBeCloseTo(0.36, 12); // the lowest loss seen
    // The highest final plus the finals' spread, here the minimum band of 2 % of it.
    expect(hi).toBeCloseTo(0.3655 * 1.02, 12);
    const wide = [
      curve("a", 0),
      { ...curve("b", 1), points: curve("b", 1).points.map((p) => ({ ...p, valLoss: 0.5 })) },
    ];
    expect(lossRange(wide)).toEqual([0.36, 0.5 + (0.5 - 0.36)]);
    // The start (2.3) is far above the axis: its point is projected outside the plot area.
    expect(all(lossPanel, (e) => e.name === "clipPath")).toHaveLength(1);
    expect(all(lossPanel, (e) => e.name === "g" && e.attrs["clip-path"] === "url(#clip-loss)")).toHaveLength(1);
  });

  it("prints the final losses beside the plot, in the strategies' colours", () => {
    const labels = all(lossPanel, (e) => e.name === "text" && (e.attrs.class ?? "").includes("final"));
    expect(labels.map(textOf).sort()).toEqual(finals.map((f) => f.toFixed(4)).sort());
    const colours = strategyColours(NAMES);
    for (const l of labels) {
      const i = finals.map((f) => f.toFixed(4)).indexOf(textOf(l));
      expect(l.attrs.fill).toBe(colours.get(NAMES[i]));
    }
  });

  it("draws the no-tuning baseline dashed", () => {
    const none = all(lossPanel, (e) => e.attrs["data-series"] === "none" && e.attrs.class === "series")[0];
    expect(none.attrs["stroke-dasharray"]).toBeDefined();
  });

  it("spreadLabels keeps labels apart and in order, and moves nothing that has room", () => {
    expect(spreadLabels([10, 50, 90], 0, 100, 11)).toEqual([10, 50, 90]);
    const ys = spreadLabels([50, 52, 51, 200], 0, 300, 11);
    const sorted = [...ys].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(11);
    expect(ys[0]).toBeLessThan(ys[2]); // input order kept among equals' neighbours
    expect(ys[3]).toBe(200);
    expect(spreadLabels([99, 99.5], 0, 100, 11)).toEqual([89, 100]);
  });

  it("falls back to the data's range when nothing is finite enough to zoom on", () => {
    expect(lossRange([])).toBeNull();
    const { svg: empty } = renderChecked(report({ strategies: [{ name: "x", points: [] }] }));
    expect(all(panel(empty, "loss")[0], (e) => e.name === "circle")).toHaveLength(0);
  });
});

describe("chart axes", () => {
  const labels = (a: { ticks: Array<{ label: string; minor?: boolean }> }) =>
    a.ticks.filter((t) => !t.minor).map((t) => t.label);

  it("rounds linear axes to 1-2-5 steps", () => {
    expect(labels(linearAxis([0, 0.97]))).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    expect(labels(linearAxis([0, 4800], { count: 4 }))).toEqual(["0", "2000", "4000", "6000"]);
    expect(labels(linearAxis([-0.8, 0.01]))).toEqual(["-0.8", "-0.6", "-0.4", "-0.2", "0", "0.2"]);
    expect(labels(linearAxis([0, 2.6e6]))).toEqual(["0", "1e6", "2e6", "3e6"]);
    expect(labels(linearAxis([0, 1.2e6]))).toEqual(["0", "5e5", "1e6", "1.5e6"]);
    // Momentum: the axis never leaves [0, 1] when the data do not.
    const m = linearAxis([0.05, 0.99], { bounds: [0, 1] });
    expect(m.lo).toBe(0);
    expect(m.hi).toBe(1);
  });

  it("opens constant and empty linear data into a finite band", () => {
    for (const v of [[5, 5], [0, 0], [], [NaN], [5e-324], [Number.MAX_VALUE], [-Number.MAX_VALUE, Number.MAX_VALUE]]) {
      const a = linearAxis(v);
      expect(Number.isFinite(a.lo) && Number.isFinite(a.hi) && a.hi > a.lo).toBe(true);
      for (const t of a.ticks) expect(t.label).not.toMatch(/NaN|Infinity/);
    }
  });

  it("ticks log axes at powers of ten, or on the 1-2-5 grid for narrow ranges", () => {
    expect(labels(logAxis([1e-5, 0.01]))).toEqual(["1e-5", "1e-4", "0.001", "0.01"]);
    expect(labels(logAxis([0.05, 0.2]))).toEqual(["0.05", "0.1", "0.2"]);
    expect(labels(logAxis([0.03, 0.15]))).toEqual(["0.02", "0.05", "0.1", "0.2"]);
    expect(labels(logAxis([0.1, 0.1]))).toEqual(["0.05", "0.1", "0.2"]);
    expect(labels(logAxis([4e-4, 5e-4]))).toEqual(["2e-4", "3e-4", "4e-4", "5e-4"]);
    // Huge ranges label every k-th decade; zero, negative and non-finite values are skipped.
    const wide = labels(logAxis([1e-300, 1e300, 0, -5, NaN, Infinity]));
    expect(wide.length).toBeLessThanOrEqual(8);
    expect(wide[0]).toBe("1e-300");
    expect(wide[wide.length - 1]).toBe("1e300");
    const none = logAxis([0, -1, NaN]);
    expect(Number.isFinite(none.lo) && none.hi > none.lo).toBe(true);
    const sub = logAxis([5e-324, Number.MAX_VALUE]);
    expect(Number.isFinite(sub.lo) && Number.isFinite(sub.hi)).toBe(true);
  });

  it("formats coordinates compactly and builds path data", () => {
    expect(num(1.2345)).toBe("1.2");
    expect(num(-0.01)).toBe("0");
    expect(num(NaN)).toBe("0");
    expect(pathData([])).toBe("");
    expect(pathData([[1, 2]])).toBe("M1 2h0");
    expect(
      pathData([
        [1, 2],
        [3.04, 4.06],
      ]),
    ).toBe("M1 2L3 4.1");
    // Many points in one unit-wide column keep first, min, max and last only.
    const dense = Array.from({ length: 100 }, (_, i): [number, number] => [10 + i / 1000, 50 + Math.sin(i)]);
    expect(pathData(dense).split(/[ML ]/).filter(Boolean).length / 2).toBeLessThanOrEqual(4);
  });
});
