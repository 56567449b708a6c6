// The READMEs are tested docs: every ```js / ```mjs / ```javascript / ```ts block of every
// README is type-checked with `tsc --strict` (one program for all blocks) and run with Node,
// against the package as a user gets it: `npm pack pkg`, installed from the tarball into a
// scratch project. A block that cannot run here says why right before it in the README
// (`<!-- not run: REASON -->`; it is still type-checked); `<!-- files: NAME=REPO_PATH -->`
// gives a block the files it reads; `// prints: TEXT` after a console.log is the exact line
// it must print (a block with any such comment must print exactly those lines, in order).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import test from "node:test";
import { PKG, ROOT } from "./helpers.mjs";

const TSC = join(ROOT, "node_modules", ".bin", "tsc");
const LANGS = { js: "mjs", mjs: "mjs", javascript: "mjs", ts: "mts" };
const SKIP_DIRS = new Set(["node_modules", "target", "pkg"]);

/** Every README.md under the repo (the generated pkg/ copy is the pkg-config/ one). */
function readmes(dir = ROOT) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) out.push(...readmes(join(dir, e.name)));
    else if (e.isFile() && e.name === "README.md") out.push(join(dir, e.name));
  }
  return out.sort();
}

/** The fenced code blocks of one markdown file, with the HTML comments right before each. */
export function codeBlocks(text, file = "README.md") {
  const lines = text.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    assert.ok(i < lines.length, `${file}:${start + 1}: code block never closed`);
    const markers = [];
    for (let j = start - 1; j >= 0 && /^\s*<!--.*-->\s*$/.test(lines[j]); j--) markers.unshift(lines[j].trim());
    const notRun = markers.map((m) => /^<!--\s*not run:\s*(.*?)\s*-->$/.exec(m)).find(Boolean);
    const files = markers
      .map((m) => /^<!--\s*files:\s*(.*?)\s*-->$/.exec(m))
      .filter(Boolean)
      .flatMap((m) => m[1].split(/\s+/).map((pair) => pair.split("=")));
    blocks.push({ file, line: start + 1, lang: open[1].toLowerCase(), code: body.join("\n"), notRun: notRun?.[1], files });
  }
  return blocks;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000, ...opts });
  return { ...r, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

test("codeBlocks reads fences, markers and files", () => {
  const md = [
    "<!-- not run: browser only -->",
    "```js",
    "a()",
    "```",
    "",
    "<!-- files: x.json=data/x.json -->",
    "```ts",
    "b()",
    "```",
    "```sh",
    "make",
    "```",
  ].join("\n");
  assert.deepEqual(
    codeBlocks(md).map(({ line, lang, code, notRun, files }) => ({ line, lang, code, notRun, files })),
    [
      { line: 2, lang: "js", code: "a()", notRun: "browser only", files: [] },
      { line: 7, lang: "ts", code: "b()", notRun: undefined, files: [["x.json", "data/x.json"]] },
      { line: 10, lang: "sh", code: "make", notRun: undefined, files: [] },
    ],
  );
});

test("readme: every JS/TS block type-checks (tsc --strict) and runs against the packed package", (t) => {
  if (!existsSync(TSC)) {
    t.skip("typescript is not installed (run scripts/setup.sh)");
    return;
  }
  assert.ok(existsSync(join(PKG, "package.json")), "pkg/ is missing: run scripts/build.sh first");
  const files = readmes();
  for (const f of ["README.md", "pkg-config/README.md", "www/edge/README.md", "www/form/README.md"]) {
    assert.ok(files.includes(join(ROOT, f)), `${f} was not found`);
  }
  const all = files.flatMap((f) => codeBlocks(readFileSync(f, "utf8"), relative(ROOT, f)));
  const blocks = all.filter((b) => b.lang in LANGS);
  assert.ok(blocks.length >= 3, `found only ${blocks.length} JS/TS blocks in ${files.length} READMEs`);
  for (const b of blocks) {
    if (b.notRun !== undefined) assert.ok(b.notRun.length > 0, `${b.file}:${b.line}: "not run" needs a reason`);
  }

  const dir = mkdtempSync(join(tmpdir(), "leadroute-readme-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pack = run("npm", ["pack", PKG, "--pack-destination", dir, "--json"], { cwd: dir });
  assert.equal(pack.status, 0, `npm pack failed:\n${pack.out}`);
  const tarball = JSON.parse(pack.stdout)[0].filename;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "readme-blocks", private: true, type: "module" }));
  const install = run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", `./${basename(tarball)}`],
    { cwd: dir },
  );
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.out}`);

  mkdirSync(join(dir, "blocks"));
  for (const b of blocks) {
    b.name = `${b.file.replace(/[^\w]+/g, "-")}-L${b.line}.${LANGS[b.lang]}`;
    writeFileSync(join(dir, "blocks", b.name), b.code + "\n");
  }
  // What wrangler's workers-types declare for a Worker's `.wasm` imports.
  writeFileSync(
    join(dir, "blocks", "wasm-modules.d.ts"),
    'declare module "*.wasm" { const module: WebAssembly.Module; export default module; }\n',
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        allowJs: true,
        checkJs: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        // No esnext: the package's types must not need it.
        lib: ["es2020", "dom"],
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules", "@types")],
        rootDir: "blocks",
        outDir: "out",
      },
      include: ["blocks"],
    }),
  );
  const tsc = run(TSC, ["-p", "tsconfig.json"], { cwd: dir });
  assert.equal(tsc.status, 0, `README blocks do not type-check:\n${tsc.out}`);

  let ran = 0;
  for (const b of blocks) {
    if (b.notRun !== undefined) continue;
    const runDir = mkdtempSync(join(dir, "run-"));
    for (const [name, from] of b.files) copyFileSync(join(ROOT, from), join(runDir, name));
    const script = b.lang === "ts" ? join(dir, "out", b.name.replace(/\.mts$/, ".mjs")) : join(dir, "blocks", b.name);
    const r = run(process.execPath, [script], { cwd: runDir, timeout: 30_000 });
    assert.equal(r.status, 0, `${b.file}:${b.line} failed:\n${r.out}`);
    const expected = [...b.code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
    if (expected.length > 0) {
      assert.deepEqual(r.stdout.trimEnd().split("\n"), expected, `${b.file}:${b.line} printed otherwise`);
    }
    ran++;
  }
  const marked = blocks.length - ran;
  t.diagnostic(`${blocks.length} JS/TS blocks: ${ran} run, ${marked} marked not run (all type-checked)`);
  assert.ok(ran >= 2, `only ${ran} blocks ran`);
});
