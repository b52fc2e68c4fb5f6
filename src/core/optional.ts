/**
 * Optional peer dependencies (gpu.js, mnist), loaded synchronously and only when a caller
 * asks for what they provide. No Node built-in is imported, so the ES module build also
 * bundles for browsers:
 *  - ES module build in Node: `createRequire(import.meta.url)`, with `node:module` looked
 *    up at run time through `process.getBuiltinModule` (Node ≥ 20.16). The build's banner
 *    defines `__glocalModuleUrl` (scripts/build-js.mjs); an app bundled to CommonJS sees it
 *    empty and falls through to
 *  - CommonJS (the .cjs build, ts-jest, an app bundled to CommonJS): the module's `require`.
 * A package that is not installed is E_MISSING_DEPENDENCY, naming it and how to add it.
 */
import { GlocalError } from "./errors";

/** The banner of the ES module builds sets this to `import.meta.url`. */
declare const __glocalModuleUrl: string | undefined;

type NodeRequireFn = ((id: string) => unknown) & { resolve?: (id: string) => string };

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** A synchronous `require` for this runtime, or null (browsers, ESM on Node < 20.16). */
export function nodeRequire(): NodeRequireFn | null {
  const url = typeof __glocalModuleUrl === "string" ? __glocalModuleUrl : undefined;
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (url !== undefined && url.startsWith("file:") && typeof proc?.getBuiltinModule === "function") {
    const mod = proc.getBuiltinModule("module") as { createRequire?: (from: string) => NodeRequireFn } | undefined;
    if (typeof mod?.createRequire === "function") return mod.createRequire(url);
  }
  return typeof require === "function" ? (require as NodeRequireFn) : null;
}

/** Whether `e` says that the module `id` itself (not one of its own imports) is missing. */
export function isMissing(e: unknown, id: string): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return (
    (err?.code === "MODULE_NOT_FOUND" || err?.code === "ERR_MODULE_NOT_FOUND") &&
    typeof err.message === "string" &&
    err.message.includes(`'${id}'`)
  );
}

/**
 * `require(id)` of a module of the optional package `pkg`, for `purpose` ("sending model products to gpu.js",
 * "datasets.mnist"). E_MISSING_DEPENDENCY (argument: the package) when it is not installed
 * or cannot be loaded synchronously here; other failures of the module propagate as they are.
 */
export function requireOptional(pkg: string, id: string, purpose: string, hint = ""): unknown {
  const req = nodeRequire();
  if (req === null) {
    throw new GlocalError(
      "E_MISSING_DEPENDENCY",
      `${purpose} needs the optional package '${pkg}', which this runtime cannot load synchronously (an ES module on Node < 20.16 or a browser)${hint}`,
      pkg,
    );
  }
  try {
    return req(id);
  } catch (e) {
    if (!isMissing(e, id)) throw e;
    throw new GlocalError(
      "E_MISSING_DEPENDENCY",
      `${purpose} needs the optional package '${pkg}', which is not installed: npm install ${pkg}${hint}`,
      pkg,
    );
  }
}

/** Whether a module resolves here (cheap: loads nothing). */
export function resolvable(id: string): boolean {
  try {
    const req = nodeRequire();
    return typeof req?.resolve === "function" && typeof req.resolve(id) === "string";
  } catch {
    return false;
  }
}
