import { linalg, GlocalError } from "../../src/index";
import { Matrix as MlMatrix, SingularValueDecomposition, EigenvalueDecomposition } from "ml-matrix";
import { Matrix } from "../../src/core/matrix";
import {
  eigResidual,
  frob,
  orthogonalityError,
  randomMatrix,
  reconstructSvd,
  refGemm,
  relDiff,
  sub,
  withSingularValues,
  gaussian,
} from "../support/helpers";

const rows = (A: Matrix) =>
  Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));

/** The shapes every factorisation must handle. */
const cases: Array<[string, Matrix]> = [
  ["1×1", { rows: 1, cols: 1, data: Float64Array.of(-3.5) }],
  ["random 8×8", randomMatrix(8, 8, 1)],
  ["tall 300×40", randomMatrix(300, 40, 2)],
  ["wide 17×90", randomMatrix(17, 90, 3)],
  ["tall-skinny 2000×3", randomMatrix(2000, 3, 4)],
  [
    "ill-conditioned 60×30 (κ = 1e15)",
    withSingularValues(
      60,
      30,
      Array.from({ length: 30 }, (_, i) => Math.pow(10, -i / 2)),
      5,
    ),
  ],
  ["rank-deficient 50×20 (rank 5)", refGemm(randomMatrix(50, 5, 6), randomMatrix(5, 20, 7))],
  ["zero 4×3", { rows: 4, cols: 3, data: new Float64Array(12) }],
  ["huge scale 20×10 (1e300)", randomMatrix(20, 10, 8, 1e300)],
  ["tiny scale 20×10 (1e-300)", randomMatrix(20, 10, 9, 1e-300)],
];

describe("svd: A = U S Vᵀ with orthonormal factors", () => {
  for (const [name, A] of cases) {
    it(name, () => {
      const { U, S, V } = linalg.svd(A);
      const k = Math.min(A.rows, A.cols);
      expect(S.length).toBe(k);
      expect([U.rows, U.cols, V.rows, V.cols]).toEqual([A.rows, k, A.cols, k]);
      for (let i = 1; i < k; i++) expect(S[i]).toBeLessThanOrEqual(S[i - 1]);
      for (let i = 0; i < k; i++) expect(S[i]).toBeGreaterThanOrEqual(0);
      expect(orthogonalityError(U)).toBeLessThanOrEqual(1e-12);
      expect(orthogonalityError(V)).toBeLessThanOrEqual(1e-12);
      // Scale out before forming the residual so 1e±300 inputs do not over/underflow the check.
      const scale = Math.max(...Array.from(A.data, Math.abs)) || 1;
      const As = { ...A, data: A.data.map((v) => v / scale) };
      const R = reconstructSvd(
        U,
        S.map((v) => v / scale),
        V,
      );
      const normA = frob(As);
      expect(frob(sub(R, As))).toBeLessThanOrEqual(1e-12 * Math.max(normA, 1e-300));
    });
  }

  it("singular values of a matrix built with known ones are recovered (relative to σ₁)", () => {
    const s = [10, 5, 1, 0.1, 1e-3, 1e-6, 1e-9, 1e-12];
    const A = withSingularValues(40, 8, s, 11);
    const { S } = linalg.svd(A);
    for (let i = 0; i < s.length; i++) expect(Math.abs(S[i] - s[i])).toBeLessThan(1e-13 * s[0]);
  });

  it("rank-deficient input shows its rank in the singular values", () => {
    const A = refGemm(randomMatrix(50, 5, 6), randomMatrix(5, 20, 7));
    const { S } = linalg.svd(A, { vectors: false });
    const tol = Math.max(50, 20) * 2.22e-16 * S[0];
    expect(S.filter((v) => v > tol).length).toBe(5);
  });

  it("agrees with ml-matrix singular values on random inputs", () => {
    for (const [m, n, seed] of [
      [30, 12, 1],
      [12, 30, 2],
      [64, 64, 3],
    ]) {
      const A = randomMatrix(m, n, seed);
      const ours = linalg.svd(A, { vectors: false }).S;
      const theirs = new SingularValueDecomposition(new MlMatrix(rows(A)), { autoTranspose: true }).diagonal;
      expect(relDiff(ours, theirs.slice(0, ours.length))).toBeLessThan(1e-12);
    }
  });
});

