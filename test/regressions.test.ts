/**
 * One test per bug the property tests (the *.property.test.ts files) found, with the input
 * that failed and what it did before the fix. The failure list in the hardening report
 * mirrors this.
 */
import {
  GlocalError,
  dmd,
  estimateGlobal,
  get,
  hankel,
  identity,
  linalg,
  matrix,
  memoryStats,
  optimize,
  optimizers,
  problems,
  toArray,
  toMatrix,
  transpose,
  GlocalEstimator,
} from "../src/index";
import type { Matrix } from "../src/index";
import { eigResidual, orthogonalityError, reconstructSvd, refGemm, relDiff, frob, sub } from "./support/helpers";
import { buildMatrix } from "./support/property/arbitraries";

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GlocalError) return e.code;
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return "ok";
};

/** The eigenpair residual of linalg.eig's own decomposition of A. */
const eigOwnResidual = (A: number[][]) => eigResidual(A, linalg.eig(A));

describe("regressions found by the property tests", () => {
  it("norm of subnormals was Infinity (nrm2 scaled by 1/max, which overflows)", () => {
    expect(linalg.norm([5e-324])).toBe(5e-324);
    expect(linalg.norm([1e-310, 0])).toBe(1e-310);
    expect(linalg.norm([3e-320, 4e-320])).toBe(5e-320);
  });

  it("QR of a subnormal column was NaN (Householder: α² + ‖x‖² underflowed to 0)", () => {
    const { Q, R } = linalg.qr([[5e-324], [5e-324]]);
    expect(Array.from(Q.data).every(Number.isFinite)).toBe(true);
    expect(orthogonalityError(Q)).toBeLessThan(1e-15);
    expect(Math.abs(R.data[0])).toBeGreaterThan(0);
    const mixed = linalg.qr([
      [1, 0],
      [0, 5e-324],
      [0, 5e-324],
    ]);
    expect(orthogonalityError(mixed.Q)).toBeLessThan(1e-15);
  });

  it("QR of a column near 1e308 had Q = [-Infinity, NaN] (Householder: α − β overflowed)", () => {
    const { Q, R } = linalg.qr([[1e308], [1e308]]);
    expect(Array.from(Q.data)).toEqual([expect.closeTo(-Math.SQRT1_2, 15), expect.closeTo(-Math.SQRT1_2, 15)]);
    expect(R.data[0] / 1e308).toBeCloseTo(-Math.SQRT2, 14);
  });

  it("SVD of subnormals: σ was Infinity, or E_NOCONVERGE (2^1074 overflowed the scaling)", () => {
    expect(Array.from(linalg.svd([[5e-324]]).S)).toEqual([5e-324]);
    expect(
      Array.from(
        linalg.svd([
          [5e-324, 0],
          [0, 5e-324],
        ]).S,
      ),
    ).toEqual([5e-324, 5e-324]);
  });

  it("SVD of a Hankel matrix of growth to 1e200 did not converge (NaN from the QR's Householder underflow)", () => {
    const traj = Array.from({ length: 60 }, (_, t) => [10 ** ((200 * t) / 59), 1]);
    const { X } = hankel(traj, { delay: 8 });
    const { U, S, V } = linalg.svd(X);
    expect(S[0]).toBeGreaterThan(1e196);
    const scale = 2 ** -700;
    const As = { rows: X.rows, cols: X.cols, data: X.data.map((v) => v * scale) };
    const R = reconstructSvd(
      U,
      S.map((v) => v * scale),
      V,
    );
    expect(frob(sub(As, R)) / frob(As)).toBeLessThan(1e-13);
  });

  it("eig of a 1e300 matrix returned -Infinity and NaN vectors (no scaling)", () => {
    const A = [
      [1e300, 2e300],
      [3e300, 4e300],
    ];
    const r = linalg.eig(A);
    expect(r.values.re[0] / 1e300).toBeCloseTo(5.372281323269014, 13);
    expect(r.values.re[1] / 1e300).toBeCloseTo(-0.372281323269014, 13);
    expect(
      eigOwnResidual([
        [1, 2],
        [3, 4],
      ]),
    ).toBeLessThan(1e-14);
    // The 1e300 matrix's own eigenpairs: finite vectors, and A v = λ v checked on A and λ
    // scaled by 1e-300 (the residual is scale-invariant; unscaled, ‖A‖² would overflow).
    for (const part of [r.vectors.re, r.vectors.im]) expect(Array.from(part.data).every(Number.isFinite)).toBe(true);
    const scaled = { re: r.values.re.map((v) => v * 1e-300), im: r.values.im.map((v) => v * 1e-300) };
    expect(
      eigResidual(
        A.map((row) => row.map((v) => v * 1e-300)),
        { values: scaled, vectors: r.vectors },
      ),
    ).toBeLessThan(1e-14);
  });

  it("eig vectors were 1e-7 inaccurate after strong balancing (D magnified the error of small components)", () => {
    expect(
      eigOwnResidual([
        [1, 0, 1e-10],
        [0, 0.5, 0.594],
        [1e-10, 0, 0.2],
      ]),
    ).toBeLessThan(1e-14);
    expect(
      eigOwnResidual([
        [1, 0, 7.6e-50],
        [-9.5e-50, 3.9e-7, 0.594],
        [1.8e-50, 0, -4.5e-50],
      ]),
    ).toBeLessThan(1e-14);
  });

  it("eig of 1.8e308 beside a block of ones did not converge; entries spanning beyond float64 give E_NOCONVERGE, not NaN", () => {
    const A = Array.from({ length: 4 }, (_, i) =>
      Array.from({ length: 4 }, (_, j) => (i === 0 && j === 0 ? -1.7976931348623157e308 : Math.sin(i + 2 * j))),
    );
    const r = linalg.eig(A);
    expect(r.values.re[0]).toBe(-1.7976931348623157e308);
    expect(Array.from(r.vectors.re.data).every(Number.isFinite)).toBe(true);
    // Entries 1e-300 beside 1.6e25 (a span of 1e325): NaN eigenvectors before.
    const B = [
      [9.659740590152263e-301, -1.6300185926214792e25, -4.922786278649901e-302],
      [-1.808915033144518e-301, 1.3060548291241843e-300, -1.2513702872399978e-300],
      [-1.634414901027784e-300, 9.436811497095164e-301, 1.0903569016386006e-300],
    ];
    expect(code(() => linalg.eig(B))).toBe("E_NOCONVERGE");
  });

  it("eig with vectors of integers beside one entry 1e201 times larger stalled unbalanced (the vectors' no-balancing rule; now a last attempt flushes entries below 2^-60 of the largest)", () => {
    const A = buildMatrix({
      rows: 15,
      cols: 15,
      mode: "integers",
      scale: 1e-300,
      seed: 79452961,
      plants: [[78, -1.7299338373141985e-99]],
    });
    const r = linalg.eig(A);
    expect(Array.from(r.vectors.re.data).every(Number.isFinite)).toBe(true);
    expect(r.values.re.length).toBe(15);
  });

  it("lstsq of subnormal A, b returned x = Infinity (now scaled: x = 1)", () => {
    const r = linalg.lstsq([[5e-324], [5e-324]], [5e-324, 5e-324]);
    expect(r.x[0]).toBeCloseTo(1, 14);
  });

  it("results beyond float64 came back as Infinity or NaN; now E_TOO_LARGE naming the result", () => {
    expect(code(() => linalg.gemm([[1e300]], [[1e300]]))).toBe("E_TOO_LARGE");
    expect(code(() => linalg.dot([1e300, -1e300], [1e300, 1e300]))).toBe("E_TOO_LARGE");
    expect(code(() => linalg.gram([[1e200, 1]]))).toBe("E_TOO_LARGE");
    expect(code(() => linalg.gemv([[1e300, 1e300]], [1e300, 1]))).toBe("E_TOO_LARGE");
    expect(code(() => linalg.axpy(1e300, [1e300], [0]))).toBe("E_TOO_LARGE");
    expect(code(() => linalg.lstsq([[1e-300]], [1e300]))).toBe("E_TOO_LARGE");
    expect(
      code(() =>
        linalg.svd([
          [1.7e308, 1.7e308],
          [1.7e308, 1.7e308],
        ]),
      ),
    ).toBe("E_TOO_LARGE");
    expect(code(() => linalg.qr([[1.7e308], [1.7e308]]))).toBe("E_TOO_LARGE");
    expect(code(() => dmd([[1, 2]], [[2, 4]]).predict(2000))).toBe("E_TOO_LARGE"); // was NaN (0 · Infinity)
    // …while large results that fit are returned.
    expect(linalg.gemm([[1e150]], [[1e150]]).data[0]).toBeCloseTo(1e300, -285);
  });

  it("estimate of a window near 1.8e308 threw E_INTERNAL (2^1024 overflowed the scaling)", () => {
    const r = estimateGlobal([[1.7e308], [1.7e308]], { delay: 1, method: "affine" }); // rre/mpe need 3 rows
    expect(r.estimate[0] / 1.7e308).toBeCloseTo(1, 14);
  });

  it("the trust test lost ABSURD_MAGNITUDE from 1e155 up (squared norms overflowed)", () => {
    const traj = Array.from({ length: 20 }, (_, t) => [1 - 0.999 ** (t + 1)]);
    const codes = (s: number) =>
      estimateGlobal(
        traj.map((r) => [r[0] * s]),
        { method: "affine" },
      ).diagnostics.warnings.map((w) => w.code);
    expect(codes(1)).toContain("ABSURD_MAGNITUDE");
    expect(codes(1e200)).toEqual(codes(1));
  });

  it("DMD of subnormal snapshots kept rank 0 (the SVD's σ was Infinity)", () => {
    const r = dmd([[5e-324, 1e-323]], [[1e-323, 1.5e-323]]);
    expect(r.rank).toBe(1);
    expect(r.eigenvalues.re[0]).toBeCloseTo(1.6, 12);
  });

  it("matrix helpers: NaN or string data was accepted, huge sizes threw RangeError, get/toArray/transpose misread input", () => {
    expect(code(() => matrix(1, 2, "ab" as never))).toBe("E_TYPE");
    expect(code(() => matrix(1, 1, [NaN]))).toBe("E_NONFINITE");
    expect(code(() => identity(1e5))).toBe("E_TOO_LARGE");
    expect(code(() => get(identity(2), 5, 5))).toBe("E_SHAPE"); // was undefined
    expect(code(() => toArray(null as never))).toBe("E_TYPE"); // was a TypeError
    expect(transpose([[1, 2]] as never)).toEqual({ rows: 2, cols: 1, data: Float64Array.of(1, 2) }); // was { data: [] }
    expect(code(() => toMatrix([[1]], "A", null as never))).toBe("E_OPTION"); // was a TypeError
    expect(code(() => toMatrix({ rows: 1e6, columns: 1e6, get: () => 0 }, "A"))).toBe("E_TOO_LARGE");
  });

  it("options: a bad gemm beta without C passed silently; a Symbol or string axpy scalar threw TypeError / E_NONFINITE", () => {
    expect(code(() => linalg.gemm([[1]], [[1]], { beta: "x" as never }))).toBe("E_OPTION");
    expect(code(() => linalg.axpy(Symbol("a") as never, [1], [2]))).toBe("E_TYPE");
    expect(code(() => linalg.axpy("2" as never, [1], [2]))).toBe("E_TYPE");
  });

  it("problems with a label of 1e9 or a hidden width of 1e9 threw a bare RangeError", () => {
    const data = { train: { x: [[1]], y: [1e9] }, val: { x: [[1]], y: [0] } };
    expect(code(() => problems.softmax(data))).toBe("E_TOO_LARGE");
    expect(code(() => problems.mlp({ train: { x: [[1]], y: [1] }, val: { x: [[1]], y: [0] } }, { hidden: 1e9 }))).toBe(
      "E_TOO_LARGE",
    );
  });

  it("WebAssembly memory: a full 4 GiB threw a raw RuntimeError, and pointers past 2 GiB a RangeError", () => {
    const held: GlocalEstimator[] = [];
    try {
      // Two 1 GiB ring buffers push the next scratch allocations past 2 GiB.
      for (let i = 0; i < 2; i++) held.push(new GlocalEstimator({ dim: 1, window: 134217720 }));
      const A = { rows: 1200, cols: 1200, data: new Float64Array(1200 * 1200).fill(1) };
      expect(linalg.gemm(A, A).data[0]).toBe(1200); // was "Start offset -2147403088 is outside the bounds"
      let err = "ok";
      try {
        for (let i = 0; i < 3; i++) held.push(new GlocalEstimator({ dim: 1, window: 134217720 }));
      } catch (e) {
        err = (e as GlocalError).code ?? String(e);
      }
      expect(err).toBe("E_TOO_LARGE"); // was RuntimeError: unreachable
    } finally {
      for (const e of held) e.dispose();
    }
    expect(memoryStats().openScratchBlocks).toBe(0);
    expect(
      Array.from(
        linalg.svd([
          [3, 0],
          [0, 4],
        ]).S,
      ),
    ).toEqual([4, 3]);
  });

  it("DMD of X beside a Y 1e450 times larger returned rank 0 (one common scale flushed X); its eigenvalue is beyond float64", () => {
    expect(code(() => dmd([[1e-150, 2e-150]], [[1e300, 3e300]]))).toBe("E_TOO_LARGE");
    const r = dmd([[1e-150, 2e-150, 4e-150]], [[2e-150, 4e-150, 8e-150]]);
    expect(r.rank).toBe(1);
    expect(r.eigenvalues.re[0]).toBeCloseTo(2, 12);
  });

  it("Problem.evaluate returned loss Infinity for data at 1e300 (now E_DIVERGED, as InnerTraining's losses)", () => {
    const p = problems.linear(
      {
        train: {
          x: [
            [1e300, 1],
            [2e300, 1],
          ],
          y: [1, 2],
        },
        val: { x: [[1e300, 1]], y: [1] },
      },
      { initScale: 1 },
    );
    try {
      expect(code(() => p.evaluate(p.initialTheta()))).toBe("E_DIVERGED");
    } finally {
      p.dispose();
    }
  });

  it("optimize threw E_OPTION when a meta step sent log lr to -7730 (now a rejected, divergent update)", () => {
    const p = problems.linear({ train: { x: [[1]], y: [1] }, val: { x: [[1]], y: [1] } });
    try {
      const r = optimize({
        problem: p,
        optimizer: optimizers.momentum({ lr: 1000, wd: 0.01 }),
        hyper: ["lr", "wd"],
        strategy: "global",
        innerSteps: 1,
        outerSteps: 3,
        metaOptimizer: { kind: "sgd", lr: 0.1 },
        seed: 1,
      });
      expect(["done", "diverged"]).toContain(r.stopped);
      expect(r.final.phi.every(Number.isFinite)).toBe(true);
    } finally {
      p.dispose();
    }
  });

  it("optimize with strategy glocal and a window of 1 step threw E_OPTION about the estimator's window", () => {
    const p = problems.linear({ train: { x: [[1], [2]], y: [1, 2] }, val: { x: [[1]], y: [1] } });
    try {
      const r = optimize({
        problem: p,
        optimizer: optimizers.sgd({ lr: 0.05, wd: 0.01 }),
        hyper: ["lr", "wd"],
        strategy: "glocal",
        innerSteps: 3,
        window: 1,
      });
      expect(r.stopped).toBe("done");
      expect(r.counts.fallbacks).toBe(3); // one row per window: nothing to estimate from, h_m is used
    } finally {
      p.dispose();
    }
  });

  it("optimize (global) threw E_DIVERGED when it gave up on a run that kept diverging (result() read the diverged session)", () => {
    const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(3 * i), 1]);
    const p = problems.linear({
      train: { x, y: x.map((r) => r[0] - r[1]) },
      val: { x: x.slice(0, 4), y: [0, 1, 2, 3] },
    });
    try {
      const r = optimize({
        problem: p,
        optimizer: optimizers.sgd({ lr: 1000, wd: 0.01 }),
        hyper: ["lr", "wd"],
        strategy: "global",
        innerSteps: 200,
        outerSteps: 2,
      });
      expect(r.stopped).toBe("diverged");
      expect(Number.isFinite(r.final.valLoss) && Number.isFinite(r.final.trainLoss)).toBe(true);
    } finally {
      p.dispose();
    }
  });

  it("eig of a matrix with a repeated complex pair listed +i, +i, −i, −i (long property run): pairs stay adjacent", () => {
    const A = [
      [0, 0, -128, -128],
      [0, 0, -128, 0],
      [0, 127, 0, 0],
      [127, -1, 0, 0],
    ];
    const r = linalg.eig(A);
    for (let j = 0; j < 4; j += 2) {
      expect(r.values.im[j]).toBeGreaterThan(0);
      expect(r.values.im[j + 1]).toBe(-r.values.im[j]);
      expect(r.values.re[j + 1]).toBe(r.values.re[j]);
    }
    expect(eigResidual(A, r)).toBeLessThan(1e-12);
  });

  it("SVD of a matrix with singular values from 1e270 down to 1e-18: V lost orthogonality (1e-8) to rotations built from subnormals (long property run)", () => {
    const a = [
      0.6746821715029997, -0.15239910501348575, -1.1286751087811138, 0.5665388597799212, 0.5730757951558016,
      1.8133652593691945, -1.8591973472299004, 0.3646945420485253, 0.33075610366158836, -1.1197932257758827,
      -0.20104690529501273, -0.8788800224643261,
    ];
    const A = {
      rows: 6,
      cols: 6,
      data: Float64Array.from([
        a[0],
        a[1],
        a[0],
        a[1],
        a[0],
        a[1],
        a[2],
        a[3],
        a[2],
        a[3],
        a[2],
        a[3],
        a[4],
        a[5],
        a[4],
        a[5],
        a[4],
        a[5],
        a[6],
        8.822203353020378e54,
        1.5721144035412286e270,
        a[11],
        a[6],
        a[11],
        a[7],
        a[8],
        a[7],
        a[8],
        a[7],
        a[8],
        a[9],
        a[10],
        a[9],
        a[10],
        a[9],
        a[10],
      ]),
    };
    const r = linalg.svd(A);
    expect(orthogonalityError(r.V)).toBeLessThan(1e-14);
    expect(orthogonalityError(r.U)).toBeLessThan(1e-14);
    expect(r.S[0]).toBe(1.5721144035412286e270);
  });

  it("reference products still agree after the changes (sanity)", () => {
    const A: Matrix = { rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 4) };
    expect(relDiff(linalg.gemm(A, A).data, refGemm(A, A).data)).toBe(0);
  });
});
