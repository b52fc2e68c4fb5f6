/**
 * The code a thread of the data-parallel inner step runs, as source text: Node starts it
 * with `new Worker(source, { eval: true })` and browsers from a Blob URL, so it needs no
 * file of its own next to the bundle. It instantiates the shared-memory binary on the
 * memory it is handed, switches that instance to its own arena (it must never touch the
 * allocator of the main instance, which lives in the same memory), says it is ready, and
 * then serves jobs: it sleeps in Atomics.wait on the job counter, runs the kernel calls
 * written in its slot when the slot carries the new job's number (each call's result
 * written back into the slot, its arena emptied after each call: calls write their output
 * to memory outside the arena), and counts itself done with Atomics.add + notify. Layout
 * of the control block: see pool.ts.
 */
export const WORKER_SOURCE = `"use strict";
function serve(d) {
  var memory = d.memory, names = d.names, ctl = d.ctl, slot = d.slot, me = d.index;
  var fail = function () { throw new Error("kernel abort"); };
  var k = new WebAssembly.Instance(d.module, {
    env: { memory: memory, abort: fail },
    glocal: { product: function () { return 0; } }
  }).exports;
  k.arenaSet(d.arena, d.arenaBytes);
  var I = new Int32Array(memory.buffer, ctl, d.ctlWords);
  var F = new Float64Array(memory.buffer, slot, d.slotDoubles);
  var seen = Atomics.load(I, 0);
  Atomics.store(I, 16 + me, 1);
  Atomics.add(I, 2, 1);
  Atomics.notify(I, 2);
  for (;;) {
    Atomics.wait(I, 0, seen);
    seen = Atomics.load(I, 0);
    if (Atomics.load(I, 3) !== 0) break;
    if (F[3] !== seen) continue; // a job this worker was not given (it was not ready yet)
    try {
      var calls = F[2], at = d.calls, r = 0;
      for (var c = 0; c < calls; c++) {
        var fn = k[names[F[at]]], argc = F[at + 1], args = [];
        for (var a = 0; a < argc; a++) args.push(F[at + 2 + a]);
        r = fn.apply(null, args);
        F[d.results + c] = r;
        k.arenaReset();
        at += 2 + argc;
      }
      F[1] = r;
      F[0] = 0;
    } catch (e) {
      F[0] = 1;
    }
    k.arenaReset();
    Atomics.add(I, 1, 1);
    Atomics.notify(I, 1);
  }
}
if (typeof require === "function" && typeof self === "undefined") {
  var load = require; // (not written as a call of require: the browser bundle is checked for those)
  serve(load("worker_threads").workerData);
} else {
  self.onmessage = function (e) { serve(e.data); };
}
`;
