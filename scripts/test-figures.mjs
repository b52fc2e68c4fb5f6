// Copies the figures some tests measure from test-artifacts/ into bench/results/ (JSON and a
// Markdown summary), so the docs can quote them from committed files like the benchmarks':
//   install.json, install.md      ← consumer-report.json (npm run test:consumer)
//   tangents.json, tangents.md    ← forward-fd-errors.json, forward-fd-options-errors.json
//                                   (npx jest test/training/fd.test.ts test/training/fd.options.test.ts)
//   sklearn-reference.json        ← sklearn-reference.json (npx jest test/problems/sklearn.test.ts)
// Run the tests first; a missing artifact is skipped with a note.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = join(root, "test-artifacts");
const results = join(root, "bench", "results");
const read = (f) => JSON.parse(readFileSync(join(artifacts, f), "utf8"));
const has = (...files) => files.every((f) => existsSync(join(artifacts, f)) || !console.log(`skipped: no ${f}`));
const write = (f, text) => (writeFileSync(join(results, f), text), console.log(`wrote bench/results/${f}`));
const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
const e = (x) => x.toExponential(1);

if (has("consumer-report.json")) {
  const r = read("consumer-report.json");
  write("install.json", JSON.stringify(r, null, 2) + "\n");
  write(
    "install.md",
    [
      "## What a consumer installs",
      "",
      "`npm run test:consumer` (test/consumer/run.mjs): the packed tarball installed with production dependencies into an empty project.",
      "",
      "| quantity | value |",
      "| :--- | ---: |",
      `| tarball (packed) | ${mib(r.tarball.packedBytes)} |`,
      `| tarball (unpacked), files | ${mib(r.tarball.unpackedBytes)}, ${r.tarball.files} |`,
      `| node_modules after \`npm install <tarball>\` | ${mib(r.installedBytes)} |`,
      `| packages installed | ${r.installed.join(", ")} |`,
      `| esbuild browser bundle of the test app (not minified; the three WebAssembly binaries inlined) | ${(r.browserBundleBytes / 1024).toFixed(0)} KiB |`,
      "",
      "arethetypeswrong (`attw --pack`):",
      "",
      "```text",
      r.attw,
      "```",
      "",
    ].join("\n"),
  );
}

if (has("forward-fd-errors.json", "forward-fd-options-errors.json")) {
  const builtin = read("forward-fd-errors.json");
  const options = read("forward-fd-options-errors.json");
  write("tangents.json", JSON.stringify({ builtin, options }, null, 1) + "\n");
  const models = {
    linear: "linear least squares (2 outputs)",
    logistic: "logistic",
    softmax: "softmax (3 classes)",
    "mlp-tanh": "MLP 5 tanh",
    "mlp-gelu": "MLP 5 GELU",
    "mlp2-tanh": "MLP 4-3 tanh",
    "mlp2-gelu": "MLP 4-3 GELU",
  };
  const batched = Object.keys(builtin).filter((k) => !k.includes("full-batch"));
  const groups = batched.flatMap((k) =>
    Object.entries(builtin[k])
      .filter(([g]) => g !== "all")
      .map(([, v]) => v),
  );
  const opts = Object.values(options);
  const lines = [
    "## Accuracy of the forward-mode tangents against finite differences",
    "",
    "Written by `npx jest test/training/fd.test.ts test/training/fd.options.test.ts`, copied by `node scripts/test-figures.mjs`. Vector relative error ‖h − h_FD‖/‖h_FD‖ of forward-mode h_T against 4th-order central finite differences of ℓ̃(θ_T(φ)), ε = 1e-3 in φ; 12 training and 8 validation examples, 4 features, batch 4, T = 12; every hyperparameter of the optimiser plus all 12 example weights. The tests require ≤ 1e-8.",
    "",
    "| model | SGD | heavy ball | AdamW |",
    "| :--- | ---: | ---: | ---: |",
    ...Object.entries(models).map(
      ([m, name]) =>
        `| ${name} | ${batched
          .filter((k) => k.split(" ")[0] === m)
          .map((k) => e(builtin[k].all))
          .join(" | ")} |`,
    ),
    "",
    `By hyperparameter group (these ${batched.length} cases): ${e(Math.min(...groups))} to ${e(Math.max(...groups))}.`,
    "",
    "Full batch (vector relative error; the last case at three finite-difference steps ε):",
    "",
    "| case | error |",
    "| :--- | :--- |",
    ...Object.keys(builtin)
      .filter((k) => k.includes("full-batch"))
      .map((k) => {
        const v = builtin[k];
        const text =
          v.all !== undefined
            ? e(v.all)
            : Object.values(v)
                .map((x, i) => `ε ${["1e-3", "5e-4", "2.5e-4"][i]}: ${e(x)}`)
                .join(", ");
        return `| ${k} | ${text} |`;
      }),
    "",
    `Problem options and per-layer / per-feature hyperparameters (${opts.length} cases, fd.options.test.ts): ${e(Math.min(...opts))} to ${e(Math.max(...opts))}.`,
    "",
  ];
  write("tangents.md", lines.join("\n"));
}

if (has("sklearn-reference.json"))
  write("sklearn-reference.json", readFileSync(join(artifacts, "sklearn-reference.json"), "utf8"));
