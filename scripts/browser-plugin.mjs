// esbuild plugin of the browser bundle (scripts/build-js.mjs, bench/browser-products.mjs):
// a module `x.ts` with a sibling `x.browser.ts` is replaced by it (gpu.js is not bundled,
// the mnist package's JSON files are not reachable), and any reference to a Node built-in
// fails the build.
import { existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve as resolvePath } from "node:path";

export const browserBundle = {
  name: "glocal-browser",
  setup(b) {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /.*/ }, (args) => {
      if (builtins.has(args.path) || args.path.startsWith("node:")) {
        return {
          errors: [
            { text: `the browser bundle must not use the Node built-in '${args.path}' (imported by ${args.importer})` },
          ],
        };
      }
      if (args.path.startsWith(".") && args.importer) {
        const swap = resolvePath(dirname(args.importer), args.path) + ".browser.ts";
        if (existsSync(swap)) return { path: swap };
      }
      return undefined;
    });
  },
};
