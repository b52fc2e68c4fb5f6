// Entry point of the WebAssembly module: every exported kernel, one file per concept.
export * from "./memory";
export { relaxedSimd } from "./simd";
export * from "./blas1";
export * from "./gemm";
export * from "./gemv";
export * from "./gram";
export * from "./models/index";
export * from "./optim/index";
export * from "./qr";
export * from "./trsm";
export * from "./transpose";
export * from "./svd";
export * from "./eig";
export * from "./hankel";
export * from "./reduce";
