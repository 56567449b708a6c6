// The package as a browser app gets it: the packed tarball (scripts/pack.sh --no-build)
// unpacked into a consumer's node_modules, a small app importing it bundled for the browser
// by esbuild (the .wasm through its `file` loader) and by Vite (no configuration: `init()`
// finds the .wasm it emitted), and the bundle run in headless Chromium, which must route as
// Node does.
//
//   node --test tests/e2e/bundle.test.mjs       (after scripts/build.sh)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, relative } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { build as viteBuild } from "vite";
import { launchChromium } from "../../scripts/chromium.mjs";
import { NOW, ROOT, lead, rrConfig } from "../node/helpers.mjs";

const run = (cmd, args, cwd) => {
  const res = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000 });
  assert.equal(res.status, 0, `${cmd} ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
};

let dir;
let server;
let browser;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadroute-bundle-"));
  run("bash", ["scripts/pack.sh", "--no-build"], ROOT);
  const modules = join(dir, "node_modules", "leadroute");
  mkdirSync(modules, { recursive: true });
  run("tar", ["-xzf", join(ROOT, "leadroute-0.1.0.tgz"), "-C", modules, "--strip-components=1"], ROOT);
  writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}');
  // Only the bundle's own directory is served: the page gets nothing esbuild did not emit.
  const out = join(dir, "out");
  server = createServer((req, res) => {
    const file = join(out, new URL(req.url, "http://127.0.0.1").pathname);
    if (!file.startsWith(out)) return res.writeHead(404).end();
    let body;
    try {
      body = readFileSync(file);
    } catch {
      return res.writeHead(404).end();
    }
    const type = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" }[extname(file)];
    res.writeHead(200, { "content-type": type ?? "application/octet-stream" }).end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The app: init (with esbuild, the .wasm URL its `file` loader gives), route four leads.
const app = (spec, bundler) => `
  import * as leadroute from "${spec}";
  ${bundler === "esbuild" ? `import wasmUrl from "${spec}/web/leadroute_wasm_bg.wasm";` : ""}
  await leadroute.default(${bundler === "esbuild" ? "{ module_or_path: wasmUrl }" : ""});
  const router = new leadroute.Router(${JSON.stringify(rrConfig())});
  const decisions = ${JSON.stringify([1, 2, 3, 4].map((i) => lead(i)))}.map((l) => router.route(l, { now: ${NOW} }));
  window.result = { decisions: decisions.map(({ outcome, rep, team, rule, via }) => ({ outcome, rep, team, rule, via })), simulation: typeof leadroute.Simulation };
`;

// esbuild: bundle, check the browser condition picked the module's web target.
async function bundleEsbuild(name, spec, out) {
  writeFileSync(join(dir, `${name}.js`), app(spec, "esbuild"));
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [`${name}.js`],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir: out,
    loader: { ".wasm": "file" },
    metafile: true,
    logLevel: "silent",
  });
  assert.deepEqual(result.errors, []);
  const sub = spec === "leadroute" ? "" : "route/";
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative("node_modules/leadroute", p));
  assert.ok(inputs.includes(`${sub}web/leadroute_wasm.js`), inputs.join(", "));
  writeFileSync(join(out, "index.html"), `<!doctype html><script type="module" src="${name}.js"></script>`);
}

async function bundleVite(name, spec, out) {
  const root = join(dir, name);
  mkdirSync(root);
  writeFileSync(join(root, "main.js"), app(spec, "vite"));
  writeFileSync(join(root, "index.html"), '<!doctype html><script type="module" src="./main.js"></script>');
  await viteBuild({ root, base: "./", configFile: false, logLevel: "silent", build: { outDir: out, emptyOutDir: true } });
}

for (const [bundler, bundle] of [
  ["esbuild", bundleEsbuild],
  ["vite", bundleVite],
]) {
  for (const [spec, simulation] of [
    ["leadroute/route", "undefined"],
    ["leadroute", "function"],
  ]) {
    test(`${bundler} bundles "${spec}" for the browser and the bundle routes in Chromium`, async () => {
      const name = `${bundler}-${spec.replace("/", "-")}`;
      const out = join(dir, "out", name);
      await bundle(name, spec, out);
      // The bundle carries the module's one .wasm, as packed.
      const sub = spec === "leadroute" ? "" : "route/";
      const packed = statSync(join(dir, "node_modules", "leadroute", sub, "web", "leadroute_wasm_bg.wasm")).size;
      const files = readdirSync(out, { recursive: true }).filter((f) => f.endsWith(".wasm"));
      assert.deepEqual(files.map((f) => statSync(join(out, f)).size), [packed]);

      const page = await browser.newPage();
      const problems = [];
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`http://127.0.0.1:${server.address().port}/${name}/index.html`);
      await page.waitForFunction(() => window.result, null, { timeout: 30_000 });
      const got = await page.evaluate(() => window.result);
      await page.close();
      assert.deepEqual(problems, []);
      assert.equal(got.simulation, simulation);
      assert.deepEqual(
        got.decisions,
        ["a", "b", "a", "b"].map((rep) => ({ outcome: "assigned", rep, team: "t", rule: "all", via: "team" })),
      );
    });
  }
}
