/**
 * Plot building blocks for the SVG report: XML escaping, number formatting, axes with round
 * ticks (linear, and log10 with powers of ten or 1-2-5 steps), mapping data into a plot area,
 * series paths, and axis drawing. Plain string code with no DOM or Node dependency, so the
 * report renders the same in Node and in browsers.
 *
 * Robustness rule: nothing non-finite ever reaches the output. Values that cannot be drawn
 * (NaN, ±Infinity, null, ≤ 0 on a log axis) are skipped, and every domain is finite with
 * lo < hi, whatever the data (empty, constant, subnormal, ±Number.MAX_VALUE).
 */

/** Escapes text for XML element content and double- or single-quoted attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}

/** Formats a coordinate in user units with at most `digits` decimals (small files);
 *  never "-0", "NaN" or an exponent for the coordinates the report uses. */
export function num(v: number, digits = 1): string {
  if (!Number.isFinite(v)) return "0";
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? "0" : String(r);
}

/** A number for a table cell with fixed decimals, or "–" when it is missing or non-finite. */
export function fixed(v: number | null | undefined, decimals: number): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(decimals) : "–";
}

/** Shortens text to `max` characters with an ellipsis (there is no text measuring in SVG
 *  strings, so layout works with character counts). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + "…";
}

/** Breaks text into lines of at most `max` characters at spaces (long words are cut). */
export function wrap(s: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of s.split(/\s+/).filter((w) => w.length > 0)) {
    let w = word;
    while (w.length > max) {
      if (line) {
        lines.push(line);
        line = "";
      }
      lines.push(w.slice(0, max));
      w = w.slice(max);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= max) line += " " + w;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Rough width of text in user units (sans-serif averages about 0.56 em per character). */
export function textWidth(s: string, fontSize: number): number {
  return s.length * fontSize * 0.56;
}

// ---------------------------------------------------------------------------------------
// Axes: a domain [lo, hi] in axis space (the value itself, or log10 of it) and its ticks.

export type ScaleKind = "linear" | "log";

/** A tick at `at` in axis space; minor ticks get a mark but no label or grid line. */
export interface Tick {
  at: number;
  label: string;
  minor?: boolean;
}

export interface Axis {
  kind: ScaleKind;
  /** Domain in axis space: values for linear, log10(values) for log. Finite, lo < hi. */
  lo: number;
  hi: number;
  ticks: Tick[];
}

/** The finite numbers among `values` (null, undefined, NaN and ±Infinity dropped). */
export function finite(values: Iterable<number | null | undefined>): number[] {
  const out: number[] = [];
  for (const v of values) if (typeof v === "number" && Number.isFinite(v)) out.push(v);
  return out;
}

/** Where a data value lies in axis space, or null when this axis cannot show it. */
export function toAxisSpace(axis: Axis, v: number | null | undefined): number | null {
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  if (axis.kind === "linear") return v;
  return v > 0 ? Math.log10(v) : null;
}

/** Fraction of the way from lo to hi. Halving first keeps ±Number.MAX_VALUE domains finite. */
export function axisFraction(axis: Axis, t: number): number {
  const span = axis.hi / 2 - axis.lo / 2;
  const f = span > 0 ? (t / 2 - axis.lo / 2) / span : 0.5;
  return Number.isFinite(f) ? f : 0.5;
}

/** Step of 1, 2 or 5 × 10^k at least `raw`, or NaN when none is representable. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return NaN;
  const base = 10 ** Math.floor(Math.log10(raw));
  if (!(base > 0) || !Number.isFinite(base)) return NaN;
  const m = raw / base;
  return (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10) * base;
}

/** Label for a linear tick: fixed decimals matching the step, or compact scientific notation
 *  for axes whose values are all tiny or huge. */
function linearLabel(v: number, step: number, maxAbs: number): string {
  if (Math.abs(v) < step * 1e-6) return "0";
  if (maxAbs >= 1e5 || maxAbs < 1e-3) {
    const digits = Math.min(15, Math.max(0, Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step))));
    return v
      .toExponential(digits)
      .replace(/\.?0+e/, "e")
      .replace("e+", "e");
  }
  return v.toFixed(Math.min(20, Math.max(0, -Math.floor(Math.log10(step)))));
}

