import fc from "fast-check";
import { estimateGlobal, GlocalError, Method, hankel, dmd, linalg, rank } from "../../src/index";
import { linearTrajectory, linearValue, Mode } from "../support/synthetic";
import { relDiff } from "../support/helpers";

const limitMethods: Method[] = ["limit", "affine", "rre", "mpe"];
const allMethods: Method[] = ["limit", "horizon", "affine", "rre", "mpe"];

/** A random stable linear system with the constant mode: c plus 1–3 decaying modes. */
const systemArb = fc.record({
  q: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  nModes: fc.integer({ min: 1, max: 3 }),
});

function buildSystem(q: number, seed: number, nModes: number): { c: number[]; modes: Mode[] } {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const vec = () => Array.from({ length: q }, () => rnd() * 2 - 1);
  const c = vec();
  const modes: Mode[] = [];
  for (let j = 0; j < nModes; j++) {
    const complex = rnd() < 0.5;
    modes.push({ r: 0.5 + 0.35 * rnd(), theta: complex ? 0.2 + rnd() : 0, u: vec(), v: complex ? vec() : undefined });
  }
  return { c, modes };
}

describe("properties of the estimate", () => {
  it("a linear system with eigenvalue 1 is extrapolated to its known limit (every limit method)", () => {
    fc.assert(
      fc.property(systemArb, ({ q, seed, nModes }) => {
        const { c, modes } = buildSystem(q, seed, nModes);
        // Each complex mode needs two dimensions; the constant one more.
        const order = 1 + modes.reduce((a, md) => a + (md.v ? 2 : 1), 0);
        const delay = Math.ceil((order + 1) / q);
        const traj = linearTrajectory(60, c, modes);
        for (const method of limitMethods) {
          const r = estimateGlobal(traj, { delay, method });
          if (!(relDiff(r.estimate, c) <= 1e-7)) return false;
        }
        const h = estimateGlobal(traj, { delay, method: "horizon", horizon: 75 });
        return relDiff(h.estimate, linearValue(75, c, modes)) <= 1e-7;
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it("scaling the trajectory scales the estimate (also by 1e±150)", () => {
    const { c, modes } = buildSystem(2, 11, 2);
    const traj = linearTrajectory(50, c, modes);
    for (const method of allMethods) {
      const base = estimateGlobal(traj, { delay: 4, method, horizon: 80 }).estimate;
      for (const alpha of [-3.7, 1e-150, 1e150, 0.001]) {
        const scaled = traj.map((row) => row.map((v) => v * alpha));
        const est = estimateGlobal(scaled, { delay: 4, method, horizon: 80 }).estimate;
        expect(
          relDiff(
            est,
            base.map((v) => v * alpha),
          ),
        ).toBeLessThan(1e-9);
      }
    }
  });

  it("a constant trajectory returns itself, trusted, for every method", () => {
    const row = [0.25, -1.5, 3e-3];
    const traj = Array.from({ length: 30 }, () => row.slice());
    for (const method of allMethods) {
      const r = estimateGlobal(traj, { delay: 3, method, horizon: 100 });
      expect(relDiff(r.estimate, row)).toBeLessThan(1e-12);
      expect(r.trusted).toBe(true);
    }
  });

  it("an all-zero trajectory gives zero, with a warning", () => {
    const r = estimateGlobal(
      Array.from({ length: 10 }, () => [0, 0]),
      { delay: 2 },
    );
    expect(Array.from(r.estimate)).toEqual([0, 0]);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain("ZERO_TRAJECTORY");
  });

  it("inputs are not mutated", () => {
    const traj = linearTrajectory(40, [1, 2], [{ r: 0.8, theta: 0.3, u: [1, 0], v: [0, 1] }]);
    const copy = traj.map((r) => r.slice());
    for (const method of allMethods) estimateGlobal(traj, { delay: 3, method, horizon: 60 });
    expect(traj).toEqual(copy);
  });
});

describe("trust", () => {
  it("a window shorter than the slowest mode's time constant is not trusted (SLOW_MODE)", () => {
    // μ = 0.995: time constant 200 rows, window 60 rows.
    const traj = linearTrajectory(
      60,
      [1, -1],
      [
        { r: 0.995, theta: 0, u: [2, 1] },
        { r: 0.6, theta: 0, u: [0.5, -0.3] },
      ],
    );
    const r = estimateGlobal(traj, { delay: 3, method: "limit", tolerance: 0.001 });
    expect(r.trusted).toBe(false);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain("SLOW_MODE");
    expect(r.diagnostics.slowestTimeConstant).toBeGreaterThan(60);
  });

  it("a diverging window is not trusted (UNSTABLE_MODE)", () => {
    const traj = linearTrajectory(
      40,
      [1, 1],
      [
        { r: 1.08, theta: 0, u: [0.01, 0.02] },
        { r: 0.5, theta: 0, u: [1, -1] },
      ],
    );
    const r = estimateGlobal(traj, { delay: 3, method: "rre" });
    expect(r.trusted).toBe(false);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain("UNSTABLE_MODE");
  });

  it("no eigenvalue near 1: the limit is zero and not trusted (NO_MODE_NEAR_ONE)", () => {
    const traj = linearTrajectory(
      40,
      [0, 0],
      [
        { r: 0.7, theta: 0, u: [1, 2] },
        { r: 0.4, theta: 0, u: [1, -1] },
      ],
    );
    const r = estimateGlobal(traj, { delay: 2, method: "limit" });
    expect(Array.from(r.estimate)).toEqual([0, 0]);
    expect(r.trusted).toBe(false);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain("NO_MODE_NEAR_ONE");
  });

  it("noise the model cannot predict fails the held-out test (HELD_OUT_ERROR)", () => {
    let s = 3;
    const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const traj = Array.from({ length: 60 }, () => [noise(), noise()]);
    const r = estimateGlobal(traj, { delay: 4, method: "limit" });
    expect(r.diagnostics.heldOutError).toBeGreaterThan(0.5);
    expect(r.trusted).toBe(false);
  });

  it("a clean converged window is trusted and its held-out error is tiny", () => {
    const traj = linearTrajectory(80, [0.3, -0.2], [{ r: 0.8, theta: 0.4, u: [1, 0.2], v: [-0.3, 1] }]);
    const r = estimateGlobal(traj, { delay: 2, method: "limit" });
    expect(r.trusted).toBe(true);
    expect(r.diagnostics.heldOutError).toBeLessThan(1e-8);
    expect(r.diagnostics.heldOutRows).toBe(16);
  });
});

describe("auto", () => {
  it("picks method, delay and rank by held-out error, reports the search, and lands on the limit", () => {
    const c = [0.5, -0.25];
    const traj = linearTrajectory(100, c, [
      { r: 0.9, theta: 0.5, u: [1, 0.3], v: [0.2, -1] },
      { r: 0.7, theta: 0, u: [-0.4, 0.6] },
    ]);
    const r = estimateGlobal(traj, { method: "auto", delay: "auto", rank: "auto" });
    const auto = r.diagnostics.auto ?? [];
    expect(auto.length).toBeGreaterThan(10);
    expect(auto[0].error).toBeLessThan(1e-6);
    for (let i = 1; i < auto.length; i++) expect(auto[i].error).toBeGreaterThanOrEqual(auto[i - 1].error);
    expect(auto[0].method).toBe(r.method);
    expect(auto[0].delay).toBe(r.delay);
    expect(relDiff(r.estimate, c)).toBeLessThan(1e-6);
  });

  it("with a fixed method, searches only delay and rank", () => {
    const traj = linearTrajectory(60, [1], [{ r: 0.6, theta: 0, u: [1] }]);
    const r = estimateGlobal(traj, { method: "affine", delay: "auto" });
    expect(new Set((r.diagnostics.auto ?? []).map((a) => a.method))).toEqual(new Set(["affine"]));
  });
});

describe("option and input errors", () => {
  const traj = linearTrajectory(20, [1, 2], [{ r: 0.5, theta: 0, u: [1, 1] }]);
  const cases: Array<[string, unknown, string, string]> = [
    ["delay 0", { delay: 0 }, "E_OPTION", "delay"],
    ["delay 2.5", { delay: 2.5 }, "E_OPTION", "delay"],
    ["too short for the delay", { delay: 20 }, "E_TOO_SHORT", "trajectory"],
    ["horizon not beyond the window", { method: "horizon", horizon: 20 }, "E_OPTION", "horizon"],
    ["horizon missing", { method: "horizon" }, "E_OPTION", "horizon"],
    ["unknown method", { method: "magic" }, "E_OPTION", "method"],
    ["unknown option", { dleay: 3 }, "E_OPTION", "options.dleay"],
    ["bad rank rule", { rank: 3 }, "E_OPTION", "rank"],
    ["bad energy", { rank: { kind: "energy", fraction: 1.5 } }, "E_OPTION", "rank"],
    ["bad tolerance", { tolerance: -1 }, "E_OPTION", "tolerance"],
  ];
  for (const [name, options, code, argument] of cases) {
    it(`${name} → ${code}`, () => {
      expect(() => estimateGlobal(traj, options as never)).toThrow(expect.objectContaining({ code, argument }));
    });
  }
  it("rank rules are tagged options with constructors", () => {
    const r1 = estimateGlobal(traj, { delay: 3, rank: rank.fixed(1) });
    expect(r1.rank).toBe(1);
    const r2 = estimateGlobal(traj, { delay: 3, rank: rank.energy(0.5) });
    expect(r2.rank).toBe(1);
    const r3 = estimateGlobal(traj, { delay: 3, rank: rank.svht() });
    expect(r3.rank).toBeGreaterThanOrEqual(1);
    // h_t = c + 0.5ᵗ u has exact rank 2 (the constant and one mode); the other singular
    // values are rounding, so the median and the SVHT threshold are too: both are kept.
    expect(r3.rank).toBe(2);
  });
  it("GlocalError is thrown for a NaN row", () => {
    expect(() =>
      estimateGlobal(
        [
          [1, 2],
          [NaN, 1],
          [1, 1],
        ],
        { delay: 1 },
      ),
    ).toThrow(GlocalError);
  });
});

describe("hankel and dmd", () => {
  it("hankel stacks oldest block first", () => {
    const traj = [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ];
    const { X, Y } = hankel(traj, { delay: 2 });
    // g_1 = [1,10,2,20], g_2 = [2,20,3,30], g_3 = [3,30,4,40]
    expect(X.rows).toBe(4);
    expect(X.cols).toBe(2);
    expect(Array.from(X.data)).toEqual([1, 2, 10, 20, 2, 3, 20, 30]);
    expect(Array.from(Y.data)).toEqual([2, 3, 20, 30, 3, 4, 30, 40]);
    const { H } = hankel(traj, { delay: 2, full: true });
    expect(H.cols).toBe(3);
  });

  it("exact modes are eigenvectors of K = Y X_r⁺ (K φ = λ φ) and predict(k) continues the dynamics", () => {
    const modes: Mode[] = [
      { r: 0.9, theta: 0.3, u: [1, 0.5], v: [-0.3, 0.8] },
      { r: 0.5, theta: 0, u: [0.2, 0.1] },
    ];
    const traj = linearTrajectory(40, [0.2, -0.1], modes);
    const { X, Y } = hankel(traj, { delay: 3 });
    const fit = dmd(X, Y, { rank: { kind: "full" } });
    expect(fit.rank).toBe(4);
    // K = Y V_r Σ_r⁻¹ U_rᵀ
    const { U, S, V } = linalg.svd(X);
    const r = fit.rank,
      n = X.rows;
    const B = linalg.gemm(Y, V);
    const Bs = { rows: n, cols: r, data: new Float64Array(n * r) };
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) Bs.data[i * r + j] = B.data[i * V.cols + j] / S[j];
    const Ur = { rows: n, cols: r, data: new Float64Array(n * r) };
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) Ur.data[i * r + j] = U.data[i * U.cols + j];
    const K = linalg.gemm(Bs, Ur, { transB: true });
    for (let j = 0; j < r; j++) {
      const phr = Array.from({ length: n }, (_, i) => fit.modes.re.data[i * r + j]);
      const phi = Array.from({ length: n }, (_, i) => fit.modes.im.data[i * r + j]);
      const Kr = linalg.gemv(K, phr),
        Ki = linalg.gemv(K, phi);
      const lr = fit.eigenvalues.re[j],
        li = fit.eigenvalues.im[j];
      let res = 0,
        nrm = 0;
      for (let i = 0; i < n; i++) {
        res += (Kr[i] - (lr * phr[i] - li * phi[i])) ** 2 + (Ki[i] - (lr * phi[i] + li * phr[i])) ** 2;
        nrm += phr[i] ** 2 + phi[i] ** 2;
      }
      expect(Math.sqrt(res / nrm)).toBeLessThan(1e-10);
    }
    const gN = Array.from({ length: n }, (_, i) => Y.data[i * Y.cols + Y.cols - 1]);
    expect(relDiff(fit.predict(0), gN)).toBeLessThan(1e-10);
    const future = linearTrajectory(50, [0.2, -0.1], modes);
    // predict(5) is g_{N+5} = [h_43; h_44; h_45]
    expect(relDiff(fit.predict(5), [...future[42], ...future[43], ...future[44]])).toBeLessThan(1e-9);
    expect(fit.residual).toBeLessThan(1e-12);
  });
});
