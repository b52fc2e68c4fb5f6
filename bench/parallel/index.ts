/**
 * `glocal bench --suite parallel` (npm run bench:parallel): what more cores buy. One section
 * per kind of parallelism, each a module of this folder returning its markdown and JSON:
 * runs.ts, independent runs on a pool of workers (the demo, bench:e2e); step.ts, one inner
 * step split over threads that share WebAssembly memory.
 */
import { runParallelRuns } from "./runs";
import { runParallelStepBench } from "./step";

export interface ParallelOptions {
  quick: boolean;
  log: (s: string) => void;
}

export async function runParallelBench(o: ParallelOptions): Promise<{ markdown: string; json: object }> {
  const sections: Array<{ name: string; run: () => Promise<{ markdown: string; json: object }> }> = [
    { name: "runs", run: () => runParallelRuns({ quick: o.quick, log: o.log }) },
    { name: "step", run: () => runParallelStepBench({ quick: o.quick, log: o.log }) },
  ];
  let markdown = "";
  const json: Record<string, object> = {};
  for (const s of sections) {
    o.log(`parallel: ${s.name}\n`);
    const r = await s.run();
    markdown += r.markdown + "\n";
    json[s.name] = r.json;
  }
  o.log("\n" + markdown);
  return { markdown, json };
}
