/**
 * Handing digits in (what a browser must do): the compact digits file round-trips exactly,
 * mnist({ pixels }) gives the same split as the package's files, bad input is a typed
 * error, and the browser build's digit loader fails with E_UNSUPPORTED.
 */
import { datasets, GlocalError } from "../../src/index";
import { digitPixels as browserDigitPixels } from "../../src/datasets/mnistDigits.browser";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const digitFile = (d: number): number[] => require(`mnist/src/digits/${d}.json`).data;

function subset(perDigit: number): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  for (let d = 0; d < 10; d++) out[d] = digitFile(d).slice(0, perDigit * 784);
  return out;
}

describe("digits file", () => {
  it("packs one byte per pixel and unpacks exactly the same numbers", () => {
    const px = subset(20);
    const bytes = datasets.packDigits(px);
    expect(bytes.length).toBeLessThan(10 * 20 * 784 + 4096);
    const back = datasets.unpackDigits(bytes);
    for (let d = 0; d < 10; d++) expect(Array.from(back[d])).toEqual(px[d]);
    // Also from an ArrayBuffer at an offset inside a larger buffer (fetch gives ArrayBuffers).
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(datasets.unpackDigits(shifted.subarray(3))[7])).toEqual(px[7]);
    expect(Array.from(datasets.unpackDigits(bytes.slice().buffer)[0])).toEqual(px[0]);
  });

  it("rejects damaged files (E_PARSE) and wrong input types (E_TYPE)", () => {
    const bytes = datasets.packDigits(subset(2));
    const damaged = [
      bytes.slice(0, 5),
      bytes.slice(0, bytes.length - 1),
      Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      (() => {
        const b = bytes.slice();
        b[9] = 0x7b;
        b[10] = 0x7b;
        return b;
      })(),
    ];
    for (const b of damaged)
      expect(() => datasets.unpackDigits(b)).toThrow(expect.objectContaining({ code: "E_PARSE" }));
    expect(() => datasets.unpackDigits("abc" as never)).toThrow(expect.objectContaining({ code: "E_TYPE" }));
    expect(() => datasets.packDigits({ 0: [1, 2, 3] })).toThrow(expect.objectContaining({ code: "E_SHAPE" }));
    expect(() => datasets.packDigits({ 0: new Array(784).fill(NaN) })).toThrow(
      expect.objectContaining({ code: "E_NONFINITE" }),
    );
    expect(() => datasets.packDigits({ 0: Array.from({ length: 784 }, (_, i) => i) })).toThrow(
      expect.objectContaining({ code: "E_OPTION" }),
    );
  });
});

describe("mnist({ pixels })", () => {
  it("with the package's own images gives the split mnist() makes from its files", () => {
    const px: Record<number, number[]> = {};
    for (let d = 0; d < 10; d++) px[d] = digitFile(d);
    const a = datasets.mnist({ train: 50, val: 20, seed: 9 });
    const b = datasets.mnist({ train: 50, val: 20, seed: 9, pixels: px });
    expect(Array.from(b.train.x.data)).toEqual(Array.from(a.train.x.data));
    expect(Array.from(b.val.y)).toEqual(Array.from(a.val.y));
  });

  it("does not modify the caller's pixels and checks them", () => {
    const px = subset(10);
    const copy = JSON.stringify(px);
    const d = datasets.mnist({ train: 12, val: 6, seed: 1, pixels: px, classes: [3, 8] });
    expect(d.train.x.rows).toBe(12);
    expect(d.classes).toEqual([3, 8]);
    expect(JSON.stringify(px)).toBe(copy);
    expect(() => datasets.mnist({ train: 90, val: 30, pixels: px })).toThrow(
      expect.objectContaining({ code: "E_OPTION", argument: "train" }),
    );
    expect(() => datasets.mnist({ train: 5, val: 5, pixels: { 0: px[0] } })).toThrow(
      expect.objectContaining({ code: "E_OPTION", argument: "pixels.1" }),
    );
    expect(() => datasets.mnist({ train: 5, val: 5, pixels: { ...px, 4: [1, 2] } })).toThrow(
      expect.objectContaining({ code: "E_SHAPE", argument: "pixels.4" }),
    );
    expect(() => datasets.mnist({ train: 5, val: 5, pixels: { ...px, 4: "x" as never } })).toThrow(
      expect.objectContaining({ code: "E_TYPE" }),
    );
    const bad = px[2].slice();
    bad[100] = Infinity;
    expect(() => datasets.mnist({ train: 95, val: 5, pixels: { ...px, 2: bad } })).toThrow(
      expect.objectContaining({ code: "E_NONFINITE" }),
    );
  });

  it("in the browser build, the package's files are E_UNSUPPORTED and name the way out", () => {
    expect(() => browserDigitPixels(3)).toThrow(GlocalError);
    expect(() => browserDigitPixels(3)).toThrow(expect.objectContaining({ code: "E_UNSUPPORTED", argument: "pixels" }));
    expect(() => browserDigitPixels(3)).toThrow(/pass its images as option 'pixels'/);
  });
});
