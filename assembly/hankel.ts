// Hankel (delay) embedding of a trajectory h_1 … h_m (m × q, row-major).
// Column j of the block matrix is g_j = [h_j; h_{j+1}; …; h_{j+d−1}] (oldest block
// first), j = 1 … N with N = m − d + 1, so entry (b·q + c, j) is h_{j+b}[c].
// X = columns 1 … N−1 and Y = columns 2 … N are views of it (leading dim N).

/** G (q·d × N, row-major) ← the block Hankel matrix of traj. */
export function hankel(m: i32, q: i32, d: i32, traj: usize, G: usize): void {
  const N = m - d + 1;
  for (let b = 0; b < d; b++) {
    for (let c = 0; c < q; c++) {
      const row = G + (<usize>(b * q + c) * <usize>N << 3);
      let src = traj + ((<usize>b * <usize>q + <usize>c) << 3);
      const step = <usize>q << 3;
      for (let j = 0; j < N; j++) {
        store<f64>(row + (<usize>j << 3), load<f64>(src));
        src += step;
      }
    }
  }
}
