/**
 * The benchmark cases. Each case builds its seeded inputs once; glocal, ml-matrix and the
 * plain-JS loop then run on the same data, and the baselines keep their last result so
 * the correctness check needs no extra (slow) reference computation.
 */
import { dmd, linalg } from "../src/index";
import type { Matrix } from "../src/index";
import { plainGemm, plainGram } from "./baselines";
import { Metric, eigMetrics, maxRelDiff, svdMetrics } from "./checks";
import type { MlMatrixModule } from "./mlmatrix";
import { randomMatrix } from "./prng";
import { hankelPairFixture, mlDmd } from "./mlDmd";

export type Unit = "GFLOP/s" | "ms";

export interface CaseInstance {
  /** One glocal call; outputs packed as plain arrays (they cross to the parent process). */
  glocal(): Float64Array[];
  /** One ml-matrix call, or null when ml-matrix is not installed. */
  ml: (() => void) | null;
  /** One plain-JS call, or null when ml-matrix is the plain-JS implementation. */
  plain: (() => void) | null;
  /** Checks packed glocal outputs against the baseline (computing it if not run yet). */
  check(out: Float64Array[]): Metric[];
}

export interface CaseDef {
  id: string;
  label: string;
  unit: Unit;
  /** Useful flops per call (GFLOP/s cases). */
  flops: number;
  /** Shown in the plain-JS column when there is no separate plain-JS baseline. */
  plainNote?: string;
  setup(ml: MlMatrixModule | null): CaseInstance;
}

/** A stable seed per case id, so the child process regenerates identical inputs. */
function seedOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

function toMl(ml: MlMatrixModule, a: Matrix): InstanceType<MlMatrixModule["Matrix"]> {
  return ml.Matrix.from1DArray(a.rows, a.cols, a.data);
}

function gemmCase(n: number): CaseDef {
  const id = `gemm-${n}`;
  return {
    id,
    label: `gemm n=${n}`,
    unit: "GFLOP/s",
    flops: 2 * n * n * n,
    setup(ml) {
      const A = randomMatrix(n, n, seedOf(id)),
        B = randomMatrix(n, n, seedOf(id) + 1);
      let ref: Matrix | null = null;
      const mA = ml ? toMl(ml, A) : null,
        mB = ml ? toMl(ml, B) : null;
      return {
        glocal: () => [linalg.gemm(A, B).data],
        ml: mA && mB ? () => void mA.mmul(mB) : null,
        plain: () => void (ref = plainGemm(A, B)),
        check: (out) => {
          const r = ref ?? plainGemm(A, B);
          return [{ name: "max |ΔC| / max |C| vs plain JS", value: maxRelDiff(out[0], r.data), tol: 1e-12 }];
        },
      };
    },
  };
}

function gramCase(rows: number, cols: number): CaseDef {
  const id = `gram-${rows}x${cols}`;
  return {
    id,
    label: `gram ${rows}×${cols}`,
    unit: "GFLOP/s",
    flops: rows * cols * (cols + 1),
    setup(ml) {
      const X = randomMatrix(rows, cols, seedOf(id));
      let ref: Matrix | null = null;
      const mX = ml ? toMl(ml, X) : null;
      // ml-matrix ≥ 6.15 has X.gram() (one triangle, about twice as fast as
      // X.transpose().mmul(X)); use the faster of what the installed version offers.
      const mlGram = mX
        ? typeof mX.gram === "function"
          ? () => void mX.gram()
          : () => void mX.transpose().mmul(mX)
        : null;
      return {
        glocal: () => [linalg.gram(X).data],
        ml: mlGram,
        plain: () => void (ref = plainGram(X)),
        check: (out) => {
          const r = ref ?? plainGram(X);
          return [{ name: "max |ΔG| / max |G| vs plain JS", value: maxRelDiff(out[0], r.data), tol: 1e-12 }];
        },
      };
    },
  };
}

