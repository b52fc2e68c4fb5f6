// The demo's worker: runs glocal's runDemoAsync on the MNIST subset and reports progress.
// runDemoAsync yields to the worker's event loop between inner steps, so a "stop" message
// arrives during the run and aborts it within one inner step (no shared memory needed).
// Messages in:  { type: "info" } | { type: "start", options } | { type: "stop" }
// Messages out: { type: "info" | "progress" | "done" | "error", ... }
// The tfjs scenario loads TensorFlow.js's browser builds first (they define the global tf).
import * as glocal from "../../dist/demo-browser.mjs";

const GPU_JS = "../../vendor/gpu.js/gpu-browser.min.js";
// TensorFlow.js for the tfjs scenario: core, its CPU backend, and layers (which registers the
// gradients glocal differentiates twice).
const TFJS = ["tfjs-core/tf-core.min.js", "tfjs-backend-cpu/tf-backend-cpu.min.js", "tfjs-layers/tf-layers.min.js"];
let gpuJsNote = null;
let tfjsLoaded = null;
let controller = null;

/** gpu.js is optional: without it the products simply stay in WebAssembly. */
async function loadGpuJs() {
  try {
    await import(GPU_JS); // its UMD build defines the global GPU, which glocal picks up
  } catch (e) {
    gpuJsNote = `gpu.js not loaded (${e.message})`;
  }
}

function info() {
  const tfjs = self.tf?.version_core ? { version: self.tf.version_core, backend: self.tf.getBackend() } : null;
  return { ...glocal.backendInfo(), gpuJsNote, tfjs, threads: glocal.threadInfo() };
}

/** Loads TensorFlow.js once (in order: the backend and layers extend core's global tf). */
function loadTfjs() {
  tfjsLoaded ??= (async () => {
    for (const file of TFJS) await import(`../../vendor/${file}`);
    await self.tf.setBackend("cpu");
  })();
  return tfjsLoaded;
}

let initialised = null;
/** Loads gpu.js (optional) and instantiates glocal's WebAssembly, once. */
function init() {
  initialised ??= loadGpuJs().then(() => {
    glocal.initSync(); // a worker may compile WebAssembly synchronously
    // The strategies' colours come from the report, so the live plots match it.
    postMessage({ type: "info", info: info(), colours: glocal.STRATEGY_COLOURS });
  });
  return initialised;
}

/** Products run by gpu.js and by WebAssembly since `since` (counts of backendInfo().gpu.products). */
function productsSince(since) {
  const now = glocal.backendInfo().gpu.products;
  return { gpu: now.gpu - since.gpu, wasm: now.wasm - since.wasm };
}

async function start({ options }) {
  await init();
  if (options.scenario === "tfjs") await loadTfjs();
  const response = await fetch("./data/mnist-subset.bin");
  if (!response.ok)
    throw new Error(`data/mnist-subset.bin: HTTP ${response.status} (run npm run serve:demo, which builds it)`);
  const pixels = glocal.datasets.unpackDigits(await response.arrayBuffer());
  const data = glocal.datasets.mnist({ train: options.train, val: options.val, seed: options.seed, pixels });
  controller = new AbortController();
  const before = glocal.backendInfo().gpu.products;
  const started = performance.now();
  const result = await glocal.runDemoAsync({
    ...options,
    data,
    // The strategies on nested workers, one per core (pool-worker.js); the products on a GPU stay here.
    workerUrl: new URL("./pool-worker.js", import.meta.url),
    signal: controller.signal,
    onProgress: (p) => postMessage({ type: "progress", p, products: productsSince(before) }),
  });
  controller = null;
  const finals = {};
  for (const [name, r] of Object.entries(result.results))
    finals[name] = { phi: r.final.phi, valLoss: r.final.valLoss, valAccuracy: r.final.valAccuracy };
  postMessage({
    type: "done",
    ms: performance.now() - started,
    info: info(),
    result: {
      settings: result.settings,
      summary: result.summary,
      trajectory: result.trajectory,
      stopped: result.stopped,
      products: result.products,
      productCounts: productsSince(before),
      finals,
      // The report's loss paths (the last point of each is the final model of the table).
      paths: result.report.strategies,
    },
    svg: glocal.renderReportSvg(result.report),
  });
}

self.onmessage = (e) => {
  const type = e.data?.type;
  if (type === "stop") {
    controller?.abort();
    return;
  }
  const task = type === "start" ? start(e.data) : type === "info" ? init() : null;
  task?.catch((err) => postMessage({ type: "error", code: err?.code ?? null, message: String(err?.message ?? err) }));
};
