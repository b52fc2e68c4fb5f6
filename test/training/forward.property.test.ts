/**
 * Properties of the forward-mode side at small sizes: the problem constructors (every
 * model, clean or damaged data), InnerTraining and hypergradientTrajectory (the trajectory
 * is finite, has m = steps/stride rows of q, and equals a session stepped by hand), and
 * optimize (tiny runs of every strategy: a finite history, or a typed error). Divergence
 * (E_DIVERGED, or a run that stops "diverged") is a legitimate outcome of a learning
 * rate of 1e3 or of data at 1e300; NaN in a result never is.
 */
import fc from "fast-check";
import {
  GlocalErrorCode,
  InnerTraining,
  STRATEGIES,
  hypergradientTrajectory,
  optimize,
  optimizers,
  problems,
} from "../../src/index";
import type { Problem } from "../../src/index";
import { gaussian } from "../support/helpers";
import { SCALES, wrongValue } from "../support/property/arbitraries";
import { allFinite, assert, contract } from "../support/property/contract";
import { check, writeSummaryPart } from "../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

type Kind = "linear" | "logistic" | "softmax" | "mlp";
type DataDamage = "none" | "xNaN" | "yRange" | "yFraction" | "length" | "features" | "garbage" | "oneClass" | "yString";

interface DataCase {
  kind: Kind;
  nTrain: number;
  nVal: number;
  p: number;
  k: number;
  scale: number;
  seed: number;
  damage: DataDamage;
  yForm: "array" | "f64" | "matrix";
  options: { value: Record<string, unknown>; bad: boolean };
}

const problemOptions = (kind: Kind) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .record(
          {
            seed: fc.integer({ min: 0, max: 1000 }),
            initScale: fc.constantFrom(0, 0.5, 1),
            ...(kind === "mlp"
              ? { hidden: fc.constantFrom<unknown>(2, [3], [2, 2]), activation: fc.constantFrom("tanh", "gelu") }
              : {}),
          },
          { requiredKeys: [] },
        )
        .map((value) => ({ value: value as Record<string, unknown>, bad: false })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Record<string, unknown>>(
          { seed: -1 },
          { initScale: NaN },
          { colour: 1 },
          { classes: 1 },
          ...(kind === "mlp" ? [{ hidden: [0] }, { activation: "relu" }, { hidden: [1, 2, 3] }] : []),
        )
        .map((value) => ({ value, bad: true })),
    },
  );

const dataCase: fc.Arbitrary<DataCase> = fc
  .record({
    kind: fc.constantFrom<Kind>("linear", "logistic", "softmax", "mlp"),
    nTrain: fc.integer({ min: 1, max: 12 }),
    nVal: fc.integer({ min: 1, max: 8 }),
    p: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 1, max: 3 }),
    scale: fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(...SCALES) }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    damage: fc.oneof(
      { weight: 10, arbitrary: fc.constant<DataDamage>("none") },
      {
        weight: 3,
        arbitrary: fc.constantFrom<DataDamage>(
          "xNaN",
          "yRange",
          "yFraction",
          "length",
          "features",
          "garbage",
          "oneClass",
          "yString",
        ),
      },
    ),
    yForm: fc.constantFrom<"array" | "f64" | "matrix">("array", "f64", "matrix"),
  })
  .chain((d) => problemOptions(d.kind).map((options) => ({ ...d, options })));

