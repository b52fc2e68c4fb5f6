/**
 * Properties of the factorisations (qr, svd, eig, lstsq). They are scale invariant, so
 * they must work for any finite input, subnormal to 1.8e308: the identities (A = QR,
 * A = USVᵀ with orthonormal factors, Av = λv, Aᵀ(Ax − b) ≈ 0) are checked after an exact
 * power-of-two rescaling, with tolerances relative to ‖A‖. E_TOO_LARGE is allowed only
 * where a result (R, σ, λ, x) may really exceed float64.
 */
import fc from "fast-check";
import { GlocalErrorCode, linalg } from "../../src/index";
import type { Matrix } from "../../src/index";
import {
  coupled,
  matrixCase,
  materialize,
  materializeVector,
  options,
  vectorCase,
  wrongValue,
} from "../support/property/arbitraries";
import { allFinite, assert, contract } from "../support/property/contract";
import {
  EPS,
  expOf,
  magnitudeSpan,
  maxAbs,
  mul,
  norm2,
  orthogonalityError,
  scaled,
  scalbn,
  sub,
  transpose,
} from "../support/property/numeric";
import { classifyMatrix, classifyVector, codesOf } from "../support/property/reference";
import { check, writeSummaryPart } from "../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

/** Results that may exceed float64: a norm bound above this. */
const NEAR_MAX = 1e307;

const orthoTol = (m: number, n: number) => Math.max(1e-13, 40 * EPS * Math.max(m, n));

/**
 * The spacing of subnormal results, 2^-1074, in units scaled by 2^-e: a result (R, σ, λ,
 * x) of a matrix of subnormals is rounded to that grid, and no more accurate.
 */
const ulp = (e: number) => scalbn(2 ** -1074, -e);

/** ‖A − F‖_F ≤ tol ‖A‖_F after scaling both by 2^-e (e from A), plus rounding to subnormals. */
function expectReconstructs(A: Matrix, F: Float64Array, e: number, tol: number, what: string): void {
  const a = scaled(A.data, e);
  const r = norm2(sub(a, F)),
    na = norm2(a);
  const floor = A.rows * A.cols * ulp(e) + 2 ** -1000;
  assert(r <= tol * na + floor, () => `${what}: ‖A − reconstruction‖ = ${r}, ‖A‖ = ${na} (scaled by 2^${-e})`);
}

describe("qr", () => {
  it("A = QR with orthonormal Q and upper-triangular R, or a typed error", () => {
    check("linalg.qr", matrixCase(), (c) => {
      const A = materialize(c);
      const a = classifyMatrix(A);
      const mayOverflow = !!a.ok && Math.sqrt(a.ok.rows) * maxAbs(a.ok.data) > NEAR_MAX;
      contract([A], () => linalg.qr(A as Matrix), {
        codes: codesOf(a) as Set<GlocalErrorCode>,
        mayOverflow,
        rejects: !a.ok,
        check: ({ Q, R }) => {
          const { rows: m, cols: n } = a.ok as Matrix;
          const k = Math.min(m, n);
          assert(Q.rows === m && Q.cols === k && R.rows === k && R.cols === n, "wrong shapes");
          allFinite(Q.data, "Q");
          allFinite(R.data, "R");
          for (let i = 0; i < k; i++)
            for (let j = 0; j < Math.min(i, n); j++) assert(R.data[i * n + j] === 0, "R is not upper triangular");
          assert(orthogonalityError(Q) <= orthoTol(m, n), `QᵀQ ≠ I (${orthogonalityError(Q)})`);
          const e = expOf(maxAbs((a.ok as Matrix).data));
          expectReconstructs(a.ok as Matrix, mul(Q.data, m, k, scaled(R.data, e), n), e, orthoTol(m, n), "QR");
        },
      });
    });
  });
});

