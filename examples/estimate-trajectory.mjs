// Estimate the global hypergradient from a trajectory you recorded yourself.
import { readFileSync } from "node:fs";
import { estimateGlobal } from "glocal-hypergrad";

// One row per inner step h_1 … h_m, one column per hyperparameter.
const file = new URL("./data/logistic-window.json", import.meta.url);
const { names, trajectory, trueGlobal } = JSON.parse(readFileSync(file, "utf8"));

const r = estimateGlobal(trajectory);
const hm = trajectory[trajectory.length - 1]; // the truncated hypergradient
const error = (h) => Math.hypot(...h.map((v, i) => v - trueGlobal[i])) / Math.hypot(...trueGlobal);

console.log(`window: ${trajectory.length} steps of ${names.join(", ")}`);
console.log(`method ${r.method}, delay ${r.delay}, rank ${r.rank}, trusted ${r.trusted}`);
console.log(
  `estimate   ${[...r.estimate].map((v) => v.toFixed(6)).join("  ")}  error ${error([...r.estimate]).toFixed(4)}`,
);
console.log(`h_m        ${hm.map((v) => v.toFixed(6)).join("  ")}  error ${error(hm).toFixed(4)}`);
console.log(`true h_T   ${trueGlobal.map((v) => v.toFixed(6)).join("  ")}  (T = 2000)`);
