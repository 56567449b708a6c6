// Keeps the benchmark honest between runs: the generator is deterministic, the checked-in
// reference config is what the generator writes and is valid, and the JS peers make
// exactly leadroute's decisions (so the speed comparison compares the same work).
// json-logic-js and json-rules-engine are benchmark-only dependencies (bench/package.json):
// their checks run when `npm ci --prefix bench` has installed them (scripts/bench.sh does).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import test from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as gen from "./gen.mjs";
import * as plain from "./peers/plain.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const { Router, validate } = await import(pathToFileURL(join(HERE, "../pkg/node/index.mjs")).href);
const config = JSON.parse(readFileSync(join(HERE, "reference-config.json"), "utf8"));
const N = 4_000;
const leads = gen.leads(N);
const nows = leads.map((l) => Date.parse(l.created_at));
const label = (d) => (d.outcome === "assigned" ? d.rep : d.outcome);
const peersInstalled = existsSync(join(HERE, "node_modules/json-rules-engine"))
  && existsSync(join(HERE, "node_modules/json-logic-js"));

/** leadroute's decisions for the N leads, one `route` per lead at its created_at. */
function reference() {
  const r = new Router(config);
  const out = leads.map((l, i) => label(r.route(l, { now: nows[i], trace: false })));
  r.free();
  return out;
}
const expected = reference();

test("the generator is deterministic, seeded and in time order", () => {
  assert.deepEqual(gen.leads(50), gen.leads(50));
  assert.notDeepEqual(gen.leads(50, 1), gen.leads(50, 2));
  const r = gen.rng(7);
  const first = [r.next(), r.next(), r.next()];
  const again = gen.rng(7);
  assert.deepEqual([again.next(), again.next(), again.next()], first);
  for (let i = 1; i < N; i++) assert.ok(nows[i] >= nows[i - 1], `lead ${i} is older than lead ${i - 1}`);
  assert.equal(gen.jsonlChunk(gen.rng(gen.DEFAULT_SEED), 0, 10, 10),
    gen.leads(10).map((l) => JSON.stringify(l) + "\n").join(""));
  const csv = gen.csv(gen.leads(3)).trim().split("\n");
  assert.equal(csv.length, 4);
  assert.equal(csv[0], gen.CSV_COLUMNS.join(","));
});

test("bench/reference-config.json is what gen.mjs writes, valid, 40 reps in 5 teams", () => {
  assert.deepEqual(config, gen.referenceConfig());
  assert.deepEqual(validate(config), { ok: true, errors: [], warnings: [] });
  assert.equal(config.reps.length, 40);
  assert.deepEqual(config.teams.map((t) => t.members.length), [8, 8, 8, 8, 8]);
});

test("the leads exercise every path: rejections, nurture, every team, caps reached", () => {
  const counts = {};
  for (const l of expected) counts[l] = (counts[l] ?? 0) + 1;
  assert.ok(counts.rejected > N / 20, `rejected ${counts.rejected}`);
  assert.ok(counts.nurture > N / 20, `nurture ${counts.nurture}`);
  for (const rep of config.reps) assert.ok(counts[rep.id] > 0, `${rep.id} got no lead`);
  // With 100,000 leads the monthly caps bind and the fallback owner takes the overflow.
  const big = gen.leads(100_000).slice(0, 12_000);
  const r = new Router(config);
  const fallback = big.filter((l) => r.route(l, { now: Date.parse(l.created_at), trace: false }).via === "fallback").length;
  r.free();
  assert.ok(fallback > 0, "no lead reached the fallback owner: caps never bind");
});

test("hand-written JS makes leadroute's decision for every lead", () => {
  const r = plain.createRouter(config);
  const got = leads.map((l, i) => label(r.route(l, nows[i])));
  assert.deepEqual(got, expected);
});

test("json-logic-js makes leadroute's decision for every lead", { skip: !peersInstalled && "peers not installed (npm ci --prefix bench)" }, async () => {
  const jl = await import("./peers/jsonlogic.mjs");
  const r = jl.createRouter(config);
  const got = leads.map((l, i) => label(r.route(l, nows[i])));
  assert.deepEqual(got, expected);
});

test("json-rules-engine makes leadroute's decision for every lead", { skip: !peersInstalled && "peers not installed (npm ci --prefix bench)" }, async () => {
  const jre = await import("./peers/rules-engine.mjs");
  const r = jre.createRouter(config);
  const got = [];
  for (let i = 0; i < N; i++) got.push(label(await r.route(leads[i], nows[i])));
  assert.deepEqual(got, expected);
});

test("the distribution model rejects configs it does not model instead of diverging", () => {
  const withHours = structuredClone(config);
  withHours.reps[0].hours = { mon: "09:00-17:00" };
  assert.throws(() => plain.createRouter(withHours), /hours/);
  const losesTurn = structuredClone(config);
  losesTurn.teams[4].strategy = { type: "round_robin", skipped: "loses_turn" };
  assert.throws(() => plain.createRouter(losesTurn), /keeps_place/);
});
