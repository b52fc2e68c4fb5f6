/** Without TensorFlow.js: E_MISSING_DEPENDENCY (this file cannot load @tensorflow/tfjs-core). */
import { isGlocalError } from "../../src/index";
import { loadTf, tfjsProblem } from "../../src/tfjs/index";

// What Node throws for a package that is not installed.
jest.mock("@tensorflow/tfjs-core", () => {
  throw Object.assign(new Error("Cannot find module '@tensorflow/tfjs-core'"), { code: "MODULE_NOT_FOUND" });
});

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!isGlocalError(e)) throw e;
    return `${e.code} ${e.argument}`;
  }
  return "no error";
}

it("E_MISSING_DEPENDENCY when neither @tensorflow/tfjs nor @tensorflow/tfjs-core can be loaded", () => {
  expect((globalThis as { tf?: unknown }).tf).toBeUndefined();
  expect(failure(() => loadTf())).toBe("E_MISSING_DEPENDENCY tf");
  const spec = { params: [], loss: () => null, train: { x: [1], y: [1] }, val: { x: [1], y: [1] } };
  expect(failure(() => tfjsProblem(spec as never))).toBe("E_MISSING_DEPENDENCY tf");
  expect(() => loadTf()).toThrow(/npm install @tensorflow\/tfjs/);
});
