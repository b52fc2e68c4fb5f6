// Browser tests (`npm run test:browser`): the demo page in headless Chromium, driven by
// playwright-core. Needs `npm run build` and the MNIST subset (npm run build:demo-data);
// the npm script does both. Writes test-artifacts/browser-results.json (passed/failed
// counts, like jest-results.json), a screenshot and the WebGL2 product timings.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";
import { launchChromium } from "./chromium.mjs";
import { runTests, writeResults } from "../support/runner.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = join(root, "test-artifacts");
const require = createRequire(import.meta.url);
mkdirSync(artifacts, { recursive: true });

// Tolerances (see docs/performance.md, "The GPU offload: accuracy"): the page runs the relaxed-SIMD binary, Node the
// plain one; fused multiply-adds round differently, the test prints the largest difference (1e-12 relative here).
const SAME_SEED_REL = 1e-9;
// The GPU path is f32: trajectories agree to a cosine of at least this, estimates to this.
const TRAJECTORY_COSINE = 0.999;
const ESTIMATE_REL_ERROR = 1e-2;
// Small demo for the tests (the page's defaults are larger).
const DEMO = { model: "softmax", train: 500, val: 200, batch: 100, steps: 300, window: 50, outer: 3, seed: 4 };

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
function cosine(a, b) {
  let d = 0,
    x = 0,
    y = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    x += a[i] * a[i];
    y += b[i] * b[i];
  }
  return d / Math.sqrt(x * y);
}
function columns(data, q) {
  return Array.from({ length: q }, (_, j) => data.filter((_, i) => i % q === j));
}

let server, browser, page, demoState, glocal;

async function waitForDemo(p, timeout = 90_000) {
  await p.waitForFunction(() => ["done", "error", "aborted"].includes(window.glocalDemo?.status), null, { timeout });
  return p.evaluate(() => window.glocalDemo);
}

