// Minimal live line plots (SVG) for the demo page: a few series, linear or log y, lazy axes.
const W = 400,
  H = 170,
  L = 46,
  R = 8,
  T = 8,
  B = 22;

function fmt(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return Number(v.toPrecision(2)).toString();
}

/**
 * Draws `series` ([{ colour, points: [[x, y], ...], dash? }]) and horizontal `lines`
 * ([{ y, colour, label }]) into the <svg> element.
 */
export function drawPlot(svg, series, { logY = false, lines = [], xLabel = "" } = {}) {
  const pts = series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0));
  const ys = [...pts.map((p) => p[1]), ...lines.map((l) => l.y).filter((y) => Number.isFinite(y) && (!logY || y > 0))];
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  if (pts.length === 0) {
    svg.innerHTML = `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#999" font-size="12">waiting for data</text>`;
    return;
  }
  const f = logY ? Math.log10 : (v) => v;
  let x0 = Math.min(...pts.map((p) => p[0])),
    x1 = Math.max(...pts.map((p) => p[0]));
  let y0 = Math.min(...ys.map(f)),
    y1 = Math.max(...ys.map(f));
  if (x1 === x0) x1 = x0 + 1;
  if (y1 - y0 < 1e-12) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const pad = (y1 - y0) * 0.06;
  y0 -= pad;
  y1 += pad;
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y) => T + (1 - (f(y) - y0) / (y1 - y0)) * (H - T - B);
  const out = [`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fff" stroke="#e3e3e3"/>`];
  for (let i = 0; i <= 3; i++) {
    const v = y0 + ((y1 - y0) * i) / 3,
      yy = T + (1 - i / 3) * (H - T - B);
    out.push(
      `<text x="${L - 4}" y="${yy + 4}" text-anchor="end" font-size="10" fill="#666">${fmt(logY ? 10 ** v : v)}</text>`,
    );
  }
  out.push(
    `<text x="${L}" y="${H - 6}" font-size="10" fill="#666">${fmt(x0)}</text><text x="${W - R}" y="${H - 6}" text-anchor="end" font-size="10" fill="#666">${fmt(x1)} ${xLabel}</text>`,
  );
  for (const l of lines) {
    if (!Number.isFinite(l.y) || (logY && l.y <= 0)) continue;
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${sy(l.y)}" y2="${sy(l.y)}" stroke="${l.colour}" stroke-dasharray="5 3"/>`,
    );
    out.push(
      `<text x="${W - R - 2}" y="${sy(l.y) - 3}" text-anchor="end" font-size="10" fill="${l.colour}">${l.label}</text>`,
    );
  }
  for (const s of series) {
    const d = s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0))
      .map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`)
      .join("");
    if (d)
      out.push(
        `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.8"${s.dash ? ' stroke-dasharray="4 3"' : ""}/>`,
      );
  }
  svg.innerHTML = out.join("");
}
