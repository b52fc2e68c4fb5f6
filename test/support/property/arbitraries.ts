/**
 * Generators for the property tests: shapes from 0 to 400 with extreme aspect ratios,
 * values from subnormals to 1.8e308, and every malformed input a caller might pass
 * (ragged rows, holes, strings, objects, null, typed arrays of other kinds, NaN).
 */
import fc from "fast-check";
import type { Matrix } from "../../../src/index";
import { gaussian } from "../helpers";

/** Values at the edges of float64 (and the ordinary ones next to them). */
export const SPECIAL = [
  0, -0, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-150, 1e150, 1e300, -1e300, 1.7976931348623157e308,
  -1.7976931348623157e308, 1, -1, 0.5, 3,
];
export const NON_FINITE = [NaN, Infinity, -Infinity];

/** A finite double: mostly ordinary, often extreme. */
export const finite: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Uniform magnitudes a whole matrix may be scaled to (1e±300, subnormal, near the top). */
export const SCALES = [1, 1, 1, 1e-300, 1e300, 1e-150, 1e150, 2 ** -1060, 1e307, 1e-320];

export type ValueMode = "gaussian" | "integers" | "zeros" | "repeated" | "wild";

/** How a matrix's entries are drawn (seeded, so large matrices are cheap to generate). */
export interface MatrixSpec {
  rows: number;
  cols: number;
  mode: ValueMode;
  scale: number;
  seed: number;
  /** (index, value) overrides: extreme values planted in ordinary matrices. */
  plants: Array<[number, number]>;
}

export function buildMatrix(spec: MatrixSpec): Matrix {
  const { rows, cols, mode, scale, seed } = spec;
  const g = gaussian(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let v: number;
      switch (mode) {
        case "gaussian":
          v = g() * scale;
          break;
        case "integers":
          v = Math.round(g() * 1.5) * scale;
          break;
        case "zeros":
          v = 0;
          break;
        case "repeated":
          // Column j repeats column j mod 2: rank ≤ 2, exactly.
          v = j >= 2 ? data[i * cols + (j % 2)] : g() * scale;
          break;
        case "wild":
          v = g() * SCALES[Math.floor(Math.abs(g() * 97)) % SCALES.length];
          break;
      }
      data[i * cols + j] = Number.isFinite(v) ? v : 0;
    }
  }
  for (const [k, v] of spec.plants) if (data.length > 0) data[k % data.length] = v;
  return { rows, cols, data };
}

/** Small dimensions mostly, sometimes 0, 1 and 400. */
export const dim: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 2, arbitrary: fc.integer({ min: 7, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 400) },
);

export const valueMode: fc.Arbitrary<ValueMode> = fc.constantFrom<ValueMode>(
  "gaussian",
  "gaussian",
  "gaussian",
  "integers",
  "zeros",
  "repeated",
  "wild",
);

/**
 * A matrix spec with rows × cols ≤ maxEntries and min(rows, cols) ≤ maxSmall (the cost of
 * the O(n³) factorisations).
 */
export function matrixSpec(
  o: {
    rows?: fc.Arbitrary<number>;
    cols?: fc.Arbitrary<number>;
    maxEntries?: number;
    maxSmall?: number;
    plants?: boolean;
  } = {},
): fc.Arbitrary<MatrixSpec> {
  const maxEntries = o.maxEntries ?? 2400,
    maxSmall = o.maxSmall ?? 40;
  return fc
    .record({
      rows: o.rows ?? dim,
      cols: o.cols ?? dim,
      mode: valueMode,
      scale: fc.constantFrom(...SCALES),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      plants:
        o.plants === false
          ? fc.constant([] as Array<[number, number]>)
          : fc.array(fc.tuple(fc.nat(), finite), { maxLength: 3 }),
    })
    .filter((s) => s.rows * s.cols <= maxEntries && Math.min(s.rows, s.cols) <= maxSmall);
}

/** The ways a matrix can be handed to the API. */
export type Form = "matrix" | "matrixArray" | "rows" | "f64rows" | "f32rows" | "int8rows" | "ml";
export const form: fc.Arbitrary<Form> = fc.constantFrom<Form>(
  "matrix",
  "matrix",
  "rows",
  "rows",
  "f64rows",
  "matrixArray",
  "f32rows",
  "int8rows",
  "ml",
);