test("the server serves the page, the bundle and the data with their MIME types and COOP/COEP, nothing else", async () => {
  const get = (path) => fetch(server.url + path.replace(/^\//, ""), { redirect: "manual" });
  const expectType = async (path, type) => {
    const r = await get(path);
    assert(r.status === 200, `${path}: HTTP ${r.status}`);
    assert(r.headers.get("content-type").startsWith(type), `${path}: content-type ${r.headers.get("content-type")}`);
    assert(r.headers.get("cross-origin-opener-policy") === "same-origin", `${path}: no COOP`);
    assert(r.headers.get("cross-origin-embedder-policy") === "require-corp", `${path}: no COEP`);
    await r.arrayBuffer();
  };
  await expectType("/examples/browser/", "text/html");
  await expectType("/examples/browser/worker.js", "text/javascript");
  await expectType("/dist/browser.mjs", "text/javascript");
  await expectType("/examples/browser/data/mnist-subset.bin", "application/octet-stream");
  await expectType("/vendor/gpu.js/gpu-browser.min.js", "text/javascript");
  assert((await get("/")).status === 302, "/ does not redirect to the page");
  for (const path of [
    "/package.json",
    "/node_modules/gpu.js/package.json",
    "/dist/../package.json",
    "/examples/browser/..%2f..%2fpackage.json",
    "/src/index.ts",
  ]) {
    const r = await get(path);
    assert(r.status === 404, `${path} is served (HTTP ${r.status})`);
  }
});

test("the page loads; its worker runs the relaxed-SIMD binary and reports where the products go", async () => {
  page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url + "examples/browser/?" + new URLSearchParams(DEMO));
  await page.waitForFunction(() => window.glocalDemo?.info !== null, null, { timeout: 60_000 });
  const info = await page.evaluate(() => window.glocalDemo.info);
  assert(info.wasm === "relaxed-simd", `worker runs the ${info.wasm} binary`);
  assert(info.gpu.loaded && info.gpu.available && info.gpu.mode === "webgl2", `gpu.js: ${JSON.stringify(info.gpu)}`);
  assert(info.gpu.software === true, `SwiftShader not recognised as software: ${info.gpu.renderer}`);
  assert(info.products === "wasm", "auto chose a software renderer for the products");
  const text = await page.textContent("#backend");
  assert(/relaxed-simd/.test(text) && /model products: \(no run yet\)/.test(text), `backend line: ${text}`);
  // SwiftShader: the page warns that gpu.js's "GPU" is the CPU.
  assert(await page.isVisible("#warning"), "no software-renderer warning");
  const warning = await page.textContent("#warning");
  assert(/software renderer/.test(warning) && /auto keeps the products in WebAssembly/.test(warning), warning);
  assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
});

test("Start runs every strategy to completion in the worker; the page stays responsive; plots and report drawn", async () => {
  const ticks0 = await page.evaluate(() => Number(document.getElementById("alive").textContent.match(/\d+/)?.[0] ?? 0));
  const t0 = Date.now();
  await page.click("#start");
  demoState = await waitForDemo(page);
  const seconds = (Date.now() - t0) / 1000;
  assert(demoState.status === "done", `status ${demoState.status}: ${JSON.stringify(demoState.error)}`);
  const names = demoState.result.summary.map((r) => r.strategy);
  assert(names.join() === "global,local,truncated,glocal,none,random", `strategies ${names}`);
  assert(
    demoState.result.summary.every((r) => Number.isFinite(r.valLoss) && r.valLoss < 2.3),
    "a validation loss is not below chance",
  );
  assert(demoState.result.trajectory && demoState.result.trajectory.values.length > 0, "no trajectory");
  assert(demoState.progress > 20, `only ${demoState.progress} progress messages`);
  // The main thread's 250 ms ticker kept running while the worker computed.
  const ticks1 = await page.evaluate(() => Number(document.getElementById("alive").textContent.match(/\d+/)?.[0] ?? 0));
  assert(
    ticks1 - ticks0 >= Math.floor((seconds * 4) / 2),
    `main thread ticked ${ticks1 - ticks0} times in ${seconds.toFixed(1)} s`,
  );
  assert(await page.$("#report svg #panel-trajectory"), "the SVG report is not on the page");
  // backend auto on a software renderer: every product stayed in WebAssembly, and the page says so.
  const line = await page.textContent("#backend");
  assert(/model products \(backend auto\): all in WebAssembly f64/.test(line), `backend line: ${line}`);
  assert(demoState.result.products === "wasm" && demoState.result.productCounts.gpu === 0, "products left WebAssembly");
  for (const id of ["lr", "wd", "momentum", "loss", "trajectory"]) {
    const paths = await page.$$eval(`#plot-${id} path`, (els) => els.length);
    assert(paths > 0, `live plot ${id} is empty`);
  }
  await page.screenshot({ path: join(artifacts, "browser-demo.png"), fullPage: true });
});

test(`the numbers match the Node run for the same seed (relative ${SAME_SEED_REL}; relaxed vs plain SIMD)`, async () => {
  const pixels = glocal.datasets.unpackDigits(
    readFileSync(join(root, "examples", "browser", "data", "mnist-subset.bin")),
  );
  const data = glocal.datasets.mnist({ train: DEMO.train, val: DEMO.val, seed: DEMO.seed, pixels });
  const node = glocal.runDemo({ ...DEMO, localEvery: 10, glocal: { stride: 2 }, backend: "auto", data });
  assert(glocal.backendInfo().wasm === "simd", "Node should run the plain SIMD binary here");
  let worst = 0;
  for (const row of node.summary) {
    const b = demoState.result.summary.find((r) => r.strategy === row.strategy);
    assert(b, `no ${row.strategy} in the page's results`);
    worst = Math.max(worst, rel(b.valLoss, row.valLoss));
    assert(b.updates === row.updates && b.fallbacks === row.fallbacks, `${row.strategy}: updates/fallbacks differ`);
    node.results[row.strategy].final.phi.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(demoState.result.finals[row.strategy].phi[i] - v) / Math.max(1, Math.abs(v)));
    });
  }
  worst = Math.max(worst, rel(demoState.result.trajectory.estimate, node.trajectory.estimate));
  assert(worst <= SAME_SEED_REL, `largest relative difference ${worst}`);
  console.log(`    page vs Node: largest relative difference ${worst.toExponential(1)}`);
});

