/** Datasets: the embedded MNIST digits, the per-feature-decay task built on them, and seeded synthetic data. */
export { mnist, MNIST_FEATURES } from "./mnist";
export type { MnistOptions, ClassificationData } from "./mnist";
export { packDigits, unpackDigits } from "./digitsFile";
export { synthetic } from "./synthetic";
export { perFeature } from "./perFeature";
export type { PerFeatureOptions, PerFeatureData } from "./perFeature";
export type { SyntheticOptions, SyntheticData } from "./synthetic";