describe("svd", () => {
  const arb = fc.record({
    A: matrixCase(),
    opts: options(fc.record({ vectors: fc.boolean() }, { requiredKeys: [] }), fc.record({ vectors: wrongValue })),
  });
  it("A = U diag(S) Vᵀ with orthonormal U, V and S descending ≥ 0, or a typed error", () => {
    check("linalg.svd", arb, (c) => {
      const A = materialize(c.A);
      const a = classifyMatrix(A);
      const codes = codesOf(a);
      if (c.opts.bad) codes.add("E_OPTION");
      const mayOverflow = !!a.ok && Math.sqrt(a.ok.rows * a.ok.cols) * maxAbs(a.ok.data) > NEAR_MAX;
      const vectors = (c.opts.value as { vectors?: boolean } | undefined)?.vectors !== false;
      contract([A, c.opts.value], () => linalg.svd(A as Matrix, c.opts.value as never), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow,
        rejects: codes.size > 0, // a broken A or bad options: every code here is owed
        check: ({ U, S, V }) => {
          const { rows: m, cols: n } = a.ok as Matrix;
          const k = Math.min(m, n);
          assert(S.length === k, "wrong number of singular values");
          allFinite(S, "S");
          for (let i = 0; i < k; i++)
            assert(S[i] >= 0 && (i === 0 || S[i] <= S[i - 1]), "S is not descending and non-negative");
          const e = expOf(maxAbs((a.ok as Matrix).data));
          // σ₁ = ‖A‖₂ lies between ‖A‖_F/√k and ‖A‖_F.
          const fro = norm2(scaled((a.ok as Matrix).data, e)),
            s1 = scalbn(S[0] ?? 0, -e),
            fl = k * ulp(e) + 2 ** -1000;
          assert(
            s1 <= fro * (1 + 1e-12) + fl && s1 * Math.sqrt(k) >= fro * (1 - 1e-12) - fl * Math.sqrt(k),
            `σ₁ = ${S[0]} inconsistent with ‖A‖_F`,
          );
          if (!vectors) {
            assert(U.rows === 0 && V.rows === 0, "vectors: false must return empty U, V");
            return;
          }
          assert(U.rows === m && U.cols === k && V.rows === n && V.cols === k, "wrong shapes");
          allFinite(U.data, "U");
          allFinite(V.data, "V");
          assert(orthogonalityError(U) <= orthoTol(m, n), `UᵀU ≠ I (${orthogonalityError(U)})`);
          assert(orthogonalityError(V) <= orthoTol(m, n), `VᵀV ≠ I (${orthogonalityError(V)})`);
          const US = U.data.slice();
          const Ss = scaled(S, e);
          for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) US[i * k + j] *= Ss[j];
          expectReconstructs(a.ok as Matrix, mul(US, m, k, transpose(V).data, n), e, orthoTol(m, n), "USVᵀ");
        },
      });
    });
  });
});

