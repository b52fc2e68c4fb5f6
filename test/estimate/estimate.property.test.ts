/**
 * Properties of the estimator: hankel, dmd, estimateGlobal (every method, rank rule and
 * option, valid or not) and the streaming GlocalEstimator. A result is finite and
 * self-consistent (trusted ⇔ no fatal warning; truncated = h_m; exactly equivariant under
 * scaling by powers of two), or the error is one the inputs may cause.
 */
import fc from "fast-check";
import { GlocalErrorCode, GlocalEstimator, METHODS, dmd, estimateGlobal, hankel, linalg } from "../../src/index";
import type { GlobalEstimate, Matrix } from "../../src/index";
import { gaussian } from "../support/helpers";
import { SCALES, coupled, matrixCase, materialize, wrongValue, options } from "../support/property/arbitraries";
import { allFinite, assert, contract, fail } from "../support/property/contract";
import { magnitudeSpan, maxAbs, norm2 } from "../support/property/numeric";
import { classifyMatrix, codesOf } from "../support/property/reference";
import { check, writeSummaryPart } from "../support/property/summary";
import {
  buildTrajectory,
  mayBeTooShort,
  materializeTrajectory,
  optionsSpec,
  resolveOptions,
  trajCase,
  trajSpec,
} from "../support/property/trajectories";

afterAll(() => writeSummaryPart(__filename));

const WARNING_CODES = [
  "NO_MODE_NEAR_ONE",
  "UNSTABLE_MODE",
  "SLOW_MODE",
  "HELD_OUT_ERROR",
  "POOR_FORECAST",
  "NESTED_DISAGREEMENT",
  "IMPLAUSIBLE_CORRECTION",
  "HORIZON_PRECISION",
  "ABSURD_MAGNITUDE",
  "SINGULAR_FIXED_POINT",
  "DEGENERATE_EXTRAPOLATION",
  "DEFECTIVE_MODES",
  "CONSTANT_TRAJECTORY",
  "ZERO_TRAJECTORY",
  "NO_HELD_OUT_TEST",
  "DIAGNOSTIC_OVERFLOW",
];

/** The self-consistency every estimate owes, whatever its input. */
function checkEstimate(r: GlobalEstimate, traj: Matrix, opts: Record<string, unknown>): void {
  const { rows: m, cols: q } = traj;
  const d = r.diagnostics;
  assert(r.estimate instanceof Float64Array && r.estimate.length === q, "estimate length");
  allFinite(r.estimate, "estimate");
  allFinite(r.eigenvalues.re, "eigenvalues.re");
  allFinite(r.eigenvalues.im, "eigenvalues.im");
  // Beyond float64 in the caller's units (a window near 1.8e308) only with DIAGNOSTIC_OVERFLOW.
  if (!d.warnings.some((w) => w.code === "DIAGNOSTIC_OVERFLOW")) allFinite(d.singularValues, "singularValues");
  else
    assert(
      Array.from(d.singularValues).some((v) => v === Infinity),
      "DIAGNOSTIC_OVERFLOW without an infinite σ",
    );
  assert(
    Array.from(d.singularValues).every((v) => v >= 0 && !Number.isNaN(v)),
    "singularValues NaN or negative",
  );
  // null only when the DMD was skipped (dmdDiagnostics: false and a method that needs no DMD)
  if (d.residual === null) assert(opts.dmdDiagnostics === false, "residual null, yet dmdDiagnostics was not false");
  else assert(Number.isFinite(d.residual) && d.residual >= 0, `residual ${d.residual}`);
  assert(d.heldOutError === null || d.heldOutError >= 0, `heldOutError ${d.heldOutError}`); // Infinity: the documented "failed"
  assert(d.slowestTimeConstant === null || d.slowestTimeConstant >= 0, "slowestTimeConstant");
  // The held-out refit's three ratios: all present with the held-out error, both ≥ 0 (Infinity: failed).
  for (const v of [d.forecastRatio, d.nestedChange, d.correctionRatio])
    assert(v === null ? d.heldOutError === null : v >= 0, `forecastRatio/nestedChange ${v}`);
  assert(METHODS.includes(r.method), `method ${r.method}`);
  if (typeof opts.method === "string" && opts.method !== "auto")
    assert(r.method === opts.method, "method not the one asked for");
  if (typeof opts.delay === "number") assert(r.delay === opts.delay, "delay not the one asked for");
  assert(Number.isInteger(r.delay) && r.delay >= 1 && r.delay < m, `delay ${r.delay}`);
  assert(r.rank >= 0 && r.rank <= q * r.delay && r.eigenvalues.re.length === r.rank, `rank ${r.rank}`);
  assert(r.target === (r.method === "horizon" ? "horizon" : "limit"), "target");
  for (const w of d.warnings)
    assert(WARNING_CODES.includes(w.code) && typeof w.fatal === "boolean" && w.message.length > 0, `warning ${w.code}`);
  assert(r.trusted === d.trusted && r.trusted === !d.warnings.some((w) => w.fatal), "trusted ⇔ no fatal warning");
  assert(
    d.untrustedBecause.join() ===
      d.warnings
        .filter((w) => w.fatal)
        .map((w) => w.code)
        .join(),
    "untrustedBecause is not the fatal warnings' codes",
  );
  assert(
    d.truncated.length === q && d.truncated.every((v, i) => Object.is(v, traj.data[(m - 1) * q + i])),
    "truncated is not h_m",
  );
  if (d.auto)
    for (let i = 1; i < d.auto.length; i++)
      assert(!(d.auto[i].error < d.auto[i - 1].error), "auto candidates not sorted");
}

