/**
 * The SVG report of `glocal demo`: one self-contained picture comparing the strategies and
 * the baselines (hyperparameter paths, validation loss against wall time), one hypergradient trajectory
 * against its glocal estimate, and the summary table.
 *
 * `renderReportSvg` is a pure function of its input (no dates, no random ids), so the same
 * run gives byte-identical files. Every data series is a `<path class="series">` with
 * `data-panel` and `data-series` attributes, and every panel a `<g id="panel-…">`, so tests
 * and users' tools can pick the data back out of the picture.
 */
import type { DecayPanel, DemoReport, StrategyPath, SummaryRow, TrajectoryPlot } from "./types";
import {
  type Axis,
  type Plot,
  type Rect,
  clip,
  escapeXml,
  finite,
  fixed,
  linearAxis,
  logAxis,
  num,
  pathData,
  project,
  py,
  px,
  renderAxes,
  text,
  textWidth,
  toAxisSpace,
  wrap,
} from "./chart";

export type { DecayPanel, DemoReport, StrategyPath, SummaryRow, TrajectoryPlot } from "./types";

/** Width of the report in user units; the height grows past 900 only for long tables. */
export const REPORT_WIDTH = 1200;
const MIN_HEIGHT = 900;
const MARGIN = 20;

/** Colours of the named strategies (Okabe–Ito, distinguishable with colour blindness). */
export const STRATEGY_COLOURS: Readonly<Record<string, string>> = {
  global: "#0072B2",
  local: "#E69F00",
  truncated: "#009E73",
  glocal: "#D55E00",
  none: "#000000",
  random: "#CC79A7",
};
/** Colours for other strategy names, in order of first appearance (then repeating). */
const EXTRA_COLOURS = ["#56B4E9", "#999999", "#8C564B", "#7F3C8D", "#BCBD22", "#11A579"];

/** A colour per distinct strategy name: the fixed ones for the four named strategies,
 *  further palette colours for the others in order of first appearance. */
export function strategyColours(names: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  let extra = 0;
  for (const name of names) {
    if (map.has(name)) continue;
    const known = Object.prototype.hasOwnProperty.call(STRATEGY_COLOURS, name) ? STRATEGY_COLOURS[name] : undefined;
    map.set(name, known ?? EXTRA_COLOURS[extra++ % EXTRA_COLOURS.length]);
  }
  return map;
}

/** Panels of the report, as used in `<g id="panel-…">` and `data-panel`. */
export type PanelId = "lr" | "wd" | "momentum" | "loss" | "trajectory" | "decays";

const STYLE = [
  "text{font-family:Helvetica,Arial,sans-serif}",
  ".title{font-size:20px;font-weight:bold}",
  ".subtitle{font-size:12px;fill:#555}",
  ".ptitle{font-size:13px;font-weight:bold}",
  ".tick{font-size:10px;fill:#555}",
  ".axis-title{font-size:11px;fill:#333}",
  ".legend{font-size:12px}",
  ".note{font-size:11.5px;fill:#444}",
  ".empty{font-size:13px;fill:#888}",
  ".key{font-size:11px;fill:#2a5d8f}",
  ".label{font-size:10.5px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
  ".cell{font-size:12px}",
  ".head{font-size:12px;font-weight:bold}",
  ".num{font-variant-numeric:tabular-nums}",
].join("");

