/** Trajectories with known limits: h_t = c + Σ_j Re(a_j μ_jᵗ) v_j (t = 1 … m). */
export interface Mode {
  /** Eigenvalue μ = r e^{iθ}. */
  r: number;
  theta: number;
  /** Direction (q numbers) and its quadrature partner for complex modes. */
  u: number[];
  v?: number[];
}

export function linearTrajectory(m: number, c: number[], modes: Mode[]): number[][] {
  const out: number[][] = [];
  for (let t = 1; t <= m; t++) {
    const row = c.slice();
    for (const md of modes) {
      const mag = Math.pow(md.r, t);
      const cs = Math.cos(md.theta * t),
        sn = Math.sin(md.theta * t);
      for (let i = 0; i < c.length; i++) row[i] += mag * (cs * md.u[i] + (md.v ? sn * md.v[i] : 0));
    }
    out.push(row);
  }
  return out;
}

/** h_T of the same formula. */
export function linearValue(T: number, c: number[], modes: Mode[]): number[] {
  return linearTrajectory(T, c, modes)[T - 1];
}
