// A tiny static file server for the browser benchmark: serves the repository root on
// 127.0.0.1 (an ephemeral port unless one is given), GET/HEAD only, no directory listings.
// (scripts/serve.mjs serves only www/, pkg/ and data/; the benchmark page lives in bench/.)
//
//   const server = await serve();  // { url, close() }
//   node bench/serve.mjs [port]     // serve until interrupted
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
  ".wasm": "application/wasm", ".css": "text/css", ".jsonl": "application/x-ndjson",
  ".csv": "text/csv",
};

export function serve({ root = ROOT, port = 0 } = {}) {
  const server = createServer((req, res) => {
    let file;
    let st = null;
    try {
      file = join(root, normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)));
      st = statSync(file);
    } catch {
      file = root;
    }
    const inside = file.startsWith(root + sep);
    if ((req.method !== "GET" && req.method !== "HEAD") || !inside || !st || !st.isFile()) {
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 404 : 405).end();
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": st.size,
      "cache-control": "no-store",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await serve({ port: Number(process.argv[2] ?? 0) });
  console.log(`serving ${ROOT} at ${s.url}`);
}