/** Renders the whole report as a standalone SVG document. */
export function renderReportSvg(report: DemoReport): string {
  const strategies = Array.isArray(report.strategies) ? report.strategies : [];
  const names = strategies.map((s) => String(s.name));
  const summary = Array.isArray(report.summary) ? report.summary : [];
  const colours = strategyColours([...names, ...summary.map((r) => String(r.strategy))]);
  const body: string[] = [];
  const width = REPORT_WIDTH,
    inner = width - 2 * MARGIN;

  body.push(text(MARGIN, 34, clip(String(report.title ?? ""), 100), 'class="title"'));
  const sub = wrap(String(report.subtitle ?? ""), 185).slice(0, 2);
  sub.forEach((line, i) => body.push(text(MARGIN, 56 + 15 * i, line, 'class="subtitle"')));

  let y = 56 + 15 * Math.max(0, sub.length - 1) + 24;
  const legend = renderLegend(names, colours, MARGIN, y, inner);
  body.push(legend.svg);
  y = legend.bottom + 10;

  // Row 1: the three hyperparameter paths against inner steps.
  const gap = 20,
    h1 = 250;
  const w3 = (inner - 2 * gap) / 3;
  body.push(renderPathPanel("lr", { x: MARGIN, y, w: w3, h: h1 }, strategies, colours));
  body.push(renderPathPanel("wd", { x: MARGIN + w3 + gap, y, w: w3, h: h1 }, strategies, colours));
  body.push(renderPathPanel("momentum", { x: MARGIN + 2 * (w3 + gap), y, w: w3, h: h1 }, strategies, colours));
  y += h1 + 16;

  // Row 2: validation loss against wall time, and the hypergradient trajectory.
  const h2 = 310,
    w2 = (inner - gap) / 2;
  body.push(renderLossPanel({ x: MARGIN, y, w: w2, h: h2 }, strategies, colours));
  body.push(renderTrajectoryPanel({ x: MARGIN + w2 + gap, y, w: w2, h: h2 }, report.trajectory ?? null));
  y += h2 + 26;

  // Row 3 (per-feature decay scenarios): the learned decay of every input feature.
  if (report.decays && typeof report.decays === "object") {
    const h3 = 230;
    body.push(renderDecayPanel({ x: MARGIN, y: y - 10, w: inner, h: h3 }, report.decays, colours));
    y += h3 + 16;
  }

  const table = renderSummary(summary, Array.isArray(report.notes) ? report.notes : [], colours, MARGIN, y, inner);
  body.push(table.svg);
  const height = Math.max(MIN_HEIGHT, Math.ceil(table.bottom + MARGIN));

  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n`,
    `<style>${STYLE}</style>\n`,
    `<rect width="${width}" height="${height}" fill="#fff"/>\n`,
    body.join("\n"),
    "\n</svg>\n",
  ].join("");
}

/**
 * The final weight decay of every input feature (x: the feature, y: its decay, log scale),
 * one line of dots per run; the real features are shaded apart from the irrelevant ones,
 * whose decays a good tuning raises.
 */
function renderDecayPanel(outer: Rect, panel: DecayPanel, colours: Map<string, string>): string {
  const { head, area } = openPanel("decays", outer, "learned weight decay per input feature (final)");
  const series = Array.isArray(panel.series) ? panel.series : [];
  const features = Math.max(0, ...series.map((s) => (Array.isArray(s.decays) ? s.decays.length : 0)));
  const real = Number.isFinite(panel.real) ? Math.max(0, Math.min(Math.floor(panel.real), features)) : 0;
  const plot: Plot = {
    area,
    x: linearAxis([-0.5, features - 0.5], { count: 6, bounds: [-0.5, Math.max(0.5, features - 0.5)] }),
    y: logAxis(series.flatMap((s) => (Array.isArray(s.decays) ? s.decays : []))),
  };
  const parts = [head];
  const split = px(plot, toAxisSpace(plot.x, real - 0.5) ?? 0);
  if (real > 0) {
    parts.push(
      `<rect class="real" x="${num(area.x)}" y="${num(area.y)}" width="${num(Math.max(0, split - area.x))}" height="${num(area.h)}" fill="#eef4ea"/>`,
      text(area.x + 6, area.y + 14, `real features (0–${real - 1})`, 'class="key"'),
    );
  }
  if (features > real)
    parts.push(text(split + 6, area.y + 14, `irrelevant features (${real}–${features - 1})`, 'class="key"'));
  parts.push(renderAxes(plot, { x: "input feature", y: "weight decay (log scale)" }));
  const ordered = [...series.filter((s) => s.name !== "glocal"), ...series.filter((s) => s.name === "glocal")];
  for (const s of ordered) {
    const decays = Array.isArray(s.decays) ? s.decays : [];
    const pts = project(
      plot,
      decays.map((v, j) => [j, v]),
    );
    const colour = colours.get(String(s.name)) ?? "#000";
    const dash = s.name === "none" ? ' stroke-dasharray="5 3"' : "";
    parts.push(
      seriesPath(
        "decays",
        String(s.name),
        pathData(pts),
        `stroke="${colour}" stroke-width="1.2" stroke-opacity="0.55"${dash} ${LINE_STYLE}`,
      ),
    );
    for (const [x, y] of pts)
      parts.push(
        `<circle cx="${num(x)}" cy="${num(y)}" r="2.2" fill="${colour}" data-series="${escapeXml(String(s.name))}"/>`,
      );
  }
  if (series.length === 0 || features === 0) parts.push(noData(area));
  return parts.join("") + "</g>";
}

/** The shared strategy legend: a line sample and the name, flowing onto more rows if needed. */
function renderLegend(
  names: string[],
  colours: Map<string, string>,
  x0: number,
  y0: number,
  width: number,
): { svg: string; bottom: number } {
  const distinct = [...new Set(names)];
  if (distinct.length === 0) return { svg: "", bottom: y0 };
  const items: string[] = [];
  let x = x0,
    y = y0;
  for (const name of distinct) {
    const label = clip(name, 32);
    const w = 30 + textWidth(label, 12) + 22;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += 20;
    }
    const colour = colours.get(name) ?? "#000";
    items.push(
      `<g class="legend-item" data-series="${escapeXml(name)}"><path d="M${num(x)} ${num(y - 4)}h24" stroke="${colour}" stroke-width="3" stroke-linecap="round"/>${text(x + 30, y, label, 'class="legend"')}</g>`,
    );
    x += w;
  }
  return { svg: `<g id="legend">${items.join("")}</g>`, bottom: y + 6 };
}

/** Panel frame, title and plot area inside it (room on the left and bottom for the axes). */
function openPanel(id: string, outer: Rect, title: string, reserveRight = 0): { head: string; area: Rect } {
  const head =
    `<g id="panel-${id}"><rect x="${num(outer.x)}" y="${num(outer.y)}" width="${num(outer.w)}" height="${num(outer.h)}" fill="#fcfcfc" stroke="#ddd"/>` +
    text(
      outer.x + 10,
      outer.y + 19,
      clip(title, Math.floor((outer.w - 20 - reserveRight) / (13 * 0.58))),
      'class="ptitle"',
    );
  const area = { x: outer.x + 64, y: outer.y + 32, w: outer.w - 64 - 16, h: outer.h - 32 - 46 };
  return { head, area };
}

/** A `<path class="series">`; an empty `d` when nothing can be drawn, so the series is still
 *  there for tools that look for it. */
function seriesPath(panel: string, series: string, d: string, style: string): string {
  return `<path class="series" data-panel="${panel}" data-series="${escapeXml(series)}" d="${d}" ${style}/>`;
}

const LINE_STYLE = 'fill="none" stroke-linejoin="round" stroke-linecap="round"';

/** Draws one line per strategy over shared axes. */
function renderStrategyLines(
  panel: PanelId,
  plot: Plot,
  strategies: StrategyPath[],
  colours: Map<string, string>,
  pick: (p: StrategyPath["points"][number]) => [number | null | undefined, number | null | undefined],
): string {
  return strategies
    .map((s) => {
      const pts = project(plot, (Array.isArray(s.points) ? s.points : []).map(pick));
      // The glocal line goes on top with a little more weight: it is the method on show.
      const d = pathData(pts);
      // A lone point is a dot under round caps: make it big enough to see.
      const weight = d.endsWith("h0") ? 6 : s.name === "glocal" ? 2.2 : 1.8;
      // The no-tuning baseline is a reference, not a method: dashed.
      const dash = s.name === "none" && !d.endsWith("h0") ? ' stroke-dasharray="5 3"' : "";
      return seriesPath(
        panel,
        String(s.name),
        d,
        `stroke="${colours.get(String(s.name)) ?? "#000"}" stroke-width="${weight}"${dash} ${LINE_STYLE}`,
      );
    })
    .join("");
}