function buildData(d: DataCase): unknown {
  const g = gaussian(d.seed);
  const classes = d.kind === "logistic" ? 2 : d.k + 1;
  const split = (n: number) => {
    const x = Array.from({ length: n }, () => Array.from({ length: d.p }, () => g() * d.scale));
    let y: unknown;
    if (d.kind === "linear") {
      const rows = Array.from({ length: n }, () => Array.from({ length: d.yForm === "matrix" ? d.k : 1 }, () => g()));
      y =
        d.yForm === "matrix"
          ? rows
          : d.yForm === "f64"
            ? Float64Array.from(rows.map((r) => r[0]))
            : rows.map((r) => r[0]);
    } else {
      // Every class appears (so `classes` is inferred as k + 1).
      const labels = Array.from({ length: n }, (_, i) => (i < classes ? i : Math.floor(Math.abs(g() * 7)) % classes));
      y = d.yForm === "f64" ? Float64Array.from(labels) : labels;
    }
    return { x, y };
  };
  const train = split(Math.max(d.nTrain, 2)),
    val = split(d.nVal);
  const t = train as { x: unknown[][]; y: unknown };
  switch (d.damage) {
    case "xNaN":
      t.x[0][0] = NaN;
      break;
    case "yRange":
      t.y = Array.from(t.y as ArrayLike<unknown>).map((v, i) => (i === 0 ? (d.kind === "linear" ? NaN : 99) : v));
      break;
    case "yFraction":
      t.y = Array.from(t.y as ArrayLike<unknown>).map((v, i) => (i === 0 ? (d.kind === "linear" ? Infinity : 0.5) : v));
      break;
    case "yString":
      t.y = Array.from(t.y as ArrayLike<unknown>).map((v, i) => (i === 0 ? "1" : v));
      break;
    case "length":
      t.x.pop();
      break;
    case "features":
      (val as { x: unknown[][] }).x = (val as { x: number[][] }).x.map((r) => r.concat([1]));
      break;
    case "oneClass":
      if (d.kind !== "linear") {
        t.y = Array.from(t.y as ArrayLike<number>).map(() => 0);
        (val as { y: unknown }).y = (val as { y: number[] }).y.map(() => 0);
      } else t.y = "targets";
      break;
    case "garbage":
      return [null, "data", { train: 1, val: 2 }, { train: { x: [[1]] } }][d.seed % 4];
  }
  return { train, val };
}

function makeProblem(kind: Kind, data: unknown, options: unknown): Problem {
  switch (kind) {
    case "linear":
      return problems.linear(data as never, options as never);
    case "logistic":
      return problems.logistic(data as never, options as never);
    case "softmax":
      return problems.softmax(data as never, options as never);
    case "mlp":
      return problems.mlp(data as never, options as never);
  }
}

/**
 * The documented code a damage must raise for a model, or null where the damaged data is
 * still valid for it. yRange plants label 99: the class count is inferred from the labels
 * (no valid option here gives `classes`), so softmax and mlp read it as a 100th class,
 * while logistic labels must be 0/1 (E_OPTION: a label out of range). oneClass makes every
 * label 0: valid 0/1 labels for logistic, a single class for softmax and mlp (E_SHAPE).
 * For least squares a planted NaN/Infinity target is E_NONFINITE, but in the matrix form
 * it replaces a whole row (E_TYPE); oneClass there sets y to a string.
 */
function damageCode(d: DataCase): GlocalErrorCode | null {
  const classification = d.kind !== "linear";
  switch (d.damage) {
    case "none":
      return null;
    case "xNaN":
      return "E_NONFINITE";
    case "yRange":
      if (d.kind === "softmax" || d.kind === "mlp") return null;
      return d.kind === "logistic" ? "E_OPTION" : d.yForm === "matrix" ? "E_TYPE" : "E_NONFINITE";
    case "yFraction":
      return classification || d.yForm === "matrix" ? "E_TYPE" : "E_NONFINITE";
    case "length":
    case "features":
      return "E_SHAPE";
    case "oneClass":
      return d.kind === "logistic" ? null : classification ? "E_SHAPE" : "E_TYPE";
    case "garbage":
    case "yString":
      return "E_TYPE";
  }
}

