// The package as built into pkg/: two modules (full at the root, route under route/), each
// with a web target (initSync with the .wasm bytes or a compiled WebAssembly.Module, as
// workerd gives it) and a node target (CommonJS + an ESM wrapper) that loads the web
// target's .wasm, so each module ships one .wasm. Then the `exports` map as a consumer sees
// it (node_modules/leadroute -> pkg/) and the files `npm pack` puts in the tarball.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
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
const require = createRequire(import.meta.url);
// module name -> its directory in pkg/
const MODULES = { full: PKG, route: join(PKG, "route") };

// Runs a small ESM script in a child node; returns { status, stdout, stderr }.
function runChild(args, source, cwd) {
  return spawnSync(process.execPath, [...args, "--input-type=module", "-e", source], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
  });
}

for (const [name, dir] of Object.entries(MODULES)) {
  test(`${name} module, node target: CommonJS require and the ESM wrapper are one module`, async () => {
    const cjs = require(join(dir, "node", "leadroute_wasm.js"));
    const esm = await import(pathToFileURL(join(dir, "node", "index.mjs")).href);
    assert.equal(esm.Router, cjs.Router);
    assert.equal(esm.validate, cjs.validate);
    assert.deepEqual(routeFour(cjs.Router), EXPECTED);
  });

  test(`${name} module, web target: initSync with the .wasm bytes`, async () => {
    const web = await import(pathToFileURL(join(dir, "web", "leadroute_wasm.js")).href);
    assert.equal(typeof web.default, "function", "default export is the async init");
    web.initSync({ module: readFileSync(join(dir, "web", "leadroute_wasm_bg.wasm")) });
    assert.deepEqual(routeFour(web.Router), EXPECTED);
    assert.equal(web.validate(rrConfig()).ok, true);
  });

  test(`${name} module, web target: initSync with a compiled WebAssembly.Module (as workerd provides)`, () => {
    const url = pathToFileURL(join(dir, "web", "leadroute_wasm.js")).href;
    const wasm = join(dir, "web", "leadroute_wasm_bg.wasm");
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

  test(`${name} module, node target: loaded again in the same process, the compiled WebAssembly.Module is reused`, () => {
    const glue = join(dir, "node", "leadroute_wasm.js");
    // Counts compiles, then loads the glue twice with a fresh require cache (what a test
    // runner that resets modules does): two instances, one compile.
    const src = `
      import { createRequire } from "node:module";
      const Compile = WebAssembly.Module;
      let compiles = 0;
      WebAssembly.Module = function (bytes) { compiles++; return new Compile(bytes); };
      const require = createRequire(${JSON.stringify(glue)});
      const first = require(${JSON.stringify(glue)});
      for (const k of Object.keys(require.cache)) delete require.cache[k];
      const second = require(${JSON.stringify(glue)});
      const reps = (R) => { const r = new R(${JSON.stringify(rrConfig())}); return [1, 2, 3, 4].map((i) => r.route({ id: "L" + i }, { now: ${NOW} }).rep); };
      console.log(JSON.stringify({ compiles, distinct: first.Router !== second.Router, a: reps(first.Router), b: reps(second.Router) }));
    `;
    const res = runChild([], src);
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout.trim()), { compiles: 1, distinct: true, a: EXPECTED, b: EXPECTED });
  });
}

test("two modules: the route module has the router surface, the full module adds the dashboard's", () => {
  const full = require(join(PKG, "node", "leadroute_wasm.js"));
  const route = require(join(PKG, "route", "node", "leadroute_wasm.js"));
  assert.deepEqual(Object.keys(route).sort(), ["Router", "armOf", "capHomes", "publicConfig", "shareConfig", "validate"]);
  assert.deepEqual(Object.keys(full).sort(), ["Preparer", "Router", "Simulation", "armOf", "capHomes", "conditionText", "csvHead", "csvHeader", "parseCondition", "publicConfig", "shareConfig", "simulateLearning", "validate"]);
  // Pools, claims and SLA ticks are in the route module.
  for (const m of ["route", "routeBatch", "claim", "claimNext", "listPool", "release", "touch", "tick", "snapshot"]) {
    assert.equal(typeof route.Router.prototype[m], "function", `route module Router.${m}`);
  }
  const pub = { full: full.publicConfig(rrConfig()), route: route.publicConfig(rrConfig()) };
  assert.deepEqual(pub.route, pub.full);
  const size = (dir) => readFileSync(join(dir, "web", "leadroute_wasm_bg.wasm")).length;
  assert.ok(size(MODULES.route) < size(MODULES.full), "the route module leaves code out");
});

