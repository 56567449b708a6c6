// The published TypeScript declarations, as a consumer compiles against them: the exports
// map resolves types for Node (ESM + CommonJS), bundlers and the ./web subpath, and the
// declared signatures match the documented API (e.g. `new Router(config)` with one
// argument, `validate(unknown)`), the config is plain objects as in JSON, the shapes the
// docs forbid do not compile, and no target needs the esnext lib. Uses the pinned
// `typescript` devDependency.
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

// The documented shapes, and what the types must refuse: each `@ts-expect-error` fails the
// compile when the line below it type-checks.
const CONSUMER_STRICT = `
import { Router, Simulation, simulateLearning } from "leadroute";
import type { LearningReport } from "leadroute";
import type { Condition, Config, RouteOptionsInput, Snapshot, TimeOptions } from "leadroute";

const config: Config = {
  fields: { email: "string", company_size: "number", demo_requested: "boolean" },
  reps: [{ id: "ana", caps: { day: 20 } }, { id: "ben", status: "busy" }],
  teams: [{ id: "sales", members: ["ana", "ben"], strategy: { type: "round_robin", skipped: "loses_turn" } }],
  accounts: { field: "email", owners: { "acme.com": "ana" } },
  pools: [{ id: "inbound", reps: ["ana"], visibility: "blind" }],
  rules: [
    { id: "big", when: { field: "company_size", op: "gte", value: 1000 }, rep: "ana" },
    { id: "free", when: { field: "email", op: "free_email" }, pool: "inbound" },
    { id: "tree", when: { all: ["score >= 50", { not: { field: "email", op: "domain_in", value: ["rival.com"] } }] }, team: "sales" },
    { id: "rest", team: "sales" },
  ],
  fallback: "ben",
};
const router = new Router(config);
const opts: RouteOptionsInput = { now: 0, trace: false, stateless: true, time: "created_at" };
router.route({ id: "a" }, opts);
router.routeAgain({ id: "a" }, { now: 0 });
router.routeBatch([{ id: "b" }], { now: 0, time: "now" });
const at: TimeOptions = { now: 0 };
router.claim("a", "ana", at);
router.claimNext("inbound", "ana", at);
router.listPool("inbound", "ana", at);
router.touch("a", "ana", at);
router.tick(at);
const saved: Snapshot = router.snapshot();
const ana = saved.reps?.["ana"];
const credit: number | undefined = saved.teams?.["sales"]?.credit?.["ana"];
const sim = new Simulation(config);
sim.feedCsv("id\\nL1\\n");
sim.feedJsonl(new Uint8Array(0));
void ana; void credit;
const learning: LearningReport = simulateLearning(config, { seed: 1, months: 6, delay_days: [7, 30] });
const curve: number[] = learning.policies[0].months.map((m) => m.cumulative_regret);
const ips: number | undefined = learning.off_policy?.effective_n;
const offPolicy: number | undefined = sim.report().off_policy?.effective_n;
void curve; void ips; void offPolicy;
// @ts-expect-error delay_days is [min, max]
simulateLearning(config, { delay_days: 14 });

// A rule targets exactly one of rep, team, pool.
// @ts-expect-error two targets
const twoTargets: Config = { reps: [{ id: "a" }], rules: [{ id: "r", rep: "a", team: "t" }], fallback: "a" };
// @ts-expect-error no target
const noTarget: Config = { reps: [{ id: "a" }], rules: [{ id: "r" }], fallback: "a" };
// @ts-expect-error an unknown operator
const badOp: Condition = { field: "x", op: "greater", value: 1 };
// @ts-expect-error a value-taking operator without its value
const noValue: Condition = { field: "x", op: "gte" };
// @ts-expect-error a test operator takes no value
const extraValue: Condition = { field: "x", op: "exists", value: 1 };
// @ts-expect-error an unknown field type
const badField: Config = { fields: { x: "date" }, reps: [{ id: "a" }], fallback: "a" };
// @ts-expect-error an unknown time mode
router.route({ id: "a" }, { now: 0, time: "yesterday" });
// @ts-expect-error claim needs now
router.claim("a", "ana", {});
// @ts-expect-error claim takes no routing options
router.claim("a", "ana", { now: 0, stateless: true });
void twoTargets; void noTarget; void badOp; void noValue; void extraValue; void badField;
`;

const CONSUMER_TARGETS = `
import { Router as NodeRouter } from "leadroute";
import initWeb, { Router as WebRouter } from "leadroute/web";
import { Router as RouteNodeRouter } from "leadroute/route";
import { Router as RouteWebRouter } from "leadroute/route/web";
for (const R of [NodeRouter, WebRouter, RouteNodeRouter, RouteWebRouter]) {
  const r = new R({ reps: [{ id: "a" }], fallback: "a" });
  r[Symbol.dispose]();
}
void initWeb;
`;

function tsc(dir, args) {
  return spawnSync(TSC, ["--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--lib", "esnext,dom", ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
}

function haveTsc(t) {
  if (!existsSync(TSC)) t.skip("typescript is not installed (run scripts/setup.sh)");
  return existsSync(TSC);
}

/** A scratch consumer project whose node_modules/leadroute is pkg/. */
function consumerDir(t) {
  const dir = mkdtempSync(join(tmpdir(), "leadroute-types-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(PKG, join(dir, "node_modules", "leadroute"), "dir");
  writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}');
  return dir;
}

test("types: consumers type-check against the package (node16 and bundler resolution)", (t) => {
  if (!haveTsc(t)) return;
  const dir = consumerDir(t);
  writeFileSync(join(dir, "esm.mts"), CONSUMER_ESM);
  writeFileSync(join(dir, "cjs.cts"), CONSUMER_CJS);

  const node16 = tsc(dir, ["--module", "node16", "--moduleResolution", "node16", "esm.mts", "cjs.cts"]);
  assert.equal(node16.status, 0, `tsc (node16) failed:\n${node16.stdout}${node16.stderr}`);

  const bundler = tsc(dir, ["--module", "esnext", "--moduleResolution", "bundler", "esm.mts"]);
  assert.equal(bundler.status, 0, `tsc (bundler) failed:\n${bundler.stdout}${bundler.stderr}`);
});

test("types: the documented shapes type-check with --strict and the wrong ones are refused", (t) => {
  if (!haveTsc(t)) return;
  const dir = consumerDir(t);
  writeFileSync(join(dir, "strict.mts"), CONSUMER_STRICT);
  const r = tsc(dir, ["--module", "node16", "--moduleResolution", "node16", "strict.mts"]);
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

test("types: every target's declarations compile without the esnext lib (es2020 + dom, no skipLibCheck)", (t) => {
  if (!haveTsc(t)) return;
  const dir = consumerDir(t);
  writeFileSync(join(dir, "targets.mts"), CONSUMER_TARGETS);
  const base = ["--noEmit", "--strict", "--target", "es2020", "--module", "node16", "--moduleResolution", "node16", "--types", ""];
  for (const lib of ["es2020,dom", "esnext,dom"]) {
    const r = spawnSync(TSC, [...base, "--lib", lib, "targets.mts"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `tsc --lib ${lib} failed:\n${r.stdout}${r.stderr}`);
  }
});
