// The demo's worker: runs glocal's runDemo on the MNIST subset and reports progress (the
// tfjs model: after loading TensorFlow.js's browser builds).
// Messages in:  { type: "info" } | { type: "start", options, flag }   (flag: SharedArrayBuffer stop flag, or null)
// Messages out: { type: "info" | "progress" | "done" | "error", ... }
import * as glocal from "../../dist/demo-browser.mjs";

const GPU_JS = "../../vendor/gpu.js/gpu-browser.min.js";
// TensorFlow.js for the tfjs model: core, its CPU backend, and layers (which registers the
// gradients glocal differentiates twice). Their UMD builds define the global tf.
const TFJS = ["tfjs-core/tf-core.min.js", "tfjs-backend-cpu/tf-backend-cpu.min.js", "tfjs-layers/tf-layers.min.js"];
let gpuJsNote = null;
let tfjsLoaded = null;

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
  return { ...glocal.backendInfo(), gpuJsNote, tfjs, crossOriginIsolated: self.crossOriginIsolated === true };
}

let initialised = null;
/** Loads gpu.js (optional) and instantiates glocal's WebAssembly, once. */
function init() {
  initialised ??= loadGpuJs().then(() => {
    glocal.initSync(); // a worker may compile WebAssembly synchronously
    postMessage({ type: "info", info: info() });
  });
  return initialised;
}

/** Loads TensorFlow.js once (in order: the backend and layers extend core's global tf). */
function loadTfjs() {
  tfjsLoaded ??= (async () => {
    for (const file of TFJS) await import(`../../vendor/${file}`);
    await self.tf.setBackend("cpu");
  })();
  return tfjsLoaded;
}

async function start({ options, flag }) {
  await init();
  if (options.model === "tfjs") await loadTfjs();
  const response = await fetch("./data/mnist-subset.bin");
  if (!response.ok)
    throw new Error(`data/mnist-subset.bin: HTTP ${response.status} (run npm run serve:demo, which builds it)`);
  const pixels = glocal.datasets.unpackDigits(await response.arrayBuffer());
  const data = glocal.datasets.mnist({ train: options.train, val: options.val, seed: options.seed, pixels });
  const stop = flag ? new Int32Array(flag) : null;
  const signal = {
    get aborted() {
      return stop !== null && Atomics.load(stop, 0) !== 0;
    },
  };
  const started = performance.now();
  const result = glocal.runDemo({ ...options, data, signal, onProgress: (p) => postMessage({ type: "progress", p }) });
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
      finals,
    },
    svg: glocal.renderReportSvg(result.report),
  });
}

self.onmessage = (e) => {
  const task = e.data?.type === "start" ? start(e.data) : e.data?.type === "info" ? init() : null;
  task?.catch((err) => postMessage({ type: "error", code: err?.code ?? null, message: String(err?.message ?? err) }));
};
