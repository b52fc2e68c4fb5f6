/** The demo's tfjs scenario: the mlp scenario's network computed by TensorFlow.js gives the built-in MLP's results. */
import { resolveDemoOptions, runDemo } from "../../src/app/demo/run";
import { datasets } from "../../src/index";
import { tf } from "../support/tfjs";

it("runDemo({ scenario: 'tfjs' }) follows runDemo({ scenario: 'mlp' }) (same θ₀, data and batches)", () => {
  const data = datasets.mnist({ train: 40, val: 20, seed: 2 });
  const settings = {
    train: 40,
    val: 20,
    batch: 10,
    steps: 12,
    window: 6,
    outer: 2,
    hidden: 4,
    seed: 2,
    strategies: ["truncated", "glocal"] as ("truncated" | "glocal")[],
    glocal: { stride: 1 },
    data,
  };
  const held = tf.memory().numTensors;
  const ref = runDemo({ ...settings, scenario: "mlp", backend: "wasm" });
  // The page always sends a backend: the tfjs scenario ignores it.
  const got = runDemo({ ...settings, scenario: "tfjs", backend: "auto" });
  expect(got.products).toBe("tfjs");
  expect(got.report.title).toMatch(/in TensorFlow.js/);
  for (const row of ref.summary) {
    const b = got.summary.find((r) => r.strategy === row.strategy);
    expect(b).toBeDefined();
    expect(Math.abs((b?.valLoss ?? NaN) - row.valLoss) / row.valLoss).toBeLessThan(1e-4);
    expect(b?.updates).toBe(row.updates);
  }
  expect(got.trajectory?.values.length).toBe(ref.trajectory?.values.length);
  expect(tf.memory().numTensors).toBe(held);
});

it("the tfjs scenario has the MLP only", () => {
  expect(() => resolveDemoOptions({ scenario: "tfjs", model: "softmax" })).toThrow(
    expect.objectContaining({ code: "E_OPTION", argument: "model" }),
  );
  expect(resolveDemoOptions({ scenario: "tfjs", backend: "gpu" }).products).toEqual({});
});
