/** examples/tfjs/tune-mnist.ts runs (on small sizes) and tunes: glocal moves lr and wd from the start. */
import { main } from "../../examples/tfjs/tune-mnist";
import { tf } from "../support/tfjs";

it("the tfjs example tunes lr and wd of a tf.LayersModel on MNIST digits with glocal and none", () => {
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const rows = main((s) => lines.push(s), { train: 60, val: 30, steps: 12, window: 6, batch: 10 });
  expect(rows.map((r) => r.strategy)).toEqual(["none", "glocal"]);
  const [none, glocal] = rows;
  expect([none.lr, none.wd]).toEqual([0.002, 0.01]);
  expect(glocal.lr).not.toBe(none.lr);
  expect(glocal.wd).not.toBe(none.wd);
  for (const r of rows) {
    expect(Number.isFinite(r.valLoss)).toBe(true);
    expect(r.valAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.valAccuracy).toBeLessThanOrEqual(1);
  }
  expect(lines[0]).toMatch(/exact hypergradients/);
  expect(lines.slice(-2).map((l) => l.split(" | ")[0].trim())).toEqual(["none", "glocal"]);
  expect(tf.memory().numTensors).toBe(before);
});
