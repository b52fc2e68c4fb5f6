/** Browser replacement of mnistDigits.ts: the `mnist` package's JSON files are Node-only. */
import { GlocalError } from "../core/errors";

export function digitPixels(d: number): ArrayLike<number> {
  throw new GlocalError(
    "E_UNSUPPORTED",
    `datasets.mnist cannot load the digit files of the 'mnist' package in a browser (digit ${d}): fetch a digits file and pass its images as option 'pixels' (datasets.unpackDigits reads the demo page's subset)`,
    "pixels",
  );
}
