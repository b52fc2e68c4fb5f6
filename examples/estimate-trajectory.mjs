// Estimate the global hypergradient from a trajectory you recorded yourself.
import { readFileSync } from "node:fs";
import { estimateGlobal } from "glocal-hypergrad";

// One row per inner step h_1 … h_m, one column per hyperparameter.
const file = new URL("./data/logistic-window.json", import.meta.url);
const { names, trajectory, trueGlobal } = JSON.parse(readFileSync(file, "utf8"));

const hm = trajectory[trajectory.length - 1]; // the truncated hypergradient, the fallback
const error = (h) => Math.hypot(...h.map((v, i) => v - trueGlobal[i])) / Math.hypot(...trueGlobal);
const show = (label, h) =>
  `${label.padEnd(9)} ${[...h].map((v) => v.toFixed(6)).join("  ")}  error ${error([...h]).toFixed(4)}`;

console.log(`window: ${trajectory.length} steps of ${names.join(", ")}`);
console.log(show("h_m", hm));
// The default method, then a search over methods by held-out forecast error.
for (const options of [{}, { method: "auto" }]) {
  const r = estimateGlobal(trajectory, options);
  const why = r.trusted ? "" : `  (untrusted: ${r.diagnostics.untrustedBecause.join(", ")})`;
  console.log(`${show(r.method, r.estimate)}  trusted ${r.trusted}${why}`);
}
console.log(`true h_T  ${trueGlobal.map((v) => v.toFixed(6)).join("  ")}  (T = 2000)`);
