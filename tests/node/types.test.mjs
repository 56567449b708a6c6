// The published TypeScript declarations, as a consumer compiles against them: the exports
// map resolves types for Node (ESM + CommonJS), bundlers and the ./web subpath, and the
// declared signatures match the documented API (e.g. `new Router(config)` with one
// argument, `validate(unknown)`). Uses the pinned `typescript` devDependency.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { PKG, ROOT } from "./helpers.mjs";

const TSC = join(ROOT, "node_modules", ".bin", "tsc");

const CONSUMER_ESM = `
import { Router, validate } from "leadroute";
import type { Decision } from "leadroute";
import initWeb, { initSync, Router as WebRouter } from "leadroute/web";

const config = { reps: [{ id: "a" }, { id: "b" }], fallback: "a" };
const router = new Router(config);                       // snapshot is optional
const again = new Router(JSON.stringify(config), router.snapshot());
const d: Decision = router.route({ id: "x", employees: 3 }, { now: Date.now() });
const outcome: "assigned" | "pooled" | "nurture" | "rejected" = d.outcome;
const rep: string | null = d.rep;
const traced = router.route({ id: "y" }, { now: Date.now(), trace: true });
for (const item of router.routeBatch([{ id: "z" }], { now: 0 })) {
  if (item.ok) {
    const o: string = item.decision.outcome;
  } else {
    const i: number = item.index;
    const e: string = item.error;
  }
}
const unknownInput: unknown = JSON.parse("{}");
const v = validate(unknownInput);                        // validate takes anything
const ok: boolean = v.ok;
const paths: string[] = v.errors.map((e) => e.path + e.message);
router.free();
again.free();
void initWeb; void initSync; void WebRouter; void outcome; void rep; void traced; void ok; void paths;
`;

const CONSUMER_CJS = `
import lr = require("leadroute");
const r = new lr.Router({ reps: [{ id: "a" }], fallback: "a" });
export const outcome: string = r.route({ id: "x" }, { now: 0 }).outcome;
`;

function tsc(dir, args) {
  return spawnSync(TSC, ["--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--lib", "esnext,dom", ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
}

test("types: consumers type-check against the package (node16 and bundler resolution)", (t) => {
  if (!existsSync(TSC)) {
    t.skip("typescript is not installed (run scripts/setup.sh)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "leadroute-types-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(PKG, join(dir, "node_modules", "leadroute"), "dir");
  writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}');
  writeFileSync(join(dir, "esm.mts"), CONSUMER_ESM);
  writeFileSync(join(dir, "cjs.cts"), CONSUMER_CJS);

  const node16 = tsc(dir, ["--module", "node16", "--moduleResolution", "node16", "esm.mts", "cjs.cts"]);
  assert.equal(node16.status, 0, `tsc (node16) failed:\n${node16.stdout}${node16.stderr}`);

  const bundler = tsc(dir, ["--module", "esnext", "--moduleResolution", "bundler", "esm.mts"]);
  assert.equal(bundler.status, 0, `tsc (bundler) failed:\n${bundler.stdout}${bundler.stderr}`);
});
