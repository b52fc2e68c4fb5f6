/**
 * How many cases the property tests run. `npm test` runs a fast subset (RUNS = 100 by
 * default, a fixed seed, so it is reproducible); the nightly run sets
 * GLOCAL_PROPERTY_RUNS=10000 (and a fresh seed unless GLOCAL_PROPERTY_SEED is given).
 */
const envRuns = process.env.GLOCAL_PROPERTY_RUNS;

export const RUNS = envRuns ? Math.max(1, Math.floor(Number(envRuns))) : 100;

export const SEED =
  process.env.GLOCAL_PROPERTY_SEED !== undefined
    ? Number(process.env.GLOCAL_PROPERTY_SEED)
    : envRuns !== undefined
      ? (Date.now() ^ (process.pid << 8)) >>> 0
      : 20261127;

/** Cases for a function whose one case costs about `cost` cheap cases (optimize, the CLI). */
export function runsFor(cost = 1): number {
  return Math.max(1, Math.ceil(RUNS / cost));
}