test("with backend gpu.js the page counts the products each backend ran, and warns about the software renderer", async () => {
  const small = { ...DEMO, train: 100, val: 50, batch: 20, steps: 20, window: 10, outer: 2, strategies: "truncated" };
  const p = await browser.context.newPage();
  await p.goto(server.url + "examples/browser/?" + new URLSearchParams({ ...small, backend: "gpu" }));
  await p.waitForFunction(() => window.glocalDemo?.info !== null, null, { timeout: 60_000 });
  const warning = await p.textContent("#warning");
  assert(/software renderer/.test(warning) && /expect a much slower run/.test(warning), `warning: ${warning}`);
  await p.click("#start");
  const state = await waitForDemo(p, 120_000);
  assert(state.status === "done", `status ${state.status}: ${JSON.stringify(state.error)}`);
  const counts = state.result.productCounts;
  assert(state.result.products === "gpu" && counts.gpu > 0, `products: ${JSON.stringify(counts)}`);
  const line = await p.textContent("#backend");
  const m = /model products \(backend gpu\): (\d+) on gpu\.js webgl2 \(f32\), (\d+) in WebAssembly f64/.exec(line);
  assert(m && Number(m[1]) === counts.gpu && Number(m[2]) === counts.wasm, `backend line: ${line}`);
  await p.close();
});

test("the MLP in TensorFlow.js (the tfjs scenario, tfjs loaded in the worker) runs and matches the Node run", async () => {
  const small = { train: 120, val: 60, batch: 30, steps: 24, window: 12, outer: 2, seed: 4 };
  const strategies = "truncated,glocal";
  const p = await browser.context.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(server.url + "examples/browser/?" + new URLSearchParams({ ...small, model: "tfjs", strategies }));
  await p.waitForFunction(() => window.glocalDemo?.info !== null, null, { timeout: 60_000 });
  await p.click("#start");
  const state = await waitForDemo(p, 180_000);
  assert(state.status === "done", `status ${state.status}: ${JSON.stringify(state.error)}`);
  assert(state.result.products === "tfjs", `products ${state.result.products}`);
  const line = await p.textContent("#backend");
  assert(/tfjs model: TensorFlow.js [\d.]+ on its cpu backend/.test(line), `backend line: ${line}`);
  const pixels = glocal.datasets.unpackDigits(
    readFileSync(join(root, "examples", "browser", "data", "mnist-subset.bin")),
  );
  const data = glocal.datasets.mnist({ train: small.train, val: small.val, seed: small.seed, pixels });
  // Node's tfjs: tfjs-core with its CPU backend, found by the package (its banner silenced).
  const warn = console.warn;
  console.warn = () => undefined;
  let node;
  try {
    node = glocal.runDemo({
      ...small,
      scenario: "tfjs",
      strategies: strategies.split(","),
      localEvery: 10,
      glocal: { stride: 2 },
      data,
    });
  } finally {
    console.warn = warn;
  }
  let worst = 0;
  for (const row of node.summary) {
    const b = state.result.summary.find((r) => r.strategy === row.strategy);
    assert(b && Number.isFinite(b.valLoss), `no finite ${row.strategy} result in the page`);
    assert(b.updates === row.updates, `${row.strategy}: updates differ`);
    worst = Math.max(worst, rel(b.valLoss, row.valLoss));
  }
  // The same tfjs CPU kernels (f32) in both; glocal's own WebAssembly differs only in its SIMD binary.
  assert(worst <= 1e-6, `page vs Node (tfjs model): largest relative difference ${worst}`);
  assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  console.log(`    tfjs model, page vs Node: largest relative difference ${worst.toExponential(1)}`);
  await p.close();
});

test("Stop ends a run gracefully (a message the worker reads between inner steps); report and table agree", async () => {
  // Strategies that report progress early (global reports after whole training runs).
  await page.goto(
    server.url + "examples/browser/?" + new URLSearchParams({ ...DEMO, steps: 20000, strategies: "local,glocal" }),
  );
  await page.waitForFunction(() => window.glocalDemo?.info !== null, null, { timeout: 60_000 });
  await page.click("#start");
  await page.waitForFunction(() => window.glocalDemo.progress >= 5, null, { timeout: 60_000 });
  const t0 = Date.now();
  await page.click("#stop");
  const state = await waitForDemo(page, 30_000);
  assert(state.status === "aborted", `status ${state.status}`);
  assert(state.result && state.result.stopped === "aborted", "the worker did not report an aborted run");
  assert(Date.now() - t0 < 10_000, `stopping took ${Date.now() - t0} ms`);
  assert(!(await page.isDisabled("#start")), "Start is still disabled");
  // Every strategy's loss path ends at the final model its table row reports, and the
  // report plots more than the starting point.
  for (const row of state.result.summary) {
    const path = state.result.paths.find((x) => x.name === row.strategy);
    const last = path.points[path.points.length - 1];
    assert(last.valLoss === row.valLoss && last.innerSteps === row.innerSteps, `${row.strategy}: path ends elsewhere`);
    const d = await page.getAttribute(`#report svg path.series[data-panel="loss"][data-series="${row.strategy}"]`, "d");
    const points = (d ?? "").match(/[ML]/g)?.length ?? 0;
    assert(points >= 2, `${row.strategy}: the report's loss curve has ${points} point(s)`);
  }
});

