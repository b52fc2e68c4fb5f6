import { linalg, GlocalError } from "../../src/index";
import { Matrix as MlMatrix } from "ml-matrix";
import { randomMatrix, refGemm, relDiff, frob } from "../support/helpers";

describe("gemm", () => {
  // Sizes straddle the 6×4 micro-tile, the 24-row block and the 384-deep k panel.
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [2, 3, 4],
    [6, 4, 5],
    [7, 5, 3],
    [13, 9, 17],
    [25, 29, 31],
    [50, 61, 385],
    [97, 130, 400],
    [1, 300, 2],
    [300, 1, 7],
  ];
  for (const [m, n, k] of shapes) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      it(`${m}×${k} · ${k}×${n} transA=${ta} transB=${tb}`, () => {
        const A = ta ? randomMatrix(k, m, m * 7 + k) : randomMatrix(m, k, m * 7 + k);
        const B = tb ? randomMatrix(n, k, n * 11 + k) : randomMatrix(k, n, n * 11 + k);
        const C = linalg.gemm(A, B, { transA: ta, transB: tb });
        const ref = refGemm(A, B, ta, tb);
        expect(C.rows).toBe(m);
        expect(C.cols).toBe(n);
        expect(relDiff(C.data, ref.data)).toBeLessThan(1e-14);
      });
    }
  }

  it("α op(A) op(B) + β C leaves C untouched", () => {
    const A = randomMatrix(9, 8, 1),
      B = randomMatrix(8, 10, 2),
      C = randomMatrix(9, 10, 3);
    const before = C.data.slice();
    const out = linalg.gemm(A, B, { alpha: -2, C, beta: 0.5 });
    const ref = refGemm(A, B);
    for (let i = 0; i < ref.data.length; i++) ref.data[i] = -2 * ref.data[i] + 0.5 * C.data[i];
    expect(relDiff(out.data, ref.data)).toBeLessThan(1e-14);
    expect(C.data).toEqual(before);
  });

  it("agrees with ml-matrix on random inputs", () => {
    for (const n of [16, 64, 129]) {
      const A = randomMatrix(n, n + 3, n),
        B = randomMatrix(n + 3, n - 1, n + 1);
      const ours = linalg.gemm(A, B);
      const theirs = new MlMatrix(toRows(A)).mmul(new MlMatrix(toRows(B))).to1DArray();
      expect(relDiff(ours.data, theirs)).toBeLessThan(1e-14);
    }
  });

  it("accepts number[][], Float64Array rows and ml-matrix objects", () => {
    const rows = [
      [1, 2],
      [3, 4],
    ];
    const expected = [7, 10, 15, 22];
    expect(Array.from(linalg.gemm(rows, rows).data)).toEqual(expected);
    const typed = rows.map((r) => Float64Array.from(r));
    expect(Array.from(linalg.gemm(typed, typed).data)).toEqual(expected);
    const ml = new MlMatrix(rows);
    expect(Array.from(linalg.gemm(ml, ml).data)).toEqual(expected);
  });

  it("rejects mismatched inner dimensions with E_SHAPE naming B", () => {
    expect(() => linalg.gemm(randomMatrix(3, 4, 1), randomMatrix(5, 2, 2))).toThrow(GlocalError);
    try {
      linalg.gemm(randomMatrix(3, 4, 1), randomMatrix(5, 2, 2));
    } catch (e) {
      expect((e as GlocalError).code).toBe("E_SHAPE");
      expect((e as GlocalError).argument).toBe("B");
    }
  });
});

describe("gram", () => {
  it.each([
    [1, 1],
    [10, 3],
    [57, 29],
    [500, 64],
    [200, 101],
  ])("XᵀX of %i×%i equals the reference and is exactly symmetric", (n, p) => {
    const X = randomMatrix(n, p, n + p);
    const G = linalg.gram(X);
    const ref = refGemm(X, X, true, false);
    expect(relDiff(G.data, ref.data)).toBeLessThan(1e-14);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(G.data[i * p + j]).toBe(G.data[j * p + i]);
  });
});

describe("gemv, dot, axpy, norm", () => {
  it("gemv with and without transpose", () => {
    const A = randomMatrix(37, 23, 5);
    const x = randomMatrix(23, 1, 6).data,
      xt = randomMatrix(37, 1, 7).data;
    expect(relDiff(linalg.gemv(A, x), refGemm(A, { rows: 23, cols: 1, data: x }).data)).toBeLessThan(1e-14);
    expect(
      relDiff(linalg.gemv(A, xt, { trans: true }), refGemm(A, { rows: 37, cols: 1, data: xt }, true).data),
    ).toBeLessThan(1e-14);
  });

  it("dot and axpy against plain loops; inputs unchanged", () => {
    const x = randomMatrix(1, 103, 1).data,
      y = randomMatrix(1, 103, 2).data;
    const y0 = y.slice();
    let d = 0;
    for (let i = 0; i < x.length; i++) d += x[i] * y[i];
    expect(Math.abs(linalg.dot(x, y) - d)).toBeLessThan(1e-13);
    const z = linalg.axpy(2.5, x, y);
    expect(
      relDiff(
        z,
        Array.from(y, (v, i) => v + 2.5 * x[i]),
      ),
    ).toBeLessThan(1e-15);
    expect(y).toEqual(y0);
  });

  it("norm neither overflows nor underflows", () => {
    expect(linalg.norm([3e200, 4e200])).toBeCloseTo(5e200, -188);
    expect(linalg.norm([3e-200, 4e-200]) / 5e-200).toBeCloseTo(1, 14);
    expect(linalg.norm([0, 0])).toBe(0);
    const v = randomMatrix(1, 50, 3).data;
    expect(Math.abs(linalg.norm(v) - frob(v))).toBeLessThan(1e-14);
  });
});

function toRows(A: { rows: number; cols: number; data: Float64Array }): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < A.rows; i++) out.push(Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
  return out;
}
