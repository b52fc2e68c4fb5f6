// The reduction of the data-parallel inner step (src/training/parallel/): the threads'
// partial gradient stacks are added into the first one, always in thread order, so the
// result depends only on the thread count. Plain adds (no fused multiply-add), so the
// sum is the same in every binary.

/** dst[i] += src[i] for i < n. */
export function addInto(n: i32, dst: usize, src: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(dst + o, f64x2.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(dst + o, load<f64>(dst + o) + load<f64>(src + o));
  }
}
