/**
 * The Matrix type at the API boundary: row-major `Float64Array` with its shape.
 * Inputs may also be `number[][]`, arrays of rows (plain arrays or typed arrays) or
 * ml-matrix-like objects (`rows`, `columns`, `get(i, j)`); they are converted once and
 * validated (shape, type, finiteness) with errors that name the argument.
 */
import { GlocalError, describe } from "./errors";
import { member, ownProperties } from "./validate";

/** The matrix type at the API boundary: row-major entries in a Float64Array, with the shape. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major entries: (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

/** Anything the API accepts where a matrix is expected. */
export type MatrixLike =
  | Matrix
  | ReadonlyArray<ArrayLike<number>>
  | { readonly rows: number; readonly columns: number; get(row: number, column: number): number };

/** Anything the API accepts where a vector is expected. */
export type VectorLike = ArrayLike<number>;

/** Builds a Matrix, copying `data` (finite numbers) when given (zeros otherwise). */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  checkDim(rows, "rows");
  checkDim(cols, "cols");
  checkSize(rows, cols, "matrix");
  // Validated like every other input: a string or NaN data used to become NaN entries.
  const d = data === undefined ? undefined : toVector(data, "data", { allowEmpty: true });
  const out = new Float64Array(rows * cols);
  if (d !== undefined) {
    if (d.length !== rows * cols) {
      throw new GlocalError("E_SHAPE", `data has ${d.length} entries, expected rows × cols = ${rows * cols}`, "data");
    }
    out.set(d);
  }
  return { rows, cols, data: out };
}

/** The identity matrix of order n. */
export function identity(n: number): Matrix {
  checkDim(n, "n");
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** Entry (i, j). */
export function get(m: Matrix, i: number, j: number): number {
  if (!isMatrix(m) || !(m.data instanceof Float64Array))
    throw new GlocalError("E_TYPE", `m must be a Matrix ({ rows, cols, data: Float64Array }), got ${describe(m)}`, "m");
  if (!Number.isInteger(i) || i < 0 || i >= m.rows)
    throw new GlocalError("E_SHAPE", `row index ${describe(i)} is outside 0…${m.rows - 1}`, "i");
  if (!Number.isInteger(j) || j < 0 || j >= m.cols)
    throw new GlocalError("E_SHAPE", `column index ${describe(j)} is outside 0…${m.cols - 1}`, "j");
  return m.data[i * m.cols + j];
}

/**
 * The most rows `toArray` builds: each row is a JS array (~64 bytes before its entries), so
 * 2^24 rows take about 1 GiB of the JS heap -- a 10⁹ × 0 matrix would take 64 GB.
 */
export const MAX_ARRAY_ROWS = 2 ** 24;

/** The matrix (any MatrixLike) as an array of row arrays (at most MAX_ARRAY_ROWS rows). */
export function toArray(input: MatrixLike): number[][] {
  const m = toMatrix(input, "m", { allowEmpty: true });
  if (m.rows > MAX_ARRAY_ROWS) {
    throw new GlocalError(
      "E_TOO_LARGE",
      `m has ${m.rows} rows, more than the ${MAX_ARRAY_ROWS} toArray makes into JS arrays`,
      "m",
    );
  }
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** The transpose of any MatrixLike (a new matrix). */
export function transpose(input: MatrixLike): Matrix {
  const m = toMatrix(input, "m", { allowEmpty: true });
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  return { rows: m.cols, cols: m.rows, data: out };
}

function checkDim(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 0) {
    throw new GlocalError("E_SHAPE", `${name} must be a non-negative integer, got ${describe(v)}`, name);
  }
}

/** The largest matrix the library can hold: one WebAssembly buffer (1 GiB) of doubles. */
export const MAX_MATRIX_ENTRIES = Math.floor((2 ** 30 - 64) / 8);

/**
 * E_TOO_LARGE before allocating (a RangeError from the engine otherwise). An empty
 * dimension counts as 1: a 10⁹ × 0 matrix has no entries, but every consumer that walks
 * its rows (toArray, a row loop) would do 10⁹ of work.
 */
function checkSize(rows: number, cols: number, name: string): void {
  if (Math.max(rows, 1) * Math.max(cols, 1) > MAX_MATRIX_ENTRIES) {
    throw new GlocalError(
      "E_TOO_LARGE",
      `${name} would have ${rows} × ${cols} entries, more than the ${MAX_MATRIX_ENTRIES} a WebAssembly buffer holds`,
      name,
    );
  }
}

/** `{ rows, cols, data }` as own properties (or a class's), never Object.prototype's. */
function isMatrix(x: unknown): x is Matrix {
  return (
    typeof x === "object" &&
    x !== null &&
    member(x, "data") !== undefined &&
    member(x, "rows") !== undefined &&
    member(x, "cols") !== undefined
  );
}

function isMlMatrix(x: unknown): x is { rows: number; columns: number; get(i: number, j: number): number } {
  return (
    typeof x === "object" &&
    x !== null &&
    member(x, "columns") !== undefined &&
    member(x, "rows") !== undefined &&
    typeof member(x, "get") === "function"
  );
}

function checkFinite(data: ArrayLike<number>, cols: number, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      const where = cols > 0 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `entry ${i}`;
      throw new GlocalError("E_NONFINITE", `${name} has a non-finite value (${describe(v)}) at ${where}`, name);
    }
  }
}

