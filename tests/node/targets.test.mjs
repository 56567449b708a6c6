// Each build target loads and routes: node (CommonJS + the ESM wrapper), web (initSync with
// the .wasm bytes), bundler (ESM importing the .wasm; needs --experimental-wasm-modules in
// plain Node, so it runs in a child process and is skipped if this Node cannot load it),
// and the package's `exports` map as a consumer sees it (node_modules/leadroute -> pkg/).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { pathToFileURL } from "node:url";
import { NOW, PKG, lead, rrConfig } from "./helpers.mjs";

const EXPECTED = ["a", "b", "a", "b"];
const routeFour = (Router) => {
  const r = new Router(rrConfig());
  const reps = [1, 2, 3, 4].map((i) => r.route(lead(i), { now: NOW }).rep);
  r.free();
  return reps;
};

// Runs a small ESM script in a child node; returns { status, stdout, stderr }.
function runChild(args, source, cwd) {
  return spawnSync(process.execPath, [...args, "--input-type=module", "-e", source], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("node target: CommonJS require", () => {
  const m = createRequire(import.meta.url)(join(PKG, "node", "leadroute_wasm.js"));
  assert.deepEqual(routeFour(m.Router), EXPECTED);
});

test("node target: ESM wrapper re-exports the same module", async () => {
  const esm = await import(pathToFileURL(join(PKG, "node", "index.mjs")).href);
  const cjs = createRequire(import.meta.url)(join(PKG, "node", "leadroute_wasm.js"));
  assert.equal(esm.Router, cjs.Router);
  assert.equal(esm.validate, cjs.validate);
  assert.deepEqual(routeFour(esm.Router), EXPECTED);
});

test("web target: initSync with the .wasm bytes", async () => {
  const web = await import(pathToFileURL(join(PKG, "web", "leadroute_wasm.js")).href);
  assert.equal(typeof web.initSync, "function");
  assert.equal(typeof web.default, "function", "default export is the async init");
  const bytes = readFileSync(join(PKG, "web", "leadroute_wasm_bg.wasm"));
  web.initSync({ module: bytes });
  assert.deepEqual(routeFour(web.Router), EXPECTED);
  assert.equal(web.validate(rrConfig()).ok, true);
});

test("web target: initSync with a compiled WebAssembly.Module (as workerd provides)", () => {
  const url = pathToFileURL(join(PKG, "web", "leadroute_wasm.js")).href;
  const wasm = join(PKG, "web", "leadroute_wasm_bg.wasm");
  const src = `
    import { readFileSync } from "node:fs";
    import { initSync, Router } from ${JSON.stringify(url)};
    initSync({ module: new WebAssembly.Module(readFileSync(${JSON.stringify(wasm)})) });
    const r = new Router(${JSON.stringify(rrConfig())});
    console.log(JSON.stringify([1, 2, 3, 4].map((i) => r.route({ id: "L" + i }, { now: ${NOW} }).rep)));
  `;
  const res = runChild([], src);
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout.trim()), EXPECTED);
});

test("bundler target: ESM importing the .wasm (child node --experimental-wasm-modules)", (t) => {
  const url = pathToFileURL(join(PKG, "bundler", "leadroute_wasm.js")).href;
  const src = `
    import { Router } from ${JSON.stringify(url)};
    const r = new Router(${JSON.stringify(rrConfig())});
    console.log(JSON.stringify([1, 2, 3, 4].map((i) => r.route({ id: "L" + i }, { now: ${NOW} }).rep)));
  `;
  const res = runChild(["--experimental-wasm-modules", "--no-warnings"], src);
  if (res.status !== 0 && /ERR_UNKNOWN_FILE_EXTENSION|bad option|wasm-modules/i.test(res.stderr)) {
    t.skip(`this Node cannot import .wasm as ESM: ${res.stderr.split("\n")[0]}`);
    return;
  }
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout.trim()), EXPECTED);
});

test("package exports: 'leadroute' resolves per condition for a consumer", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "leadroute-consumer-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(PKG, join(dir, "node_modules", "leadroute"), "dir");
  writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}');
  const cfg = JSON.stringify(rrConfig());
  const route = `const r = new Router(${cfg}); console.log(JSON.stringify([1,2,3,4].map((i) => r.route({ id: "L" + i }, { now: ${NOW} }).rep)));`;

  // Node, ESM import: node/index.mjs
  let res = runChild([], `import { Router } from "leadroute"; ${route}`, dir);
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout.trim()), EXPECTED);

  // Node, require(): node/leadroute_wasm.js
  res = runChild(
    [],
    `import { createRequire } from "node:module"; const { Router } = createRequire(import.meta.url)("leadroute"); ${route}`,
    dir,
  );
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout.trim()), EXPECTED);

  // workerd condition: web/ (needs initSync), wasm file exported as a subpath
  res = runChild(
    ["--conditions=workerd"],
    `import { initSync, Router } from "leadroute";
     import { readFileSync } from "node:fs";
     import { createRequire } from "node:module";
     const wasmPath = createRequire(import.meta.url).resolve("leadroute/web/leadroute_wasm_bg.wasm");
     initSync({ module: readFileSync(wasmPath) }); ${route}`,
    dir,
  );
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout.trim()), EXPECTED);

  // "./web" subpath
  res = runChild([], `import * as web from "leadroute/web"; console.log(typeof web.initSync, typeof web.Router);`, dir);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout.trim(), "function function");

  // package.json is exported and says what we expect
  const pj = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  assert.equal(pj.name, "leadroute");
  assert.equal(pj.version, "0.1.0");
  assert.equal(pj.type, "module");
});

test("package contents: one package.json/README at the root, no per-target leftovers", () => {
  for (const dir of ["web", "bundler"]) {
    for (const f of ["package.json", ".gitignore", "README.md"]) {
      assert.throws(() => readFileSync(join(PKG, dir, f)), /ENOENT/, `pkg/${dir}/${f} should not exist`);
    }
  }
  // node/ has only the CommonJS marker package.json from pkg-config/
  assert.deepEqual(JSON.parse(readFileSync(join(PKG, "node", "package.json"), "utf8")), { type: "commonjs" });
  for (const dir of ["web", "node", "bundler"]) {
    for (const f of ["leadroute_wasm.js", "leadroute_wasm.d.ts", "leadroute_wasm_bg.wasm"]) {
      assert.ok(readFileSync(join(PKG, dir, f)).length > 0, `pkg/${dir}/${f}`);
    }
  }
});
