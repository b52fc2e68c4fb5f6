/**
 * Findings about a problem's data that change what the model means without being errors.
 * `CONSTANT_FEATURE`: a training column that is constant and nonzero duplicates the
 * model's own bias — two intercepts, of which weight decay and per-feature decay see
 * only one — so results drift from a reference that has one (measured 2–5 % in
 * validation loss on real data). A zero column adds nothing and is not reported.
 */
import type { Matrix } from "../core/matrix";
import type { ProblemWarning } from "./types";

/** One CONSTANT_FEATURE warning per constant nonzero column of x (needs ≥ 2 rows). */
export function constantFeatureWarnings(x: Matrix): ProblemWarning[] {
  const { rows, cols, data } = x;
  if (rows < 2) return []; // one example: every column is "constant"
  const constant = new Array<boolean>(cols).fill(true);
  for (let i = 1; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) if (constant[j] && data[o + j] !== data[j]) constant[j] = false;
  }
  const out: ProblemWarning[] = [];
  for (let j = 0; j < cols; j++) {
    if (!constant[j] || data[j] === 0) continue;
    out.push(
      Object.freeze({
        code: "CONSTANT_FEATURE" as const,
        column: j,
        value: data[j],
        message:
          `column ${j} of train.x is constant (${data[j]}) and the model has its own bias, so it has two ` +
          `intercepts; drop the column, or build the problem with bias: false to keep yours`,
      }),
    );
  }
  return out;
}