describe("qr: A = Q R", () => {
  for (const [name, A] of cases.filter(([n]) => !n.startsWith("huge") && !n.startsWith("tiny"))) {
    it(name, () => {
      const { Q, R } = linalg.qr(A);
      const k = Math.min(A.rows, A.cols);
      expect([Q.rows, Q.cols, R.rows, R.cols]).toEqual([A.rows, k, k, A.cols]);
      for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) expect(R.data[i * R.cols + j]).toBe(0);
      expect(orthogonalityError(Q)).toBeLessThanOrEqual(1e-12);
      expect(frob(sub(refGemm(Q, R), A))).toBeLessThanOrEqual(1e-13 * Math.max(frob(A), 1e-300));
    });
  }
  it("blocked panels: 250×180 (several 32-column blocks)", () => {
    const A = randomMatrix(250, 180, 12);
    const { Q, R } = linalg.qr(A);
    expect(orthogonalityError(Q)).toBeLessThanOrEqual(1e-12);
    expect(frob(sub(refGemm(Q, R), A)) / frob(A)).toBeLessThanOrEqual(1e-14);
  });
});

describe("lstsq", () => {
  it("overdetermined full rank: matches the normal equations and uses QR", () => {
    const A = randomMatrix(80, 6, 21),
      b = randomMatrix(80, 1, 22).data;
    const { x, rank, method } = linalg.lstsq(A, b);
    expect(rank).toBe(6);
    expect(method).toBe("qr");
    // Optimality: Aᵀ(Ax − b) = 0
    const r = refGemm(A, { rows: 6, cols: 1, data: x });
    for (let i = 0; i < 80; i++) r.data[i] -= b[i];
    const g = refGemm(A, r, true);
    expect(frob(g)).toBeLessThan(1e-12 * frob(A) * frob(b));
  });

  it("exact solution of a consistent square system, several right-hand sides", () => {
    const A = randomMatrix(12, 12, 23),
      X = randomMatrix(12, 3, 24);
    const B = refGemm(A, X);
    const sol = linalg.lstsq(A, B);
    expect(relDiff(sol.x.data, X.data)).toBeLessThan(1e-12);
  });

  it("rank-deficient: the minimum-norm solution (pseudo-inverse), via SVD", () => {
    // Duplicate a column: x and its mirror share the weight equally at minimum norm.
    const base = randomMatrix(30, 3, 25);
    const A = { rows: 30, cols: 4, data: new Float64Array(120) };
    for (let i = 0; i < 30; i++) {
      for (let j = 0; j < 3; j++) A.data[i * 4 + j] = base.data[i * 3 + j];
      A.data[i * 4 + 3] = base.data[i * 3 + 2];
    }
    const xTrue = [1, -2, 3];
    const b = refGemm(base, { rows: 3, cols: 1, data: Float64Array.from(xTrue) }).data;
    const { x, rank, method } = linalg.lstsq(A, b);
    expect(rank).toBe(3);
    expect(method).toBe("svd");
    expect(relDiff(x, [1, -2, 1.5, 1.5])).toBeLessThan(1e-12);
  });

  it("underdetermined: the minimum-norm solution", () => {
    const A = randomMatrix(5, 12, 26),
      b = randomMatrix(5, 1, 27).data;
    const { x } = linalg.lstsq(A, b);
    // x = Aᵀ (A Aᵀ)⁻¹ b: residual zero and x in the row space of A.
    const Ax = refGemm(A, { rows: 12, cols: 1, data: x }).data;
    expect(relDiff(Ax, b)).toBeLessThan(1e-12);
    const y = linalg.lstsq(refGemm(A, A, false, true), b).x;
    expect(relDiff(x, refGemm(A, { rows: 5, cols: 1, data: y }, true).data)).toBeLessThan(1e-10);
  });

  it("rejects a B with the wrong number of rows", () => {
    expect(() => linalg.lstsq(randomMatrix(5, 3, 1), [1, 2, 3])).toThrow(
      expect.objectContaining({ code: "E_SHAPE", argument: "B" }),
    );
  });
});