describe("problems", () => {
  it("build from clean data with valid options (else a typed error); evaluate(θ₀) is finite or E_DIVERGED", () => {
    check("problems.*", dataCase, (d) => {
      const data = buildData(d);
      // Logistic labels are 0/1 (our generator's k is ignored there). The yForm "matrix"
      // gives a matrix y to least squares only: classification labels stay a plain array.
      const codes = new Set<GlocalErrorCode>();
      const dataCode = damageCode(d);
      if (dataCode) codes.add(dataCode);
      if (d.options.bad) codes.add("E_OPTION");
      let problem: Problem | null = null;
      contract([data, d.options.value], () => makeProblem(d.kind, data, d.options.value), {
        codes,
        rejects: codes.size > 0, // damaged data (where it breaks the model's rules) or bad options
        check: (p) => {
          problem = p;
          assert(p.kind === d.kind && p.parameterCount > 0 && p.blocks.length >= 1, "problem shape");
        },
      });
      const prob = problem as Problem | null;
      if (!prob) return;
      try {
        contract([], () => prob.evaluate(prob.initialTheta()), {
          codes: ["E_DIVERGED"],
          check: (e) =>
            assert(
              Number.isFinite(e.loss) && e.loss >= 0 && (e.accuracy === null || (e.accuracy >= 0 && e.accuracy <= 1)),
              `loss ${e.loss}`,
            ),
        });
        contract([], () => prob.evaluate(new Array(prob.parameterCount + 1).fill(0)), { codes: ["E_SHAPE"] });
      } finally {
        prob.dispose();
      }
      contract([], () => prob.evaluate(prob.initialTheta()), { codes: ["E_DISPOSED"] });
    });
  });
});

type OptKind = "sgd" | "momentum" | "adam";
const trainCase = fc.record({
  data: dataCase.filter((d) => d.damage === "none" && !d.options.bad && !(d.kind !== "linear" && d.yForm === "matrix")),
  opt: fc.constantFrom<OptKind>("sgd", "momentum", "adam"),
  lr: fc.constantFrom(1e-3, 0.1, 0.5, 1e3),
  wd: fc.constantFrom(0, 1e-3, 0.1),
  hyper: fc.oneof(
    { weight: 6, arbitrary: fc.subarray(["lr", "wd", "momentum", "weights"]) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(["lr", "lr"], ["foo"], "lr", null) },
  ),
  /** Mostly drop the names the optimiser cannot take (momentum for SGD, wd when it is 0). */
  sanitize: fc.integer({ min: 0, max: 4 }).map((i) => i > 0),
  /** A batch size: a fraction of the training set (valid), or a bad value. */
  batch: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({ f })) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 1.5, "4", 99) },
  ),
  stride: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: wrongValue }),
  rows: fc.integer({ min: 1, max: 5 }),
  seed: fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 1000 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 2 ** 33) },
  ),
});