// One main-thread page with the bundle and gpu.js loaded, for the GPU comparisons.
async function mainThreadPage() {
  const p = await browser.context.newPage();
  await p.goto(server.url + "examples/browser/");
  return p;
}

test("on a main thread `await ready()` loads the relaxed binary (before it, E_NOT_READY where sync compilation is refused)", async () => {
  const p = await mainThreadPage();
  const r = await p.evaluate(async () => {
    const g = await import("/dist/browser.mjs");
    let before = null;
    try {
      g.backendInfo();
    } catch (e) {
      before = e.code ?? String(e);
    }
    const info = await g.ready();
    return { before, wasm: info.wasm, relaxed: info.relaxedSimdSupported };
  });
  await p.close();
  // Chromium 150 compiles the module synchronously on a main thread; browsers that refuse
  // (and older Chromium) must give E_NOT_READY, never another error.
  assert(r.before === null || r.before === "E_NOT_READY", `before ready(): ${r.before}`);
  assert(r.wasm === "relaxed-simd" && r.relaxed, `after ready(): ${JSON.stringify(r)}`);
});

test("gpu.js WebGL2 kernels in the page agree with the WebAssembly products (f32 accuracy); timings recorded", async () => {
  const p = await mainThreadPage();
  const r = await p.evaluate(async () => {
    await import("/vendor/gpu.js/gpu-browser.min.js");
    const g = await import("/dist/browser.mjs");
    await g.ready();
    const rand = (n, seed) => {
      let s = seed;
      return Float64Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
    };
    const M = (rows, cols, seed) => ({ rows, cols, data: rand(rows * cols, seed) });
    const cases = [
      [37, 29, 53, false, false],
      [19, 9, 50, true, false],
      [29, 21, 12, false, true],
      [256, 10, 784, false, false],
      [784, 10, 256, true, false],
    ];
    const out = [];
    for (const [m, n, k, tA, tB] of cases) {
      const A = tA ? M(k, m, 3) : M(m, k, 3),
        B = tB ? M(n, k, 5) : M(k, n, 5);
      const opts = { transA: tA, transB: tB };
      const wasm = g.batchedProduct(A, B, { ...opts, backend: "wasm" });
      const abs = (X) => ({ ...X, data: X.data.map(Math.abs) });
      const bound = g.batchedProduct(abs(A), abs(B), { ...opts, backend: "wasm" });
      let t = performance.now();
      const gpu = g.batchedProduct(A, B, { ...opts, backend: "gpu", gpuMode: "webgl2" });
      const firstMs = performance.now() - t;
      t = performance.now();
      g.batchedProduct(A, B, { ...opts, backend: "gpu", gpuMode: "webgl2" });
      const gpuMs = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < 5; i++) g.batchedProduct(A, B, { ...opts, backend: "wasm" });
      const wasmMs = (performance.now() - t) / 5;
      // Worst-case f32 error of a k-term dot product with f32-rounded inputs: (k+2)·2⁻²⁴·Σ|a||b|.
      let err = 0,
        ratio = 0;
      for (let i = 0; i < wasm.data.length; i++) {
        const e = Math.abs(gpu.data[i] - wasm.data[i]);
        err = Math.max(err, e);
        ratio = Math.max(ratio, e / ((k + 2) * 2 ** -24 * bound.data[i] + 1e-300));
      }
      out.push({ m, n, k, transA: tA, transB: tB, maxAbsErr: err, boundRatio: ratio, firstMs, gpuMs, wasmMs });
    }
    return { out, info: g.backendInfo() };
  });
  await p.close();
  assert(r.info.gpu.products.gpu >= 10 && r.info.gpu.error === null, `gpu.js products: ${JSON.stringify(r.info.gpu)}`);
  for (const c of r.out) {
    assert(
      c.boundRatio <= 1,
      `${c.m}×${c.n}×${c.k}: error ${c.maxAbsErr} exceeds the f32 bound (${c.boundRatio.toFixed(2)}×)`,
    );
    assert(c.maxAbsErr > 0, `${c.m}×${c.n}×${c.k}: identical to f64, so not computed on gpu.js`);
  }
  writeFileSync(
    join(artifacts, "browser-products.json"),
    JSON.stringify({ renderer: r.info.gpu.renderer, wasm: r.info.wasm, cases: r.out }, null, 1) + "\n",
  );
  for (const c of r.out)
    console.log(
      `    ${c.m}×${c.n}×${c.k}${c.transA ? " Aᵀ" : ""}${c.transB ? " Bᵀ" : ""}: webgl2 ${c.gpuMs.toFixed(1)} ms (first ${c.firstMs.toFixed(0)} ms), wasm ${c.wasmMs.toFixed(2)} ms, max error ${c.maxAbsErr.toExponential(1)} (${(100 * c.boundRatio).toFixed(1)} % of the f32 bound)`,
    );
});