describe("hankel", () => {
  const arb = fc.record({
    t: trajCase,
    delay: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: wrongValue }),
    full: fc.oneof(fc.constant(undefined), fc.boolean(), wrongValue),
    bare: fc.integer({ min: 0, max: 15 }),
  });
  it("stacks delayed copies exactly: X[i][j] = h_{j + ⌊i/q⌋}[i mod q], Y is X one column on", () => {
    check("hankel", arb, ({ t, delay, full, bare }) => {
      const traj = materializeTrajectory(t);
      const c = classifyMatrix(traj);
      const options = bare === 0 ? undefined : full === undefined ? { delay } : { delay, full };
      const codes = codesOf(c);
      const delayOk = typeof delay === "number" && Number.isInteger(delay) && delay >= 1;
      if (!delayOk || options === undefined || (full !== undefined && typeof full !== "boolean")) codes.add("E_OPTION");
      if (delayOk && options !== undefined && c.ok && c.ok.rows < (delay as number) + 1) codes.add("E_TOO_SHORT");
      contract([traj, options], () => hankel(traj as Matrix, options as never), {
        codes,
        rejects: codes.size > 0,
        check: (res) => {
          const h = c.ok as Matrix,
            d = delay as number,
            q = h.cols,
            N = h.rows - d + 1;
          const entry = (i: number, j: number) => h.data[(j + Math.floor(i / q)) * q + (i % q)];
          if (full === true) {
            const H = (res as unknown as { H: Matrix }).H;
            assert(H.rows === q * d && H.cols === N, "H shape");
            for (let i = 0; i < H.rows; i++)
              for (let j = 0; j < N; j++) assert(Object.is(H.data[i * N + j], entry(i, j)), "H entry");
            return;
          }
          const { X, Y } = res as { X: Matrix; Y: Matrix };
          assert(X.rows === q * d && X.cols === N - 1 && Y.rows === X.rows && Y.cols === X.cols, "X, Y shapes");
          for (let i = 0; i < X.rows; i++)
            for (let j = 0; j < N - 1; j++) {
              assert(
                Object.is(X.data[i * (N - 1) + j], entry(i, j)) && Object.is(Y.data[i * (N - 1) + j], entry(i, j + 1)),
                "X/Y entry",
              );
            }
        },
      });
    });
  });
});

