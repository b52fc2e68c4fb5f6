/**
 * The boundary conversion (toMatrix) and the matrix helpers agree with an independent
 * statement of the contract (support/reference.ts): accepted inputs convert to exactly
 * their numbers, everything else raises one of the error codes the input deserves.
 */
import fc from "fast-check";
import { GlocalErrorCode, get, identity, matrix, toArray, toMatrix, transpose } from "../../src/index";
import type { Matrix } from "../../src/index";
import {
  coupled,
  garbage,
  matrixCase,
  materialize,
  vectorCase,
  materializeVector,
} from "../support/property/arbitraries";
import { assert, contract } from "../support/property/contract";
import { classifyMatrix, classifyVector } from "../support/property/reference";
import { check, writeSummaryPart } from "../support/property/summary";

afterAll(() => writeSummaryPart(__filename));

const sameMatrix = (a: Matrix, b: Matrix) =>
  a.rows === b.rows &&
  a.cols === b.cols &&
  a.data instanceof Float64Array &&
  a.data.length === b.data.length &&
  a.data.every((v, i) => Object.is(v, b.data[i]));

describe("toMatrix", () => {
  const arb = fc.record({
    c: matrixCase(),
    allowEmpty: fc.boolean(),
    opts: fc.oneof(
      { weight: 8, arbitrary: fc.constant("object") },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(null, "x", 3) },
    ),
  });
  it("converts every accepted form to exactly its numbers, or names the problem", () => {
    check("matrix.toMatrix", arb, ({ c, allowEmpty, opts }) => {
      const input = materialize(c);
      const ref = classifyMatrix(input, allowEmpty);
      const options = opts === "object" ? { allowEmpty } : opts;
      const codes = new Set<GlocalErrorCode>(ref.codes ?? []);
      if (opts !== "object") codes.add("E_OPTION");
      contract([input], () => toMatrix(input, "A", options as never), {
        codes: opts !== "object" ? new Set([...codes, ...(ref.codes ?? [])]) : codes,
        rejects: codes.size > 0,
        check: (m) => {
          assert(opts === "object" && ref.ok !== undefined, "accepted an input the contract rejects");
          assert(sameMatrix(m, ref.ok), "converted values differ from the input's numbers");
        },
      });
    });
  });

  it("errors name the argument, on one line; accepted garbage converts as the contract says", () => {
    const body = (input: unknown) => {
      let m: Matrix;
      try {
        m = toMatrix(input, "trajectory");
      } catch (e) {
        const err = e as { argument?: string; message: string };
        assert(
          err.argument === "trajectory" && err.message.includes("trajectory") && !err.message.includes("\n"),
          `message: ${err.message}`,
        );
        return;
      }
      const ref = classifyMatrix(input);
      assert(
        ref.ok !== undefined,
        () => `accepted an input the contract rejects (${[...(ref.codes ?? [])].join(", ")})`,
      );
      assert(sameMatrix(m, ref.ok), "converted values differ from the input's numbers");
    };
    check("matrix.toMatrix", garbage, body);
    // Garbage is accepted about 5 times in 10,000 (a one-row array of numbers): the cases
    // fast-check found, so the accepted branch runs in every run.
    for (const input of [
      [[4799731024616181, -5011712582839644, -1.969116048968035e28]],
      [[-3.35519689717294e-235]],
      [[-5572228141797419, -9.66770740855117e-138, -1932255003245203700]],
    ])
      body(input);
  });
});

