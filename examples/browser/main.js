// The demo page: starts the worker, draws live plots from its progress messages, shows
// which backend runs, stops it (gracefully through a SharedArrayBuffer flag the worker's
// abort signal reads; by terminating the worker where the page is not cross-origin
// isolated), and shows glocal's SVG report at the end.
import { drawPlot } from "./plot.js";

const COLOURS = { global: "#0072B2", local: "#E69F00", truncated: "#009E73", glocal: "#D55E00", trajectory: "#444" };
const $ = (id) => document.getElementById(id);
const form = $("form");

// State for tests and the curious: window.glocalDemo.
const state = (window.glocalDemo = { status: "idle", info: null, result: null, progress: 0, error: null, ms: null });
let worker = null,
  used = false,
  flag = null,
  series = {},
  trajectory = [],
  pending = false,
  running = null;

// URL parameters preset the form (?steps=200&backend=wasm&autostart=1).
const params = new URLSearchParams(location.search);
for (const el of form.elements) if (el.name && params.has(el.name)) el.value = params.get(el.name);

// Shows the main thread stays free while the worker computes.
let ticks = 0;
setInterval(() => {
  ticks++;
  $("alive").textContent = `main thread alive (${ticks})`;
}, 250);

function options() {
  const f = new FormData(form);
  const num = (k) => Number(f.get(k));
  const o = {
    model: f.get("model"),
    train: num("train"),
    val: num("val"),
    batch: num("batch"),
    steps: num("steps"),
    window: num("window"),
    outer: num("outer"),
    seed: num("seed"),
    localEvery: 10,
    glocal: { stride: 2 },
    backend: f.get("backend"),
  };
  if (params.has("strategies")) o.strategies = params.get("strategies").split(",");
  return o;
}

function describeBackend(info) {
  const g = info.gpu;
  const lines = [`WebAssembly binary: ${info.wasm}${info.relaxedSimdSupported ? " (relaxed SIMD validated)" : ""}`];
  lines.push(
    `model products: ${info.products === "gpu" ? `gpu.js ${g.mode} (f32) above ${g.crossover.toExponential(1)} flops` : "WebAssembly f64"}`,
  );
  lines.push(
    `gpu.js: ${g.available ? `${g.mode} on ${g.renderer ?? "unknown renderer"}` : "no GPU backend"}${g.reason ? ` — ${g.reason}` : ""}`,
  );
  if (g.products.gpu || g.products.wasm)
    lines.push(`products run by gpu.js: ${g.products.gpu}, left to WebAssembly: ${g.products.wasm}`);
  if (g.error) lines.push(`gpu.js failure: ${g.error}`);
  if (info.gpuJsNote) lines.push(info.gpuJsNote);
  if (info.tfjs) lines.push(`tfjs model: TensorFlow.js ${info.tfjs.version} on its ${info.tfjs.backend} backend (f32)`);
  lines.push(
    `stop: ${info.crossOriginIsolated ? "graceful (SharedArrayBuffer flag)" : "terminates the worker (page not cross-origin isolated)"}`,
  );
  return lines.join("\n");
}

function redraw() {
  pending = false;
  const names = Object.keys(series);
  $("legend").innerHTML = names
    .map((n) => `<span><i style="background:${COLOURS[n] ?? "#000"}"></i>${n}</span>`)
    .join("");
  // x: the share of each strategy's training budget spent (global spends `outer` runs of T).
  const budget = (n) => (running ? running.steps * (n === "global" ? running.outer : 1) : 1);
  const lines = (key) =>
    names.map((n) => ({
      colour: COLOURS[n] ?? "#000",
      points: series[n].map((p) => [p.innerSteps / budget(n), p[key]]),
    }));
  drawPlot($("plot-lr"), lines("lr"), { logY: true, xLabel: "of budget" });
  drawPlot($("plot-wd"), lines("wd"), { logY: true, xLabel: "of budget" });
  drawPlot($("plot-momentum"), lines("momentum"), { xLabel: "of budget" });
  drawPlot($("plot-loss"), lines("valLoss"), { xLabel: "of budget" });
  const t = state.result?.trajectory;
  const traj = [{ colour: COLOURS.trajectory, points: trajectory }];
  const marks = t
    ? [
        { y: t.estimate, colour: COLOURS.glocal, label: `glocal estimate (${t.method})` },
        { y: t.trueGlobal, colour: COLOURS.global, label: "true global" },
        { y: t.truncated, colour: COLOURS.truncated, label: "truncated h_m" },
      ]
    : [];
  drawPlot($("plot-trajectory"), traj, { lines: marks, xLabel: "steps from window start" });
}
const schedule = () => {
  if (!pending) {
    pending = true;
    requestAnimationFrame(redraw);
  }
};