function svdCase(rows: number, cols: number): CaseDef {
  const id = `svd-${rows}x${cols}`;
  return {
    id,
    label: `svd ${rows}×${cols}`,
    unit: "ms",
    flops: 0,
    plainNote: "(=ml-matrix)",
    setup(ml) {
      const A = randomMatrix(rows, cols, seedOf(id));
      const mA = ml ? toMl(ml, A) : null;
      let refS: number[] | null = null;
      return {
        glocal: () => {
          const r = linalg.svd(A);
          return [r.S, r.U.data, r.V.data];
        },
        ml: ml && mA ? () => void (refS = new ml.SingularValueDecomposition(mA).diagonal) : null,
        plain: null,
        check: (out) => {
          if (ml && mA && !refS) refS = new ml.SingularValueDecomposition(mA).diagonal;
          return svdMetrics(A, out, refS);
        },
      };
    },
  };
}

function eigCase(n: number): CaseDef {
  const id = `eig-${n}`;
  return {
    id,
    label: `eig ${n}×${n}`,
    unit: "ms",
    flops: 0,
    plainNote: "(=ml-matrix)",
    setup(ml) {
      const A = randomMatrix(n, n, seedOf(id));
      const mA = ml ? toMl(ml, A) : null;
      let ref: { re: number[]; im: number[] } | null = null;
      const mlEig = (): void => {
        if (!ml || !mA) return;
        const e = new ml.EigenvalueDecomposition(mA); // nonsymmetric: Hessenberg + QR, with vectors
        ref = { re: e.realEigenvalues, im: e.imaginaryEigenvalues };
      };
      return {
        glocal: () => {
          const r = linalg.eig(A);
          return [r.values.re, r.values.im, r.vectors.re.data, r.vectors.im.data];
        },
        ml: ml && mA ? mlEig : null,
        plain: null,
        check: (out) => {
          if (!ref) mlEig();
          return eigMetrics(A, out, ref);
        },
      };
    },
  };
}

/** The whole least-squares DMD of a Hankel pair (q = 100, d = 10, m = 200 → 1000 × 190). */
function dmdCase(q: number, d: number, m: number): CaseDef {
  const id = `dmd-${q}x${d}x${m}`;
  const n = q * d,
    c = m - d;
  return {
    id,
    label: `dmd ${n}×${c} pair`,
    unit: "ms",
    flops: 0,
    plainNote: "(=ml-matrix)",
    setup(ml) {
      const { X, Y } = hankelPairFixture(seedOf(id), q, d, m);
      const rank = dmd(X, Y).rank;
      const mX = ml ? toMl(ml, X) : null,
        mY = ml ? toMl(ml, Y) : null;
      let ref: { re: number[]; im: number[] } | null = null;
      const run = ml && mX && mY ? () => void (ref = mlDmd(ml, mX, mY, rank)) : null;
      return {
        glocal: () => {
          const f = dmd(X, Y);
          return [f.eigenvalues.re, f.eigenvalues.im, f.singularValues];
        },
        ml: run,
        plain: null,
        check: (out) => {
          if (!ref && run) run();
          if (!ref) return [];
          // Eigenvalues as a multiset: the nearest ml-matrix eigenvalue to each of ours.
          const theirs = ref as { re: number[]; im: number[] };
          let worst = 0;
          for (let i = 0; i < out[0].length; i++) {
            let best = Infinity;
            for (let j = 0; j < theirs.re.length; j++)
              best = Math.min(best, Math.hypot(out[0][i] - theirs.re[j], out[1][i] - theirs.im[j]));
            worst = Math.max(worst, best);
          }
          return [{ name: "eigenvalues vs ml-matrix pipeline (max distance)", value: worst, tol: 1e-6 }];
        },
      };
    },
  };
}

export function benchCases(quick: boolean): CaseDef[] {
  return quick
    ? [gemmCase(64), gemmCase(256), gramCase(2000, 100), svdCase(300, 100), eigCase(100), dmdCase(30, 5, 80)]
    : [
        gemmCase(64),
        gemmCase(128),
        gemmCase(256),
        gemmCase(512),
        gemmCase(1024),
        gramCase(10000, 100),
        gramCase(4000, 200),
        svdCase(1000, 200),
        eigCase(200),
        dmdCase(100, 10, 200),
      ];
}
