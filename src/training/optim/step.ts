/** The arguments of one optimiser step on one parameter block. */
/** One parameter block of the tangent-stacked state (pointers into WebAssembly memory). */
export interface BlockStep {
  rows: number;
  cols: number;
  /** Tangent slots, and how many are active (0: a step without tangent). */
  q: number;
  qa: number;
  theta: number;
  grad: number;
  /** The optimiser's buffers for this block, in bufferNames order. */
  buffers: readonly number[];
  /** Natural values: learning rate, weight decay, momentum (μ or β₁; 0 for SGD). */
  lr: number;
  wd: number;
  momentum: number;
  /** 1-based index of this step (Adam's bias correction). */
  step: number;
  /** Tangent slot of each hyperparameter, −1 when it is not differentiated (or qa = 0). */
  jLr: number;
  jWd: number;
  jMom: number;
  /** Per-row weight decay (rows f64) and its tangent slots (rows i32), pointers; 0 when
   *  every row has `wd` (resp. `jWd`). See assembly/optim/decay.ts. */
  decay: number;
  dslot: number;
}

/** The arguments every optimiser kernel takes first: the block's shape, slots and pointers. */
export function blockArgs(a: BlockStep) {
  return [a.rows, a.cols, a.q, a.qa, a.theta, a.grad] as const;
}
