/**
 * The same least-squares DMD pipeline built on ml-matrix, as the baseline for glocal's
 * `dmd`: thin SVD of X, K̃ = U_rᵀ Y V_r Σ_r⁻¹, eigendecomposition, exact modes Φ = B W,
 * amplitudes from B y = g_N (least squares) then W b = y (complex, as a real 2r system),
 * and the fit residual.
 */
import type { Matrix } from "../src/index";
import type { MlMatrixModule } from "./mlmatrix";

type MlMatrix = InstanceType<MlMatrixModule["Matrix"]>;

export function mlDmd(
  ml: MlMatrixModule,
  X: MlMatrix,
  Y: MlMatrix,
  r: number,
): { re: number[]; im: number[]; modes: { re: MlMatrix; im: MlMatrix }; residual: number } {
  const n = X.rows,
    c = X.columns;
  const svd = new ml.SingularValueDecomposition(X, { autoTranspose: true });
  const s = svd.diagonal;
  const Ur = svd.leftSingularVectors.subMatrix(0, n - 1, 0, r - 1);
  const Vr = svd.rightSingularVectors.subMatrix(0, c - 1, 0, r - 1);
  const YV = Y.mmul(Vr);
  const B = YV.clone();
  for (let j = 0; j < r; j++) for (let i = 0; i < n; i++) B.set(i, j, B.get(i, j) / s[j]);
  const Kt = Ur.transpose().mmul(B);
  const e = new ml.EigenvalueDecomposition(Kt);
  const re = e.realEigenvalues,
    im = e.imaginaryEigenvalues,
    W = e.eigenvectorMatrix;
  // JAMA layout: a complex pair (j, j+1) stores Re in column j and Im in column j+1.
  const Wre = new ml.Matrix(r, r),
    Wim = new ml.Matrix(r, r);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < r; i++) {
      if (im[j] > 0) {
        Wre.set(i, j, W.get(i, j));
        Wim.set(i, j, W.get(i, j + 1));
      } else if (im[j] < 0) {
        Wre.set(i, j, W.get(i, j - 1));
        Wim.set(i, j, -W.get(i, j));
      } else Wre.set(i, j, W.get(i, j));
    }
  }
  const modes = { re: B.mmul(Wre), im: B.mmul(Wim) };
  const g = Y.getColumnVector(c - 1);
  const y = ml.solve(B, g);
  const big = new ml.Matrix(2 * r, 2 * r),
    rhs = new ml.Matrix(2 * r, 1);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      big.set(i, j, Wre.get(i, j));
      big.set(i, r + j, -Wim.get(i, j));
      big.set(r + i, j, Wim.get(i, j));
      big.set(r + i, r + j, Wre.get(i, j));
    }
    rhs.set(i, 0, y.get(i, 0));
  }
  ml.solve(big, rhs);
  // ml-matrix sub() works in place: subtract from a copy.
  const residual = Y.clone().sub(YV.mmul(Vr.transpose())).norm() / Y.norm();
  return { re, im, modes, residual };
}

/** A Hankel pair from a synthetic trajectory: q = 100, d = 10, m = 200 → X, Y 1000 × 190. */
export function hankelPairFixture(seed: number, q = 100, d = 10, m = 200): { X: Matrix; Y: Matrix; traj: number[][] } {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const modes = Array.from({ length: 40 }, (_, j) => ({
    r: 0.6 + 0.39 * Math.abs(rnd()),
    th: j % 2 ? Math.abs(rnd()) : 0,
    u: Array.from({ length: q }, rnd),
  }));
  const traj: number[][] = [];
  for (let t = 1; t <= m; t++) {
    const row = Array.from({ length: q }, (_, i) => 0.1 * (i / q - 0.5));
    for (const md of modes) {
      const a = Math.pow(md.r, t) * Math.cos(md.th * t);
      for (let i = 0; i < q; i++) row[i] += a * md.u[i];
    }
    traj.push(row.map((v) => v + 1e-4 * rnd()));
  }
  const N = m - d + 1,
    n = q * d;
  const X = { rows: n, cols: N - 1, data: new Float64Array(n * (N - 1)) };
  const Y = { rows: n, cols: N - 1, data: new Float64Array(n * (N - 1)) };
  for (let b = 0; b < d; b++)
    for (let i = 0; i < q; i++)
      for (let j = 0; j < N - 1; j++) {
        X.data[(b * q + i) * (N - 1) + j] = traj[j + b][i];
        Y.data[(b * q + i) * (N - 1) + j] = traj[j + 1 + b][i];
      }
  return { X, Y, traj };
}
