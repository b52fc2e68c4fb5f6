/**
 * CPU time of this process around a call: on cores shared with other jobs, wall time
 * measures the neighbours as much as the code, while the process's own CPU time (user +
 * system) stays close to what the same run takes on an idle machine. The computation is
 * single-threaded, so CPU time ≈ wall time when nothing else runs.
 */
export function cpuMs<T>(fn: () => T): { value: T; cpuMs: number } {
  const start = process.cpuUsage();
  const value = fn();
  const d = process.cpuUsage(start);
  return { value, cpuMs: (d.user + d.system) / 1000 };
}
