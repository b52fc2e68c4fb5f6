/**
 * dependency-cruiser: the folders of src/ are the architecture; these rules keep them so.
 * `npm run lint` runs `depcruise src --config .dependency-cruiser.cjs`.
 *
 * Layers, lowest first (docs/architecture.md):
 *   core (and the generated kernels' bindings) → linalg → estimate
 *   core → gpu;  core, gpu → problems, datasets
 *   core, linalg, problems, gpu → training → optimize (+ estimate) → src/index.ts → app
 *   core, problems, training → tfjs (the glocal-hypergrad/tfjs entry, beside training; only
 *   src/tfjs/ knows TensorFlow.js, and only src/app/ imports it)
 * A lower layer never imports a higher one, so the folders cannot form a cycle; no-circular
 * keeps the files acyclic too. Type-only imports count (tsPreCompilationDeps).
 */

/** A path regex for the folders of src/ named. */
const under = (...folders) => `^src/(${folders.join("|")})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle of imports between files (type-only imports included).",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-imports-nothing-above",
      severity: "error",
      comment: "src/core/ imports only itself and src/generated/ (the compiled kernels' bindings).",
      from: { path: under("core") },
      to: { path: "^src/", pathNot: under("core", "generated") },
    },
    {
      name: "linalg-imports-core-only",
      severity: "error",
      comment: "src/linalg/ wraps the dense kernels: it imports src/core/ (and src/generated/) only.",
      from: { path: under("linalg") },
      to: { path: "^src/", pathNot: under("linalg", "core", "generated") },
    },
    {
      name: "gpu-imports-core-only",
      severity: "error",
      comment: "src/gpu/ (the batched-product dispatcher) imports src/core/ (and src/generated/) only.",
      from: { path: under("gpu") },
      to: { path: "^src/", pathNot: under("gpu", "core", "generated") },
    },
    {
      name: "estimate-not-above",
      severity: "error",
      comment:
        "src/estimate/ (Hankel DMD) builds on core and linalg; it knows nothing of models, data, GPU, training or the driver.",
      from: { path: under("estimate") },
      to: { path: under("training", "optimize", "app", "problems", "datasets", "gpu") },
    },
    {
      name: "problems-datasets-not-above",
      severity: "error",
      comment: "Models (src/problems/) and data (src/datasets/) never import training, the driver or the app.",
      from: { path: under("problems", "datasets") },
      to: { path: under("training", "optimize", "app") },
    },
    {
      name: "training-not-above",
      severity: "error",
      comment: "src/training/ (forward mode) never imports the driver (src/optimize/) or the app.",
      from: { path: under("training") },
      to: { path: under("optimize", "app") },
    },
    {
      name: "optimize-not-app",
      severity: "error",
      comment: "The driver (src/optimize/) never imports the app.",
      from: { path: under("optimize") },
      to: { path: under("app") },
    },
    {
      name: "only-app-imports-app",
      severity: "error",
      comment: "src/app/ (CLI, demo, report) sits on top: nothing else in src/ imports it.",
      from: { path: "^src/", pathNot: under("app") },
      to: { path: under("app") },
    },
    {
      name: "only-app-imports-the-entry",
      severity: "error",
      comment:
        "src/index.ts is the library's public entry: library modules import the module they need, never the entry (only src/app/ may).",
      from: { path: "^src/", pathNot: ["^src/index\\.ts$", under("app")] },
      to: { path: "^src/index\\.ts$" },
    },
    {
      name: "tfjs-not-above-training",
      severity: "error",
      comment: "src/tfjs/ (TensorFlow.js models as inner problems) builds on core, problems (types) and training only.",
      from: { path: under("tfjs") },
      to: { path: under("optimize", "app", "datasets", "gpu", "estimate", "linalg") },
    },
    {
      name: "only-app-imports-tfjs",
      severity: "error",
      comment: "src/tfjs/ is a separate entry (glocal-hypergrad/tfjs): the library entry must not pull it in.",
      from: { path: "^src/", pathNot: [under("tfjs"), under("app")] },
      to: { path: under("tfjs") },
    },
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment: "The published library (src/) must not import devDependencies; users do not install them.",
      from: { path: "^src/", pathNot: under("tfjs") },
      to: { dependencyTypes: ["npm-dev"] },
    },
    {
      name: "tfjs-only-tensorflow",
      severity: "error",
      comment:
        "src/tfjs/ may import TensorFlow.js, an optional peer dependency (a devDependency for the tests): types only, the runtime is loaded lazily (src/tfjs/load.ts).",
      from: { path: under("tfjs") },
      to: { dependencyTypes: ["npm-dev"], pathNot: "node_modules/@tensorflow/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
