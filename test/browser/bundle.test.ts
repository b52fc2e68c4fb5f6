/**
 * dist/browser.mjs (built by `npm run build`): one ESM file without Node built-ins, the
 * WebAssembly inlined, gpu.js not bundled, and mnist() asking for handed-in pixels.
 * Loaded here in a plain Node ESM process, which has no `require`.
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";

const bundle = join(__dirname, "..", "..", "dist", "browser.mjs");

describe("browser bundle", () => {
  it("references no Node built-in, no require(), and not the mnist package's files", () => {
    const text = readFileSync(bundle, "utf8");
    expect(text).not.toMatch(/\brequire\s*\(/);
    expect(text).not.toMatch(/from\s*["'](node:|fs|path|os|child_process)["']/);
    expect(text).not.toMatch(/mnist\/src\/digits/);
    expect(text).toMatch(/SIMD_WASM_BASE64 = "AGFzbQ/); // the binaries, inlined
    expect(text).toMatch(/RELAXED_WASM_BASE64 = "AGFzbQ/);
    expect(text).not.toMatch(/WebGL2FunctionNode/); // gpu.js is loaded beside it, not bundled
  });

  it("runs without require: backendInfo, a product, and mnist() asking for pixels", () => {
    const script = `
      const g = await import(${JSON.stringify("file://" + bundle)});
      const info = g.backendInfo();
      let code = null;
      try { g.datasets.mnist({ train: 10, val: 10 }); } catch (e) { code = e.code; }
      const p = g.batchedProduct([[1, 2]], [[3], [4]]);
      console.log(JSON.stringify({ wasm: info.wasm, products: info.products, reason: info.gpu.reason, code, p: Array.from(p.data) }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ wasm: "simd", products: "wasm", code: "E_UNSUPPORTED", p: [11] });
    expect(out.reason).toMatch(/optional package .gpu.js., which is not loaded/);
  });
});