/** Strategies in drawing order: glocal last, so it stays visible where lines overlap. */
function drawOrder(strategies: StrategyPath[]): StrategyPath[] {
  return [...strategies.filter((s) => s.name !== "glocal"), ...strategies.filter((s) => s.name === "glocal")];
}

function pointsOf(strategies: StrategyPath[]): StrategyPath["points"] {
  return strategies.flatMap((s) => (Array.isArray(s.points) ? s.points : []));
}

const PATH_PANELS: Record<"lr" | "wd" | "momentum", { title: string; axis: string }> = {
  lr: { title: "learning rate", axis: "learning rate (log scale)" },
  wd: { title: "weight decay", axis: "weight decay (log scale)" },
  momentum: { title: "momentum", axis: "momentum" },
};

/** One hyperparameter's path for every strategy against inner steps. */
function renderPathPanel(
  id: "lr" | "wd" | "momentum",
  outer: Rect,
  strategies: StrategyPath[],
  colours: Map<string, string>,
): string {
  const { head, area } = openPanel(id, outer, PATH_PANELS[id].title);
  const all = pointsOf(strategies);
  const value = (p: StrategyPath["points"][number]): number | null | undefined =>
    id === "lr" ? p.lr : id === "wd" ? p.wd : p.momentum;
  const values = all.map(value);
  if (id === "momentum" && finite(values).length === 0 && all.some((p) => p.momentum === null)) {
    return (
      head +
      text(area.x + area.w / 2, area.y + area.h / 2, "no momentum", 'text-anchor="middle" class="empty"') +
      "</g>"
    );
  }
  const x = linearAxis([0, ...all.map((p) => p.innerSteps)], { count: 4 });
  const yAxis: Axis = id === "momentum" ? linearAxis(values, { count: 4, bounds: [0, 1] }) : logAxis(values);
  const plot: Plot = { area, x, y: yAxis };
  const parts = [head, renderAxes(plot, { x: "inner steps", y: PATH_PANELS[id].axis })];
  parts.push(renderStrategyLines(id, plot, drawOrder(strategies), colours, (p) => [p.innerSteps, value(p)]));
  if (strategies.length === 0) parts.push(noData(area));
  return parts.join("") + "</g>";
}