describe("eig", () => {
  const square = fc.record({
    n: fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) },
    ),
    A: matrixCase(),
    square: coupled,
  });
  const arb = fc.record({
    S: square,
    opts: options(fc.record({ vectors: fc.boolean() }, { requiredKeys: [] }), fc.record({ vectors: wrongValue })),
  });
  it("A v = λ v for unit v, eigenvalues sorted with conjugate pairs and summing to tr A, or a typed error", () => {
    check("linalg.eig", arb, (c) => {
      const spec = c.S.square ? { ...c.S.A.spec, rows: c.S.n, cols: c.S.n } : c.S.A.spec;
      const A = materialize({ ...c.S.A, spec });
      const a = classifyMatrix(A);
      const codes = codesOf(a);
      if (c.opts.bad) codes.add("E_OPTION");
      if (a.ok && a.ok.rows !== a.ok.cols) codes.add("E_SHAPE");
      const rejects = codes.size > 0; // a broken or non-square A, or bad options (E_NOCONVERGE below is only allowed)
      const mayOverflow = !!a.ok && a.ok.rows * maxAbs(a.ok.data) > NEAR_MAX;
      // Entries spanning more than float64 itself (2^800 and up) may stall the iteration in
      // underflow: E_NOCONVERGE (documented) is then allowed, a NaN never.
      if (a.ok && a.ok.rows === a.ok.cols && magnitudeSpan(a.ok.data) > 800) codes.add("E_NOCONVERGE");
      const vectors = (c.opts.value as { vectors?: boolean } | undefined)?.vectors !== false;
      contract([A, c.opts.value], () => linalg.eig(A as Matrix, c.opts.value as never), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow,
        rejects,
        check: ({ values, vectors: V }) => {
          const M = a.ok as Matrix,
            n = M.rows;
          assert(values.re.length === n && values.im.length === n, "wrong number of eigenvalues");
          allFinite(values.re, "λ.re");
          allFinite(values.im, "λ.im");
          const e = expOf(maxAbs(M.data));
          const As = scaled(M.data, e),
            re = scaled(values.re, e),
            im = scaled(values.im, e);
          const normA = norm2(As);
          const mod = (i: number) => Math.hypot(re[i], im[i]);
          // (Sorted before rounding to the subnormal grid, which may swap near-equal moduli.)
          for (let i = 1; i < n; i++)
            assert(mod(i) <= mod(i - 1) * (1 + 1e-14) + 4 * ulp(e) + 2 ** -1000, "eigenvalues not sorted by modulus");
          for (let i = 0; i < n; i++) {
            if (im[i] > 0)
              assert(
                i + 1 < n && values.re[i + 1] === values.re[i] && values.im[i + 1] === -values.im[i],
                "complex eigenvalue without its conjugate next to it",
              );
          }
          let trace = 0,
            sum = 0;
          for (let i = 0; i < n; i++) {
            trace += As[i * n + i];
            sum += re[i];
          }
          assert(
            Math.abs(trace - sum) <= 1e-10 * n * normA + n * ulp(e) + 2 ** -1000,
            `Σλ = ${sum} but tr A = ${trace} (scaled)`,
          );
          if (!vectors) return;
          assert(V.re.rows === n && V.re.cols === n && V.im.rows === n, "wrong vector shapes");
          allFinite(V.re.data, "V.re");
          allFinite(V.im.data, "V.im");
          for (let j = 0; j < n; j++) {
            let vn = 0,
              res = 0;
            for (let i = 0; i < n; i++) vn += V.re.data[i * n + j] ** 2 + V.im.data[i * n + j] ** 2;
            for (let i = 0; i < n; i++) {
              let ar = 0,
                ai = 0;
              for (let p = 0; p < n; p++) {
                ar += As[i * n + p] * V.re.data[p * n + j];
                ai += As[i * n + p] * V.im.data[p * n + j];
              }
              const vr = V.re.data[i * n + j],
                vi = V.im.data[i * n + j];
              res += (ar - (re[j] * vr - im[j] * vi)) ** 2 + (ai - (re[j] * vi + im[j] * vr)) ** 2;
            }
            assert(Math.abs(Math.sqrt(vn) - 1) <= 1e-12, `eigenvector ${j} has norm ${Math.sqrt(vn)}`);
            assert(
              Math.sqrt(res) <= 1e-10 * normA + 2 * ulp(e) + 2 ** -1000,
              `‖A v − λ v‖ = ${Math.sqrt(res)} for eigenpair ${j} (‖A‖ = ${normA}, scaled)`,
            );
          }
        },
      });
    });
  });
});

/**
 * x against the truncated-SVD minimum-norm solution V Σ⁺ Uᵀ b, Σ⁺ keeping 1/σᵢ for
 * σᵢ > rcond·σ₁ (the documented cutoff), computed here from linalg.svd of A (A, B, X
 * scaled by powers of two). Skipped where a σᵢ lies within 1e-6·σ₁ of the cutoff (the
 * rank is then a matter of rounding).
 */
