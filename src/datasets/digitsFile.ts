/**
 * A compact file of digit images for places without the `mnist` package's files (the
 * browser demo fetches one: scripts/build-browser-data.mjs writes it). Pixels take one
 * byte each, an index into a table of the distinct f64 pixel values, so unpacking gives
 * back exactly the numbers that were packed (MNIST has 256 distinct values).
 *
 * Layout (little endian): "GLD1", u32 header length H, H bytes of JSON
 * `{"features": 784, "counts": [images of digit 0 … 9], "values": V}`, zero padding to a
 * multiple of 8, V f64 values, then Σcounts·784 u8 indices, digit 0's images first.
 */
import { GlocalError, describe } from "../core/errors";
import { MNIST_FEATURES } from "./mnist";

const MAGIC = [0x47, 0x4c, 0x44, 0x31]; // "GLD1"

/** Packs the images of digits 0…9 (784 pixels per image); at most 256 distinct values. */
export function packDigits(pixels: Readonly<Record<number, ArrayLike<number>>>): Uint8Array {
  if (typeof pixels !== "object" || pixels === null)
    throw new GlocalError("E_TYPE", `pixels must map digits to pixel arrays, got ${describe(pixels)}`, "pixels");
  const counts: number[] = [];
  const table = new Map<number, number>();
  for (let d = 0; d < 10; d++) {
    const px = pixels[d] ?? [];
    if (px.length % MNIST_FEATURES !== 0)
      throw new GlocalError(
        "E_SHAPE",
        `pixels[${d}] must hold whole images of ${MNIST_FEATURES} pixels, got ${px.length} numbers`,
        `pixels.${d}`,
      );
    counts.push(px.length / MNIST_FEATURES);
    for (let i = 0; i < px.length; i++) {
      const v = px[i];
      if (!Number.isFinite(v)) throw new GlocalError("E_NONFINITE", `pixels[${d}][${i}] is not finite`, `pixels.${d}`);
      if (!table.has(v)) table.set(v, -1);
    }
  }
  if (table.size > 256)
    throw new GlocalError(
      "E_OPTION",
      `pixels take ${table.size} distinct values; a digits file holds at most 256`,
      "pixels",
    );
  const values = [...table.keys()].sort((a, b) => a - b);
  values.forEach((v, i) => table.set(v, i));
  const header = new TextEncoder().encode(JSON.stringify({ features: MNIST_FEATURES, counts, values: values.length }));
  const tableAt = align8(8 + header.length);
  const pixelsAt = tableAt + 8 * values.length;
  const out = new Uint8Array(pixelsAt + counts.reduce((a, c) => a + c, 0) * MNIST_FEATURES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  values.forEach((v, i) => view.setFloat64(tableAt + 8 * i, v, true));
  let o = pixelsAt;
  for (let d = 0; d < 10; d++) {
    const px = pixels[d] ?? [];
    for (let i = 0; i < px.length; i++) out[o++] = table.get(px[i]) as number;
  }
  return out;
}

/** Reads a file of packDigits: the images of each digit, as `mnist({ pixels })` takes them. */
export function unpackDigits(bytes: ArrayBuffer | Uint8Array): Record<number, Float64Array> {
  const u8 = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : null;
  if (!u8)
    throw new GlocalError("E_TYPE", `bytes must be an ArrayBuffer or Uint8Array, got ${describe(bytes)}`, "bytes");
  const bad = (why: string) => new GlocalError("E_PARSE", `not a glocal digits file: ${why}`, "bytes");
  if (u8.length < 8 || MAGIC.some((b, i) => u8[i] !== b)) throw bad("wrong magic number");
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const h = view.getUint32(4, true);
  if (8 + h > u8.length) throw bad("truncated header");
  let header: { features?: unknown; counts?: unknown; values?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + h)));
  } catch {
    throw bad("unreadable header");
  }
  const { features, counts, values } = header;
  if (
    features !== MNIST_FEATURES ||
    !Array.isArray(counts) ||
    counts.length !== 10 ||
    !counts.every((c) => Number.isInteger(c) && c >= 0) ||
    !Number.isInteger(values) ||
    (values as number) < 1 ||
    (values as number) > 256
  ) {
    throw bad("unexpected header");
  }
  const tableAt = align8(8 + h);
  const pixelsAt = tableAt + 8 * (values as number);
  const total = (counts as number[]).reduce((a, c) => a + c, 0) * MNIST_FEATURES;
  if (u8.length !== pixelsAt + total) throw bad(`${u8.length} bytes where the header implies ${pixelsAt + total}`);
  const table = new Float64Array(values as number);
  for (let i = 0; i < table.length; i++) table[i] = view.getFloat64(tableAt + 8 * i, true);
  const out: Record<number, Float64Array> = {};
  let o = pixelsAt;
  (counts as number[]).forEach((c, d) => {
    const px = new Float64Array(c * MNIST_FEATURES);
    for (let i = 0; i < px.length; i++) {
      const idx = u8[o++];
      if (idx >= table.length) throw bad(`pixel index ${idx} outside the table of ${table.length} values`);
      px[i] = table[idx];
    }
    out[d] = px;
  });
  return out;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