test(`a hypergradient trajectory with its products on WebGL2 matches Node's f64 one (cosine >= ${TRAJECTORY_COSINE}, estimate within ${ESTIMATE_REL_ERROR})`, async () => {
  const setup = { train: 200, val: 100, seed: 3 };
  const traj = { hyper: ["lr", "wd", "momentum"], steps: 40, batchSize: 50, seed: 2 };
  const opt = { lr: 0.05, wd: 0.01, momentum: 0.8 };
  const p = await mainThreadPage();
  const r = await p.evaluate(
    async ({ setup, traj, opt }) => {
      await import("/vendor/gpu.js/gpu-browser.min.js");
      const g = await import("/dist/browser.mjs");
      await g.ready();
      const pixels = g.datasets.unpackDigits(
        await (await fetch("/examples/browser/data/mnist-subset.bin")).arrayBuffer(),
      );
      const problem = g.problems.softmax(g.datasets.mnist({ ...setup, pixels }), { seed: 1 });
      const t = performance.now();
      const gpu = g.hypergradientTrajectory(problem, g.optimizers.momentum(opt), {
        ...traj,
        backend: "gpu",
        gpuMode: "webgl2",
      });
      const ms = performance.now() - t;
      problem.dispose();
      return {
        data: Array.from(gpu.trajectory.data),
        rows: gpu.trajectory.rows,
        cols: gpu.trajectory.cols,
        ms,
        info: g.backendInfo(),
      };
    },
    { setup, traj, opt },
  );
  await p.close();
  const pixels = glocal.datasets.unpackDigits(
    readFileSync(join(root, "examples", "browser", "data", "mnist-subset.bin")),
  );
  const problem = glocal.problems.softmax(glocal.datasets.mnist({ ...setup, pixels }), { seed: 1 });
  const f64 = glocal.hypergradientTrajectory(problem, glocal.optimizers.momentum(opt), { ...traj, backend: "wasm" });
  problem.dispose();
  assert(r.info.gpu.error === null && r.info.gpu.products.gpu > 0, `gpu.js: ${JSON.stringify(r.info.gpu)}`);
  const a = columns(r.data, r.cols),
    b = columns(Array.from(f64.trajectory.data), r.cols);
  const worstCos = Math.min(...a.map((col, j) => cosine(col, b[j])));
  assert(worstCos >= TRAJECTORY_COSINE, `cosine ${worstCos}`);
  const gpuTraj = { rows: r.rows, cols: r.cols, data: Float64Array.from(r.data) };
  // A well-conditioned fit, as in test/gpu/accuracy.test.ts: the default (mpe) solves a wider
  // least-squares problem whose untrusted estimates move more under f32 rounding.
  const fit = { method: "affine", delay: 6 };
  const e32 = glocal.estimateGlobal(gpuTraj, fit).estimate,
    e64 = glocal.estimateGlobal(f64.trajectory, fit).estimate;
  let num = 0,
    den = 0;
  for (let i = 0; i < e64.length; i++) {
    num += (e32[i] - e64[i]) ** 2;
    den += e64[i] ** 2;
  }
  const estErr = Math.sqrt(num / den);
  assert(estErr <= ESTIMATE_REL_ERROR, `estimate relative error ${estErr}`);
  console.log(
    `    WebGL2 trajectory (${r.rows} × ${r.cols}, ${(r.ms / 1000).toFixed(1)} s): worst cosine ${worstCos.toFixed(9)}, estimate relative error ${estErr.toExponential(1)}`,
  );
});

