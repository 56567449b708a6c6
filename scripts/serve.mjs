#!/usr/bin/env node
// A tiny static file server for the rules dashboard: serves www/, pkg/ and data/ of the
// repository on 127.0.0.1 only (nothing else is reachable, nothing is uploaded anywhere).
//
//   node scripts/serve.mjs [port]        (or PORT=8080; port 0 picks a free port)
//
// Prints "dashboard: http://127.0.0.1:PORT/www/dashboard/" once listening. Before serving
// it copies Chart.js from node_modules into www/vendor/ (gitignored): the page loads
// nothing from a CDN. Tests import { startServer } and stop the server they start.
import { createServer } from "node:http";
import { copyFileSync, createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SERVED = ["www", "pkg", "data"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/** Copies the chart library into www/vendor/ when it is missing or out of date. */
export function vendor(root = ROOT) {
  const src = join(root, "node_modules/chart.js/dist/chart.umd.js");
  const dest = join(root, "www/vendor/chart.umd.js");
  if (!existsSync(src)) {
    throw new Error("node_modules/chart.js is missing: run `bash scripts/setup.sh` (npm ci)");
  }
  const s = statSync(src);
  if (!existsSync(dest) || statSync(dest).size !== s.size || statSync(dest).mtimeMs < s.mtimeMs) {
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(src, dest);
  }
}

function resolve(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const rel = normalize(path).replace(/^([/\\])+/, "");
  if (rel.split(/[/\\]/).includes("..")) return null;
  const top = rel.split(/[/\\]/)[0];
  if (!SERVED.includes(top)) return null;
  let file = join(root, rel);
  if (!file.startsWith(root + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

/** Starts the server; resolves to { url, port, close() } once it listens. */
export function startServer({ port = 0, root = ROOT, quiet = true } = {}) {
  vendor(root);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (url.pathname === "/" || url.pathname === "/www/dashboard") {
      res.writeHead(302, { location: "/www/dashboard/" }).end();
      return;
    }
    const file = resolve(root, url.pathname);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    const size = statSync(file).size;
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": size,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
    if (!quiet) console.log(`${req.method} ${url.pathname}`);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const actual = server.address().port;
      ok({
        port: actual,
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: bad port ${process.argv[2] ?? process.env.PORT}`);
    process.exit(2);
  }
  if (!existsSync(join(ROOT, "pkg/web/leadroute_wasm.js"))) {
    console.error("serve: pkg/web is missing: run `bash scripts/build.sh` first");
    process.exit(1);
  }
  const s = await startServer({ port }).catch((e) => {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  });
  console.log(`dashboard: ${s.url}/www/dashboard/  (127.0.0.1 only; Ctrl-C stops)`);
  const stop = async () => {
    await s.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