export interface LinearAxisOptions {
  /** Roughly how many intervals between ticks. */
  count?: number;
  /** When all data lie within these bounds, the rounded domain is cut to them (e.g. [0, 1]
   *  for momentum, so the axis never shows impossible values). */
  bounds?: [number, number];
}

/** A linear axis covering the finite `values`, rounded outwards to 1-2-5 steps. */
export function linearAxis(values: Iterable<number | null | undefined>, opts: LinearAxisOptions = {}): Axis {
  const count = Math.max(2, opts.count ?? 5);
  const data = finite(values);
  let [lo, hi] = data.length ? minMax(data) : [0, 1];
  if (lo === hi) {
    // A constant series: open a band around it so it draws as a flat line mid-panel.
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo = Math.max(-Number.MAX_VALUE, lo - d);
    hi = Math.min(Number.MAX_VALUE, hi + d);
    if (!(hi > lo)) {
      // subnormals: 10% of them rounds to nothing
      lo -= 1;
      hi += 1;
    }
  }
  const step = niceStep(((hi / 2 - lo / 2) / count) * 2);
  let qlo = Math.floor(lo / step),
    qhi = Math.ceil(hi / step);
  const outward = Number.isFinite(qlo * step) && Number.isFinite(qhi * step);
  if (!outward) {
    // Near ±Number.MAX_VALUE the rounded-out ends overflow: tick inside the data range.
    qlo = Math.ceil(lo / step);
    qhi = Math.floor(hi / step);
  } else if (opts.bounds && lo >= opts.bounds[0] && hi <= opts.bounds[1]) {
    const blo = Math.max(qlo, Math.ceil(opts.bounds[0] / step - 1e-9));
    const bhi = Math.min(qhi, Math.floor(opts.bounds[1] / step + 1e-9));
    if (bhi > blo) {
      qlo = blo;
      qhi = bhi;
    }
  }
  const maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
  const n = qhi - qlo;
  if (!Number.isFinite(step) || !(n >= 1 && n <= 40) || !Number.isFinite(qlo * step) || !Number.isFinite(qhi * step)) {
    // No representable round step (e.g. subnormal spans): label the data range itself.
    return { kind: "linear", lo, hi, ticks: [lo, hi].map((v) => ({ at: v, label: compactNumber(v) })) };
  }
  const ticks: Tick[] = [];
  for (let q = qlo; q <= qhi; q++) ticks.push({ at: q * step, label: linearLabel(q * step, step, maxAbs) });
  if (outward) {
    lo = Math.min(lo, qlo * step);
    hi = Math.max(hi, qhi * step);
  }
  return { kind: "linear", lo, hi, ticks };
}

