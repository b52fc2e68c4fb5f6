/** The skinny product kernels against a plain reference, and the model kernels on both
 *  product paths (skinny for few columns, gemm for many). */
import { InnerTraining, datasets, problems } from "../../src/index";
import { withScope } from "../../src/core/scope";
import { randomMatrix, refGemm, relDiff, relErr } from "../support/helpers";
import { fdGradient, optimizer, unrolledValLoss } from "../support/training";

describe("skinny kernels", () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [2, 3, 1],
    [7, 5, 3],
    [9, 13, 4],
    [6, 8, 5],
    [33, 17, 9],
    [40, 31, 17],
    [11, 784, 2],
    [5, 2, 96],
  ];
  for (const [n, p, w] of shapes) {
    it(`n=${n} p=${p} w=${w}: X·B + βC and Xᵀ·D with leading dimensions`, () => {
      const X = randomMatrix(n, p + 2, n + p),
        B = randomMatrix(p, w + 1, w),
        C0 = randomMatrix(n, w + 3, 5),
        D = randomMatrix(n, w + 2, 6);
      const sub = (M: typeof X, rows: number, cols: number) => ({
        rows,
        cols,
        data: Float64Array.from({ length: rows * cols }, (_, i) => M.data[Math.floor(i / cols) * M.cols + (i % cols)]),
      });
      const Xs = sub(X, n, p),
        Bs = sub(B, p, w),
        Ds = sub(D, n, w);
      const ref = refGemm(Xs, Bs),
        refT = refGemm(Xs, Ds, true, false);
      withScope((s) => {
        const px = s.put(X.data),
          pb = s.put(B.data),
          pc = s.put(C0.data),
          pd = s.put(D.data),
          pg = s.zeros(p * (w + 4));
        s.k.skinnyNN(n, p, w, px, p + 2, pb, w + 1, 1.0, pc, w + 3);
        s.k.skinnyTN(n, p, w, px, p + 2, pd, w + 2, pg, w + 4);
        const c = s.read(pc, n * (w + 3)),
          g = s.read(pg, p * (w + 4));
        const got = Float64Array.from(
          { length: n * w },
          (_, i) => c[Math.floor(i / w) * (w + 3) + (i % w)] - C0.data[Math.floor(i / w) * (w + 3) + (i % w)],
        );
        expect(relDiff(got, ref.data)).toBeLessThan(1e-13);
        // Untouched: the columns beyond w.
        for (let i = 0; i < n; i++)
          for (let j = w; j < w + 3; j++) expect(c[i * (w + 3) + j]).toBe(C0.data[i * (w + 3) + j]);
        const gotT = Float64Array.from({ length: p * w }, (_, i) => g[Math.floor(i / w) * (w + 4) + (i % w)]);
        expect(relDiff(gotT, refT.data)).toBeLessThan(1e-13);
      });
    });
  }
});

describe("model kernels on the gemm path (more than 96 columns)", () => {
  it("softmax, 10 classes, 15 tangents (stack width 160) = finite differences", () => {
    const p = problems.softmax(
      datasets.synthetic({ kind: "multiclass", classes: 10, train: 12, val: 8, features: 6, seed: 3 }),
      { classes: 10 },
    );
    const options = {
      hyper: ["lr", "wd", "momentum", "weights"] as const,
      batchSize: 5,
      seed: 1,
      weights: { initial: 0.4 },
    };
    const s = new InnerTraining(p, optimizer("momentum"), { ...options, hyper: [...options.hyper] });
    const phi = s.getPhi();
    s.step(8);
    const h = s.hypergradient();
    s.dispose();
    const fd = fdGradient(
      (f) => unrolledValLoss(p, optimizer("momentum"), { ...options, hyper: [...options.hyper] }, f, 8),
      phi,
    );
    expect(relErr(h, fd)).toBeLessThan(1e-8);
    p.dispose();
  });

  it("MLP with 40 + 35 hidden units and 3 tangents (layer-1 width 160) = finite differences", () => {
    const p = problems.mlp(
      datasets.synthetic({ kind: "multiclass", classes: 3, train: 12, val: 8, features: 5, seed: 3 }),
      { hidden: [40, 35], activation: "gelu" },
    );
    for (const opt of ["momentum", "adam"] as const) {
      const options = { hyper: ["lr", "wd", "momentum"] as Array<"lr" | "wd" | "momentum">, batchSize: 6, seed: 1 };
      const s = new InnerTraining(p, optimizer(opt), options);
      const phi = s.getPhi();
      s.step(8);
      const h = s.hypergradient();
      s.dispose();
      const f = (x: Float64Array) => unrolledValLoss(p, optimizer(opt), options, x, 8);
      if (opt === "momentum") expect(relErr(h, fdGradient(f, phi))).toBeLessThan(1e-8);
      else {
        // Adam normalises this wide net's tiny gradient entries to full steps: at ε = 1e-3
        // the 4th-order formula is still in its truncation range (2e-8); it converges as ε⁴.
        const errs = [1e-3, 5e-4, 2.5e-4].map((e) => relErr(h, fdGradient(f, phi, e)));
        expect(errs[0] / errs[1]).toBeGreaterThan(12);
        expect(errs[2]).toBeLessThan(1e-9);
      }
    }
    p.dispose();
  });
});