test("package exports: each module resolves per condition for a consumer", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "leadroute-consumer-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(PKG, join(dir, "node_modules", "leadroute"), "dir");
  writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}');
  const cfg = JSON.stringify(rrConfig());
  const route = `const r = new Router(${cfg}); console.log(JSON.stringify([[1,2,3,4].map((i) => r.route({ id: "L" + i }, { now: ${NOW} }).rep), typeof Simulation]));`;
  const check = (res, simulation) => {
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout.trim()), [EXPECTED, simulation]);
  };
  for (const [spec, simulation] of [
    ["leadroute", "function"],
    ["leadroute/route", "undefined"],
  ]) {
    const sub = spec === "leadroute" ? "" : spec.slice("leadroute/".length) + "/";
    // Node, ESM import -> node/index.mjs
    check(runChild([], `import * as m from "${spec}"; const { Router, Simulation } = m; ${route}`, dir), simulation);
    // Node, require() -> node/leadroute_wasm.js
    check(
      runChild(
        [],
        `import { createRequire } from "node:module"; const { Router, Simulation } = createRequire(import.meta.url)("${spec}"); ${route}`,
        dir,
      ),
      simulation,
    );
    // workerd condition -> web/ (initSync), the .wasm exported as a subpath (the browser
    // condition is the bundler's: Node's own "node" comes first; bundle.test.mjs has it)
    {
      check(
        runChild(
          ["--conditions=workerd"],
          `import * as m from "${spec}"; const { initSync, Router, Simulation } = m;
           import { readFileSync } from "node:fs";
           import { createRequire } from "node:module";
           const wasmPath = createRequire(import.meta.url).resolve("leadroute/${sub}web/leadroute_wasm_bg.wasm");
           initSync({ module: readFileSync(wasmPath) }); ${route}`,
          dir,
        ),
        simulation,
      );
    }
    const res = runChild([], `import * as web from "leadroute/${sub}web"; console.log(typeof web.initSync, typeof web.Router);`, dir);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), "function function");
  }
});

test("package contents: one .wasm per module, LICENSE and honest metadata in the packed file list", () => {
  const pj = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  assert.equal(pj.name, "leadroute");
  assert.equal(pj.version, "0.1.0");
  assert.equal(pj.type, "module");
  assert.equal(pj.license, "MIT");
  assert.ok(pj.description.length > 0 && pj.repository, "description and repository");
  assert.match(readFileSync(join(PKG, "LICENSE"), "utf8"), /^MIT License\n/);
  for (const dir of Object.values(MODULES)) {
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "node", "package.json"), "utf8")), { type: "commonjs" });
    assert.equal(existsSync(join(dir, "node", "leadroute_wasm_bg.wasm")), false, "node/ loads web/'s .wasm");
  }
  const res = spawnSync("npm", ["pack", "--dry-run", "--json"], { cwd: PKG, encoding: "utf8", timeout: 60_000 });
  assert.equal(res.status, 0, res.stderr);
  const [{ filename, files }] = JSON.parse(res.stdout);
  assert.equal(filename, "leadroute-0.1.0.tgz");
  const paths = files.map((f) => f.path);
  assert.deepEqual(
    paths.filter((p) => p.endsWith(".wasm")).sort(),
    ["route/web/leadroute_wasm_bg.wasm", "web/leadroute_wasm_bg.wasm"],
  );
  for (const p of ["LICENSE", "README.md", "package.json", "node/index.mjs", "route/node/index.mjs"]) {
    assert.ok(paths.includes(p), `${p} is packed`);
  }
  // Every path the exports map names is in the tarball.
  const targets = [];
  const walk = (v) => (typeof v === "string" ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pj.exports);
  for (const p of new Set(targets)) assert.ok(paths.includes(p.slice(2)), `exports names ${p}, which is packed`);
});