describe("matrix, identity, get, transpose, toArray", () => {
  const dims = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, NaN, "3", null, 1e9, 2 ** 53) },
  );
  it("matrix(rows, cols, data) copies finite numeric data of the right length", () => {
    check(
      "matrix.matrix",
      fc.record({
        rows: dims,
        cols: dims,
        v: fc.option(vectorCase(fc.integer({ min: 0, max: 60 })), { nil: undefined }),
        fit: coupled,
      }),
      ({ rows, cols, v, fit }) => {
        // Mostly data of the length rows × cols asks for.
        const sized =
          v && fit && Number.isInteger(rows) && Number.isInteger(cols) && (rows as number) * (cols as number) <= 144
            ? { ...v, spec: { ...v.spec, cols: Math.max(0, (rows as number) * (cols as number)) } }
            : v;
        const data = sized === undefined ? undefined : materializeVector(sized);
        const codes = new Set<GlocalErrorCode>();
        const dimOk = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
        if (!dimOk(rows) || !dimOk(cols)) codes.add("E_SHAPE");
        // An empty dimension counts as 1: a 0 × 10⁹ matrix would still make 10⁹ of work for whatever walks it.
        else if (Math.max(rows as number, 1) * Math.max(cols as number, 1) > (2 ** 30 - 64) / 8)
          codes.add("E_TOO_LARGE");
        const d = data === undefined ? null : classifyVector(data, true);
        if (d?.codes) d.codes.forEach((x) => codes.add(x));
        if (!codes.size && d?.ok && d.ok.length !== (rows as number) * (cols as number)) codes.add("E_SHAPE");
        contract([data], () => matrix(rows as number, cols as number, data as number[]), {
          codes,
          rejects: codes.size > 0,
          check: (m) => {
            assert(
              m.rows === rows && m.cols === cols && m.data.length === (rows as number) * (cols as number),
              "wrong shape",
            );
            if (d?.ok)
              assert(m.data.every((x, i) => Object.is(x, d.ok[i])) && m.data !== data, "data not copied exactly");
            else
              assert(
                m.data.every((x) => x === 0),
                "not zeros",
              );
          },
        });
      },
    );
  });

  it("identity(n) has ones on the diagonal, zeros elsewhere", () => {
    check("matrix.identity", dims, (n) => {
      const ok = Number.isInteger(n) && (n as number) >= 0;
      const codes = new Set<GlocalErrorCode>(
        ok ? ((n as number) ** 2 > (2 ** 30 - 64) / 8 ? ["E_TOO_LARGE"] : []) : ["E_SHAPE"],
      );
      contract([], () => identity(n as number), {
        codes,
        rejects: codes.size > 0,
        check: (m) => {
          for (let i = 0; i < m.rows; i++)
            for (let j = 0; j < m.cols; j++) assert(m.data[i * m.cols + j] === (i === j ? 1 : 0), "not the identity");
        },
      });
    });
  });

  it("transpose and toArray accept any MatrixLike; get checks its indices", () => {
    const arb = fc.record({
      c: matrixCase(),
      i: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constantFrom<unknown>(0.5, NaN, "1")),
      j: fc.integer({ min: -2, max: 8 }),
    });
    check("matrix.transpose/toArray/get", arb, ({ c, i, j }) => {
      const input = materialize(c);
      const ref = classifyMatrix(input, true);
      const codes = new Set<GlocalErrorCode>(ref.codes ?? []);
      contract([input], () => transpose(input as never), {
        codes,
        rejects: codes.size > 0,
        check: (t) => {
          const m = ref.ok as Matrix;
          assert(t.rows === m.cols && t.cols === m.rows, "wrong shape");
          for (let a = 0; a < m.rows; a++)
            for (let b = 0; b < m.cols; b++)
              assert(Object.is(t.data[b * m.rows + a], m.data[a * m.cols + b]), "not the transpose");
        },
      });
      contract([input], () => toArray(input as never), {
        codes,
        rejects: codes.size > 0,
        check: (rows) => {
          const m = ref.ok as Matrix;
          assert(
            rows.length === m.rows &&
              rows.every((r, a) => r.length === m.cols && r.every((v, b) => Object.is(v, m.data[a * m.cols + b]))),
            "rows differ",
          );
        },
      });
      if (ref.ok) {
        const m = ref.ok;
        const inRange = Number.isInteger(i) && (i as number) >= 0 && (i as number) < m.rows && j >= 0 && j < m.cols;
        contract([m], () => get(m, i as number, j), {
          codes: inRange ? [] : ["E_SHAPE"],
          rejects: !inRange,
          check: (v) => assert(Object.is(v, m.data[(i as number) * m.cols + j]), "wrong entry"),
        });
      }
    });
  });
});
