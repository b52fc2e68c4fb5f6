// The `prepare` script. npm runs it after `npm install` in this folder and, above all, when a
// project installs the package from git (npm clones it, installs the dev dependencies, runs
// `prepare`, packs the result): so a git install gets a built dist/. It builds only when
// dist/ is missing, and never under `npm ci` (CI builds in `npm test`, once).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.env.npm_command === "ci") {
  console.log("prepare: npm ci, not building (npm test builds)");
} else if (existsSync(join(root, "dist", "index.cjs"))) {
  console.log("prepare: dist/ is built (npm run build rebuilds it)");
} else {
  execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}