describe("dmd", () => {
  const rankArb = options(
    fc.record({
      rank: fc.constantFrom<unknown>(
        "full",
        "svht",
        { kind: "fixed", rank: 1 },
        { kind: "fixed", rank: 3 },
        { kind: "energy", fraction: 0.9 },
      ),
    }),
    fc.record({ rank: fc.constantFrom<unknown>("auto", 2, { kind: "fixed", rank: -1 }, "best") }),
  );
  const arb = fc.record({
    X: matrixCase({ maxSmall: 30 }),
    Y: matrixCase({ maxSmall: 30 }),
    coupled,
    rank: rankArb,
    k: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom<unknown>(10000, -1, 1.5, "2")),
  });
  it("gives a finite, consistent fit (rank ≤ min(n, c), σ = svd(X), 0 ≤ residual ≤ 1) and finite predictions, or a typed error", () => {
    check("dmd", arb, (c) => {
      const X = materialize(c.X);
      const Y = materialize(
        c.coupled ? { ...c.Y, spec: { ...c.Y.spec, rows: c.X.spec.rows, cols: c.X.spec.cols } } : c.Y,
      );
      const x = classifyMatrix(X),
        y = classifyMatrix(Y);
      const codes = codesOf(x, y);
      if (c.rank.bad) codes.add("E_OPTION");
      if (x.ok && y.ok && (x.ok.rows !== y.ok.rows || x.ok.cols !== y.ok.cols)) codes.add("E_SHAPE");
      const rejects = codes.size > 0; // broken X or Y, shapes that differ, or a bad rank (E_NOCONVERGE below is only allowed)
      const all = x.ok && y.ok ? Float64Array.from([...x.ok.data, ...y.ok.data]) : new Float64Array(0);
      if (magnitudeSpan(all) > 800) codes.add("E_NOCONVERGE");
      // Results near 1e308, eigenvalues ‖Y‖/σ_r(X) with σ_r ≥ ε·max(n, c)·σ₁ beyond it, or
      // amplitudes ~ σ(X)·‖g_N‖/|Φ| of entries spanning a large part of the range (tiny
      // modes beside a normal g_N: X = [1e150, -1.2e-121], Y = [0, 1] has b ≈ 1e421).
      let big =
        maxAbs(all) * Math.sqrt(all.length) > 1e300 ||
        magnitudeSpan(all) + Math.abs(Math.log2(maxAbs(x.ok?.data ?? []) || 1)) > 1000;
      if (x.ok && y.ok) {
        const k = Math.min(x.ok.rows, x.ok.cols);
        big ||= !(
          Math.log2(norm2(y.ok.data)) -
            Math.log2((norm2(x.ok.data) / Math.sqrt(k)) * 2.2e-16 * Math.max(x.ok.rows, x.ok.cols)) <
          1000
        );
      }
      contract([X, Y, c.rank.value], () => dmd(X as Matrix, Y as Matrix, c.rank.value as never), {
        codes,
        mayOverflow: big,
        rejects,
        check: (r) => {
          const n = (x.ok as Matrix).rows,
            cols = (x.ok as Matrix).cols;
          assert(r.rank >= 0 && r.rank <= Math.min(n, cols), `rank ${r.rank}`);
          assert(
            r.eigenvalues.re.length === r.rank &&
              r.amplitudes.re.length === r.rank &&
              r.modes.re.rows === n &&
              r.modes.re.cols === r.rank,
            "sizes",
          );
          for (const a of [
            r.eigenvalues.re,
            r.eigenvalues.im,
            r.amplitudes.re,
            r.amplitudes.im,
            r.modes.re.data,
            r.modes.im.data,
            r.singularValues,
          ])
            allFinite(a, "dmd output");
          assert(r.residual >= 0 && r.residual <= 1 + 1e-12, `residual ${r.residual}`);
          const S = big ? [] : linalg.svd(x.ok as Matrix, { vectors: false }).S;
          for (let i = 0; i < S.length; i++)
            assert(Math.abs(S[i] - r.singularValues[i]) <= 1e-12 * S[0] + 2 ** -1060, "σ differ from svd(X)");
          let grows = false;
          for (let i = 0; i < r.rank; i++) grows ||= Math.hypot(r.eigenvalues.re[i], r.eigenvalues.im[i]) > 1;
          const kOk = Number.isInteger(c.k) && (c.k as number) >= 0;
          contract([], () => r.predict(c.k as number), {
            codes: kOk ? [] : ["E_OPTION"],
            rejects: !kOk,
            mayOverflow: grows || big,
            check: (p) => {
              assert(p.length === n, "prediction length");
              allFinite(p, "prediction");
            },
          });
        },
      });
    });
  });

  it("recovers the eigenvalues of K from snapshots Y = K X", () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 5 }),
      extra: fc.integer({ min: 1, max: 20 }),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      scale: fc.constantFrom(...SCALES),
    });
    check("dmd", arb, ({ n, extra, seed, scale }) => {
      const g = gaussian(seed);
      // K = P diag(λ) P⁻¹ with well-separated real λ in (−0.9, 0.9): a well-conditioned problem.
      const lambda = Array.from({ length: n }, (_, i) => -0.9 + (1.8 * (i + 0.5)) / n + 0.05 * g());
      const P = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 2 : 0) + 0.3 * g());
      const inv = linalg.lstsq(
        { rows: n, cols: n, data: Float64Array.from(P) },
        { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)) },
      ).x.data;
      const K = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          for (let k = 0; k < n; k++) K[i * n + j] += P[i * n + k] * lambda[k] * inv[k * n + j];
      const c = n + extra;
      const X = Float64Array.from({ length: n * c }, () => g() * scale);
      if (!X.every(Number.isFinite) || maxAbs(X) === 0) return;
      const Y = new Float64Array(n * c);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < c; j++) for (let k = 0; k < n; k++) Y[i * c + j] += K[i * n + k] * X[k * c + j];
      if (magnitudeSpan(X) > 800 || maxAbs(X) < 1e-290 || maxAbs(X) > 1e290) return; // below/above where Y = K X is exact enough
      const r = dmd({ rows: n, cols: c, data: X }, { rows: n, cols: c, data: Y }, { rank: "full" });
      if (r.rank < n) return; // X numerically rank deficient (subnormal rows)
      const got = Array.from(r.eigenvalues.re).sort((a, b) => a - b),
        want = lambda.slice().sort((a, b) => a - b);
      for (let i = 0; i < n; i++)
        assert(Math.abs(got[i] - want[i]) <= 1e-8 && Math.abs(r.eigenvalues.im[i]) <= 1e-8, `λ ${got} vs ${want}`);
    });
  });
});

