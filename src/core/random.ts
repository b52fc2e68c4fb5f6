/**
 * Seeded pseudo-random numbers: mulberry32 (32-bit state, fast, good enough for shuffling
 * and initialisation) and Box–Muller normals. Everything seeded in the library goes
 * through here, so the same seed gives bit-identical results on every platform.
 */
import { GlocalError, describe } from "./errors";

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers (Box–Muller on mulberry32). */
export function normals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => {
    const a = u(),
      b = u();
    return Math.sqrt(-2 * Math.log(1 - a)) * Math.cos(2 * Math.PI * b);
  };
}

/** Mixes two 32-bit words into a seed (so streams for different purposes differ). */
export function mixSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** In-place Fisher–Yates shuffle driven by `u`. */
export function shuffleInPlace(a: Int32Array, u: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A validated seed: an integer in [0, 2³²). */
export function checkSeed(value: unknown, name = "seed", fallback = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new GlocalError("E_OPTION", `option '${name}' must be an integer in [0, 2^32), got ${describe(value)}`, name);
  }
  return value;
}