function noData(area: Rect): string {
  return text(area.x + area.w / 2, area.y + area.h / 2, "no data", 'text-anchor="middle" class="empty"');
}

/**
 * The y range of the loss panel, zoomed on the final losses: from the lowest loss seen to
 * the highest final loss plus as much again, so the finals fill the lower part of the
 * panel and stay apart; the early, high losses (chance level at θ₀) run off the top.
 */
export function lossRange(strategies: StrategyPath[]): [number, number] | null {
  const all = finite(pointsOf(strategies).map((p) => p.valLoss));
  const finals = finite(strategies.map((s) => finalPoint(s)?.valLoss));
  if (all.length === 0) return null;
  const lo = Math.min(...all);
  const top = finals.length ? Math.max(...finals) : Math.max(...all);
  const hi = top + Math.max(top - lo, 0.02 * Math.abs(top));
  return hi > lo ? [lo, hi] : null;
}

/** A strategy's last evaluated point (its final validation loss), or null. */
function finalPoint(s: StrategyPath): StrategyPath["points"][number] | null {
  const pts = Array.isArray(s.points) ? s.points : [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    if (typeof p.valLoss === "number" && Number.isFinite(p.valLoss)) return p;
  }
  return null;
}

/**
 * Validation loss against training wall time (seconds, linear: time spent is the point),
 * the y axis zoomed on the final losses (lossRange), lines clipped to the plot, a dot at
 * each strategy's final loss and its value in a column on the right.
 */
function renderLossPanel(outer: Rect, strategies: StrategyPath[], colours: Map<string, string>): string {
  const { head, area: full } = openPanel(
    "loss",
    outer,
    "validation loss against training wall time (zoomed on the finals)",
  );
  const gutter = 46;
  const area = { ...full, w: full.w - gutter };
  const evaluated = pointsOf(strategies).filter((p) => typeof p.valLoss === "number" && Number.isFinite(p.valLoss));
  const seconds = (p: StrategyPath["points"][number]) =>
    typeof p.wallTimeMs === "number" ? p.wallTimeMs / 1000 : null;
  const range = lossRange(strategies);
  const plot: Plot = {
    area,
    x: linearAxis([0, ...evaluated.map(seconds)], { count: 5 }),
    y: linearAxis(range ?? evaluated.map((p) => p.valLoss), { count: 5 }),
  };
  const parts = [head, renderAxes(plot, { x: "training wall time (s)", y: "validation loss" })];
  parts.push(
    `<clipPath id="clip-loss"><rect x="${num(area.x)}" y="${num(area.y)}" width="${num(area.w)}" height="${num(area.h)}"/></clipPath>`,
    `<g clip-path="url(#clip-loss)">`,
    renderStrategyLines("loss", plot, drawOrder(strategies), colours, (p) => [seconds(p), p.valLoss]),
    "</g>",
  );
  // Final losses: a dot at the end of each line, the value in the gutter at its height.
  const finals = drawOrder(strategies).flatMap((s) => {
    const p = finalPoint(s);
    const pt = p ? project(plot, [[seconds(p), p.valLoss]])[0] : undefined;
    return p && pt ? [{ name: String(s.name), loss: p.valLoss as number, x: pt[0], y: pt[1] }] : [];
  });
  const ys = spreadLabels(
    finals.map((f) => f.y),
    area.y + 8,
    area.y + area.h,
    11,
  );
  finals.forEach((f, i) => {
    const colour = colours.get(f.name) ?? "#000";
    parts.push(
      `<circle class="marker" data-panel="loss" data-series="${escapeXml(f.name)}" cx="${num(f.x)}" cy="${num(f.y)}" r="3.5" fill="${colour}" stroke="#fff" stroke-width="1"/>`,
      text(area.x + area.w + 5, ys[i] + 3.5, fixed(f.loss, 4), `class="label final" fill="${colour}"`),
    );
  });
  if (evaluated.length === 0) parts.push(noData(area));
  return parts.join("") + "</g>";
}

