/**
 * Properties of the products (gemm, gram, gemv, dot, axpy, norm) over shapes 0…400,
 * values from 5e-324 to 1.8e308, and malformed inputs. Contract for overflow: a product
 * whose exact value may leave float64 (|α|·|A||B| + |β||C| > 1e300) either returns a
 * finite result or throws E_TOO_LARGE; any smaller one must succeed and be accurate.
 */
import fc from "fast-check";
import { GlocalErrorCode, linalg } from "../../src/index";
import {
  MatrixCase,
  VectorCase,
  coupled,
  finite,
  matrixCase,
  materialize,
  materializeVector,
  options,
  vectorCase,
  wrongValue,
  dim,
} from "../support/property/arbitraries";
import { allFinite, assert, contract } from "../support/property/contract";
import { EPS, expOf, maxAbs, scalbn } from "../support/property/numeric";
import { Classified, classifyMatrix, classifyVector, codesOf } from "../support/property/reference";
import { check, writeSummaryPart } from "../support/property/summary";
import type { Matrix } from "../../src/index";

afterAll(() => writeSummaryPart(__filename));

const OVERFLOW = 1e300;

/** op(A) as row-major data. */
function op(m: Matrix, t: boolean): Matrix {
  if (!t) return m;
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  return { rows: m.cols, cols: m.rows, data: out };
}

/**
 * Reference α A B + β C with a per-entry error bound |α||A||B| + |β||C|, in plain float64:
 * each product a·b is exact up to rounding (its underflow is below the noise floor), and
 * where a sum overflows, so does the bound, and only finiteness is checked.
 */
function reference(
  A: Matrix,
  B: Matrix,
  alpha: number,
  C: Matrix | null,
  beta: number,
): { ref: Float64Array; bound: Float64Array } {
  const m = A.rows,
    k = A.cols,
    n = B.cols;
  const ref = new Float64Array(m * n),
    bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0,
        t = 0;
      for (let p = 0; p < k; p++) {
        const x = A.data[i * k + p] * B.data[p * n + j];
        s += x;
        t += Math.abs(x);
      }
      const c = C ? C.data[i * n + j] : 0;
      // α = 0: op(A) op(B) is not referenced (the BLAS convention), so an overflowing product
      // adds nothing -- not 0·∞ = NaN, which hid an overflowing β·C from the bound (long run, seed 930545599).
      ref[i * n + j] = (alpha === 0 ? 0 : alpha * s) + (C ? beta * c : 0);
      bound[i * n + j] = (alpha === 0 ? 0 : Math.abs(alpha) * t) + (C ? Math.abs(beta * c) : 0);
    }
  }
  return { ref, bound };
}

/** |got − ref| ≤ (k+2)·4ε·bound + underflow noise, entry by entry. */
function expectClose(
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  bound: ArrayLike<number>,
  k: number,
  what: string,
): void {
  allFinite(got, what);
  for (let i = 0; i < got.length; i++) {
    if (!(bound[i] <= OVERFLOW)) continue; // near the top of the range only finiteness is promised
    const tol = (k + 2) * 4 * EPS * bound[i] + (k + 2) * 2 ** -1070;
    assert(
      Math.abs(got[i] - ref[i]) <= tol,
      () => `${what}[${i}] = ${got[i]}, reference ${ref[i]} (bound ${bound[i]})`,
    );
  }
}

const mayOverflow = (bound: ArrayLike<number>) => !(maxAbs(bound) <= OVERFLOW);