describe("eig: A v = λ v", () => {
  const g = gaussian(99);
  const square: Array<[string, Matrix]> = [
    ["1×1", { rows: 1, cols: 1, data: Float64Array.of(2.5) }],
    ["rotation (±i)", { rows: 2, cols: 2, data: Float64Array.of(0, -1, 1, 0) }],
    ["random 9×9", randomMatrix(9, 9, 31)],
    ["random 120×120", randomMatrix(120, 120, 32)],
    ["Jordan block (defective)", { rows: 3, cols: 3, data: Float64Array.of(2, 1, 0, 0, 2, 1, 0, 0, 2) }],
    [
      "badly scaled (balancing)",
      (() => {
        const A = randomMatrix(25, 25, 33);
        for (let i = 0; i < 25; i++) for (let j = 0; j < 25; j++) A.data[i * 25 + j] *= Math.pow(10, (i - j) / 2);
        return A;
      })(),
    ],
    [
      "upper triangular",
      (() => {
        const A = randomMatrix(10, 10, 34);
        for (let i = 0; i < 10; i++) for (let j = 0; j < i; j++) A.data[i * 10 + j] = 0;
        return A;
      })(),
    ],
    ["zero 4×4", { rows: 4, cols: 4, data: new Float64Array(16) }],
    [
      "symmetric 30×30",
      (() => {
        const B = randomMatrix(30, 30, 35);
        return {
          rows: 30,
          cols: 30,
          data: B.data.map((_, idx) => {
            const i = Math.floor(idx / 30),
              j = idx % 30;
            return B.data[i * 30 + j] + B.data[j * 30 + i];
          }),
        };
      })(),
    ],
    [
      "noisy rotation-dilation pairs",
      (() => {
        const A = { rows: 6, cols: 6, data: new Float64Array(36) };
        for (let b = 0; b < 3; b++) {
          const r = 0.9 - 0.2 * b,
            t = 0.3 + b;
          A.data[2 * b * 6 + 2 * b] = r * Math.cos(t);
          A.data[2 * b * 6 + 2 * b + 1] = -r * Math.sin(t);
          A.data[(2 * b + 1) * 6 + 2 * b] = r * Math.sin(t);
          A.data[(2 * b + 1) * 6 + 2 * b + 1] = r * Math.cos(t);
        }
        for (let i = 0; i < 36; i++) A.data[i] += 1e-3 * g();
        return A;
      })(),
    ],
  ];
  for (const [name, A] of square) {
    it(name, () => {
      const { values, vectors } = linalg.eig(A);
      expect(eigResidual(A, { values, vectors })).toBeLessThanOrEqual(1e-10);
      // Sorted by modulus, then real, then imaginary part (descending).
      for (let j = 1; j < A.rows; j++) {
        const m0 = Math.hypot(values.re[j - 1], values.im[j - 1]),
          m1 = Math.hypot(values.re[j], values.im[j]);
        expect(m0).toBeGreaterThanOrEqual(m1 - 1e-15 * Math.max(m0, 1));
      }
      // Unit norm eigenvectors.
      for (let j = 0; j < A.rows; j++) {
        let s = 0;
        for (let i = 0; i < A.rows; i++)
          s += vectors.re.data[i * A.rows + j] ** 2 + vectors.im.data[i * A.rows + j] ** 2;
        expect(Math.abs(Math.sqrt(s) - 1)).toBeLessThan(1e-12);
      }
    });
  }

  it("known spectrum: companion matrix of (z − 0.5)(z − 0.9)(z² − 1.2 z + 0.61)", () => {
    // Roots 0.9, 0.5, 0.6 ± 0.5i; moduli 0.9, 0.781, 0.781, 0.5.
    const c = [1, -2.6, 2.74, -1.394, 0.2745]; // z⁴ − 2.6 z³ + 2.74 z² − 1.394 z + 0.2745
    const A = { rows: 4, cols: 4, data: new Float64Array(16) };
    for (let j = 0; j < 4; j++) A.data[j] = -c[j + 1];
    for (let i = 1; i < 4; i++) A.data[i * 4 + i - 1] = 1;
    const { values } = linalg.eig(A, { vectors: false });
    const expected = [
      [0.9, 0],
      [0.6, 0.5],
      [0.6, -0.5],
      [0.5, 0],
    ];
    for (let j = 0; j < 4; j++) {
      expect(values.re[j]).toBeCloseTo(expected[j][0], 10);
      expect(values.im[j]).toBeCloseTo(expected[j][1], 10);
    }
  });

  it("eigenvalues agree with ml-matrix as a multiset", () => {
    const A = randomMatrix(40, 40, 36);
    const ours = linalg.eig(A, { vectors: false }).values;
    const ml = new EigenvalueDecomposition(new MlMatrix(rows(A)));
    const theirs = ml.realEigenvalues.map((re, i) => [re, ml.imaginaryEigenvalues[i]]);
    for (let j = 0; j < 40; j++) {
      const best = Math.min(...theirs.map(([re, im]) => Math.hypot(re - ours.re[j], im - ours.im[j])));
      expect(best).toBeLessThan(1e-10);
    }
  });

  it("rejects a non-square matrix", () => {
    expect(() => linalg.eig(randomMatrix(3, 4, 1))).toThrow(
      expect.objectContaining({ code: "E_SHAPE", argument: "A" }),
    );
  });
});

