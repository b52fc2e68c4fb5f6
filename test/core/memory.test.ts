import { estimateGlobal, linalg, memoryStats, GlocalError } from "../../src/index";
import { withScope } from "../../src/core/scope";
import { randomMatrix, relDiff } from "../support/helpers";

describe("WebAssembly memory discipline", () => {
  it("10⁴ repeated calls leave WebAssembly memory where it was", () => {
    const A = randomMatrix(12, 8, 1),
      B = randomMatrix(8, 5, 2),
      S = randomMatrix(6, 6, 3);
    // Warm up: the allocator reserves its pages on first use.
    linalg.gemm(A, B);
    linalg.svd(A);
    linalg.eig(S);
    linalg.lstsq(A, randomMatrix(12, 1, 4).data);
    const before = memoryStats();
    for (let i = 0; i < 10000; i++) {
      linalg.gemm(A, B);
      if (i % 4 === 0) linalg.svd(A);
      if (i % 4 === 1) linalg.eig(S);
      if (i % 4 === 2) linalg.qr(A);
      if (i % 4 === 3) linalg.lstsq(A, randomMatrix(12, 1, 4).data);
    }
    const after = memoryStats();
    expect(after.wasmBytes).toBe(before.wasmBytes);
    expect(after.openScratchBlocks).toBe(0);
  });

  it("an auto estimate releases each candidate's workspace as it goes (it held all of them until it returned)", () => {
    const h = Array.from({ length: 300 }, (_, t) => [
      1 - 0.9 ** (t + 1),
      0.5 * 0.8 ** t + 0.3 * Math.cos(0.3 * t) * 0.95 ** t,
    ]);
    estimateGlobal(h.slice(0, 40), { method: "auto", delay: "auto", rank: "auto" }); // warm-up
    const before = memoryStats();
    const r = estimateGlobal(h, { method: "auto", delay: "auto", rank: "auto" });
    expect(r.diagnostics.auto?.length).toBeGreaterThan(50);
    expect(memoryStats().wasmBytes - before.wasmBytes).toBeLessThan(16 * 2 ** 20);
    expect(memoryStats().openScratchBlocks).toBe(0);
  });

  it("errors (validation and inside a call) release everything and the module stays usable", () => {
    const A = randomMatrix(30, 20, 5);
    const expected = linalg.svd(A).S;
    const before = memoryStats();
    for (let i = 0; i < 200; i++) {
      expect(() => linalg.gemm(A, randomMatrix(3, 3, 6))).toThrow(GlocalError);
      expect(() => linalg.svd([[1, NaN]])).toThrow(GlocalError);
      // A trap inside a kernel (out-of-bounds pointer) after allocations were made.
      expect(() =>
        withScope((s) => {
          s.alloc(1000);
          s.k.gemm(0, 0, 10, 10, 10, 1, 0x7ffffff0, 10, 0x7ffffff0, 10, 0, 0x7ffffff0, 10);
        }),
      ).toThrow(expect.objectContaining({ code: "E_INTERNAL" }));
    }
    expect(memoryStats().openScratchBlocks).toBe(0);
    expect(memoryStats().wasmBytes).toBe(before.wasmBytes);
    expect(relDiff(linalg.svd(A).S, expected)).toBe(0);
  });
});