describe("gemm", () => {
  const arb = fc
    .record({
      m: dim,
      k: dim,
      n: dim,
      A: matrixCase(),
      B: matrixCase(),
      C: matrixCase(),
      coupled,
      opts: options(
        fc.record(
          { transA: fc.boolean(), transB: fc.boolean(), alpha: finite, withC: fc.boolean(), beta: finite },
          { requiredKeys: [] },
        ),
        fc.record({ transA: wrongValue }).map((o) => o as Record<string, unknown>),
      ),
    })
    .filter((c) => c.m * c.k <= 2400 && c.k * c.n <= 2400 && c.m * c.n <= 2400);

  it("returns α op(A) op(B) + β C to working accuracy, or a typed error", () => {
    check("linalg.gemm", arb, (c) => {
      const o = (c.opts.value ?? {}) as {
        transA?: boolean;
        transB?: boolean;
        alpha?: number;
        withC?: boolean;
        beta?: number;
      };
      const transA = !c.opts.bad && o.transA === true,
        transB = !c.opts.bad && o.transB === true;
      // Mostly compatible shapes (A is m × k as op(A), B is k × n as op(B)).
      const shapeA: MatrixCase = c.coupled
        ? { ...c.A, spec: { ...c.A.spec, rows: transA ? c.k : c.m, cols: transA ? c.m : c.k } }
        : c.A;
      const shapeB: MatrixCase = c.coupled
        ? { ...c.B, spec: { ...c.B.spec, rows: transB ? c.n : c.k, cols: transB ? c.k : c.n } }
        : c.B;
      const shapeC: MatrixCase = { ...c.C, spec: { ...c.C.spec, rows: c.m, cols: c.n } };
      const A = materialize(shapeA),
        B = materialize(shapeB);
      const Cin = !c.opts.bad && o.withC ? materialize(shapeC) : undefined;
      let optsIn: unknown = c.opts.value;
      if (!c.opts.bad && c.opts.value !== undefined) {
        const { withC: _w, ...rest } = o;
        optsIn = Cin === undefined ? rest : { ...rest, C: Cin };
      }
      const a = classifyMatrix(A),
        b = classifyMatrix(B),
        cc: Classified<Matrix> | null = Cin === undefined ? null : classifyMatrix(Cin);
      const codes = codesOf(a, b, ...(cc ? [cc] : []));
      if (c.opts.bad) {
        codes.add("E_OPTION");
        codes.add("E_SHAPE");
      }
      let bound: Float64Array | null = null,
        ref: Float64Array | null = null;
      if (a.ok && b.ok && !c.opts.bad) {
        // Shapes are checked as soon as A and B are known (before C is converted).
        const oa = op(a.ok, transA),
          ob = op(b.ok, transB);
        if (oa.cols !== ob.rows || (cc?.ok && (cc.ok.rows !== oa.rows || cc.ok.cols !== ob.cols))) codes.add("E_SHAPE");
        else if (!codes.size)
          ({ ref, bound } = reference(oa, ob, o.alpha ?? 1, cc?.ok ?? null, cc ? (o.beta ?? 1) : 0));
      }
      contract([A, B, optsIn], () => linalg.gemm(A as Matrix, B as Matrix, optsIn as never), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow: bound !== null && mayOverflow(bound),
        rejects: codes.size > 0,
        check: (r) => {
          assert(ref !== null && bound !== null, "succeeded on invalid input");
          const k = transA ? (a.ok as Matrix).rows : (a.ok as Matrix).cols;
          assert(r.rows * r.cols === ref.length && r.data.length === ref.length, "wrong result shape");
          expectClose(r.data, ref, bound, k, "C");
        },
      });
    });
  });
});

describe("gram", () => {
  it("returns XᵀX, exactly symmetric with a non-negative diagonal, or a typed error", () => {
    check("linalg.gram", matrixCase(), (c) => {
      const X = materialize(c);
      const x = classifyMatrix(X);
      let ref: Float64Array | null = null,
        bound: Float64Array | null = null;
      if (x.ok) ({ ref, bound } = reference(op(x.ok, true), x.ok, 1, null, 0));
      contract([X], () => linalg.gram(X as Matrix), {
        codes: codesOf(x) as Set<GlocalErrorCode>,
        mayOverflow: bound !== null && mayOverflow(bound),
        rejects: !x.ok,
        check: (G) => {
          const p = (x.ok as Matrix).cols;
          assert(G.rows === p && G.cols === p, "wrong shape");
          expectClose(G.data, ref as Float64Array, bound as Float64Array, (x.ok as Matrix).rows, "G");
          for (let i = 0; i < p; i++) {
            assert(G.data[i * p + i] >= 0, "negative diagonal");
            for (let j = 0; j < i; j++)
              assert(Object.is(G.data[i * p + j], G.data[j * p + i]), "not exactly symmetric");
          }
        },
      });
    });
  });
});

describe("gemv", () => {
  const arb = fc.record({
    A: matrixCase(),
    x: vectorCase(),
    coupled,
    opts: options(fc.record({ trans: fc.boolean() }, { requiredKeys: [] }), fc.record({ trans: wrongValue })),
  });
  it("returns op(A) x, or a typed error", () => {
    check("linalg.gemv", arb, (c) => {
      const trans = !c.opts.bad && (c.opts.value as { trans?: boolean } | undefined)?.trans === true;
      const need = trans ? c.A.spec.rows : c.A.spec.cols;
      const xc: VectorCase = c.coupled ? { ...c.x, spec: { ...c.x.spec, cols: need } } : c.x;
      const A = materialize(c.A),
        x = materializeVector(xc);
      const a = classifyMatrix(A),
        v = classifyVector(x);
      const codes = codesOf(a, v);
      if (c.opts.bad) codes.add("E_OPTION");
      let ref: Float64Array | null = null,
        bound: Float64Array | null = null;
      if (!codes.size && a.ok && v.ok) {
        const oa = op(a.ok, trans);
        if (oa.cols !== v.ok.length) codes.add("E_SHAPE");
        else ({ ref, bound } = reference(oa, { rows: v.ok.length, cols: 1, data: v.ok }, 1, null, 0));
      }
      contract([A, x, c.opts.value], () => linalg.gemv(A as Matrix, x as number[], c.opts.value as never), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow: bound !== null && mayOverflow(bound),
        rejects: codes.size > 0,
        check: (y) => {
          assert(y instanceof Float64Array && y.length === (ref as Float64Array).length, "wrong length");
          expectClose(y, ref as Float64Array, bound as Float64Array, (v.ok as Float64Array).length, "y");
        },
      });
    });
  });
});

