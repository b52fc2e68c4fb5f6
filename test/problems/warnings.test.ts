/** CONSTANT_FEATURE: a constant nonzero column beside the model's own bias is reported by
 *  the problem, the session and optimize; nothing is reported when it cannot be a second bias. */
import { InnerTraining, datasets, optimize, optimizers, problems } from "../../src/index";
import type { Matrix, SyntheticData } from "../../src/index";

const d: SyntheticData = datasets.synthetic({ kind: "binary", train: 12, val: 8, features: 4, seed: 2 });

/** d with column j of train.x (and val.x) set to `value`. */
function constantColumn(j: number, value: number): SyntheticData {
  const set = (x: Matrix): Matrix => {
    const data = x.data.slice();
    for (let i = 0; i < x.rows; i++) data[i * x.cols + j] = value;
    return { ...x, data };
  };
  return { train: { ...d.train, x: set(d.train.x) }, val: { ...d.val, x: set(d.val.x) } };
}

describe("CONSTANT_FEATURE", () => {
  it("the problem, the session and optimize report the column", () => {
    const p = problems.logistic(constantColumn(2, 1));
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatchObject({ code: "CONSTANT_FEATURE", column: 2, value: 1 });
    expect(p.warnings[0].message).toMatch(/column 2 .* constant .* bias: false/);
    const s = new InnerTraining(p, optimizers.sgd({ lr: 0.1 }));
    expect(s.warnings).toEqual(p.warnings);
    s.dispose();
    const r = optimize({
      problem: p,
      optimizer: optimizers.sgd({ lr: 0.1, wd: 0.01 }),
      strategy: "truncated",
      innerSteps: 4,
      window: 2,
    });
    expect(r.warnings).toEqual(p.warnings);
    p.dispose();
  });

  it("one warning per constant column, for every model with a first-layer bias", () => {
    const two = constantColumn(0, -3);
    const x = two.train.x.data.slice();
    for (let i = 0; i < 12; i++) x[i * 4 + 3] = 0.5;
    const data = { ...two, train: { ...two.train, x: { ...two.train.x, data: x } } };
    const p = problems.mlp(data, { classes: 2, hidden: [3] });
    expect(p.warnings.map((w) => [w.column, w.value])).toEqual([
      [0, -3],
      [3, 0.5],
    ]);
    p.dispose();
  });

  it("no warning without a first-layer bias, for a zero column, or for ordinary data", () => {
    for (const p of [
      problems.logistic(constantColumn(2, 1), { bias: false }),
      problems.mlp(constantColumn(2, 1), { classes: 2, hidden: [3], bias: [false, true] }),
      problems.logistic(constantColumn(2, 0)),
      problems.logistic(d),
    ]) {
      expect(p.warnings).toEqual([]);
      p.dispose();
    }
    const plain = problems.logistic(d);
    const r = optimize({
      problem: plain,
      optimizer: optimizers.sgd({ lr: 0.1, wd: 0.01 }),
      strategy: "local",
      innerSteps: 2,
      window: 1,
    });
    expect(r.warnings).toEqual([]);
    plain.dispose();
  });
});
