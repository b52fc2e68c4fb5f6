// Bundles the TypeScript sources with esbuild: CommonJS and ESM entry points for Node,
// the CLI, and a self-contained browser ESM bundle (WebAssembly inlined as base64).
// Declarations come from `tsc -p tsconfig.build.json` (which also type-checks).
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { browserBundle } from "./browser-plugin.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const external = Object.keys(pkg.dependencies ?? {});
// The CLI's version comes from package.json (one source of truth).
const common = {
  bundle: true,
  sourcemap: true,
  target: "es2020",
  logLevel: "warning",
  absWorkingDir: root,
  define: { __GLOCAL_VERSION__: JSON.stringify(pkg.version) },
};
const esmRequire = {
  js: 'import { createRequire as __glocalCreateRequire } from "node:module";\nconst require = __glocalCreateRequire(import.meta.url);',
};

await Promise.all([
  // One ESM file for browsers (and workers): both WebAssembly binaries inlined, no Node built-ins.
  build({
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: "dist/browser.mjs",
    format: "esm",
    platform: "browser",
    plugins: [browserBundle],
  }),
  build({
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: "dist/index.cjs",
    format: "cjs",
    platform: "node",
    external,
  }),
  // The demo application (`glocal-hypergrad/demo`): the library entry plus runDemo and the report.
  build({
    ...common,
    entryPoints: ["src/app/index.ts"],
    outfile: "dist/demo-browser.mjs",
    format: "esm",
    platform: "browser",
    plugins: [browserBundle],
  }),
  build({
    ...common,
    entryPoints: ["src/app/index.ts"],
    outfile: "dist/demo.cjs",
    format: "cjs",
    platform: "node",
    external,
  }),
  // The ESM build gets a real `require` for the lazily loaded data files of `mnist`.
  build({
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: "dist/index.mjs",
    format: "esm",
    platform: "node",
    external,
    banner: esmRequire,
  }),
  build({
    ...common,
    entryPoints: ["src/app/index.ts"],
    outfile: "dist/demo.mjs",
    format: "esm",
    platform: "node",
    external,
    banner: esmRequire,
  }),
  build({
    ...common,
    entryPoints: ["src/app/cli/main.ts"],
    outfile: "dist/cli.cjs",
    format: "cjs",
    platform: "node",
    external: [...external, "./bench.cjs"],
    banner: { js: "#!/usr/bin/env node" },
  }),
  // glocal-hypergrad/tfjs: TensorFlow.js is an optional peer dependency, never bundled
  // (src/tfjs/ imports only its types and loads it lazily). Node: CommonJS and ESM (with a
  // real `require` for that lazy load); browsers: the caller passes `tf` or has a global one.
  ...[
    { outfile: "dist/tfjs.cjs", format: "cjs", platform: "node" },
    { outfile: "dist/tfjs.mjs", format: "esm", platform: "node", banner: esmRequire },
    { outfile: "dist/tfjs-browser.mjs", format: "esm", platform: "browser" },
  ].map((o) =>
    build({ ...common, entryPoints: ["src/tfjs/index.ts"], external: [...external, "@tensorflow/*"], ...o }),
  ),
  // Benchmarks: loaded by `glocal bench`; ml-matrix (a devDependency) is an optional baseline.
  existsSync(join(root, "bench", "index.ts")) &&
    build({
      ...common,
      entryPoints: ["bench/index.ts"],
      outfile: "dist/bench.cjs",
      format: "cjs",
      platform: "node",
      external: [...external, "ml-matrix", "@tensorflow/*"],
    }),
]);
console.log(
  "js: dist/index.cjs, dist/index.mjs, dist/browser.mjs, dist/demo.cjs, dist/demo.mjs, dist/demo-browser.mjs, dist/cli.cjs, dist/bench.cjs, dist/tfjs.cjs, dist/tfjs.mjs, dist/tfjs-browser.mjs",
);