describe("estimateGlobal", () => {
  const arb = fc.record({ t: trajCase, o: optionsSpec, k: fc.integer({ min: -600, max: 600 }) });
  it("every method, rank rule and option: a finite, self-consistent estimate, or a typed error the inputs explain", () => {
    check("estimateGlobal", arb, ({ t, o, k }) => {
      const traj = materializeTrajectory(t);
      const c = classifyMatrix(traj);
      const m = c.ok?.rows ?? t.spec.m,
        q = c.ok?.cols ?? t.spec.q;
      const opts = resolveOptions(o, m, q);
      const codes = new Set<GlocalErrorCode>([...codesOf(c), ...opts.codes]);
      // A broken window or bad options must be rejected; E_TOO_SHORT and E_NOCONVERGE below are only allowed.
      const rejects = codes.size > 0;
      if (c.ok && mayBeTooShort(opts, m)) codes.add("E_TOO_SHORT");
      if (c.ok && magnitudeSpan(c.ok.data) > 800) codes.add("E_NOCONVERGE");
      const huge = !!c.ok && maxAbs(c.ok.data) > 1e250;
      let result: GlobalEstimate | null = null;
      contract([traj, opts.value], () => estimateGlobal(traj as Matrix, opts.value as never), {
        codes,
        mayOverflow: huge,
        rejects,
        check: (r) => {
          result = r;
          checkEstimate(r, c.ok as Matrix, opts.value as Record<string, unknown>);
        },
      });
      // Exact equivariance under 2^k scaling, where no entry leaves the normal range.
      if (result && c.ok) {
        const data = c.ok.data;
        let lo = Infinity;
        for (const v of data) if (v !== 0) lo = Math.min(lo, Math.abs(v));
        const hi = maxAbs(data);
        if (
          hi === 0 ||
          lo * 2 ** Math.min(k, 0) < 2 ** -1000 ||
          lo < 2 ** -1000 ||
          hi * 2 ** Math.max(k, 0) > 2 ** 1000
        )
          return;
        const scaled = { rows: c.ok.rows, cols: c.ok.cols, data: data.map((v) => v * 2 ** k) };
        let r2: GlobalEstimate;
        try {
          r2 = estimateGlobal(scaled, opts.value as never);
        } catch (e) {
          if ((e as { code?: string }).code === "E_TOO_LARGE" && k > 0) return;
          fail(`scaled by 2^${k} it threw ${(e as Error).message}`);
        }
        const r1 = result as GlobalEstimate;
        // An estimate that is itself subnormal (or near the top) is rounded, not scaled.
        const normal = (v: number) => Math.abs(v) >= 2 ** -1000 && Math.abs(v) <= 2 ** 1000;
        if (!r1.estimate.every((v, i) => (v === 0 && r2.estimate[i] === 0) || (normal(v) && normal(r2.estimate[i]))))
          return;
        assert(
          r2.estimate.every((v, i) => Object.is(v, r1.estimate[i] * 2 ** k)),
          `estimate not exactly scaled by 2^${k}`,
        );
        assert(
          r2.trusted === r1.trusted && r2.method === r1.method && r2.delay === r1.delay && r2.rank === r1.rank,
          "choices differ after scaling",
        );
        assert(
          r2.eigenvalues.re.every((v, i) => Object.is(v, r1.eigenvalues.re[i])),
          "eigenvalues differ after scaling",
        );
        assert(
          JSON.stringify(r2.diagnostics.warnings.map((w) => w.code)) ===
            JSON.stringify(r1.diagnostics.warnings.map((w) => w.code)),
          "warnings differ after scaling",
        );
      }
    });
  });
});