function setRunning(running) {
  $("start").disabled = running;
  $("stop").disabled = !running;
}

function onMessage({ data: msg }) {
  if (msg.type === "info") {
    state.info = msg.info;
    $("backend").textContent = describeBackend(msg.info);
  } else if (msg.type === "progress") {
    const p = msg.p;
    state.progress++;
    $("bar").firstElementChild.style.width = `${(100 * p.fraction).toFixed(1)}%`;
    if (p.point) {
      trajectory.push([p.point.step, p.point.value]);
      $("traj-title").textContent =
        `hypergradient trajectory d(val loss)/d ${p.point.name} and its glocal extrapolation`;
      $("status").textContent = `recording a hypergradient trajectory: step ${p.point.step}`;
    } else if (p.hyper) {
      (series[p.strategy] ??= []).push({ innerSteps: p.innerSteps, ...p.hyper, valLoss: p.valLoss ?? NaN });
      $("status").textContent =
        `${p.strategy}: ${p.innerSteps} inner steps, validation loss ${p.valLoss?.toFixed(4) ?? "—"}`;
    }
    schedule();
  } else if (msg.type === "done") {
    state.result = msg.result;
    state.info = msg.info;
    state.ms = msg.ms;
    state.status = msg.result.stopped === "aborted" ? "aborted" : "done";
    $("backend").textContent = describeBackend(msg.info);
    $("status").textContent =
      `${state.status} in ${(msg.ms / 1000).toFixed(1)} s` +
      msg.result.summary.map((r) => ` · ${r.strategy} ${r.valLoss.toFixed(4)}`).join("");
    $("report").innerHTML = msg.svg.replace(/^<\?xml[^>]*>\s*/, "");
    $("bar").firstElementChild.style.width = "100%";
    setRunning(false);
    schedule();
  } else if (msg.type === "error") {
    state.status = "error";
    state.error = msg;
    $("status").textContent = `error: ${msg.code ?? ""} ${msg.message}`;
    setRunning(false);
  }
}

function startWorker() {
  worker?.terminate();
  used = false;
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = onMessage;
  worker.onerror = (e) =>
    onMessage({ data: { type: "error", code: null, message: e.message || "the worker failed to load" } });
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (!worker || used) startWorker();
  used = true;
  series = {};
  trajectory = [];
  Object.assign(state, { status: "running", result: null, progress: 0, error: null, ms: null });
  $("report").innerHTML = "";
  $("status").textContent = "starting…";
  // A shared stop flag needs cross-origin isolation (scripts/serve.mjs sends COOP/COEP).
  flag = self.crossOriginIsolated ? new SharedArrayBuffer(4) : null;
  running = options();
  worker.postMessage({ type: "start", options: running, flag });
  setRunning(true);
  schedule();
});

$("stop").addEventListener("click", () => {
  if (flag) {
    Atomics.store(new Int32Array(flag), 0, 1); // the worker's signal sees it within one inner step
    $("status").textContent = "stopping…";
  } else {
    worker?.terminate();
    worker = null;
    state.status = "aborted";
    $("status").textContent = "stopped (worker terminated)";
    setRunning(false);
  }
});

// A worker from the start, so the backend is shown before the first run.
startWorker();
worker.postMessage({ type: "info" });
redraw();
if (params.get("autostart") === "1") form.requestSubmit();
