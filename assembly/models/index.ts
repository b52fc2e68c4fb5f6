// Kernels of the built-in inner problems (forward, gradient, batched JVP).
export { gatherRows, stackFinite, tangentDot } from "./stack";
export { skinnyNN, skinnyTN } from "./skinny";
export { linearGradJvp, linearEval } from "./linear";
export { mlpGradJvp, mlpEval } from "./mlp";
export { setProductOffload, modelProduct } from "./product";
