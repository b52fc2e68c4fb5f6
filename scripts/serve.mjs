// A tiny static server for the browser demo (`npm run serve:demo`). It serves only what the
// page needs — examples/browser/, dist/, gpu.js's and TensorFlow.js's browser builds — with correct
// MIME types and the cross-origin-isolation headers (COOP/COEP) that make SharedArrayBuffer
// available: the demo's graceful Stop button, and the threads of the data-parallel inner
// step (docs/threads.md; without isolation every step runs on one thread, with the same
// results). Binds to 127.0.0.1 only.
//
//   node scripts/serve.mjs [--port N]     (default 8080; 0 picks a free port)
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** URL prefix → folder of the repository. Nothing else is reachable. */
const MOUNTS = [
  ["/examples/browser/", join(root, "examples", "browser")],
  ["/dist/", join(root, "dist")],
  ["/vendor/gpu.js/", join(root, "node_modules", "gpu.js", "dist")],
  // TensorFlow.js's browser builds, for the demo's tfjs model (script-tag globals: tf).
  ...["tfjs-core", "tfjs-backend-cpu", "tfjs-layers"].map((p) => [
    `/vendor/${p}/`,
    join(root, "node_modules", "@tensorflow", p, "dist"),
  ]),
];

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
};

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

function resolveFile(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]);
  } catch {
    return null;
  }
  if (path.includes("\0")) return null;
  for (const [prefix, dir] of MOUNTS) {
    if (!path.startsWith(prefix)) continue;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return null; // ../ out of the mount
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      return statSync(file).isFile() ? file : null;
    } catch {
      return null;
    }
  }
  return null;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...ISOLATION, ...headers });
  res.end(body);
}

/** Starts the server; resolves to { url, close() }. */
export function startServer({ port = 8080, host = "127.0.0.1" } = {}) {
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
    const url = req.url ?? "/";
    if (url === "/" || url.startsWith("/?"))
      return send(res, 302, "", { Location: "/examples/browser/" + url.slice(1) });
    const file = resolveFile(url);
    if (!file) return send(res, 404, "not found\n");
    const headers = {
      ...ISOLATION,
      "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
    };
    res.writeHead(200, headers);
    if (req.method === "HEAD") return res.end();
    createReadStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ url: `http://${host}:${actual}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--port");
  const port = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be an integer in [0, 65535], got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  try {
    const { url } = await startServer({ port });
    console.log(`glocal browser demo: ${url}examples/browser/  (Ctrl-C stops the server)`);
  } catch (e) {
    console.error(`error: cannot serve on port ${port}: ${e.message}`);
    process.exit(2);
  }
}