function minMax(v: number[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** Short label for an arbitrary number (fallback ticks, values printed in text). */
export function compactNumber(v: number): string {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3)
    return v
      .toExponential(2)
      .replace(/\.?0+e/, "e")
      .replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}

const LOG_125 = [0, Math.log10(2), Math.log10(5)];
const MANTISSA_125 = [1, 2, 5];

/** Label m × 10^e: plain decimals for 0.001 … 5000, else "5e-7"-style. */
function powerLabel(m: number, e: number): string {
  if (e < -3 || e > 3) return `${m}e${e}`;
  if (e >= 0) return `${m}${"0".repeat(e)}`;
  return `0.${"0".repeat(-e - 1)}${m}`;
}

/** Position in log10 space of the g-th point of the 1-2-5 grid (g = 3e + k → m_k × 10^e). */
function gridAt(g: number): number {
  const e = Math.floor(g / 3);
  return e + LOG_125[g - 3 * e];
}

/**
 * A log10 axis covering the positive finite `values` (others are skipped). Ranges under
 * about 1.3 decades are rounded to the 1-2-5 grid and ticked on it; wider ones get whole
 * decades, every k-th power of ten labelled so that there are at most about 7 labels.
 */
export function logAxis(values: Iterable<number | null | undefined>): Axis {
  const logs = finite(values)
    .filter((v) => v > 0)
    .map((v) => Math.log10(v));
  const [a, b] = logs.length ? minMax(logs) : [0, 1];
  const eps = 1e-9;
  if (b - a < 1.3) {
    let glo = 3 * Math.floor(a);
    for (let k = 2; k >= 0; k--)
      if (gridAt(3 * Math.floor(a) + k) <= a + eps) {
        glo = 3 * Math.floor(a) + k;
        break;
      }
    let ghi = 3 * (Math.floor(b) + 1);
    for (let k = 0; k <= 2; k++)
      if (gridAt(3 * Math.floor(b) + k) >= b - eps) {
        ghi = 3 * Math.floor(b) + k;
        break;
      }
    if (ghi === glo) {
      glo--;
      ghi++;
    }
    const ticks: Tick[] = [];
    for (let g = glo; g <= ghi; g++) {
      const e = Math.floor(g / 3);
      ticks.push({ at: gridAt(g), label: powerLabel(MANTISSA_125[g - 3 * e], e) });
    }
    const lo = gridAt(glo),
      hi = gridAt(ghi);
    // Marks at the other whole mantissas (3, 4, 6, …) show the log spacing; where the grid
    // alone gives only two labels, they are labelled too.
    const labelAll = ghi - glo <= 1;
    for (let e = Math.floor(lo); e < hi; e++) {
      for (const m of [3, 4, 6, 7, 8, 9]) {
        const at = e + Math.log10(m);
        if (at > lo && at < hi) ticks.push(labelAll ? { at, label: powerLabel(m, e) } : { at, label: "", minor: true });
      }
    }
    ticks.sort((p, q) => p.at - q.at);
    return { kind: "log", lo, hi, ticks };
  }
  const lo = Math.floor(a + eps),
    hi = Math.ceil(b - eps);
  // Label every k-th decade (k = 1, 2, 3, 5, 10, 20, 50, …) so that at most ~7 labels show;
  // the domain stays at whole decades around the data, ticks at multiples of k inside it.
  const raw = Math.ceil((hi - lo) / 6);
  const k = raw <= 3 ? Math.max(1, raw) : niceStep(raw);
  const ticks: Tick[] = [];
  for (let e = Math.ceil(lo / k) * k; e <= hi; e += k) ticks.push({ at: e, label: powerLabel(1, e) });
  // Unlabelled 2…9 marks show that the axis is logarithmic when decades are few.
  if (k === 1 && hi - lo <= 4) {
    for (let e = lo; e < hi; e++)
      for (let m = 2; m <= 9; m++) ticks.push({ at: e + Math.log10(m), label: "", minor: true });
  }
  return { kind: "log", lo, hi, ticks };
}

// ---------------------------------------------------------------------------------------
// Plot areas, series and axis drawing.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A plot area with its two axes: maps data to user units. */
export interface Plot {
  area: Rect;
  x: Axis;
  y: Axis;
  /** Gap in user units between the y domain's ends and the area's top and bottom, so lines
   *  at the extremes do not run along the frame (default 6). */
  yInset?: number;
}

/** Horizontal user-unit position of an axis-space value (clamped just outside the area so
 *  that a stray value can never produce huge coordinates). */
export function px(plot: Plot, t: number): number {
  const f = Math.min(1.05, Math.max(-0.05, axisFraction(plot.x, t)));
  return plot.area.x + f * plot.area.w;
}

/** Vertical user-unit position of an axis-space value (y grows downwards in SVG). */
export function py(plot: Plot, t: number): number {
  const f = Math.min(1.05, Math.max(-0.05, axisFraction(plot.y, t)));
  const inset = Math.min(plot.yInset ?? 6, plot.area.h / 4);
  return plot.area.y + inset + (1 - f) * (plot.area.h - 2 * inset);
}

/** Maps data points to user units, skipping points either axis cannot show. */
export function project(
  plot: Plot,
  points: Iterable<[number | null | undefined, number | null | undefined]>,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [xv, yv] of points) {
    const tx = toAxisSpace(plot.x, xv),
      ty = toAxisSpace(plot.y, yv);
    if (tx !== null && ty !== null) out.push([px(plot, tx), py(plot, ty)]);
  }
  return out;
}

/**
 * Path data through points in user units. Points are rounded to 0.1 units and thinned per
 * unit-wide column to first/min/max/last, which keeps the drawn shape while bounding the
 * size for long runs. A single point becomes a zero-length segment (a dot under round caps).
 */