describe("GlocalEstimator", () => {
  type Op =
    | { op: "push"; row: "valid" | "short" | "nan" | "string" | "null" | "typed" }
    | { op: "estimate"; override: boolean }
    | { op: "reset" }
    | { op: "rows" }
    | { op: "dispose" };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<Op>({ op: "push", row: "valid" }, { op: "push", row: "typed" }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<Op>(
        { op: "push", row: "short" },
        { op: "push", row: "nan" },
        { op: "push", row: "string" },
        { op: "push", row: "null" },
      ),
    },
    { weight: 3, arbitrary: fc.boolean().map((override) => ({ op: "estimate" as const, override })) },
    { weight: 1, arbitrary: fc.constantFrom<Op>({ op: "reset" }, { op: "rows" }) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: "dispose" }) },
  );
  const arb = fc.record({
    spec: trajSpec,
    window: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 2, max: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(1, 2.5, "10", 0) },
    ),
    dim: fc.oneof(
      { weight: 12, arbitrary: fc.constant("spec") },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -1, "2", undefined) },
    ),
    o: optionsSpec,
    ops: fc.array(opArb, { maxLength: 60 }),
  });
  it("push/estimate/reset/rows/dispose behave like a ring buffer feeding estimateGlobal", () => {
    check("GlocalEstimator", arb, ({ spec, window, dim, o, ops }) => {
      const traj = buildTrajectory({ ...spec, m: Math.max(spec.m, 1) });
      const q = traj.cols;
      const est = resolveOptions(o, 40, q);
      const ctorOpts = {
        ...(est.value && typeof est.value === "object" && !Array.isArray(est.value) ? (est.value as object) : {}),
        dim: dim === "spec" ? q : dim,
        window,
      };
      delete (ctorOpts as Record<string, unknown>).horizon; // horizon depends on the rows held; given per call below
      const ctorCodes = new Set<GlocalErrorCode>();
      const windowOk = window === undefined || (Number.isInteger(window) && (window as number) >= 2);
      if (dim !== "spec" || !windowOk) ctorCodes.add("E_OPTION");
      // Every option that is bad whatever the window is rejected at construction (those
      // that depend on the rows held -- a delay too long, heldOut >= m -- at estimate()).
      const mustReject = est.badAlways && o.whole === "object";
      if (mustReject) ctorCodes.add("E_OPTION");
      let E: GlocalEstimator | null = null;
      const outcome = contract([], () => new GlocalEstimator(ctorOpts as never), {
        codes: ctorCodes,
        rejects: mustReject || ctorCodes.size > 0,
        check: (e) => (E = e),
      });
      if (outcome !== "ok" || !E) return;
      const estimator = E as GlocalEstimator;
      const W = estimator.window;
      const model: number[][] = [];
      let pushed = 0,
        disposed = false,
        next = 0;
      const g = gaussian(spec.seed + 7);
      for (const op of ops) {
        if (disposed) {
          contract(
            [],
            () =>
              op.op === "push"
                ? estimator.push(new Array(q).fill(1))
                : op.op === "estimate"
                  ? estimator.estimate()
                  : op.op === "reset"
                    ? estimator.reset()
                    : op.op === "rows"
                      ? estimator.rows()
                      : estimator.dispose(),
            {
              codes: op.op === "dispose" ? [] : ["E_DISPOSED"],
            },
          );
          continue;
        }
        switch (op.op) {
          case "push": {
            const base = Array.from(traj.data.subarray((next % traj.rows) * q, ((next % traj.rows) + 1) * q));
            next++;
            let row: unknown = base;
            let code: GlocalErrorCode | null = null;
            if (op.row === "typed") row = Float64Array.from(base);
            if (op.row === "short") {
              row = base.concat([1]);
              code = "E_SHAPE";
            }
            if (op.row === "nan") {
              row = base.map((v, i) => (i === 0 ? NaN : v));
              code = "E_NONFINITE";
            }
            if (op.row === "string") {
              row = base.map((v, i) => (i === 0 ? String(v) : v));
              code = "E_TYPE";
            }
            if (op.row === "null") {
              row = null;
              code = "E_TYPE";
            }
            contract([row], () => estimator.push(row as number[]), {
              codes: code ? [code] : [],
              rejects: code !== null,
            });
            if (!code) {
              model.push(base);
              if (model.length > W) model.shift();
              pushed++;
            }
            break;
          }
          case "reset":
            estimator.reset();
            model.length = 0;
            pushed = 0;
            break;
          case "rows": {
            const rows = estimator.rows();
            assert(estimator.length === model.length && estimator.pushedRows === pushed, "length / pushedRows");
            assert(
              rows.length === model.length * q && rows.every((v, i) => Object.is(v, model[Math.floor(i / q)][i % q])),
              "rows differ from the last pushes",
            );
            break;
          }
          case "dispose":
            estimator.dispose();
            disposed = true;
            break;
          case "estimate": {
            const m = model.length;
            const horizonRows = 1 + Math.floor(g() * g() * 50) ** 2;
            const override = op.override ? { method: "horizon" as const, horizon: pushed + horizonRows } : undefined;
            const direct: Record<string, unknown> = { ...(ctorOpts as Record<string, unknown>), ...(override ?? {}) };
            delete direct.dim;
            delete direct.window;
            if (override) direct.horizon = m + horizonRows;
            let want: GlobalEstimate | string;
            try {
              want =
                m === 0
                  ? "E_TOO_SHORT"
                  : estimateGlobal({ rows: m, cols: q, data: Float64Array.from(model.flat()) }, direct as never);
            } catch (e) {
              want = (e as { code: string }).code ?? fail(`estimateGlobal threw ${(e as Error).message}`);
            }
            contract([], () => estimator.estimate(override), {
              codes: typeof want === "string" ? [want as GlocalErrorCode] : [],
              check: (got) => {
                const w = want as GlobalEstimate;
                assert(
                  got.estimate.every((v, i) => Object.is(v, w.estimate[i])) && got.trusted === w.trusted,
                  "estimate() differs from estimateGlobal on the rows held",
                );
              },
            });
          }
        }
      }
      estimator.dispose();
    });
  });
});
