/**
 * Measured figures behind the 'auto' product dispatch. `glocal bench --suite gpu` prints
 * them next to a fresh measurement (bench/results/products.md); the browser columns come
 * from `npm run bench:browser` (bench/results/products-browser.json).
 *
 * Measured on the development machine: 2 vCPU AMD EPYC, Node 20, headless
 * Chromium 150 with WebGL2 on SwiftShader (ANGLE, software), gpu.js 2.24.1.
 */
export const MEASURED = {
  /** WebAssembly f64, relaxed-SIMD binary in Chromium, on the batched product
   *  X·[W|Ẇ] 256×784 · 784×330: 132.5 MFLOP in 8.09 ms. */
  wasmGflops: 16.4,
  /** gpu.js WebGL2, the 1×1×1 product: its fixed cost per call (upload, draw, read back). */
  webgl2FixedMs: 0.66,
  /** gpu.js WebGL2 on SwiftShader on the same 256×784·784×330 product (696.7 ms): slower
   *  than WebAssembly at every size measured, hence never chosen on a software renderer. */
  webgl2Gflops: 0.19,
} as const;

/**
 * Products smaller than this many flops (2·m·n·k) stay in WebAssembly even where a
 * hardware GPU is present: below it, gpu.js's fixed cost per call alone exceeds the whole
 * WebAssembly product (16.4 GFLOP/s × 0.66 ms ≈ 1.1e7 flops: a batch-256 forward product
 * of 784 features needs at least 27 columns k(1+q)). A hardware GPU's own throughput could
 * not be measured here (none available), so this is the lower bound of its crossover;
 * `setProductBackend({ crossover })` sets a measured one.
 */
export const GPU_CROSSOVER_FLOPS = Math.round(MEASURED.wasmGflops * 1e9 * MEASURED.webgl2FixedMs * 1e-3);
