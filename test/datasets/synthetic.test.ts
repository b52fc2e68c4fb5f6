/** The synthetic generator: seeded regression, multiclass and binary data. */
import { datasets } from "../../src/index";

describe("datasets.synthetic", () => {
  it("is seeded and shaped as asked", () => {
    const a = datasets.synthetic({ kind: "regression", train: 30, val: 10, features: 4, outputs: 2, seed: 5 });
    const b = datasets.synthetic({ kind: "regression", train: 30, val: 10, features: 4, outputs: 2, seed: 5 });
    expect(a.train.x.data).toEqual(b.train.x.data);
    expect((a.train.y as { rows: number; cols: number }).cols).toBe(2);
    const m = datasets.synthetic({ kind: "multiclass", train: 200, val: 10, classes: 4, seed: 1 });
    expect(new Set(m.train.y as Int32Array).size).toBe(4);
    const bin = datasets.synthetic({ kind: "binary", train: 50, val: 10, seed: 1 });
    expect((bin.train.y as Int32Array).every((v) => v === 0 || v === 1)).toBe(true);
    expect(() => datasets.synthetic({ kind: "ranking" as "binary", train: 5, val: 5 })).toThrow(
      expect.objectContaining({ code: "E_OPTION", argument: "kind" }),
    );
  });
});