function expectTruncatedSvdSolution(
  A: Matrix,
  B: Float64Array,
  nrhs: number,
  X: Float64Array,
  rcond: number,
  rank: number,
  xUlp: number,
): void {
  const { rows: m, cols: n } = A,
    k = Math.min(m, n);
  const { U, S, V } = linalg.svd(A);
  const cut = rcond * (S[0] ?? 0);
  for (let i = 0; i < k; i++) if (Math.abs(S[i] - cut) <= 1e-6 * S[0]) return;
  let r = 0;
  while (r < k && S[r] > cut) r++;
  assert(rank === r, `rank ${rank}, but ${r} singular values exceed rcond·σ₁`);
  // x_ref = V_r diag(1/σ) U_rᵀ B
  const t = mul(transpose(U).data, k, m, B, nrhs);
  for (let i = 0; i < k; i++) for (let j = 0; j < nrhs; j++) t[i * nrhs + j] = i < r ? t[i * nrhs + j] / S[i] : 0;
  const ref = mul(V.data, n, k, t, nrhs);
  // Both solutions carry rounding amplified by σ₁/σ_r ≤ 1/rcond and by σ₁/gap ≤ 1e6.
  const scale = norm2(ref) + (r > 0 ? norm2(B) / S[r - 1] : 0);
  const tol = 1e-8 * scale + 4 * Math.sqrt(n * nrhs) * xUlp + 2 ** -1000;
  const err = norm2(sub(X, ref));
  assert(err <= tol, () => `‖x − x_tsvd‖ = ${err} > ${tol} (scaled; rcond ${rcond}, rank ${r} of ${k})`);
}

