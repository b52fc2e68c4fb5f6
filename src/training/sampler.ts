/**
 * The seeded mini-batch sampler: each epoch is a fresh permutation of the training set
 * (mulberry32 seeded with the seed and the epoch number), cut into ⌊n / batch⌋ batches;
 * the remainder of a permutation is dropped so every batch has the same size. The batch
 * of step t is therefore a pure function of (seed, t): a state saved at step t resumes
 * the same sequence. Full batch (batch = n) uses the examples in order.
 */
import { mixSeed, mulberry32, shuffleInPlace } from "../core/random";

export class BatchSampler {
  readonly n: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private perm: Int32Array;

  constructor(n: number, batchSize: number, seed: number) {
    this.n = n;
    this.batchSize = batchSize;
    this.seed = seed;
    this.batchesPerEpoch = Math.floor(n / batchSize);
    this.perm = new Int32Array(n);
  }

  /** True when every step uses the whole training set in its natural order. */
  get fullBatch(): boolean {
    return this.batchSize === this.n;
  }

  /** The example indices of step t (a view, valid until the next call). */
  batch(t: number): Int32Array {
    const epoch = Math.floor(t / this.batchesPerEpoch);
    if (epoch !== this.epoch) {
      for (let i = 0; i < this.n; i++) this.perm[i] = i;
      if (!this.fullBatch) shuffleInPlace(this.perm, mulberry32(mixSeed(this.seed, epoch)));
      this.epoch = epoch;
    }
    const start = (t - epoch * this.batchesPerEpoch) * this.batchSize;
    return this.perm.subarray(start, start + this.batchSize);
  }
}
