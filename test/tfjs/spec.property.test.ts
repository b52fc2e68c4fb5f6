/**
 * Hostile input to `tfjsProblem` and its sessions, under the library's contract
 * (test/support/property/contract.ts): any spec or session option either works (a finite
 * step and hypergradient) or throws a documented GlocalError; never another exception,
 * never a changed input, never a tensor left behind.
 */
import fc from "fast-check";
import { optimizers } from "../../src/index";
import { tfjsProblem } from "../../src/tfjs/index";
import { allFinite, contract } from "../support/property/contract";
import { check, writeSummaryPart } from "../support/property/summary";
import { tf } from "../support/tfjs";

afterAll(() => writeSummaryPart(__filename));

/** Least squares on two features: θ = (w₁, w₂, b). */
const loss = (p: tf.Tensor[], x: tf.Tensor, y: tf.Tensor) =>
  tf.mean(tf.square(tf.sub(tf.add(tf.sum(tf.mul(x, p[0]), -1), p[1]), y))) as tf.Scalar;
const X = [
  [1, 0],
  [0, 1],
  [1, 1],
  [2, -1],
  [-1, 2],
  [0.5, 0.5],
];
const Y = [1, -1, 0, 3, -3, 0];

/** Values a caller might pass by mistake (or on purpose). */
const junk = fc.oneof(
  fc.constantFrom(undefined, null, NaN, Infinity, -1, 0, 0.5, 1e9, "", "exact", "finite-difference", true),
  fc.constantFrom({}, [], [[]], [NaN], [1, 2], [[1, 2]], [[1], [2, 3]], { x: X }, { x: X, y: Y }, { x: X, y: [1] }),
  fc.constantFrom(
    "meanSquaredError",
    "sparseCategoricalCrossentropy",
    () => 0,
    () => null,
    () => tf.scalar(NaN),
  ),
);

const SPEC_FIELDS = ["params", "loss", "accuracy", "train", "val", "jvp", "fdStep", "tf", "model", "extra"] as const;
const SESSION_FIELDS = ["hyper", "batchSize", "seed", "phi", "state", "weights", "backend", "extra"] as const;

it("tfjsProblem and createSession: a working session or a documented error, nothing leaked", () => {
  const arb = fc.record({
    spec: fc.dictionary(fc.constantFrom(...SPEC_FIELDS), junk, { maxKeys: 2 }),
    session: fc.dictionary(fc.constantFrom(...SESSION_FIELDS), junk, { maxKeys: 2 }),
  });
  const params = [tf.zeros([2]), tf.zeros([])];
  try {
    check(
      "tfjsProblem",
      arb,
      ({ spec, session }) => {
        const held = tf.memory().numTensors;
        const full = { params, loss, train: { x: X, y: Y }, val: { x: X, y: Y }, ...spec };
        // `params` hold tensors (their data is not what the snapshot compares): the arrays are checked.
        const inputs = [full.train, full.val, session];
        contract(
          inputs,
          () => {
            const problem = tfjsProblem(full as never);
            try {
              const s = problem.createSession(optimizers.momentum({ lr: 0.1, wd: 0.01, momentum: 0.5 }), session);
              try {
                s.step(2);
                return s.hypergradient();
              } finally {
                s.dispose();
              }
            } finally {
              problem.dispose();
            }
          },
          {
            codes: ["E_OPTION", "E_TYPE", "E_SHAPE", "E_NONFINITE", "E_UNSUPPORTED", "E_DIVERGED"],
            check: (h) => allFinite(h, "hypergradient"),
          },
        );
        expect(tf.memory().numTensors).toBe(held);
      },
      10,
    );
  } finally {
    tf.dispose(params);
  }
});