/**
 * Label heights near `ys` (any order) at least `gap` apart, within [top, bottom] where
 * there is room: sorted, pushed down past their upper neighbours, then back up from the bottom.
 */
export function spreadLabels(ys: number[], top: number, bottom: number, gap: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const out = new Array<number>(ys.length);
  let prev = -Infinity;
  for (const o of order) {
    prev = Math.max(o.y, prev + gap, top);
    o.y = prev;
  }
  let next = Infinity;
  for (let k = order.length - 1; k >= 0; k--) {
    next = Math.min(order[k].y, next - gap, bottom);
    order[k].y = next;
  }
  for (const o of order) out[o.i] = o.y;
  return out;
}

/**
 * One hypergradient trajectory over a long run: the part the estimator saw (shaded window,
 * emphasised line), the glocal estimate (dashed), the true global value (dotted) and h_m.
 */
function renderTrajectoryPanel(outer: Rect, traj: TrajectoryPlot | null): string {
  const name = traj && typeof traj.hyperName === "string" && traj.hyperName ? `: ${traj.hyperName}` : "";
  // With a window, the title row also holds the window's key (about 200 units on the right).
  const hasWindow = !!traj && typeof traj.windowSteps === "number" && Number.isFinite(traj.windowSteps);
  const { head, area } = openPanel("trajectory", outer, `one hypergradient trajectory${name}`, hasWindow ? 210 : 0);
  if (!traj)
    return (
      head +
      text(area.x + area.w / 2, area.y + area.h / 2, "no trajectory", 'text-anchor="middle" class="empty"') +
      "</g>"
    );

  const steps = Array.isArray(traj.steps) ? traj.steps : [],
    values = Array.isArray(traj.values) ? traj.values : [];
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < Math.min(steps.length, values.length); i++) pairs.push([steps[i], values[i]]);
  const m = traj.windowSteps;
  const refs = finite([traj.estimate, traj.trueGlobal, traj.truncated]);
  const plot: Plot = {
    area,
    x: linearAxis([...pairs.map((p) => p[0]), ...(hasWindow ? [m] : [])], { count: 5 }),
    y: linearAxis([...pairs.map((p) => p[1]), ...refs], { count: 5 }),
  };
  const parts = [head];
  const left = area.x,
    right = area.x + area.w,
    top = area.y;

  // The window region first, so grid and lines draw over it.
  let windowRight = left;
  if (hasWindow) {
    windowRight = Math.min(right, Math.max(left, px(plot, m)));
    if (windowRight > left)
      parts.push(
        `<rect class="window" x="${num(left)}" y="${num(top)}" width="${num(windowRight - left)}" height="${num(area.h)}" fill="#e8f0f8"/>`,
      );
  }
  parts.push(
    renderAxes(plot, { x: "t (inner steps from the window start)", y: `h_t${name ? ` (${traj.hyperName})` : ""}` }),
  );
  if (hasWindow) {
    // Keyed in the title row, where it cannot cover data.
    const kx = outer.x + outer.w - 12 - textWidth("window seen by the estimator", 11);
    parts.push(
      `<rect x="${num(kx - 18)}" y="${num(outer.y + 9)}" width="13" height="13" fill="#e8f0f8" stroke="#9db7d3"/>`,
    );
    parts.push(text(kx, outer.y + 19, "window seen by the estimator", 'class="key"'));
  }

  parts.push(
    seriesPath(
      "trajectory",
      "long-run",
      pathData(project(plot, pairs)),
      `stroke="#9a9a9a" ${LINE_STYLE} stroke-width="1.3"`,
    ),
  );
  const seen = hasWindow ? pairs.filter(([t]) => t <= m) : [];
  parts.push(
    seriesPath(
      "trajectory",
      "window",
      pathData(project(plot, seen)),
      `stroke="#1d3f66" ${LINE_STYLE} stroke-width="2.4"`,
    ),
  );

  // Reference lines, labelled at their right end: above the line, unless the two labels
  // would collide or leave the area, then below, or stacked above both lines.
  const method = typeof traj.method === "string" && traj.method ? ` (${traj.method})` : "";
  const lines = [
    { series: "estimate", v: traj.estimate, label: `glocal estimate${method}`, colour: "#D55E00", dash: "7 4" },
    { series: "true-global", v: traj.trueGlobal, label: "true global", colour: "#0072B2", dash: "2 3" },
  ];
  const ys = lines.map((l) => {
    const t = toAxisSpace(plot.y, l.v);
    return t === null ? null : py(plot, t);
  });
  const labelYs = placeLineLabels(ys, top, top + area.h);
  lines.forEach((l, i) => {
    const yv = ys[i],
      ly = labelYs[i];
    parts.push(
      seriesPath(
        "trajectory",
        l.series,
        yv === null ? "" : `M${num(left)} ${num(yv)}H${num(right)}`,
        `stroke="${l.colour}" stroke-width="1.6" stroke-dasharray="${l.dash}" fill="none"`,
      ),
    );
    if (ly !== null)
      parts.push(text(right - 4, ly, clip(l.label, 60), `text-anchor="end" class="label" fill="${l.colour}"`));
  });

  // h_m: the value at the window end (what the truncated strategy would use). Its label takes
  // the first corner around the marker that stays clear of the line labels and the area edge.
  const ty = toAxisSpace(plot.y, traj.truncated);
  if (hasWindow && ty !== null) {
    const cx = px(plot, m),
      cy = py(plot, ty);
    parts.push(
      `<circle class="marker" data-panel="trajectory" data-series="h_m" cx="${num(cx)}" cy="${num(cy)}" r="4" fill="#009E73" stroke="#fff" stroke-width="1.2"/>`,
    );
    const taken = lines.flatMap((l, i) => {
      const ly = labelYs[i];
      return ly === null
        ? []
        : [{ x0: right - 4 - textWidth(clip(l.label, 60), 10.5), x1: right - 4, y0: ly - 10, y1: ly + 2 }];
    });
    const w = textWidth("h_m", 10.5);
    const corners = [
      [7, -8],
      [-7, -8],
      [7, 16],
      [-7, 16],
    ].map(([dx, dy]) => ({ dx, y: cy + dy }));
    const fits = (c: { dx: number; y: number }) => {
      const x0 = c.dx > 0 ? cx + c.dx : cx + c.dx - w,
        x1 = x0 + w;
      return (
        x0 >= left &&
        x1 <= right &&
        c.y - 10 >= top &&
        c.y <= top + area.h &&
        taken.every((b) => x1 < b.x0 || x0 > b.x1 || c.y < b.y0 || c.y - 10 > b.y1)
      );
    };
    const c = corners.find(fits) ?? corners[0];
    parts.push(text(cx + c.dx, c.y, "h_m", `class="label" fill="#00694d"${c.dx < 0 ? ' text-anchor="end"' : ""}`));
  }
  if (pairs.length === 0) parts.push(noData(area));
  return parts.join("") + "</g>";
}