export function pathData(points: Array<[number, number]>): string {
  const kept: Array<[number, number]> = [];
  let i = 0;
  while (i < points.length) {
    const col = Math.round(points[i][0]);
    let j = i;
    while (j + 1 < points.length && Math.round(points[j + 1][0]) === col) j++;
    let lo = i,
      hi = i;
    for (let q = i; q <= j; q++) {
      if (points[q][1] < points[lo][1]) lo = q;
      if (points[q][1] > points[hi][1]) hi = q;
    }
    for (const q of [...new Set([i, lo, hi, j])].sort((u, v) => u - v)) kept.push(points[q]);
    i = j + 1;
  }
  const parts: string[] = [];
  let last = "";
  for (const [x, y] of kept) {
    const p = `${num(x)} ${num(y)}`;
    if (p !== last) parts.push(p);
    last = p;
  }
  if (parts.length === 0) return "";
  if (parts.length === 1) return `M${parts[0]}h0`;
  return `M${parts[0]}L${parts.slice(1).join(" ")}`;
}

/** `<text>` with escaped content; `attrs` is raw attribute text the caller built safely. */
export function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? " " + attrs : ""}>${escapeXml(content)}</text>`;
}

export interface AxisTitles {
  x: string;
  y: string;
}

/**
 * Grid lines, axis lines, ticks, tick labels and axis titles for a plot. Tick labels that
 * would collide on the x axis are thinned to every n-th.
 */
export function renderAxes(plot: Plot, titles: AxisTitles): string {
  const { area } = plot;
  const out: string[] = [];
  const bottom = area.y + area.h,
    right = area.x + area.w;
  const inside = (f: number) => f >= -1e-6 && f <= 1 + 1e-6;
  const xt = plot.x.ticks.filter((t) => inside(axisFraction(plot.x, t.at)));
  const yt = plot.y.ticks.filter((t) => inside(axisFraction(plot.y, t.at)));
  const grid: string[] = [];
  for (const t of xt) if (!t.minor) grid.push(`M${num(px(plot, t.at))} ${num(area.y)}V${num(bottom)}`);
  for (const t of yt) if (!t.minor) grid.push(`M${num(area.x)} ${num(py(plot, t.at))}H${num(right)}`);
  if (grid.length) out.push(`<path class="grid" d="${grid.join("")}" stroke="#e6e6e6" fill="none"/>`);
  const marks: string[] = [];
  for (const t of xt) marks.push(`M${num(px(plot, t.at))} ${num(bottom)}v${t.minor ? 3 : 5}`);
  for (const t of yt) marks.push(`M${num(area.x)} ${num(py(plot, t.at))}h${t.minor ? -3 : -5}`);
  out.push(
    `<path class="axis" d="M${num(area.x)} ${num(area.y)}V${num(bottom)}H${num(right)}${marks.join("")}" stroke="#444" fill="none"/>`,
  );

  const labelled = xt.filter((t) => !t.minor && t.label);
  const widest = Math.max(0, ...labelled.map((t) => textWidth(t.label, 10)));
  const spacing = labelled.length > 1 ? Math.abs(px(plot, labelled[1].at) - px(plot, labelled[0].at)) : Infinity;
  const every = spacing > 0 ? Math.max(1, Math.ceil((widest + 8) / spacing)) : 1;
  labelled.forEach((t, i) => {
    if (i % every === 0) out.push(text(px(plot, t.at), bottom + 16, t.label, 'text-anchor="middle" class="tick"'));
  });
  for (const t of yt)
    if (!t.minor && t.label)
      out.push(text(area.x - 7, py(plot, t.at) + 3.5, t.label, 'text-anchor="end" class="tick"'));

  out.push(text(area.x + area.w / 2, bottom + 32, titles.x, 'text-anchor="middle" class="axis-title"'));
  const yx = area.x - 46,
    yy = area.y + area.h / 2;
  out.push(
    text(yx, yy, titles.y, `text-anchor="middle" class="axis-title" transform="rotate(-90 ${num(yx)} ${num(yy)})"`),
  );
  return out.join("");
}
