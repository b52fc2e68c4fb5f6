import * as fs from "fs";

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

/**
 * The CPU time (ms) of the calling thread so far: /proc/thread-self/stat on Linux (10 ms
 * ticks), which a worker thread reads for itself — process.cpuUsage() would count every
 * thread of the process, the other workers included. Elsewhere the process's CPU time.
 */
export function threadCpuNow(): number {
  try {
    const stat = fs.readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime: fields 14 and 15 of stat(5), in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** CPU time of this thread around a call (see threadCpuNow). */
export function threadCpuMs<T>(fn: () => T): { value: T; cpuMs: number } {
  const start = threadCpuNow();
  const value = fn();
  return { value, cpuMs: threadCpuNow() - start };
}