/**
 * Baselines for the labels of horizontal lines at user-unit heights `ys` (null: no line),
 * all right-aligned at the same x. Each label goes just above its line when there is room;
 * two lines closer than a label's height get the upper label above and the lower one below,
 * or, with no room below, both stacked above.
 */
function placeLineLabels(ys: Array<number | null>, top: number, bottom: number): Array<number | null> {
  const above = (y: number) => y - 5,
    under = (y: number) => y + 13,
    lineH = 13;
  const out = ys.map((y) => (y === null ? null : above(y) < top + 11 ? under(y) : above(y)));
  const [a, b] = ys;
  if (a === null || b === null || Math.abs(a - b) >= lineH + 1) return out;
  const upper = a <= b ? 0 : 1,
    lower = 1 - upper;
  const yu = ys[upper] as number,
    yl = ys[lower] as number;
  if (under(yl) <= bottom - 3 && above(yu) >= top + 11) {
    out[upper] = above(yu);
    out[lower] = under(yl);
  } else if (above(yl) - lineH >= top + 11) {
    out[lower] = above(Math.min(yu, yl));
    out[upper] = (out[lower] as number) - lineH;
  } else {
    out[upper] = under(Math.max(yu, yl));
    out[lower] = (out[upper] as number) + lineH;
  }
  return out;
}

