/** Datasets: the embedded MNIST digits and seeded synthetic data. */
export { mnist, MNIST_FEATURES } from "./mnist";
export type { MnistOptions, ClassificationData } from "./mnist";
export { packDigits, unpackDigits } from "./digitsFile";
export { synthetic } from "./synthetic";
export type { SyntheticOptions, SyntheticData } from "./synthetic";
