/** Dense f64 linear algebra on WebAssembly SIMD kernels. */
export { dot, axpy, norm } from "./blas1";
export { gemv } from "./gemv";
export { gemm } from "./gemm";
export type { GemmOptions } from "./gemm";
export { gram } from "./gram";
export { qr } from "./qr";
export { lstsq } from "./lstsq";
export type { LstsqResult } from "./lstsq";
export { svd } from "./svd";
export type { SvdResult } from "./svd";
export { eig } from "./eig";
export type { EigResult, ComplexVector } from "./eig";
