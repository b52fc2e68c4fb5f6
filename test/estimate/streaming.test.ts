import { GlocalEstimator, estimateGlobal, memoryStats } from "../../src/index";
import { linearTrajectory } from "../support/synthetic";
import { relDiff } from "../support/helpers";

const traj = linearTrajectory(
  50,
  [0.4, -0.2],
  [
    { r: 0.85, theta: 0.35, u: [1, 0.2], v: [0.1, -0.9] },
    { r: 0.5, theta: 0, u: [0.3, 0.3] },
  ],
);

describe("GlocalEstimator (streaming)", () => {
  it("push one row at a time gives the same estimate as estimateGlobal", () => {
    const est = new GlocalEstimator({ dim: 2, window: 100, delay: 3, method: "rre" });
    for (const row of traj) est.push(row);
    expect(est.length).toBe(50);
    const a = est.estimate();
    const b = estimateGlobal(traj, { delay: 3, method: "rre" });
    expect(Array.from(a.estimate)).toEqual(Array.from(b.estimate));
    est.dispose();
  });

  it("a full ring keeps the newest rows; horizon still counts from the window start", () => {
    const est = new GlocalEstimator({ dim: 2, window: 30, delay: 3, method: "horizon", horizon: 80 });
    for (const row of traj) est.push(row);
    expect(est.length).toBe(30);
    expect(est.pushedRows).toBe(50);
    expect(Array.from(est.rows())).toEqual(traj.slice(20).flat());
    // rows 21..50 with T = 80 from the window start is T − 20 = 60 for the held slice
    const direct = estimateGlobal(traj.slice(20), { delay: 3, method: "horizon", horizon: 60 });
    expect(Array.from(est.estimate().estimate)).toEqual(Array.from(direct.estimate));
    const truth = linearTrajectory(
      80,
      [0.4, -0.2],
      [
        { r: 0.85, theta: 0.35, u: [1, 0.2], v: [0.1, -0.9] },
        { r: 0.5, theta: 0, u: [0.3, 0.3] },
      ],
    )[79];
    expect(relDiff(est.estimate().estimate, truth)).toBeLessThan(1e-8);
    est.dispose();
  });

  it("reset starts a new window; overrides apply per call", () => {
    const est = new GlocalEstimator({ dim: 2, delay: 3 });
    for (const row of traj) est.push(row);
    est.reset();
    expect(est.length).toBe(0);
    expect(() => est.estimate()).toThrow(expect.objectContaining({ code: "E_TOO_SHORT" }));
    for (const row of traj.slice(0, 20)) est.push(row);
    expect(est.estimate({ method: "limit" }).method).toBe("limit");
    est.dispose();
  });

  it("validates pushed rows", () => {
    const est = new GlocalEstimator({ dim: 2 });
    expect(() => est.push([1])).toThrow(expect.objectContaining({ code: "E_SHAPE", argument: "h" }));
    expect(() => est.push([1, NaN])).toThrow(expect.objectContaining({ code: "E_NONFINITE", argument: "h" }));
    expect(() => est.push("ab" as never)).toThrow(expect.objectContaining({ code: "E_TYPE" }));
    expect(() => new GlocalEstimator({} as never)).toThrow(
      expect.objectContaining({ code: "E_OPTION", argument: "dim" }),
    );
    est.dispose();
  });

  it("dispose frees the ring; use after dispose is a typed error; memory stays flat", () => {
    const first = new GlocalEstimator({ dim: 2, window: 64 });
    first.dispose();
    const before = memoryStats().wasmBytes;
    for (let i = 0; i < 2000; i++) {
      const est = new GlocalEstimator({ dim: 2, window: 64, delay: 2 });
      for (const row of traj.slice(0, 10)) est.push(row);
      est.estimate();
      est.dispose();
      est.dispose(); // idempotent
    }
    expect(memoryStats().wasmBytes).toBe(before);
    const est = new GlocalEstimator({ dim: 2 });
    est.dispose();
    expect(() => est.push([1, 2])).toThrow(expect.objectContaining({ code: "E_DISPOSED" }));
  });
});
