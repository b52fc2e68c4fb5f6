/** The embedded MNIST split (the package's digits; handed-in digits are in digits.test.ts). */
import { GlocalError, datasets, problems, InnerTraining, optimizers } from "../../src/index";

describe("datasets.mnist", () => {
  const d = datasets.mnist({ train: 300, val: 100, seed: 3, classes: [3, 8, 5] });

  it("has the requested sizes, 784 features, labels in class order", () => {
    expect(d.train.x.rows).toBe(300);
    expect(d.train.x.cols).toBe(784);
    expect(d.val.x.rows).toBe(100);
    expect(d.classes).toEqual([3, 8, 5]);
    const counts = [0, 0, 0];
    for (const v of d.train.y) counts[v]++;
    expect(counts.every((c) => c > 60)).toBe(true); // a shuffled split keeps every class
    expect(Math.max(...d.val.y)).toBe(2);
  });

  it("standardises with the training statistics; constant pixels are 0, never NaN", () => {
    const { x } = d.train,
      p = 784;
    let constant = 0,
      worstMean = 0,
      worstStd = 0,
      leaked = 0;
    for (let j = 0; j < p; j++) {
      let m = 0,
        s = 0;
      for (let i = 0; i < x.rows; i++) m += x.data[i * p + j];
      m /= x.rows;
      for (let i = 0; i < x.rows; i++) s += (x.data[i * p + j] - m) ** 2;
      s = Math.sqrt(s / x.rows);
      worstMean = Math.max(worstMean, Math.abs(m));
      if (d.std[j] === 0) {
        constant++;
        worstStd = Math.max(worstStd, s);
        for (let i = 0; i < d.val.x.rows; i++) leaked += d.val.x.data[i * p + j] !== 0 ? 1 : 0;
      } else worstStd = Math.max(worstStd, Math.abs(s - 1));
    }
    expect(worstMean).toBeLessThan(1e-12);
    expect(worstStd).toBeLessThan(1e-12);
    expect(leaked).toBe(0);
    expect(constant).toBeGreaterThan(10); // MNIST's border pixels
    expect(d.val.x.data.every(Number.isFinite)).toBe(true);
  });

  it("is seeded: same seed, same split; another seed, another split", () => {
    const again = datasets.mnist({ train: 300, val: 100, seed: 3, classes: [3, 8, 5] });
    expect(again.train.x.data.every((v, i) => v === d.train.x.data[i])).toBe(true);
    expect(Array.from(again.val.y)).toEqual(Array.from(d.val.y));
    const other = datasets.mnist({ train: 300, val: 100, seed: 4, classes: [3, 8, 5] });
    expect(Array.from(other.train.y)).not.toEqual(Array.from(d.train.y));
  });

  it("feeds the built-in problems (binary logistic on two digits)", () => {
    const two = datasets.mnist({ train: 200, val: 100, seed: 1, classes: [0, 1] });
    const p = problems.logistic(two);
    const s = new InnerTraining(p, optimizers.sgd({ lr: 0.05 }), { batchSize: 50 });
    s.step(20);
    expect(s.valAccuracy()).toBeGreaterThan(0.95);
    s.dispose();
    p.dispose();
  });

  it("rejects bad options", () => {
    const c = (o: object) => {
      try {
        datasets.mnist(o as never);
      } catch (e) {
        return [(e as GlocalError).code, (e as GlocalError).argument];
      }
      return null;
    };
    expect(c({ train: 10 })).toEqual(["E_OPTION", "val"]);
    expect(c({ train: 0, val: 10 })).toEqual(["E_OPTION", "train"]);
    expect(c({ train: 1500, val: 1000, classes: [0, 1] })).toEqual(["E_OPTION", "train"]);
    expect(c({ train: 10, val: 10, classes: [1, 1] })).toEqual(["E_OPTION", "classes"]);
    expect(c({ train: 10, val: 10, classes: [3, 10] })).toEqual(["E_OPTION", "classes"]);
    expect(c({ train: 10, val: 10, digits: [3] })).toEqual(["E_OPTION", "mnist options.digits"]);
  });
});