test("threads: in a worker of the isolated page 2 threads match 1 and repeat their bits; the main thread (no helpers) gives the same bits", async () => {
  const p = await browser.context.newPage();
  try {
    await p.goto(server.url + "examples/browser/index.html");
    const out = await p.evaluate(async (base) => {
      // The same session on both sides: 2 slices, with a helper in the worker and none on
      // the main thread (which may not block), where both slices run on the caller.
      const src = `
        const data = g.datasets.synthetic({ kind: "multiclass", classes: 5, train: 3000, val: 50, features: 60, seed: 1 });
        const p = g.problems.softmax(data, { classes: 5, initScale: 0.1 });
        const run = (threads) => {
          const s = new g.InnerTraining(p, g.optimizers.adam({ lr: 0.01, wd: 1e-3 }), { batchSize: 2000, seed: 2, threads });
          s.step(5);
          const r = { T: s.tangent().data, used: s.threads };
          s.dispose();
          return r;
        };`;
      const g = await import(base + "dist/browser.mjs");
      await g.ready();
      const main = new Function("g", src + "return run(2);")(g);
      const mainThread = { info: g.threadInfo(), used: main.used, T: main.T };
      const workerSrc = `
        import * as g from "${base}dist/browser.mjs";
        g.initSync();
        ${src}
        const a = run(1), b = run(2), c = run(2);
        let num = 0, den = 0, same = true;
        for (let i = 0; i < a.T.length; i++) {
          num += (a.T[i] - b.T[i]) ** 2;
          den += a.T[i] ** 2;
          if (!Object.is(b.T[i], c.T[i])) same = false;
        }
        postMessage({ info: g.threadInfo(), used: b.used, relErr: Math.sqrt(num / den), same, T: b.T });`;
      const w = new Worker(URL.createObjectURL(new Blob([workerSrc], { type: "text/javascript" })), { type: "module" });
      const worker = await new Promise((res, rej) => {
        w.onmessage = (e) => res(e.data);
        w.onerror = (e) => rej(new Error(e.message));
      });
      w.terminate();
      let differing = 0;
      for (let i = 0; i < worker.T.length; i++) if (!Object.is(worker.T[i], mainThread.T[i])) differing++;
      return {
        isolated: crossOriginIsolated,
        mainThread: { info: mainThread.info, used: mainThread.used },
        worker: { ...worker, T: undefined },
        differing,
        length: worker.T.length,
      };
    }, server.url);
    assert(out.isolated, "the served page is not cross-origin isolated");
    const m = out.mainThread;
    assert(!m.info.available && /main thread/.test(m.info.reason), `main thread: ${JSON.stringify(m.info)}`);
    assert(m.used === 2, `main thread: ${m.used} slices`);
    const r = out.worker;
    assert(r.info.available && r.used === 2, `worker: ${JSON.stringify(r.info)}, ${r.used} threads`);
    assert(r.relErr <= 1e-13 && r.same, `worker: relative error ${r.relErr}, bit-identical repeat ${r.same}`);
    assert(
      out.length > 0 && out.differing === 0,
      `main thread against worker: ${out.differing} of ${out.length} differ`,
    );
    console.log(
      `    threads in a worker: 2 threads against 1, relative error ${r.relErr.toExponential(1)}; main thread's 2 slices bit-identical`,
    );
  } finally {
    await p.close();
  }
});

async function main() {
  const started = Date.now();
  let setupError = null;
  try {
    if (!existsSync(join(root, "dist", "browser.mjs")))
      throw new Error("dist/browser.mjs is missing: run npm run build");
    if (!existsSync(join(root, "examples", "browser", "data", "mnist-subset.bin")))
      throw new Error("the MNIST subset is missing: run npm run build:demo-data");
    glocal = require(join(root, "dist", "demo.cjs"));
    server = await startServer({ port: 0 });
    browser = await launchChromium();
    console.log(`browser tests: ${browser.executablePath}, ${server.url}`);
  } catch (e) {
    setupError = e;
  }
  const results = await runTests(tests, setupError);
  if (setupError) console.log(`browser tests could not start: ${setupError.message}`);
  await browser?.close();
  await server?.close();
  const { passed, failed } = writeResults(join(artifacts, "browser-results.json"), results, started);
  console.log(`browser: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