function rowsOf(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function present(m: Matrix, f: Form): unknown {
  switch (f) {
    case "matrix":
      return { rows: m.rows, cols: m.cols, data: m.data.slice() };
    case "matrixArray":
      return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
    case "rows":
      return rowsOf(m);
    case "f64rows":
      return rowsOf(m).map((r) => Float64Array.from(r));
    case "f32rows":
      return rowsOf(m).map((r) => Float32Array.from(r));
    case "int8rows":
      return rowsOf(m).map((r) => Int8Array.from(r.map((v) => Math.max(-128, Math.min(127, Math.round(v))))));
    case "ml": {
      const data = m.data.slice();
      return { rows: m.rows, columns: m.cols, get: (i: number, j: number) => data[i * m.cols + j] };
    }
  }
}

/** Ways to break an input; `none` leaves it alone. */
export type Damage =
  | "none"
  | "ragged"
  | "hole"
  | "string"
  | "null"
  | "undefinedEntry"
  | "object"
  | "boolean"
  | "bigintRow"
  | "nan"
  | "infinity"
  | "garbage"
  | "badShape"
  | "shortData"
  | "emptyRows"
  | "symbol";

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 25, arbitrary: fc.constant<Damage>("none") },
  {
    weight: 5,
    arbitrary: fc.constantFrom<Damage>(
      "ragged",
      "hole",
      "string",
      "null",
      "undefinedEntry",
      "object",
      "boolean",
      "bigintRow",
      "nan",
      "infinity",
      "garbage",
      "badShape",
      "shortData",
      "emptyRows",
      "symbol",
    ),
  },
);

const GARBAGE: unknown[] = [
  null,
  undefined,
  "abc",
  "",
  42,
  -1,
  true,
  {},
  { rows: 2 },
  () => 1,
  3n,
  new Date(0),
  [[[1]]],
  new BigInt64Array(2),
  new Map(),
  Symbol("m"),
];
export const garbage: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(...GARBAGE), fc.anything({ maxDepth: 2 }));

/** Applies a damage to a presented matrix (rows forms get row damage; others what fits). */
export function damageMatrix(input: unknown, d: Damage, pick: number, alt: unknown): unknown {
  if (d === "none") return input;
  if (d === "garbage") return alt;
  if (d === "emptyRows") return [];
  if (d === "symbol") return Symbol("x");
  if (Array.isArray(input) && input.length > 0) {
    const rows = input.map((r) => (ArrayBuffer.isView(r) ? r : (r as unknown[]).slice())) as unknown[];
    const i = pick % rows.length;
    const row = rows[i] as ArrayLike<unknown>;
    const plain = Array.from(row);
    const j = plain.length ? pick % plain.length : 0;
    switch (d) {
      case "ragged":
        // One entry fewer or more in one row (with a single row that is just another shape).
        rows[i] = pick % 2 && plain.length ? plain.slice(1) : plain.concat([1]);
        return rows;
      case "hole": {
        const r = plain.slice();
        if (r.length) delete r[j];
        else r.length = 2;
        rows[i] = r;
        return rows;
      }
      case "bigintRow":
        rows[i] = new BigInt64Array(plain.length || 1);
        return rows;
      case "badShape":
      case "shortData":
        rows[i] = "not a row";
        return rows;
      default: {
        const r = plain.slice();
        r[r.length ? j : 0] = entryDamage(d);
        rows[i] = r;
        return rows;
      }
    }
  }
  if (typeof input === "object" && input !== null && "data" in input) {
    const m = input as { rows: number; cols: number; data: ArrayLike<number> };
    switch (d) {
      case "badShape":
        return { ...m, rows: pick % 2 ? -1 : 1.5 };
      case "shortData":
      case "ragged":
        return {
          ...m,
          data: Array.from(m.data)
            .slice(0, Math.max(0, m.data.length - 1))
            .concat(m.data.length ? [] : [1]),
        };
      case "bigintRow":
        return { ...m, data: new BigInt64Array(m.data.length) };
      case "hole":
      case "string":
      case "null":
      case "undefinedEntry":
      case "object":
      case "boolean":
      case "nan":
      case "infinity": {
        if (m.data.length === 0) return { ...m, data: "abc" };
        const arr: unknown[] = Array.from(m.data);
        if (d === "hole") delete arr[pick % arr.length];
        else arr[pick % arr.length] = entryDamage(d);
        return { ...m, data: arr };
      }
    }
  }
  return alt;
}

