// The demo page: starts the worker, draws live plots from its progress messages, shows
// where the model products actually ran (and warns when gpu.js is on a software renderer),
// stops it (a "stop" message: the worker's runDemoAsync yields between inner steps, so the
// message aborts it within one step; terminating the worker only if it does not answer),
// and shows glocal's SVG report at the end, its plots and table ending at the same point.
import { drawPlot } from "./plot.js";

// The strategies' colours arrive with the worker's first "info" message (the report's own).
const COLOURS = { trajectory: "#444" };
const $ = (id) => document.getElementById(id);
const form = $("form");

// State for tests and the curious: window.glocalDemo.
const state = (window.glocalDemo = {
  status: "idle",
  info: null,
  result: null,
  progress: 0,
  error: null,
  ms: null,
  products: null,
});
let worker = null,
  used = false,
  stopTimer = null,
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
  // The MLP in TensorFlow.js is the demo's tfjs scenario (its model runs on tfjs's backend).
  if (o.model === "tfjs") {
    delete o.model;
    delete o.backend;
    o.scenario = "tfjs";
  }
  return o;
}

/** Where the products of the run in progress (or the last one) went, in words. */
function describeProducts(run) {
  if (!run) return "model products: (no run yet)";
  if (run.route === "tfjs") return "model products: the TensorFlow.js model, on tfjs's own backend (f32)";
  const asked = `backend ${run.backend}`;
  const c = run.counts;
  if (run.route === "wasm" || (c && c.gpu + c.wasm === 0 && run.route !== "gpu"))
    return `model products (${asked}): all in WebAssembly f64`;
  if (!c) return `model products (${asked}): gpu.js f32 above the crossover, the rest WebAssembly f64`;
  return `model products (${asked}): ${c.gpu} on gpu.js ${run.mode ?? ""} (f32), ${c.wasm} in WebAssembly f64`;
}

function describeBackend(info, run) {
  const g = info.gpu;
  const lines = [`WebAssembly binary: ${info.wasm}${info.relaxedSimdSupported ? " (relaxed SIMD validated)" : ""}`];
  lines.push(describeProducts(run));
  lines.push(
    `gpu.js: ${g.available ? `${g.mode} on ${g.renderer ?? "unknown renderer"}` : "no GPU backend"}${g.reason ? ` — ${g.reason}` : ""}`,
  );
  if (g.error) lines.push(`gpu.js failure: ${g.error}`);
  if (info.gpuJsNote) lines.push(info.gpuJsNote);
  if (info.tfjs) lines.push(`tfjs model: TensorFlow.js ${info.tfjs.version} on its ${info.tfjs.backend} backend (f32)`);
  // Helper threads need shared memory, hence cross-origin isolation (npm run serve:demo sends
  // the headers); without it a step's slices all run on one thread, with the same results.
  const t = info.threads;
  if (t)
    lines.push(
      t.available
        ? `threads: up to ${Math.min(t.cores, t.maxHelpers + 1, 8)} per inner step (large batches)`
        : `threads: 1 (same results, one core's speed) — ${t.reason}`,
    );
  lines.push("stop: graceful (the worker yields between inner steps)");
  return lines.join("\n");
}

/** The warning above the plots: gpu.js on a software renderer runs on the CPU, slower than WebAssembly. */
function showWarning(info) {
  const g = info?.gpu;
  const el = $("warning");
  if (g?.software) {
    const chosen = new FormData(form).get("backend") === "gpu";
    el.textContent =
      `gpu.js runs on a software renderer (${g.renderer}): its "GPU" is the CPU, slower than WebAssembly. ` +
      (chosen
        ? "With backend gpu.js the products run there anyway: expect a much slower run."
        : "Backend auto keeps the products in WebAssembly.");
    el.hidden = false;
  } else el.hidden = true;
}

let lastRun = null;
function showInfo() {
  if (!state.info) return;
  $("backend").textContent = describeBackend(state.info, lastRun);
  showWarning(state.info);
}

function redraw() {
  pending = false;
  const names = Object.keys(series);
  $("legend").innerHTML = names
    .map((n) => `<span><i style="background:${COLOURS[n] ?? "#000"}"></i>${n}</span>`)
    .join("");
  // x: the share of each strategy's training budget spent (global and random spend `outer` runs of T).
  const budget = (n) => (running ? running.steps * (n === "global" || n === "random" ? running.outer : 1) : 1);
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
    Object.assign(COLOURS, msg.colours);
    state.info = msg.info;
    showInfo();
  } else if (msg.type === "progress") {
    const p = msg.p;
    state.progress++;
    if (lastRun) {
      lastRun.counts = msg.products;
      state.products = msg.products;
      showInfo();
    }
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
    clearTimeout(stopTimer);
    state.result = msg.result;
    state.info = msg.info;
    state.ms = msg.ms;
    state.status = msg.result.stopped === "aborted" ? "aborted" : "done";
    state.products = msg.result.productCounts;
    Object.assign(lastRun, { route: msg.result.products, counts: msg.result.productCounts, mode: msg.info.gpu.mode });
    showInfo();
    // The live plots end where the report and its table do (after Stop too).
    series = {};
    for (const path of msg.result.paths)
      series[path.name] = path.points.map((p) => ({ ...p, valLoss: p.valLoss ?? NaN }));
    $("status").textContent =
      `${state.status} in ${(msg.ms / 1000).toFixed(1)} s` +
      msg.result.summary.map((r) => ` · ${r.strategy} ${r.valLoss.toFixed(4)}`).join("");
    $("report").innerHTML = msg.svg.replace(/^<\?xml[^>]*>\s*/, "");
    $("bar").firstElementChild.style.width = "100%";
    setRunning(false);
    schedule();
  } else if (msg.type === "error") {
    clearTimeout(stopTimer);
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
  Object.assign(state, { status: "running", result: null, progress: 0, error: null, ms: null, products: null });
  $("report").innerHTML = "";
  $("status").textContent = "starting…";
  running = options();
  lastRun = { backend: running.backend, route: null, counts: null, mode: state.info?.gpu.mode ?? null };
  showInfo();
  worker.postMessage({ type: "start", options: running });
  setRunning(true);
  schedule();
});

$("stop").addEventListener("click", () => {
  worker?.postMessage({ type: "stop" }); // the worker's AbortController; it answers with "done"
  $("status").textContent = "stopping…";
  // A worker that does not answer (it should within one inner step) is terminated.
  stopTimer = setTimeout(() => {
    if (state.status !== "running") return;
    worker?.terminate();
    worker = null;
    state.status = "aborted";
    $("status").textContent = "stopped (worker terminated: it did not answer)";
    setRunning(false);
  }, 10_000);
});

form.elements.backend.addEventListener("change", () => showWarning(state.info));

// A worker from the start, so the backend is shown before the first run.
startWorker();
worker.postMessage({ type: "info" });
redraw();
if (params.get("autostart") === "1") form.requestSubmit();
