/**
 * ml-matrix is a devDependency: load it lazily so `glocal bench` still runs (without that
 * baseline) from an install that omits dev dependencies.
 */
import * as fs from "fs";
import * as path from "path";

export type MlMatrixModule = typeof import("ml-matrix");

let cached: { mod: MlMatrixModule | null; version: string | null; note: string | null } | undefined;

export function loadMlMatrix(): { mod: MlMatrixModule | null; version: string | null; note: string | null } {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional devDependency, loaded only when present
    const mod = require("ml-matrix") as MlMatrixModule;
    cached = { mod, version: packageVersion("ml-matrix"), note: null };
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    cached = { mod: null, version: null, note: `ml-matrix baseline skipped: cannot load ml-matrix (${why})` };
  }
  return cached;
}

/**
 * A package's version from the package.json beside its resolved entry point (its
 * "exports" map may hide `name/package.json` from require); null when unknown.
 */
export function packageVersion(name: string): string | null {
  try {
    let dir = path.dirname(require.resolve(name));
    for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
      const file = path.join(dir, "package.json");
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
  } catch {
    // the version is informational only
  }
  return null;
}