function entryDamage(d: Damage): unknown {
  switch (d) {
    case "string":
      return "1";
    case "null":
      return null;
    case "undefinedEntry":
      return undefined;
    case "object":
      return { value: 1 };
    case "boolean":
      return true;
    case "nan":
      return NaN;
    case "infinity":
      return -Infinity;
    default:
      return "?";
  }
}

/** A matrix input: a spec, its presentation, and possibly damage. */
export interface MatrixCase {
  spec: MatrixSpec;
  form: Form;
  damage: Damage;
  pick: number;
  alt: unknown;
}

export function matrixCase(o?: Parameters<typeof matrixSpec>[0]): fc.Arbitrary<MatrixCase> {
  return fc.record({ spec: matrixSpec(o), form, damage, pick: fc.nat(), alt: garbage });
}

export function materialize(c: MatrixCase): unknown {
  return damageMatrix(present(buildMatrix(c.spec), c.form), c.damage, c.pick, c.alt);
}

/** A vector input in one of its accepted forms, or damaged. */
export type VectorForm = "array" | "f64" | "f32" | "int8";
export interface VectorCase {
  spec: MatrixSpec;
  form: VectorForm;
  damage: Damage;
  pick: number;
  alt: unknown;
}

export function vectorCase(length?: fc.Arbitrary<number>): fc.Arbitrary<VectorCase> {
  return fc.record({
    spec: matrixSpec({ rows: fc.constant(1), cols: length ?? dim }),
    form: fc.constantFrom<VectorForm>("array", "array", "f64", "f64", "f32", "int8"),
    damage,
    pick: fc.nat(),
    alt: garbage,
  });
}

export function materializeVector(c: VectorCase): unknown {
  const v = Array.from(buildMatrix(c.spec).data);
  let out: unknown;
  switch (c.form) {
    case "array":
      out = v;
      break;
    case "f64":
      out = Float64Array.from(v);
      break;
    case "f32":
      out = Float32Array.from(v);
      break;
    case "int8":
      out = Int8Array.from(v.map((x) => Math.max(-128, Math.min(127, Math.round(x)))));
      break;
  }
  if (c.damage === "none") return out;
  const arr = Array.from(out as ArrayLike<number>) as unknown[];
  switch (c.damage) {
    case "hole":
      if (arr.length) delete arr[c.pick % arr.length];
      else arr.length = 1;
      return arr;
    case "string":
    case "null":
    case "undefinedEntry":
    case "object":
    case "boolean":
    case "nan":
    case "infinity":
      arr[arr.length ? c.pick % arr.length : 0] = entryDamage(c.damage);
      return arr;
    case "bigintRow":
      return new BigInt64Array(arr.length);
    case "emptyRows":
      return [];
    case "symbol":
      return Symbol("v");
    default:
      return c.alt;
  }
}

/** Mostly true: inputs whose shapes fit each other. */
export const coupled: fc.Arbitrary<boolean> = fc.integer({ min: 0, max: 4 }).map((i) => i > 0);

/** Option objects: valid ones from `valid`, or broken (unknown keys, wrong types, not an object). */
export function options<T>(
  valid: fc.Arbitrary<T>,
  badValues: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<{ value: unknown; bad: boolean }> {
  return fc.oneof(
    { weight: 12, arbitrary: valid.map((value) => ({ value: value as unknown, bad: false })) },
    { weight: 1, arbitrary: fc.constant({ value: undefined as unknown, bad: false }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<unknown>(null, "fast", 7, [], true, { colour: "red" }, { ["__proto__x"]: 1 })
        .map((value) => ({ value, bad: true })),
    },
    { weight: 1, arbitrary: badValues.map((value) => ({ value: value as unknown, bad: true })) },
  );
}

/** Values that are wrong for a boolean, number or string option. */
export const wrongValue: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  "yes",
  1,
  null,
  NaN,
  Infinity,
  {},
  [],
  -1,
  1.5,
  "1",
  Symbol("o"),
  10n,
);
