/**
 * `glocal-hypergrad/demo`: the demo application as a library -- the main job of
 * `glocal demo` (every strategy on MNIST digits), its SVG report, and everything of the
 * library entry besides, so a page or worker needs this one module.
 *
 * @packageDocumentation
 */
export * from "../index";
export { runDemo } from "./demo/run";
export { runDemoAsync } from "./demo/async";
export { serveDemoWorker } from "./demo/tasks";
export type { DemoOptions, DemoProgress, DemoResult, DemoSettings } from "./demo/run";
export { renderReportSvg, STRATEGY_COLOURS } from "./report/svg";
export type { DemoReport } from "./report/svg";
export type { StrategyPath, TrajectoryPlot, SummaryRow } from "./report/types";
