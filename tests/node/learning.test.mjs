// simulateLearning (full module only): the core's learned-pick simulator through the
// binding. The README's scenario gives the README's numbers; generated truth follows the
// seed and the settings; bad options and configs are typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createRequire } from "node:module";
import { loadNodePkg, PKG } from "./helpers.mjs";

const { simulateLearning } = loadNodePkg();
const REPS = ["ana", "ben", "cho", "dev", "eli"];

/** The README's scenario (leadroute::report::learning::readme_scenario), as JS values. */
function readmeScenario() {
  const config = {
    fields: { industry: "string" },
    reps: REPS.map((id) => ({ id, caps: { month: 150 } })),
    teams: [{ id: "sales", members: REPS, select: { pick: {
      type: "learned", segment: ["industry"], half_life_days: 90, floor: 0.05, draws: 128,
    } } }],
    rules: [{ id: "all", team: "sales" }],
    lead_ids: { remember_days: 120 },
    fallback: "ana",
  };
  const segment = (name, mix, value) => ({ name, lead: { industry: name }, mix, value });
  const rates = [[0.3, 0.1, 0.12], [0.12, 0.28, 0.1], [0.15, 0.15, 0.15], [0.08, 0.1, 0.3], [0.1, 0.08, 0.08]];
  const planted = {
    segments: [segment("saas", 0.4, 20000), segment("retail", 0.35, 8000), segment("health", 0.25, 30000)],
    rates: REPS.map((rep, i) => ({ rep, rates: rates[i] })),
    changes: [{ month: 6, rep: "eli", segment: 0, rate: 0.34 }, { month: 6, rep: "ana", segment: 0, rate: 0.14 }],
  };
  return { config, options: { seed: 19, planted } };
}

test("simulateLearning: the README scenario gives the example's numbers", () => {
  const { config, options } = readmeScenario();
  const r = simulateLearning(config, options);
  assert.equal(r.team, "sales");
  assert.deepEqual(r.members, REPS);
  assert.equal(r.leads, 7200);
  assert.deepEqual(r.policies.map((p) => [p.policy, p.conversions, Math.round(p.regret)]), [
    ["learned", 1641, 555],
    ["static", 1151, 1077],
    ["round_robin", 1110, 1075],
  ]);
  assert.deepEqual(r.policies[0].per_rep, [1641, 1711, 1311, 1693, 844]);
  const [learned] = r.policies;
  assert.equal(learned.months.length, 12);
  assert.equal(learned.months.at(-1).cumulative_conversions, 1641);
  assert.ok(learned.months.every((m) => m.cumulative_min_share >= r.floor));
  assert.equal(r.floor, 0.05);
  assert.deepEqual(r.static_weights.map((w) => w.toFixed(3)), ["0.197", "0.164", "0.156", "0.164", "0.086"]);
  assert.equal(r.off_policy.target, "uniform");
  assert.equal(r.off_policy.n, 7200);
  assert.equal(Math.round(r.off_policy.effective_n), 755);
  assert.equal((100 * r.off_policy.ips).toFixed(1), "13.5");
});

test("simulateLearning: generated truth follows the seed, the spread and the delay; JSON text works too", () => {
  const config = {
    fields: { tier: "string" },
    reps: [{ id: "a" }, { id: "b" }, { id: "c" }],
    teams: [{ id: "t", members: ["a", "b", "c"], select: { pick: { type: "learned", segment: ["tier"] } } }],
    rules: [{ id: "all", team: "t" }],
    fallback: "a",
  };
  const opts = { seed: 7, months: 3, leads_per_month: 150, segments: 2, spread: 0.1, delay_days: [2, 5] };
  const a = simulateLearning(config, opts);
  assert.deepEqual(simulateLearning(JSON.stringify(config), JSON.stringify(opts)), a);
  assert.deepEqual(a.segments, ["tier-1", "tier-2"]);
  assert.ok(a.truth.every((t) => t.rates.every((p) => p >= 0.05 - 1e-12 && p <= 0.25 + 1e-12)));
  assert.deepEqual(a.policies.map((p) => p.leads), [450, 450, 450]);
  assert.notDeepEqual(simulateLearning(config, { ...opts, seed: 8 }).truth, a.truth);
  const flat = simulateLearning(config, { ...opts, spread: 0 });
  assert.deepEqual(flat.policies.map((p) => p.regret), [0, 0, 0]);
  // A longer delay leaves the learned pick fewer outcomes to learn from by the end.
  assert.notDeepEqual(simulateLearning(config, { ...opts, delay_days: [60, 80] }).policies[0], a.policies[0]);
});

test("simulateLearning: typed errors", () => {
  const { config } = readmeScenario();
  const code = (fn) => { try { fn(); } catch (e) { return [e.code, e.message]; } return null; };
  assert.deepEqual(code(() => simulateLearning(config, { months: 99 })), ["invalid_options", "`months`: 1 to 36"]);
  assert.equal(code(() => simulateLearning(config, { nope: 1 }))[0], "invalid_options");
  assert.equal(code(() => simulateLearning(config, { team: "x" }))[0], "no_learned_team");
  assert.equal(code(() => simulateLearning({ reps: [] }))[0], "invalid_config");
  const plain = { ...config, teams: [{ id: "sales", members: REPS }] };
  assert.deepEqual(code(() => simulateLearning(plain)), [
    "no_learned_team", 'no team has a learned pick ("pick": {"type": "learned"})',
  ]);
});

test("simulateLearning is in the full module only", () => {
  const route = createRequire(import.meta.url)(join(PKG, "route", "node", "leadroute_wasm.js"));
  assert.equal(route.simulateLearning, undefined);
  assert.equal(typeof simulateLearning, "function");
});
