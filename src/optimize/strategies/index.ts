/** The strategies of the driver, one file each, on the shared Run bookkeeping (../run.ts). */
export { runGlobal } from "./global";
export { runLocal } from "./local";
export { runTruncated } from "./truncated";
export { runGlocal, windowEstimator } from "./glocal";
export { runNone } from "./none";
export { runRandom } from "./random";
export { checkRandomOptions, DEFAULT_RADIUS } from "./searchBox";