describe("InnerTraining and hypergradientTrajectory", () => {
  it("the trajectory is finite, m × q, and equals a session stepped by hand; restore returns to a snapshot", () => {
    check("hypergradientTrajectory", trainCase, (c) => {
      const problem = makeProblem(c.data.kind, buildData(c.data), c.data.options.value);
      try {
        const optimizer =
          c.opt === "sgd"
            ? optimizers.sgd({ lr: c.lr, wd: c.wd })
            : c.opt === "momentum"
              ? optimizers.momentum({ lr: c.lr, wd: c.wd })
              : optimizers.adam({ lr: c.lr, wd: c.wd });
        const codes = new Set<GlocalErrorCode>(["E_DIVERGED"]);
        if (c.batch && typeof c.batch === "object")
          c.batch = 1 + Math.floor((c.batch as { f: number }).f * (problem.trainSize - 1));
        if (c.sanitize && Array.isArray(c.hyper))
          c.hyper = c.hyper.filter((h) => !(h === "momentum" && c.opt === "sgd") && !(h === "wd" && c.wd === 0));
        const hyperOk =
          Array.isArray(c.hyper) &&
          new Set(c.hyper).size === c.hyper.length &&
          c.hyper.every((h) => ["lr", "wd", "momentum", "weights"].includes(h as string));
        if (
          !hyperOk ||
          ((c.hyper as string[]).includes("momentum") && c.opt === "sgd") ||
          ((c.hyper as string[]).includes("wd") && c.wd === 0)
        )
          codes.add("E_OPTION");
        if (
          c.batch !== undefined &&
          !(Number.isInteger(c.batch) && (c.batch as number) >= 1 && (c.batch as number) <= problem.trainSize)
        )
          codes.add("E_OPTION");
        if (!(Number.isInteger(c.stride) && (c.stride as number) >= 1)) codes.add("E_OPTION");
        if (
          c.seed !== undefined &&
          !(Number.isInteger(c.seed) && (c.seed as number) >= 0 && (c.seed as number) < 2 ** 32)
        )
          codes.add("E_OPTION");
        const stride = c.stride as number;
        const opts: Record<string, unknown> = {
          hyper: c.hyper,
          steps: Number.isInteger(stride) && stride > 0 ? stride * c.rows : c.rows,
          stride: c.stride,
        };
        if (c.batch !== undefined) opts.batchSize = c.batch;
        if (c.seed !== undefined) opts.seed = c.seed;
        contract([opts], () => hypergradientTrajectory(problem, optimizer, opts as never), {
          codes,
          rejects: codes.has("E_OPTION"), // E_DIVERGED is only allowed
          check: (r) => {
            const q = r.names.length;
            assert(
              r.trajectory.rows === c.rows &&
                r.trajectory.cols === q &&
                q ===
                  (c.hyper as string[]).length +
                    ((c.hyper as string[]).includes("weights") ? problem.trainSize - 1 : 0),
              "trajectory shape",
            );
            allFinite(r.trajectory.data, "trajectory");
            allFinite(r.state.theta, "state.theta");
            assert(r.valLoss !== null && Number.isFinite(r.valLoss) && r.valLoss >= 0, "valLoss");
            // The same window by hand, bit for bit.
            const { steps: _s, stride: _t, ...sessionOpts } = opts;
            const s = new InnerTraining(problem, optimizer, sessionOpts as never);
            try {
              s.resetTangent();
              for (let i = 0; i < c.rows; i++) {
                s.step(stride);
                const h = s.hypergradient();
                assert(
                  h.every((v, j) => Object.is(v, r.trajectory.data[i * q + j])),
                  "the trajectory differs from a session stepped by hand",
                );
              }
              const snap = s.snapshot();
              const theta = s.theta();
              try {
                s.step(2);
              } catch {
                // diverging is fine: restore must still bring the snapshot back
              }
              s.restore(snap);
              assert(
                s.theta().every((v, i) => Object.is(v, theta[i])),
                "restore did not return to the snapshot",
              );
            } finally {
              s.dispose();
            }
            contract([], () => s.hypergradient(), { codes: ["E_DISPOSED"] });
          },
        });
      } finally {
        problem.dispose();
      }
    });
  });
});

