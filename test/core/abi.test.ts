/**
 * The kernel ABI: the functions the compiled WebAssembly exports, their parameter counts,
 * the compiler's declarations of them (build/glocal.d.ts, emitted with `--bindings raw`)
 * and the typed table generated from those declarations (src/generated/kernels.ts) must
 * all agree. A kernel renamed, added, dropped or given another parameter list on one side
 * only fails here (the JS side calls kernels by name, and wasm pads or drops arguments
 * silently). Needs `node scripts/build-wasm.mjs` first, as every test does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RELAXED_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/generated/binaries";

const root = join(__dirname, "..", "..");
const read = (...path: string[]) => readFileSync(join(root, ...path));

/** name → parameter count of every `export function` in the `__AdaptedExports` namespace. */
function declaredFunctions(dts: string): Map<string, number> {
  const start = dts.indexOf("declare namespace __AdaptedExports {");
  const end = dts.indexOf("\n}\n", start);
  if (start < 0 || end < 0) throw new Error("build/glocal.d.ts: the exports namespace was not found");
  const out = new Map<string, number>();
  for (const m of dts.slice(start, end).matchAll(/^\s*export function (\w+)\(([^)]*)\)/gm)) {
    if (out.has(m[1])) throw new Error(`build/glocal.d.ts: ${m[1]} declared twice`);
    out.set(m[1], paramCount(m[2]));
  }
  return out;
}

/** name → parameter count of every method of the generated `Kernels` table. */
function tableFunctions(ts: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of ts.matchAll(/^\s*(\w+)\(([^)]*)\):[^;\n]*;/gm)) out.set(m[1], paramCount(m[2]));
  return out;
}

function paramCount(list: string): number {
  return list.trim() === "" ? 0 : list.split(",").length;
}

/** Instantiates a binary with stubs for its imports; name → .length of every exported function. */
function exportedFunctions(bytes: BufferSource): Map<string, number> {
  const module = new WebAssembly.Module(bytes);
  const stubs: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") throw new Error(`unexpected ${imp.kind} import ${imp.module}.${imp.name}`);
    const stub =
      imp.module === "glocal" && imp.name === "product"
        ? // glocal.product: C ← op(A)·op(B) + βC offered to the host; 0 leaves it to WebAssembly.
          (
            _tA: number,
            _tB: number,
            _m: number,
            _n: number,
            _k: number,
            _A: number,
            _lda: number,
            _B: number,
            _ldb: number,
            _beta: number,
            _C: number,
            _ldc: number,
          ): number => 0
        : (): void => {
            throw new Error(`${imp.module}.${imp.name} called`);
          };
    (stubs[imp.module] ??= {})[imp.name] = stub;
  }
  const instance = new WebAssembly.Instance(module, stubs);
  const out = new Map<string, number>();
  for (const [name, value] of Object.entries(instance.exports)) {
    if (typeof value === "function") out.set(name, value.length);
  }
  return out;
}

const sorted = (m: Map<string, number>) => [...m.keys()].sort();
const arities = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

describe("kernel ABI: compiled binary, compiler declarations and the typed table agree", () => {
  const wasm = new Uint8Array(read("build", "glocal.wasm"));
  const declared = declaredFunctions(read("build", "glocal.d.ts").toString("utf8"));
  const exported = exportedFunctions(wasm);

  it("the declarations list kernels (the parser found the namespace)", () => {
    expect(declared.size).toBeGreaterThan(40);
    for (const name of ["gemm", "svd", "eig", "qrFactor", "trsmUpper", "transpose", "adamStep"])
      expect(declared.has(name)).toBe(true);
  });

  it("the binary imports only env.abort and glocal.product", () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map(
      (i) => `${i.module}.${i.name}:${i.kind}`,
    );
    expect(imports.sort()).toEqual(["env.abort:function", "glocal.product:function"]);
  });

  it("build/glocal.wasm exports exactly the declared functions", () => {
    expect(sorted(exported)).toEqual(sorted(declared));
  });

  it("each exported function takes the declared number of parameters", () => {
    expect(arities(exported)).toEqual(arities(declared));
  });

  it("src/generated/kernels.ts is current: every kernel with its parameter count", () => {
    const source = read("src", "generated", "kernels.ts").toString("utf8");
    for (const name of declared.keys()) expect(source).toContain(`${name}(`);
    expect(arities(tableFunctions(source))).toEqual(arities(declared));
  });

  it("the binaries the library loads (src/generated/binaries.ts) export the same kernels", () => {
    const simd = new Uint8Array(Buffer.from(SIMD_WASM_BASE64, "base64"));
    expect(Buffer.compare(Buffer.from(simd), Buffer.from(wasm))).toBe(0);
    const relaxed = new Uint8Array(Buffer.from(RELAXED_WASM_BASE64, "base64"));
    // Relaxed SIMD needs a flag on Node 20; where it does not validate, only the plain binary is checked.
    if (WebAssembly.validate(relaxed)) expect(arities(exportedFunctions(relaxed))).toEqual(arities(declared));
  });
});
