// ESLint (flat config): @eslint/js and typescript-eslint's recommended rules, without type
// information (fast; `tsc -p tsconfig.build.json` type-checks). Run by `npm run lint`.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// Globals of each runtime, for the JavaScript files (TypeScript files need none: typescript-eslint
// turns `no-undef` off for them, the compiler checks names). Listed here rather than taken from
// the `globals` package, which is not a direct devDependency; add names as code needs them.
const globals = (names) => Object.fromEntries(names.split(/\s+/).map((n) => [n, "readonly"]));
const shared =
  "console setTimeout clearTimeout setInterval clearInterval queueMicrotask structuredClone performance fetch " +
  "URL URLSearchParams TextEncoder TextDecoder AbortController AbortSignal WebAssembly";
const node = globals(`${shared} process Buffer global setImmediate clearImmediate`);
const commonjs = globals("require module exports __dirname __filename");
const browser = globals(
  `${shared} window self document navigator location requestAnimationFrame cancelAnimationFrame ` +
    "FormData Worker Blob crossOriginIsolated",
);
const worker = globals(`${shared} self postMessage addEventListener removeEventListener importScripts`);

export default defineConfig(
  // assembly/ is AssemblyScript (decorators on functions, i32/f64/usize types), which neither
  // ESLint's parser nor typescript-eslint's reads; `asc` checks it.
  globalIgnores([
    "assembly/**",
    "dist/**",
    "docs/api/**",
    "build/**",
    "coverage/**",
    "src/generated/**",
    "node_modules/**",
    "test-artifacts/**",
    "bench/results/**",
    "examples/browser/data/**",
  ]),
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed parameters, variables and caught errors are deliberately unused
      // (callbacks of a fixed shape, destructuring that drops a key).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Node: build scripts, benchmarks, tests and the root config files (ES modules).
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs", "test/**/*.mjs", "examples/*.mjs", "examples/tfjs/*.mjs", "*.mjs"],
    languageOptions: { globals: node },
  },
  // CommonJS: every .js/.cjs file outside the browser example (package.json has no "type").
  {
    files: ["**/*.js", "**/*.cjs"],
    ignores: ["examples/browser/**"],
    languageOptions: { sourceType: "commonjs", globals: { ...node, ...commonjs } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // Scripts that drive headless Chromium: the callbacks of page.evaluate() run in the page.
  {
    files: ["bench/browser-products.mjs", "test/browser/**/*.mjs"],
    languageOptions: { globals: { ...node, ...browser } },
  },
  // The browser demo: ES modules in a page and in a Web Worker.
  {
    files: ["examples/browser/**/*.js"],
    languageOptions: { sourceType: "module", globals: browser },
  },
  {
    files: ["examples/browser/worker.js", "examples/browser/pool-worker.js"],
    languageOptions: { globals: { ...browser, ...worker } },
  },
);