describe("bad input gets typed errors naming the argument", () => {
  const bad: Array<[string, unknown, string]> = [
    [
      "NaN entry",
      [
        [1, NaN],
        [3, 4],
      ],
      "E_NONFINITE",
    ],
    [
      "Infinity entry",
      [
        [1, 2],
        [Infinity, 4],
      ],
      "E_NONFINITE",
    ],
    ["ragged rows", [[1, 2], [3]], "E_SHAPE"],
    ["empty", [], "E_SHAPE"],
    ["empty rows", [[], []], "E_SHAPE"],
    ["string", "hello", "E_TYPE"],
    [
      "string entry",
      [
        [1, "2"],
        [3, 4],
      ],
      "E_TYPE",
    ],
    ["sparse array", [[1, , 3]], "E_TYPE"], // eslint-disable-line no-sparse-arrays
    ["null", null, "E_TYPE"],
    ["bad data length", { rows: 2, cols: 2, data: new Float64Array(3) }, "E_SHAPE"],
    ["negative shape", { rows: -1, cols: 2, data: new Float64Array(0) }, "E_SHAPE"],
  ];
  for (const [name, value, code] of bad) {
    it(`${name} → ${code}`, () => {
      for (const call of [
        () => linalg.svd(value as Matrix),
        () => linalg.qr(value as Matrix),
        () => linalg.gram(value as Matrix),
      ]) {
        let err: unknown;
        try {
          call();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(GlocalError);
        expect((err as GlocalError).code).toBe(code);
        expect((err as GlocalError).argument).toMatch(/^(A|X)$/);
      }
    });
  }

  it("unknown options are rejected, not ignored", () => {
    expect(() => linalg.svd(randomMatrix(3, 3, 1), { vector: false } as never)).toThrow(
      expect.objectContaining({ code: "E_OPTION" }),
    );
  });

  it("inputs are never mutated", () => {
    const A = randomMatrix(20, 10, 41);
    const before = A.data.slice();
    linalg.svd(A);
    linalg.qr(A);
    linalg.lstsq(A, randomMatrix(20, 1, 42).data);
    const S = randomMatrix(10, 10, 43);
    const sb = S.data.slice();
    linalg.eig(S);
    expect(A.data).toEqual(before);
    expect(S.data).toEqual(sb);
  });
});
