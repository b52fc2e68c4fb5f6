/**
 * An independent statement of the boundary contract (DESIGN §2, src/matrix.ts): what a
 * MatrixLike or VectorLike input converts to, or every error code it may raise. The
 * property tests hold the library to it.
 */
import type { GlocalErrorCode, Matrix } from "../../../src/index";

export type Classified<T> = { ok: T; codes?: undefined } | { ok?: undefined; codes: Set<GlocalErrorCode> };

const NUMERIC_VIEWS = [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
];

function isNumberList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || NUMERIC_VIEWS.some((T) => x instanceof T);
}

function finish<T>(codes: Set<GlocalErrorCode>, value: () => T): Classified<T> {
  return codes.size ? { codes } : { ok: value() };
}

/** Entries: numbers (E_TYPE otherwise), finite (E_NONFINITE otherwise). */
function scanEntries(values: ArrayLike<unknown>, codes: Set<GlocalErrorCode>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") codes.add("E_TYPE");
    else if (!Number.isFinite(v)) codes.add("E_NONFINITE");
    out.push(typeof v === "number" ? v : NaN);
  }
  return out;
}

export function classifyMatrix(input: unknown, allowEmpty = false): Classified<Matrix> {
  const codes = new Set<GlocalErrorCode>();
  let rows = 0,
    cols = 0;
  let data: number[] = [];
  if (typeof input === "object" && input !== null && "data" in input && "rows" in input && "cols" in input) {
    const m = input as { rows: unknown; cols: unknown; data: unknown };
    const shapeOk =
      Number.isInteger(m.rows) && Number.isInteger(m.cols) && (m.rows as number) >= 0 && (m.cols as number) >= 0;
    if (!shapeOk) return { codes: new Set(["E_SHAPE"]) };
    rows = m.rows as number;
    cols = m.cols as number;
    if (!isNumberList(m.data)) return { codes: new Set(["E_TYPE"]) };
    if (m.data.length !== rows * cols) return { codes: new Set(["E_SHAPE"]) };
    // A Float64Array is taken as is; other containers must hold numbers.
    data =
      m.data instanceof Float64Array
        ? Array.from(m.data)
        : scanEntries(Array.from(m.data as ArrayLike<unknown>), codes);
    for (const v of data) if (!Number.isFinite(v) && !codes.has("E_TYPE")) codes.add("E_NONFINITE");
  } else if (Array.isArray(input)) {
    rows = input.length;
    for (let i = 0; i < rows; i++) {
      const row: unknown = input[i];
      if (!isNumberList(row)) {
        codes.add("E_TYPE");
        continue;
      }
      if (i === 0) cols = row.length;
      else if (row.length !== cols) codes.add("E_SHAPE");
      const vals: unknown[] = [];
      for (let j = 0; j < row.length; j++) vals.push(row[j]);
      data.push(...scanEntries(vals, codes));
    }
    if (rows > 0 && !isNumberList(input[0])) cols = 0;
  } else if (
    typeof input === "object" &&
    input !== null &&
    "columns" in input &&
    "rows" in input &&
    typeof (input as { get?: unknown }).get === "function"
  ) {
    const m = input as { rows: unknown; columns: unknown; get(i: number, j: number): unknown };
    if (!(
      Number.isInteger(m.rows) &&
      Number.isInteger(m.columns) &&
      (m.rows as number) >= 0 &&
      (m.columns as number) >= 0
    ))
      return { codes: new Set(["E_SHAPE"]) };
    rows = m.rows as number;
    cols = m.columns as number;
    const vals: unknown[] = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) vals.push(m.get(i, j));
    data = scanEntries(vals, codes);
  } else {
    return { codes: new Set(["E_TYPE"]) };
  }
  if (!allowEmpty && (rows === 0 || cols === 0) && !codes.has("E_TYPE")) codes.add("E_SHAPE");
  return finish(codes, () => ({ rows, cols, data: Float64Array.from(data) }));
}

export function classifyVector(input: unknown, allowEmpty = false): Classified<Float64Array> {
  if (!isNumberList(input)) return { codes: new Set(["E_TYPE"]) };
  const codes = new Set<GlocalErrorCode>();
  if (!allowEmpty && input.length === 0) return { codes: new Set(["E_SHAPE"]) };
  const vals: unknown[] = [];
  for (let i = 0; i < input.length; i++) vals.push(input[i]);
  const data = scanEntries(vals, codes);
  return finish(codes, () => Float64Array.from(data));
}

/** Union of the codes of the invalid ones among several classified inputs. */
export function codesOf(...items: Array<Classified<unknown>>): Set<GlocalErrorCode> {
  const out = new Set<GlocalErrorCode>();
  for (const it of items) if (it.codes) for (const c of it.codes) out.add(c);
  return out;
}