describe("lstsq", () => {
  const arb = fc.record({
    A: matrixCase(),
    b: vectorCase(),
    B: matrixCase(),
    asMatrix: fc.boolean(),
    coupled,
    opts: options(
      fc.record({ rcond: fc.constantFrom(0, 1e-12, 1e-6, 0.5) }, { requiredKeys: [] }),
      fc.record({ rcond: fc.constantFrom<unknown>(1, -1, "x", NaN, null) }),
    ),
  });
  it("x minimises ‖Ax − b‖: Aᵀ(Ax − b) ≈ 0 relative to ‖A‖(‖A‖‖x‖ + ‖b‖), or a typed error", () => {
    check("linalg.lstsq", arb, (c) => {
      const m = c.A.spec.rows;
      const A = materialize(c.A);
      const B = c.asMatrix
        ? materialize(
            c.coupled ? { ...c.B, spec: { ...c.B.spec, rows: m, cols: Math.max(1, Math.min(c.B.spec.cols, 5)) } } : c.B,
          )
        : materializeVector(c.coupled ? { ...c.b, spec: { ...c.b.spec, cols: m } } : c.b);
      const a = classifyMatrix(A);
      // The library reads a typed array, or an array of numbers (or of non-rows), as a vector.
      const asVector =
        ArrayBuffer.isView(B) ||
        (Array.isArray(B) &&
          (B.length === 0 || ["number", "string", "undefined"].includes(typeof B[0]) || B[0] === null));
      const bv = asVector ? classifyVector(B) : null,
        bm = asVector ? null : classifyMatrix(B);
      const b = (bv ?? bm)!;
      const codes = codesOf(a, b);
      const opts = c.opts.value as { rcond?: number } | undefined;
      if (c.opts.bad) codes.add("E_OPTION");
      let Bm: Matrix | null = null;
      if (bv?.ok) Bm = { rows: bv.ok.length, cols: 1, data: bv.ok };
      if (bm?.ok) Bm = bm.ok;
      if (a.ok && Bm && !c.opts.bad && Bm.rows !== a.ok.rows) codes.add("E_SHAPE");
      let mayOverflow = false;
      if (a.ok && Bm) {
        // ‖x‖ ≤ ‖b‖ / σ_r with σ_r > rcond·σ₁ ≥ rcond‖A‖_F/√k.
        const k = Math.min(a.ok.rows, a.ok.cols);
        const rcond = !c.opts.bad && opts?.rcond !== undefined ? opts.rcond : EPS * Math.max(a.ok.rows, a.ok.cols);
        const lb = Math.log2(norm2(Bm.data) || 1) - Math.log2((rcond * norm2(a.ok.data)) / Math.sqrt(k) || 0);
        mayOverflow = !(lb < 1000);
      }
      contract([A, B, c.opts.value], () => linalg.lstsq(A as Matrix, B as never, c.opts.value as never), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow,
        rejects: codes.size > 0, // a broken A or b, rows that differ, or bad options
        check: (r) => {
          const M = a.ok as Matrix,
            Bmat = Bm as Matrix,
            n = M.cols,
            nrhs = Bmat.cols;
          const xdata = asVector ? (r.x as unknown as Float64Array) : (r.x as unknown as Matrix).data;
          assert(xdata.length === n * nrhs, "wrong solution size");
          if (!asVector)
            assert(
              (r.x as unknown as Matrix).rows === n && (r.x as unknown as Matrix).cols === nrhs,
              "wrong solution shape",
            );
          allFinite(xdata, "x");
          assert(Number.isInteger(r.rank) && r.rank >= 0 && r.rank <= Math.min(M.rows, n), `rank ${r.rank}`);
          assert(r.method === "qr" || r.method === "svd", "unknown method");
          const ea = expOf(maxAbs(M.data)),
            eb = expOf(maxAbs(Bmat.data));
          if (eb - ea < -900) return; // the exact x is below the float64 range: it underflows
          const As = scaled(M.data, ea),
            Bs = scaled(Bmat.data, eb),
            Xs = scaled(xdata, eb - ea);
          // A solution near the top of the range (rcond 0 on an ill-conditioned A): the
          // check's own products would overflow; finiteness was checked.
          if (!(norm2(Xs) * norm2(As) < 1e300)) return;
          const R = sub(mul(As, M.rows, n, Xs, nrhs), Bs);
          const g = mul(transpose({ rows: M.rows, cols: n, data: As }).data, n, M.rows, R, nrhs);
          const nA = norm2(As),
            nB = norm2(Bs),
            nX = norm2(Xs);
          const rcond = opts?.rcond ?? EPS * Math.max(M.rows, n);
          const tol =
            200 * EPS * Math.max(M.rows, n) * nA * (nA * nX + nB) +
            2 * Math.max(rcond, EPS) * nA * nB * Math.sqrt(nrhs) +
            nA * nA * Math.sqrt(n * nrhs) * ulp(eb - ea) +
            2 ** -1000;
          assert(
            norm2(g) <= tol,
            () => `‖Aᵀ(Ax − b)‖ = ${norm2(g)} > ${tol} (scaled; ‖A‖ ${nA}, ‖x‖ ${nX}, ‖b‖ ${nB}, rank ${r.rank})`,
          );
          // A large rcond (1e-6, 0.5) puts a term 2·rcond·‖A‖‖b‖ in that tolerance, which
          // almost any x passes. There x is checked against what it must be instead.
          if (opts?.rcond !== undefined && opts.rcond >= 1e-6) {
            if (r.method === "qr") {
              // Full rank by the pivoted QR: the exact least-squares solution, so the normal
              // equations hold to rounding, without the truncation term.
              assert(r.rank === n, `method qr with rank ${r.rank} < ${n}`);
              const tight =
                200 * EPS * Math.max(M.rows, n) * nA * (nA * nX + nB) +
                nA * nA * Math.sqrt(n * nrhs) * ulp(eb - ea) +
                2 ** -1000;
              assert(norm2(g) <= tight, () => `qr solution: ‖Aᵀ(Ax − b)‖ = ${norm2(g)} > ${tight} (scaled)`);
            } else {
              expectTruncatedSvdSolution(
                { rows: M.rows, cols: n, data: As },
                Bs,
                nrhs,
                Xs,
                opts.rcond,
                r.rank,
                ulp(eb - ea),
              );
            }
          }
        },
      });
    });
  });
});
