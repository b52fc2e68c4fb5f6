/**
 * Accuracy benchmark of the glocal estimate and of its trust test (`npm run bench:accuracy`):
 * real problems under GD, heavy ball and Adam, full batch and mini-batches, windows before
 * and after h_t settles; every method at several delay rules against the true global
 * hypergradient, with the trust confusion table. The library's default method and delay are
 * chosen from it (report.ts: chooseDefault).
 */
import * as fs from "fs";
import { backendInfo } from "../../src/core/load";
import { accuracyCases, recordTrajectory } from "./cases";
import { ProblemName, makeProblem } from "./data";
import { CaseInfo, buildReport } from "./report";
import { WindowScore, scoreWindow } from "./score";
import type { Problem } from "../../src/index";
import { benchPool } from "../pool";

/** `quick`: a smoke run; `json`/`markdown`: files to write; `log`: progress. */
export interface AccuracyOptions {
  quick: boolean;
  json?: string;
  markdown?: string;
  log: (s: string) => void;
  /** Worker threads that record the cases side by side; 1: one after another here. */
  workers?: number;
}

/** One case as a worker receives it: its place in accuracyCases(quick). */
export interface AccuracyCase {
  quick: boolean;
  index: number;
}

export const ACCURACY_TASK = "accuracy.case";

const T = 2000;
const windowsOf = (quick: boolean) => (quick ? [25, 50, 100] : [25, 50, 100, 200]);

/** A worker's case: the trajectory on a problem of its own, scored at every window. */
export function accuracyCase(a: AccuracyCase): { info: CaseInfo; scores: WindowScore[] } {
  const c = accuracyCases(a.quick)[a.index];
  const windows = windowsOf(a.quick);
  const problem = makeProblem(c.problem, 1);
  try {
    const rec = recordTrajectory(problem, c, T, Math.max(...windows));
    return {
      info: { ...c, q: rec.truth.length, settle: rec.settle },
      scores: windows.map((m) => scoreWindow(a.index, rec.rows, m, rec.truth, T, !a.quick)),
    };
  } finally {
    problem.dispose();
  }
}

/** Runs the benchmark and returns its markdown and JSON (bench/results/accuracy.*). */
export async function runAccuracyBench(o: AccuracyOptions): Promise<{ markdown: string; json: object }> {
  const windows = windowsOf(o.quick);
  const maxRows = Math.max(...windows);
  const withAuto = !o.quick;
  const cases = accuracyCases(o.quick);
  const t0 = Date.now();
  o.log(
    `accuracy benchmark: ${cases.length} cases, T = ${T}, m ∈ {${windows.join(", ")}}, wasm ${backendInfo().wasm}\n`,
  );
  const infos: CaseInfo[] = [];
  const scores: WindowScore[] = [];
  const problems = new Map<ProblemName, Problem>();
  if ((o.workers ?? 1) > 1) {
    const values = (await benchPool(
      cases.map((c, index) => ({
        label: `case ${c.id}`,
        name: ACCURACY_TASK,
        input: { quick: o.quick, index } satisfies AccuracyCase,
        cost: 1,
      })),
      o.workers as number,
    )) as Array<{ info: CaseInfo; scores: WindowScore[] }>;
    for (const v of values) {
      infos.push(v.info);
      scores.push(...v.scores);
      o.log(`  ${v.info.id}: settles at t = ${v.info.settle}\n`);
    }
  } else {
    try {
      for (const [i, c] of cases.entries()) {
        if (!problems.has(c.problem)) problems.set(c.problem, makeProblem(c.problem, 1));
        const rec = recordTrajectory(problems.get(c.problem) as Problem, c, T, maxRows);
        infos.push({ ...c, q: rec.truth.length, settle: rec.settle });
        for (const m of windows) scores.push(scoreWindow(i, rec.rows, m, rec.truth, T, withAuto));
        o.log(`  ${c.id}: settles at t = ${rec.settle} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
    } finally {
      for (const p of problems.values()) p.dispose();
    }
  }
  const { markdown, json } = buildReport({
    cases: infos,
    scores,
    T,
    windows,
    withAuto,
    elapsedS: (Date.now() - t0) / 1000,
  });
  o.log("\n" + markdown);
  if (o.markdown) fs.writeFileSync(o.markdown, markdown);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(json));
  return { markdown, json };
}
