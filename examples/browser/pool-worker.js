// A worker of the demo's pool, started by the demo's own worker (worker.js passes this
// script's URL as `workerUrl`): it runs one strategy, or one trial of random search, at a
// time, as the pool hands them out, and reports progress to it.
import * as glocal from "../../dist/demo-browser.mjs";

glocal.initSync(); // a worker may compile WebAssembly synchronously
glocal.serveDemoWorker({
  post: (m) => postMessage(m),
  listen: (fn) => addEventListener("message", (e) => fn(e.data)),
});
