/** The gpu.js offload of the batched model products: public surface. */
export { setProductBackend, productDefaults, provideGpuJs, PRODUCT_BACKENDS } from "./dispatch";
export type { ProductBackend, ProductOptions, ProductDefaults, GpuInfo, GpuMode } from "./dispatch";
export { GPU_MODES } from "./gpujs";
export { batchedProduct } from "./product";
export type { BatchedProductOptions } from "./product";
