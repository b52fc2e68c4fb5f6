// The consumer test (`npm run test:consumer`, run by .ci/run): the package as a JS developer
// gets it. `npm pack` (of the built dist/), installed with production dependencies into an
// empty project (offline from the tarball; its one dependency from the npm cache or registry),
// then: a CommonJS script and an ES module script by package name, a TypeScript strict check
// under node16, nodenext and bundler with skipLibCheck false and no DOM or Node typings, an
// app bundled to CommonJS, an esbuild browser bundle executed in headless Chromium, and
// arethetypeswrong on the tarball. Writes test-artifacts/consumer-results.json (passed/failed
// counts, like the other suites) and test-artifacts/consumer-report.json (sizes, attw output).
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { launchChromium } from "../browser/chromium.mjs";
import { runTests, writeResults } from "../support/runner.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "consumer", "fixtures");
const artifacts = join(root, "test-artifacts");
mkdirSync(artifacts, { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const attw = join(root, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");

/** The most node_modules a production install of the package may take. */
const MAX_INSTALL_BYTES = 10 * 2 ** 20;
/** Packages a light install must not bring (the optional peers, the benchmark harness, gpu.js's natives). */
const ABSENT = ["gpu.js", "mnist", "webgpu", "gl", "benchmark", "lodash", "@tensorflow/tfjs-core"];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const report = {};
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function run(cmd, args, cwd, options = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 180_000, ...options });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}
function nodeJson(file, cwd) {
  const r = run(process.execPath, [file], cwd);
  assert(r.status === 0, `node ${file}: exit ${r.status}\n${r.stderr}`);
  assert(r.stderr === "", `node ${file} wrote to stderr: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
function duBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += duBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}
/** Every package.json under node_modules (nested ones too). */
function installedPackages(dir) {
  const out = [];
  const walk = (nm) => {
    if (!existsSync(nm)) return;
    for (const name of readdirSync(nm)) {
      if (name.startsWith(".")) continue;
      const dirs = name.startsWith("@") ? readdirSync(join(nm, name)).map((n) => join(name, n)) : [name];
      for (const d of dirs) {
        const file = join(nm, d, "package.json");
        if (!existsSync(file)) continue;
        out.push({ name: d, dir: join(nm, d), json: JSON.parse(readFileSync(file, "utf8")) });
        walk(join(nm, d, "node_modules"));
      }
    }
  };
  walk(join(dir, "node_modules"));
  return out;
}

let work, tarball, project;

test("npm pack: the tarball holds the builds, their types, LICENSE and README, not the benchmarks", () => {
  const r = run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root);
  assert(r.status === 0, `npm pack: ${r.stderr}`);
  const info = JSON.parse(r.stdout)[0];
  tarball = join(work, info.filename);
  const files = new Set(info.files.map((f) => f.path));
  for (const f of [
    "dist/index.cjs",
    "dist/index.mjs",
    "dist/index.d.mts",
    "dist/browser.mjs",
    "dist/browser.cjs",
    "dist/demo.mjs",
    "dist/types/index.d.ts",
    "dist/tfjs.cjs",
    "dist/tfjs.mjs",
    "dist/tfjs.d.mts",
    "dist/tfjs-browser.mjs",
    "dist/types/tfjs/index.d.ts",
    "dist/cli.cjs",
    "LICENSE",
    "README.md",
  ])
    assert(files.has(f), `${f} is not in the tarball`);
  for (const f of files) assert(!f.startsWith("dist/bench."), `${f} is in the tarball`);
  report.tarball = {
    file: info.filename,
    packedBytes: info.size,
    unpackedBytes: info.unpackedSize,
    files: info.entryCount,
  };
});

test(`npm install of the tarball (production dependencies): <= ${MAX_INSTALL_BYTES / 2 ** 20} MiB, no install script, no optional peer`, () => {
  project = join(work, "app");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  const t0 = Date.now();
  const r = run(
    npm,
    ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--foreground-scripts", tarball],
    project,
  );
  report.installSeconds = (Date.now() - t0) / 1000;
  assert(r.status === 0, `npm install: ${r.stderr}`);
  const packages = installedPackages(project);
  report.installed = packages.map((p) => `${p.name}@${p.json.version}`);
  for (const name of ABSENT) assert(!packages.some((p) => p.name === name), `${name} was installed`);
  // npm runs these lifecycle scripts on install, and node-gyp for a binding.gyp without them.
  for (const p of packages) {
    const scripts = p.json.scripts ?? {};
    for (const s of ["preinstall", "install", "postinstall"]) assert(!scripts[s], `${p.name} has an ${s} script`);
    assert(!existsSync(join(p.dir, "binding.gyp")), `${p.name} would be compiled by node-gyp`);
  }
  const bytes = duBytes(join(project, "node_modules"));
  report.installedBytes = bytes;
  assert(bytes <= MAX_INSTALL_BYTES, `node_modules holds ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  for (const f of ["app.cjs", "app.mjs", "consumer.mts", "consumer.cts", "consumer.ts", "default-import.mts"])
    cpSync(join(fixtures, f), join(project, f));
});

test("a CommonJS script: estimate, optimize, E_MISSING_DEPENDENCY for mnist and gpu.js, the demo subpath", () => {
  const o = nodeJson("app.cjs", project);
  assert(Math.abs(o.estimate - 2) < 1e-9 && o.trusted, `estimate ${o.estimate} (trusted ${o.trusted})`);
  assert(Math.abs(o.truncated - 2) > 1e-4, "the example's h_m is already the answer");
  assert(o.optimize.stopped === "done" && o.optimize.updates === 3, `optimize: ${JSON.stringify(o.optimize)}`);
  assert(Number.isFinite(o.optimize.valLoss), "optimize: non-finite loss");
  assert(o.mnist?.code === "E_MISSING_DEPENDENCY" && o.mnist.argument === "mnist", `mnist: ${JSON.stringify(o.mnist)}`);
  assert(o.gpu?.code === "E_MISSING_DEPENDENCY" && o.gpu.argument === "gpu.js", `gpu: ${JSON.stringify(o.gpu)}`);
  assert(o.mnist.isGlocal && o.products === "wasm" && o.demo === "function", JSON.stringify(o));
});

test("an ES module script: named imports, no default export, optimizeAsync aborted by a timer", () => {
  const o = nodeJson("app.mjs", project);
  assert(Math.abs(o.estimate - 2) < 1e-9, `estimate ${o.estimate}`);
  assert(o.stopped === "aborted" && o.ms < 1500, `stopped ${o.stopped} after ${o.ms} ms`);
  // The run yields every ~50 ms of wall time, so a 10 ms interval ticks at least once per ~100 ms of the run
  // (a count per wall time, so a loaded machine, which stretches both, does not fail it).
  const minTicks = Math.max(2, Math.floor(o.ms / 100));
  assert(o.ticks >= minTicks, `a 10 ms interval ticked ${o.ticks} times during a ${Math.round(o.ms)} ms run`);
  assert(o.mnist?.code === "E_MISSING_DEPENDENCY" && o.mnist.isError, `mnist: ${JSON.stringify(o.mnist)}`);
  assert(o.noDefault && o.demo === "function", JSON.stringify(o));
});

test("glocal-hypergrad/tfjs resolves from CommonJS and ES modules; without TensorFlow.js: E_MISSING_DEPENDENCY", () => {
  const script = (kind) =>
    kind === "cjs" ? `const t = require("glocal-hypergrad/tfjs");\n` : `import * as t from "glocal-hypergrad/tfjs";\n`;
  const body =
    "let code = null, argument = null, message = '';\n" +
    "try { t.tfjsProblem({ params: [], loss: () => 0, train: { x: [1], y: [1] }, val: { x: [1], y: [1] } }); }\n" +
    "catch (e) { ({ code, argument, message } = e); }\n" +
    "console.log(JSON.stringify({ kinds: [typeof t.tfjsProblem, typeof t.loadTf], code, argument, message }));\n";
  for (const kind of ["cjs", "mjs"]) {
    writeFileSync(join(project, `tfjs-app.${kind}`), script(kind) + body);
    const o = nodeJson(`tfjs-app.${kind}`, project);
    assert(o.kinds.join() === "function,function", `${kind}: exports ${o.kinds}`);
    assert(o.code === "E_MISSING_DEPENDENCY" && o.argument === "tf", `${kind}: ${JSON.stringify(o)}`);
    assert(/npm install @tensorflow\/tfjs/.test(o.message), `${kind}: ${o.message}`);
  }
});

for (const mode of ["node16", "nodenext", "bundler"]) {
  test(`TypeScript strict, skipLibCheck false, no DOM or Node typings: moduleResolution ${mode}`, () => {
    const files = mode === "bundler" ? ["consumer.ts"] : ["consumer.mts", "consumer.cts"];
    const config = {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        target: "ES2022",
        lib: ["ES2022"],
        types: [],
        module: mode === "bundler" ? "esnext" : mode,
        moduleResolution: mode,
      },
      files,
    };
    writeFileSync(join(project, `tsconfig.${mode}.json`), JSON.stringify(config, null, 2));
    const r = run(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`], project);
    assert(r.status === 0, `tsc (${mode}):\n${r.stdout}${r.stderr}`);
  });
}

test("TypeScript rejects a default import of the ES module entry (it has none)", () => {
  const config = {
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, lib: ["ES2022"], types: [], module: "node16" },
    files: ["default-import.mts"],
  };
  writeFileSync(join(project, "tsconfig.default.json"), JSON.stringify(config));
  const r = run(process.execPath, [tsc, "-p", "tsconfig.default.json"], project);
  assert(r.status !== 0 && /TS1192|has no default export/.test(r.stdout), `tsc accepted it:\n${r.stdout}`);
});

test("an app bundled to CommonJS by esbuild runs (the ES module entry with import.meta emptied)", async () => {
  const outfile = join(project, "bundled.cjs");
  await build({
    entryPoints: [join(project, "app.mjs")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    absWorkingDir: project,
    logLevel: "error",
    // Top-level await is ESM-only: wrap the app's body for CommonJS.
    plugins: [
      {
        name: "wrap",
        setup(b) {
          b.onLoad({ filter: /app\.mjs$/ }, () => {
            const text = readFileSync(join(project, "app.mjs"), "utf8");
            const imports = text.match(/^import[^;]+;$/gm).join("\n");
            const body = text.replace(/^import[^;]+;$/gm, "");
            return { contents: `${imports}\n(async () => {${body}})();`, loader: "js" };
          });
        },
      },
    ],
  });
  const o = nodeJson(outfile, project);
  assert(Math.abs(o.estimate - 2) < 1e-9 && o.stopped === "aborted", JSON.stringify(o));
});

test("an esbuild browser bundle importing the package by name runs in headless Chromium", async () => {
  const dir = join(project, "web");
  mkdirSync(dir);
  cpSync(join(fixtures, "browser", "entry.mjs"), join(project, "entry.mjs"));
  cpSync(join(fixtures, "browser", "index.html"), join(dir, "index.html"));
  await build({
    entryPoints: [join(project, "entry.mjs")],
    bundle: true,
    platform: "browser",
    format: "esm",
    outfile: join(dir, "bundle.mjs"),
    absWorkingDir: project,
    logLevel: "error",
  });
  const text = readFileSync(join(dir, "bundle.mjs"), "utf8");
  assert(!/["']node:/.test(text) && !/\brequire\s*\(/.test(text), "the browser bundle references Node");
  report.browserBundleBytes = text.length;
  const types = { ".html": "text/html", ".mjs": "text/javascript" };
  const server = createServer((req, res) => {
    const file = join(dir, new URL(req.url, "http://x").pathname.replace(/^\/$/, "/index.html"));
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.consumerResult !== undefined, null, { timeout: 60_000 });
    const r = await page.evaluate(() => globalThis.consumerResult);
    assert(!r.error, `in the page: ${r.error}`);
    assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
    assert(r.wasm === "relaxed-simd", `the page runs the ${r.wasm} binary`);
    assert(Math.abs(r.estimate - 2) < 1e-9 && r.stopped === "aborted", JSON.stringify(r));
    assert(r.mnist === "E_UNSUPPORTED" && r.gpu === "E_MISSING_DEPENDENCY", JSON.stringify(r));
  } finally {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("arethetypeswrong on the tarball: no problem", () => {
  const r = run(process.execPath, [attw, tarball, "--format", "ascii", "--no-color"], project);
  report.attw = (r.stdout + r.stderr).trim();
  assert(r.status === 0, `attw exit ${r.status}:\n${report.attw}`);
  assert(/No problems found/.test(report.attw), report.attw);
});

async function main() {
  const started = Date.now();
  let setupError = null;
  try {
    for (const f of ["index.cjs", "index.mjs", "browser.mjs", "index.d.mts", "types/index.d.ts"])
      if (!existsSync(join(root, "dist", f))) throw new Error(`dist/${f} is missing: run npm run build`);
    work = mkdtempSync(join(tmpdir(), "glocal-consumer-"));
    console.log(
      `consumer test: ${pkg.name}@${pkg.version} in ${work} (npm ${execFileSync(npm, ["--version"]).toString().trim()})`,
    );
  } catch (e) {
    setupError = e;
  }
  const results = await runTests(tests, setupError);
  if (setupError) console.log(`consumer test could not start: ${setupError.message}`);
  if (work && !process.env.GLOCAL_KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
  const { passed, failed } = writeResults(join(artifacts, "consumer-results.json"), results, started);
  writeFileSync(join(artifacts, "consumer-report.json"), JSON.stringify(report, null, 2) + "\n");
  if (report.installedBytes !== undefined)
    console.log(
      `installed: ${(report.installedBytes / 2 ** 20).toFixed(2)} MiB of node_modules (${report.installed?.join(", ")})`,
    );
  console.log(`consumer: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