describe("dot, axpy, norm", () => {
  const pair = fc.record({ n: dim, x: vectorCase(), y: vectorCase(), coupled });
  const vectors = (c: { n: number; x: VectorCase; y: VectorCase; coupled: boolean }) => {
    const xs: VectorCase = c.coupled ? { ...c.x, spec: { ...c.x.spec, cols: c.n } } : c.x;
    const ys: VectorCase = c.coupled ? { ...c.y, spec: { ...c.y.spec, cols: c.n } } : c.y;
    return [materializeVector(xs), materializeVector(ys)];
  };

  it("dot returns x·y, or a typed error", () => {
    check("linalg.dot", pair, (c) => {
      const [x, y] = vectors(c);
      const a = classifyVector(x),
        b = classifyVector(y);
      const codes = codesOf(a, b);
      let ref: Float64Array | null = null,
        bound: Float64Array | null = null;
      if (!codes.size && a.ok && b.ok) {
        if (a.ok.length !== b.ok.length) codes.add("E_SHAPE");
        else
          ({ ref, bound } = reference(
            { rows: 1, cols: a.ok.length, data: a.ok },
            { rows: b.ok.length, cols: 1, data: b.ok },
            1,
            null,
            0,
          ));
      }
      contract([x, y], () => linalg.dot(x as number[], y as number[]), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow: bound !== null && mayOverflow(bound),
        rejects: codes.size > 0,
        check: (d) =>
          expectClose([d], ref as Float64Array, bound as Float64Array, (a.ok as Float64Array).length, "dot"),
      });
    });
  });

  it("axpy returns a x + y as a new vector, or a typed error", () => {
    const scalar = fc.oneof(
      { weight: 5, arbitrary: finite },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, "2", null, undefined, 2n, {}) },
    );
    check("linalg.axpy", fc.record({ p: pair, a: scalar }), ({ p, a }) => {
      const [x, y] = vectors(p);
      const u = classifyVector(x),
        v = classifyVector(y);
      const codes = codesOf(u, v);
      if (typeof a !== "number") codes.add("E_TYPE");
      else if (!Number.isFinite(a)) codes.add("E_NONFINITE");
      let bound: Float64Array | null = null;
      if (!codes.size && u.ok && v.ok) {
        if (u.ok.length !== v.ok.length) codes.add("E_SHAPE");
        else bound = u.ok.map((xi, i) => Math.abs(a as number) * Math.abs(xi) + Math.abs((v.ok as Float64Array)[i]));
      }
      contract([x, y], () => linalg.axpy(a as number, x as number[], y as number[]), {
        codes: codes as Set<GlocalErrorCode>,
        mayOverflow: bound !== null && mayOverflow(bound),
        rejects: codes.size > 0,
        check: (r) => {
          const xs = u.ok as Float64Array,
            ys = v.ok as Float64Array;
          assert(
            r.length === xs.length && r !== ys && r !== x && r !== y,
            "axpy must return a new vector of the same length",
          );
          allFinite(r, "axpy");
          for (let i = 0; i < r.length; i++) {
            if (!((bound as Float64Array)[i] <= OVERFLOW)) continue;
            const exact = (a as number) * xs[i] + ys[i];
            assert(
              Math.abs(r[i] - exact) <= 2 * EPS * (bound as Float64Array)[i] + 2 ** -1070,
              () => `axpy[${i}] = ${r[i]}, expected ${exact}`,
            );
          }
        },
      });
    });
  });

  it("norm returns ‖x‖₂ without spurious overflow or underflow, or a typed error", () => {
    check("linalg.norm", vectorCase(), (c) => {
      const x = materializeVector(c);
      const v = classifyVector(x);
      let ref = NaN;
      if (v.ok) {
        const m = maxAbs(v.ok),
          e = expOf(m);
        let s = 0;
        for (const xi of v.ok) s += scalbn(xi, -e) ** 2;
        ref = m === 0 ? 0 : scalbn(Math.sqrt(s), e);
      }
      contract([x], () => linalg.norm(x as number[]), {
        codes: codesOf(v) as Set<GlocalErrorCode>,
        mayOverflow: !(ref <= OVERFLOW),
        rejects: !v.ok,
        check: (r) => {
          assert(Number.isFinite(r) && r >= 0, `norm ${r}`);
          const n = (v.ok as Float64Array).length;
          assert(Math.abs(r - ref) <= (n + 4) * EPS * ref + 2 ** -1070, `norm ${r}, reference ${ref}`);
        },
      });
    });
  });
});