interface Column {
  head: string;
  /** Width in user units; numbers are right-aligned at the column's right edge. */
  w: number;
  cell: (r: SummaryRow) => string;
}

const COLUMNS: Column[] = [
  { head: "strategy", w: 200, cell: (r) => clip(String(r.strategy), 26) },
  { head: "val loss", w: 90, cell: (r) => fixed(r.valLoss, 4) },
  {
    head: "val accuracy (%)",
    w: 130,
    cell: (r) => fixed(typeof r.valAccuracy === "number" ? r.valAccuracy * 100 : null, 2),
  },
  {
    head: "wall time (s)",
    w: 110,
    cell: (r) => fixed(typeof r.wallTimeMs === "number" ? r.wallTimeMs / 1000 : null, 2),
  },
  { head: "inner steps", w: 100, cell: (r) => fixed(r.innerSteps, 0) },
  { head: "JVPs", w: 100, cell: (r) => fixed(r.jvps, 0) },
  { head: "val grads", w: 90, cell: (r) => fixed(r.valGradients, 0) },
  { head: "fallbacks", w: 90, cell: (r) => fixed(r.fallbacks, 0) },
  { head: "updates", w: 90, cell: (r) => fixed(r.updates, 0) },
];

/** The summary table as text rows (best validation loss in bold), then the notes. */
function renderSummary(
  rows: SummaryRow[],
  notes: string[],
  colours: Map<string, string>,
  x0: number,
  y0: number,
  width: number,
): { svg: string; bottom: number } {
  const out: string[] = [`<g id="panel-summary">`, text(x0, y0, "summary", 'class="ptitle"')];
  let y = y0 + 24;
  const header = (c: Column, x: number, i: number) =>
    i === 0 ? text(x + 18, y, c.head, 'class="head"') : text(x + c.w, y, c.head, 'class="head" text-anchor="end"');
  let x = x0;
  COLUMNS.forEach((c, i) => {
    out.push(header(c, x, i));
    x += c.w;
  });
  const tableWidth = x - x0;
  out.push(`<path d="M${num(x0)} ${num(y + 6)}h${num(tableWidth)}" stroke="#888"/>`);
  const losses = finite(rows.map((r) => r.valLoss));
  const best = losses.length ? Math.min(...losses) : NaN;
  for (const r of rows) {
    y += 20;
    x = x0;
    const colour = colours.get(String(r.strategy)) ?? "#000";
    out.push(`<g class="row" data-series="${escapeXml(String(r.strategy))}">`);
    out.push(`<path d="M${num(x0)} ${num(y - 4)}h12" stroke="${colour}" stroke-width="3" stroke-linecap="round"/>`);
    COLUMNS.forEach((c, i) => {
      const bold = i === 1 && r.valLoss === best ? ' font-weight="bold"' : "";
      out.push(
        i === 0
          ? text(x + 18, y, c.cell(r), 'class="cell"')
          : text(x + c.w, y, c.cell(r), `class="cell num" text-anchor="end"${bold}`),
      );
      x += c.w;
    });
    out.push("</g>");
  }
  if (rows.length === 0) {
    y += 20;
    out.push(text(x0 + 18, y, "no results", 'class="empty"'));
  }
  out.push(`<path d="M${num(x0)} ${num(y + 7)}h${num(tableWidth)}" stroke="#ccc"/>`);
  y += 12;
  const maxChars = Math.floor(width / (11.5 * 0.6));
  for (const note of notes) {
    for (const line of wrap(String(note), maxChars)) {
      y += 16;
      out.push(text(x0, y, line, 'class="note"'));
    }
  }
  out.push("</g>");
  return { svg: out.join(""), bottom: y };
}
