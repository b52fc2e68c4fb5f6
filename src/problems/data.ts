/**
 * Validation of caller data for the built-in problems: shapes, finiteness, labels.
 * Errors name the argument (`train.x`, `val.y`, …) and never mutate the input.
 */
import { GlocalError, describe } from "../core/errors";
import { Matrix, toMatrix, toVector } from "../core/matrix";

/** What the labels of a problem must be. */
export type LabelRule =
  | { readonly kind: "targets" } // real targets, vector or n × k matrix
  | { readonly kind: "binary" } // 0 or 1
  | { readonly kind: "classes"; readonly classes?: number }; // 0 … classes − 1

export interface CheckedSplit {
  readonly x: Matrix;
  /** n × labelCols, row-major (class indices stored as numbers). */
  readonly y: Float64Array;
  readonly n: number;
}

export interface CheckedData {
  readonly train: CheckedSplit;
  readonly val: CheckedSplit;
  readonly features: number;
  /** Targets per example (least squares) or classes (classification; 1 for binary). */
  readonly outputs: number;
  /** Numbers per example in y (k targets, else 1 class index). */
  readonly labelCols: number;
}

function isMatrixShaped(y: unknown): boolean {
  if (typeof y !== "object" || y === null) return false;
  if ("data" in y && "rows" in y && "cols" in y) return true;
  if ("columns" in y && "rows" in y) return true;
  return Array.isArray(y) && y.length > 0 && typeof y[0] === "object" && y[0] !== null;
}

function split(input: unknown, name: string): { x: unknown; y: unknown } {
  if (typeof input !== "object" || input === null || !("x" in input) || !("y" in input)) {
    throw new GlocalError("E_TYPE", `${name} must be an object { x, y }, got ${describe(input)}`, name);
  }
  return input as { x: unknown; y: unknown };
}

/** Validates `{ train: { x, y }, val: { x, y } }` against the label rule. */
export function checkProblemData(data: unknown, rule: LabelRule): CheckedData {
  if (typeof data !== "object" || data === null || !("train" in data) || !("val" in data)) {
    throw new GlocalError(
      "E_TYPE",
      `data must be an object { train: { x, y }, val: { x, y } }, got ${describe(data)}`,
      "data",
    );
  }
  const d = data as { train: unknown; val: unknown };
  const tr = split(d.train, "train"),
    va = split(d.val, "val");
  const xt = toMatrix(tr.x, "train.x"),
    xv = toMatrix(va.x, "val.x");
  if (xv.cols !== xt.cols) {
    throw new GlocalError("E_SHAPE", `val.x has ${xv.cols} features, train.x has ${xt.cols}`, "val.x");
  }
  let yt: Float64Array, yv: Float64Array, outputs: number, labelCols: number;
  if (rule.kind === "targets") {
    const t = targets(tr.y, "train.y", xt.rows),
      v = targets(va.y, "val.y", xv.rows);
    if (v.cols !== t.cols)
      throw new GlocalError("E_SHAPE", `val.y has ${v.cols} targets per example, train.y has ${t.cols}`, "val.y");
    yt = t.data;
    yv = v.data;
    outputs = labelCols = t.cols;
  } else {
    yt = labels(tr.y, "train.y", xt.rows);
    yv = labels(va.y, "val.y", xv.rows);
    labelCols = 1;
    if (rule.kind === "binary") {
      checkRange(yt, "train.y", 2, "0 or 1 (binary logistic regression)");
      checkRange(yv, "val.y", 2, "0 or 1 (binary logistic regression)");
      outputs = 1;
    } else {
      let k = rule.classes;
      if (k === undefined) {
        k = 0;
        for (const v of yt) k = Math.max(k, v + 1);
        for (const v of yv) k = Math.max(k, v + 1);
        if (k < 2)
          throw new GlocalError(
            "E_SHAPE",
            `the labels name only ${k} class; classification needs at least 2 (or give option 'classes')`,
            "train.y",
          );
      }
      checkRange(yt, "train.y", k, `a class index in 0…${k - 1}`);
      checkRange(yv, "val.y", k, `a class index in 0…${k - 1}`);
      outputs = k;
    }
  }
  return {
    train: { x: xt, y: yt, n: xt.rows },
    val: { x: xv, y: yv, n: xv.rows },
    features: xt.cols,
    outputs,
    labelCols,
  };
}

function targets(y: unknown, name: string, rows: number): Matrix {
  let m: Matrix;
  if (isMatrixShaped(y)) m = toMatrix(y, name);
  else {
    const v = toVector(y, name);
    m = { rows: v.length, cols: 1, data: v };
  }
  if (m.rows !== rows) throw new GlocalError("E_SHAPE", `${name} has ${m.rows} entries, but x has ${rows} rows`, name);
  return m;
}

function labels(y: unknown, name: string, rows: number): Float64Array {
  if (isMatrixShaped(y))
    throw new GlocalError("E_TYPE", `${name} must be a vector of class indices, got a matrix`, name);
  const v = toVector(y, name);
  if (v.length !== rows)
    throw new GlocalError("E_SHAPE", `${name} has ${v.length} labels, but x has ${rows} rows`, name);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]))
      throw new GlocalError("E_TYPE", `${name}[${i}] = ${v[i]} is not an integer class index`, name);
  }
  return v;
}

function checkRange(y: Float64Array, name: string, k: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= k)
      throw new GlocalError("E_OPTION", `${name}[${i}] = ${y[i]} is out of range: each label must be ${what}`, name);
  }
}
