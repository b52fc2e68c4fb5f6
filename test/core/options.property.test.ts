/**
 * Own-property options: any set of properties on Object.prototype, under the names of the
 * options the library reads, leaves every public call's result (or error) bit-for-bit as
 * on a clean prototype. The calls and the option names are test/support/pollution.ts's.
 */
import fc from "fast-check";
import { memoryStats } from "../../src/index";
import { assert } from "../support/property/contract";
import { check, note, writeSummaryPart } from "../support/property/summary";
import { CALLS, POLLUTION, outcome, polluted } from "../support/pollution";

afterAll(() => writeSummaryPart(__filename));

const baseline = CALLS.map(([, call]) => outcome(call));

describe("options are read as own properties", () => {
  it("any pollution of Object.prototype leaves every public call's outcome unchanged", () => {
    const arb = fc.record({
      pollution: fc.uniqueArray(fc.integer({ min: 0, max: POLLUTION.length - 1 }), {
        minLength: 1,
        maxLength: 6,
        selector: (i) => POLLUTION[i][0],
      }),
      call: fc.integer({ min: 0, max: CALLS.length - 1 }),
    });
    check(
      "own-property options",
      arb,
      ({ pollution, call }) => {
        const pairs = pollution.map((i) => POLLUTION[i]);
        const got = polluted(pairs, () => outcome(CALLS[call][1]));
        assert(
          got === baseline[call],
          () =>
            `${CALLS[call][0]} with Object.prototype ${pairs.map(([k]) => k).join(", ")}: ${got.slice(0, 300)} instead of ${baseline[call].slice(0, 300)}`,
        );
        assert(memoryStats().openScratchBlocks === 0, "scratch memory left open");
        note(got.startsWith("ok") ? "ok" : "error");
      },
      5,
    );
  });
});
