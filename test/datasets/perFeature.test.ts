/** datasets.perFeature: pooled MNIST pixels plus irrelevant noise features, seeded. */
import { datasets } from "../../src/index";
import { code } from "../support/helpers";

describe("datasets.perFeature", () => {
  const a = datasets.perFeature({ seed: 2, train: 40, val: 30, irrelevant: 6 });

  it("has the asked shapes: 36 pooled pixels then the irrelevant features, two classes", () => {
    expect([a.real, a.irrelevant]).toEqual([36, 6]);
    expect([a.train.x.rows, a.train.x.cols, a.val.x.rows, a.val.x.cols]).toEqual([40, 42, 30, 42]);
    expect(a.train.y.length).toBe(40);
    expect(a.classes).toEqual([3, 5]);
    expect(new Set(a.train.y)).toEqual(new Set([0, 1]));
    expect([a.mean.length, a.std.length]).toEqual([42, 42]);
  });

  it("standardises every feature on the training set", () => {
    const { x } = a.train;
    for (let j = 0; j < x.cols; j++) {
      let m = 0,
        v = 0;
      for (let i = 0; i < x.rows; i++) m += x.data[i * x.cols + j];
      m /= x.rows;
      for (let i = 0; i < x.rows; i++) v += (x.data[i * x.cols + j] - m) ** 2;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(Math.abs(v / x.rows - 1)).toBeLessThan(1e-9); // no pooled block is constant here
    }
  });

  it("is deterministic by seed, and the seed changes split and noise", () => {
    const again = datasets.perFeature({ seed: 2, train: 40, val: 30, irrelevant: 6 });
    expect(again.train.x.data).toEqual(a.train.x.data);
    expect(again.val.x.data).toEqual(a.val.x.data);
    expect(again.train.y).toEqual(a.train.y);
    const other = datasets.perFeature({ seed: 3, train: 40, val: 30, irrelevant: 6 });
    expect(other.train.x.data).not.toEqual(a.train.x.data);
  });

  it("the real features carry the label and the irrelevant ones do not (training correlation)", () => {
    const d = datasets.perFeature({ seed: 0 });
    const { x, y } = d.train;
    const corr = (j: number) => {
      let s = 0;
      for (let i = 0; i < x.rows; i++) s += x.data[i * x.cols + j] * (y[i] - 0.5);
      return Math.abs(s / x.rows);
    };
    const best = (from: number, to: number) => Math.max(...Array.from({ length: to - from }, (_, k) => corr(from + k)));
    expect(best(0, d.real)).toBeGreaterThan(2 * best(d.real, x.cols));
  });

  it("rejects bad options with a typed error naming them", () => {
    expect(code(() => datasets.perFeature({ train: 1 }))).toEqual({ code: "E_OPTION", argument: "train" });
    expect(code(() => datasets.perFeature({ irrelevant: -1 }))).toEqual({ code: "E_OPTION", argument: "irrelevant" });
    expect(code(() => datasets.perFeature({ classes: [3] }))).toEqual({ code: "E_OPTION", argument: "classes" });
    expect(code(() => datasets.perFeature({ sede: 1 } as object))).toMatchObject({ code: "E_OPTION" });
  });
});