function isNumberArrayLike(x: unknown): x is ArrayLike<number> {
  return (
    x instanceof Float64Array ||
    x instanceof Float32Array ||
    x instanceof Int32Array ||
    x instanceof Uint8Array ||
    x instanceof Int8Array ||
    x instanceof Int16Array ||
    x instanceof Uint16Array ||
    x instanceof Uint32Array ||
    x instanceof Uint8ClampedArray ||
    Array.isArray(x)
  );
}

export interface ToMatrixOptions {
  /** Allow a matrix with zero rows or columns (default false: E_SHAPE). */
  allowEmpty?: boolean;
}

/**
 * Converts and validates a MatrixLike. Returns a Matrix whose data may alias the input's
 * Float64Array (never written to by the library).
 */
export function toMatrix(input: unknown, name: string, options: ToMatrixOptions = {}): Matrix {
  if (typeof name !== "string") name = "matrix";
  if (options === null || typeof options !== "object")
    throw new GlocalError("E_OPTION", `options must be an object, got ${describe(options)}`, "options");
  let rows: number, cols: number, data: Float64Array;
  if (isMatrix(input)) {
    const { rows: r, cols: c } = input;
    if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0) {
      throw new GlocalError("E_SHAPE", `${name} has invalid shape ${describe(r)} × ${describe(c)}`, name);
    }
    checkSize(r, c, name);
    const d: unknown = input.data;
    if (!isNumberArrayLike(d))
      throw new GlocalError("E_TYPE", `${name}.data must be a Float64Array or number array, got ${describe(d)}`, name);
    if (d.length !== r * c) {
      throw new GlocalError("E_SHAPE", `${name}.data has ${d.length} entries, expected ${r} × ${c} = ${r * c}`, name);
    }
    rows = r;
    cols = c;
    if (d instanceof Float64Array) data = d;
    else {
      checkNumbers(d, name, c);
      data = Float64Array.from(d);
    }
  } else if (Array.isArray(input)) {
    rows = input.length;
    cols = rows > 0 ? rowLength(input[0], name, 0) : 0;
    checkSize(rows, cols, name);
    data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row: unknown = input[i];
      const len = rowLength(row, name, i);
      if (len !== cols) {
        throw new GlocalError("E_SHAPE", `${name} is ragged: row ${i} has ${len} entries, row 0 has ${cols}`, name);
      }
      const r = row as ArrayLike<unknown>;
      for (let j = 0; j < cols; j++) {
        const v = r[j];
        if (typeof v !== "number") {
          throw new GlocalError("E_TYPE", `${name} has a non-number (${describe(v)}) at row ${i}, column ${j}`, name);
        }
        data[i * cols + j] = v;
      }
    }
  } else if (isMlMatrix(input)) {
    rows = input.rows;
    cols = input.columns;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new GlocalError("E_SHAPE", `${name} has invalid shape ${describe(rows)} × ${describe(cols)}`, name);
    }
    checkSize(rows, cols, name);
    data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v: unknown = input.get(i, j);
        if (typeof v !== "number")
          throw new GlocalError("E_TYPE", `${name} has a non-number (${describe(v)}) at row ${i}, column ${j}`, name);
        data[i * cols + j] = v;
      }
    }
  } else {
    throw new GlocalError(
      "E_TYPE",
      `${name} must be a matrix ({ rows, cols, data }), an array of rows or an ml-matrix, got ${describe(input)}`,
      name,
    );
  }
  if (ownProperties(options).allowEmpty !== true && (rows === 0 || cols === 0)) {
    throw new GlocalError("E_SHAPE", `${name} is empty (${rows} × ${cols})`, name);
  }
  checkFinite(data, cols, name);
  return { rows, cols, data };
}

function rowLength(row: unknown, name: string, i: number): number {
  if (!isNumberArrayLike(row)) {
    throw new GlocalError("E_TYPE", `${name} row ${i} must be an array of numbers, got ${describe(row)}`, name);
  }
  return row.length;
}

function checkNumbers(d: ArrayLike<unknown>, name: string, cols: number): void {
  for (let i = 0; i < d.length; i++) {
    if (typeof d[i] !== "number") {
      throw new GlocalError(
        "E_TYPE",
        `${name} has a non-number (${describe(d[i])}) at row ${Math.floor(i / Math.max(cols, 1))}, column ${i % Math.max(cols, 1)}`,
        name,
      );
    }
  }
}

/** Converts and validates a vector (array or typed array of finite numbers). */
export function toVector(input: unknown, name: string, options: { allowEmpty?: boolean } = {}): Float64Array {
  if (!isNumberArrayLike(input)) {
    throw new GlocalError(
      "E_TYPE",
      `${name} must be an array of numbers or a typed array, got ${describe(input)}`,
      name,
    );
  }
  if (ownProperties(options ?? {}).allowEmpty !== true && input.length === 0)
    throw new GlocalError("E_SHAPE", `${name} is empty`, name);
  let out: Float64Array;
  if (input instanceof Float64Array) out = input;
  else {
    for (let i = 0; i < input.length; i++) {
      if (typeof input[i] !== "number")
        throw new GlocalError("E_TYPE", `${name} has a non-number (${describe(input[i])}) at index ${i}`, name);
    }
    out = Float64Array.from(input);
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      throw new GlocalError("E_NONFINITE", `${name} has a non-finite value (${describe(out[i])}) at index ${i}`, name);
  }
  return out;
}