describe("optimize", () => {
  const arb = fc.record({
    data: dataCase.filter(
      (d) => d.damage === "none" && !d.options.bad && d.scale === 1 && !(d.kind !== "linear" && d.yForm === "matrix"),
    ),
    strategy: fc.oneof(
      { weight: 16, arbitrary: fc.constantFrom(...STRATEGIES) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>("best", undefined) },
    ),
    innerSteps: fc.oneof(
      { weight: 16, arbitrary: fc.integer({ min: 1, max: 8 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 2.5, undefined) },
    ),
    window: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(0, "2", 9) },
    ),
    outerSteps: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 2 })),
    lr: fc.constantFrom(0.05, 0.5, 1e3),
    meta: fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom<unknown>(
          undefined,
          { kind: "sgd", lr: 0.1 },
          { kind: "sgd", lr: 10 },
          { kind: "adam", lr: 0.05, clip: 1 },
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>({ kind: "newton" }, { lr: -1 }) },
    ),
    glocal: fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom<unknown>(
          undefined,
          { target: "remaining" },
          { stride: 2, method: "rre" },
          { method: "auto", delay: "auto" },
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>({ target: "never" }, { horizon: 10 }) },
    ),
    aborted: fc.integer({ min: 0, max: 9 }).map((i) => i === 0),
    extra: fc.oneof(
      { weight: 16, arbitrary: fc.constant<unknown>(undefined) },
      { weight: 1, arbitrary: fc.constant<unknown>({ colour: 1 }) },
    ),
  });
  it("tiny runs of every strategy return a finite history (done, diverged or aborted), or a typed error", () => {
    check("optimize", arb, (c) => {
      const problem = makeProblem(c.data.kind, buildData(c.data), c.data.options.value);
      try {
        const codes = new Set<GlocalErrorCode>();
        if (
          !STRATEGIES.includes(c.strategy as never) ||
          !(Number.isInteger(c.innerSteps) && (c.innerSteps as number) >= 1)
        )
          codes.add("E_OPTION");
        if (c.window !== undefined && !(Number.isInteger(c.window) && (c.window as number) >= 1)) codes.add("E_OPTION");
        if (
          c.strategy !== "global" &&
          Number.isInteger(c.window) &&
          Number.isInteger(c.innerSteps) &&
          (c.window as number) > (c.innerSteps as number)
        )
          codes.add("E_OPTION");
        const meta = c.meta as { kind?: string; lr?: number } | undefined;
        if (meta && (meta.kind === "newton" || (meta.lr !== undefined && meta.lr <= 0))) codes.add("E_OPTION");
        const gl = c.glocal as { target?: string; horizon?: number } | undefined;
        if (gl && (gl.target === "never" || gl.horizon !== undefined)) codes.add("E_OPTION");
        if (c.extra) codes.add("E_OPTION");
        const options: Record<string, unknown> = {
          problem,
          optimizer: optimizers.momentum({ lr: c.lr, wd: 0.01 }),
          hyper: ["lr", "wd"],
          strategy: c.strategy,
          innerSteps: c.innerSteps,
          seed: 1,
        };
        if (c.window !== undefined) options.window = c.window;
        if (c.outerSteps !== undefined) options.outerSteps = c.outerSteps;
        if (c.meta !== undefined) options.metaOptimizer = c.meta;
        if (c.glocal !== undefined) options.glocal = c.glocal;
        if (c.aborted) options.signal = { aborted: true };
        if (c.extra) Object.assign(options, c.extra);
        contract([], () => optimize(options as never), {
          codes,
          rejects: codes.size > 0, // every code here is E_OPTION, owed for a bad option
          check: (r) => {
            assert(["done", "diverged", "aborted"].includes(r.stopped), `stopped ${r.stopped}`);
            if (c.aborted) assert(r.stopped === "aborted", "an aborted signal must stop the run");
            assert(r.history.length >= 1 && r.history[0].update === 0, "history starts with update 0");
            for (const e of r.history) {
              assert(e.phi.length === 2 && e.phi.every(Number.isFinite), "φ not finite");
              for (const v of [e.trainLoss, e.valLoss, e.valAccuracy])
                assert(v === null || Number.isFinite(v), "loss not finite");
              if (e.hypergradient) assert(e.hypergradient.every(Number.isFinite), "hypergradient not finite");
            }
            assert(
              r.final.phi.every(Number.isFinite) &&
                Number.isFinite(r.final.valLoss) &&
                Number.isFinite(r.final.trainLoss),
              "final not finite",
            );
            // One entry per update after update 0; `none` never updates (its entries are the loss curve).
            const perUpdate =
              c.strategy === "none"
                ? r.counts.updates === 0 && r.history.every((e) => e.update === 0)
                : r.counts.updates === r.history.length - 1;
            assert(r.counts.innerSteps >= 0 && perUpdate && r.wallTimeMs >= 0, "counts");
          },
        });
      } finally {
        problem.dispose();
      }
    });
  });
});
