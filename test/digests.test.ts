/**
 * Refactoring guard: SHA-256 digests of a fixed set of outputs (every fixture's estimate
 * under every method, a 200-step forward-mode trajectory, a short optimize run), compared
 * with test/digests.json. A change that moves code must leave them bit-identical;
 * a change that alters results on purpose regenerates the file with
 * `GLOCAL_UPDATE_DIGESTS=1 npx jest test/digests.test.ts` and says why in its commit.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  datasets,
  estimateGlobal,
  EstimateOptions,
  hypergradientTrajectory,
  optimize,
  optimizers,
  problems,
} from "../src/index";

const fixturesDir = path.join(__dirname, "fixtures");
const digestFile = path.join(__dirname, "digests.json");

function digest(values: ArrayLike<number>): string {
  const bytes = Buffer.from(Float64Array.from(values).buffer);
  return createHash("sha256").update(bytes).digest("hex").slice(0, 32);
}

const METHODS: Array<[string, EstimateOptions]> = [
  ["limit", { method: "limit" }],
  ["horizon", { method: "horizon" }],
  ["affine", { method: "affine" }],
  ["rre", { method: "rre" }],
  ["mpe", { method: "mpe" }],
];

function outputs(): Record<string, string> {
  const out: Record<string, string> = {};
  const files = fs
    .readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("bad_"))
    .sort();
  for (const f of files) {
    const fx = JSON.parse(fs.readFileSync(path.join(fixturesDir, f), "utf8"));
    const base: EstimateOptions = {
      delay: fx.delay,
      rank: fx.rank === null ? { kind: "full" } : { kind: "fixed", rank: fx.rank },
      horizon: fx.horizon,
    };
    for (const [name, o] of METHODS) {
      const r = estimateGlobal(fx.trajectory, { ...base, ...o });
      out[`${fx.name}/${name}`] = digest(r.estimate);
    }
    out[`${fx.name}/default`] = digest(estimateGlobal(fx.trajectory).estimate);
  }
  const data = datasets.synthetic({ kind: "multiclass", train: 60, val: 40, features: 6, classes: 3, seed: 4 });
  const problem = problems.softmax(data, { classes: 3 });
  try {
    const t = hypergradientTrajectory(problem, optimizers.momentum({ lr: 0.1, wd: 0.01 }), {
      steps: 200,
      hyper: ["lr", "wd", "momentum"],
      batchSize: 20,
      seed: 3,
    });
    out["trajectory/softmax-momentum-200"] = digest(t.trajectory.data);
    for (const strategy of ["global", "local", "truncated", "glocal"] as const) {
      const r = optimize({
        problem,
        optimizer: optimizers.momentum({ lr: 0.05, wd: 0.01 }),
        hyper: ["lr", "wd"],
        strategy,
        innerSteps: 120,
        window: 30,
        outerSteps: 3,
        batchSize: 20,
        seed: 2,
        glocal: { stride: 2 },
      });
      const values = [...r.final.phi, r.final.valLoss, r.final.trainLoss, ...r.history.flatMap((e) => e.phi)];
      out[`optimize/${strategy}`] = digest(values);
    }
  } finally {
    problem.dispose();
  }
  return out;
}

it("outputs are bit-identical to the recorded digests", () => {
  const now = outputs();
  if (process.env.GLOCAL_UPDATE_DIGESTS === "1") {
    fs.writeFileSync(digestFile, JSON.stringify(now, null, 2) + "\n");
  }
  const recorded = JSON.parse(fs.readFileSync(digestFile, "utf8"));
  expect(now).toEqual(recorded);
  expect(Object.keys(now).length).toBeGreaterThan(30);
});
