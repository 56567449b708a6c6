// The A/B split end to end in real workerd: LEADROUTE_CONFIG_B (here the current config
// with a learned pick in every team) takes SPLIT_SHARE_B of live leads by the core's stable
// hash of the lead id (`armOf`), each arm in its own Durable Object; the arm is in the
// answer, the CRM payload and GET /admin/export, which the dashboard's Simulation reads
// back in split mode with per-arm counts equal to the live ones.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, CRM_TOKEN, EDGE, ROOT, admin, crmMapping, formLead, postLead, sampleLeads, startWorkerd, testConfig, until } from "./harness.mjs";
import { startCrm } from "./crm-stub.mjs";

const { Router, Simulation, armOf } = createRequire(import.meta.url)(join(ROOT, "pkg", "node", "leadroute_wasm.js"));

const N = 500;
const SPLIT = { share_b: 0.3, seed: 7 };
const configA = testConfig();
const configB = testConfig();
for (const t of configB.teams) {
  delete t.strategy;
  t.select = { pick: { type: "learned" } };
}
for (const r of configB.rules) r.id = `${r.id}-b`;
const rulesA = new Set(configA.rules.map((r) => r.id));
const rulesB = new Set(configB.rules.map((r) => r.id));

// The sample leads the worker accepts (some are malformed on purpose), repeated under new
// ids and emails up to 500 distinct leads.
const checker = new Router(configA);
const samples = sampleLeads().filter((l) => checker.checkLead(formLead(l)).ok);
checker.free();
const leads = Array.from({ length: N }, (_, i) => {
  const l = formLead(samples[i % samples.length], `AB-${i}`);
  return i < samples.length ? l : { ...l, email: l.email.replace("@", `+${i}@`) };
});
const expected = new Map(leads.map((l) => [l.id, armOf(l.id, SPLIT)]));
const inB = [...expected.values()].filter((a) => a === "b").length;

let crm;
let w;
const answers = new Map();

async function postAll(list) {
  for (let i = 0; i < list.length; i += 25) {
    const got = await Promise.all(list.slice(i, i + 25).map((l) => postLead(w.url, l)));
    got.forEach((r, j) => answers.set(list[i + j].id, r));
  }
}

before(async () => {
  crm = await startCrm({ token: CRM_TOKEN });
  w = await startWorkerd({
    config: configA,
    crm: crmMapping("webhook"),
    env: { CRM_URL: `${crm.url}/webhook`, LEADROUTE_CONFIG_B: JSON.stringify(configB), SPLIT_SHARE_B: "0.3", SPLIT_SEED: "7" },
  });
  await postAll(leads);
});

after(async () => {
  await w?.stop();
  await crm?.close();
});

describe("A/B split of live traffic", () => {
  test("every lead lands in exactly the arm armOf gives, at the configured share", () => {
    // The hash is deterministic: the exact count, and a sanity bound on it that cannot flake.
    assert.ok(Math.abs(inB - 0.3 * N) < 40, `${inB} of ${N} in B`);
    for (const l of leads) {
      const r = answers.get(l.id);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.arm, expected.get(l.id), l.id);
    }
    assert.equal(leads.filter((l) => answers.get(l.id).body.arm === "b").length, inB);
  });

  test("a retry with the same id gets its first decision from the same arm", async () => {
    const retried = leads.filter((_, i) => i % 25 === 0);
    for (const l of retried) {
      const r = await postLead(w.url, l);
      const first = answers.get(l.id).body;
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.replayed, true);
      assert.deepEqual([r.body.arm, r.body.rep, r.body.outcome], [first.arm, first.rep, first.outcome]);
    }
    assert.ok(retried.some((l) => expected.get(l.id) === "b") && retried.some((l) => expected.get(l.id) === "a"));
  });

  test("the CRM payload carries the arm; arm B's decisions come from config B", async () => {
    const forwarded = leads.filter((l) => answers.get(l.id).body.crm === "queued");
    await until(() => forwarded.every((l) => crm.leads.get(l.id)?.decision), 30_000, "every forwarded lead in the CRM");
    for (const l of forwarded) {
      const d = crm.leads.get(l.id).decision;
      assert.equal(d.arm, expected.get(l.id), l.id);
      // Routing rules are renamed in B; screening rules are the same in both.
      if (rulesA.has(d.rule)) assert.equal(d.arm, "a", `${l.id} rule ${d.rule}`);
      if (rulesB.has(d.rule)) assert.equal(d.arm, "b", `${l.id} rule ${d.rule}`);
    }
    assert.ok(forwarded.some((l) => expected.get(l.id) === "b"));
  });

  test("outcomes reach the arm that holds the lead", async () => {
    const assigned = leads.filter((l) => answers.get(l.id).body.rep);
    const pick = [...assigned.filter((l) => expected.get(l.id) === "a").slice(0, 5), ...assigned.filter((l) => expected.get(l.id) === "b").slice(0, 5)];
    const body = { outcomes: pick.map((l, i) => ({ lead_id: l.id, converted: i % 2 === 0, value: 1000 + i })) };
    const r = await admin(w.url, "POST", "/outcomes", body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.results.map((x) => [x.lead_id, x.status, x.rep, x.duplicate]),
      pick.map((l) => [l.id, 200, answers.get(l.id).body.rep, false]),
    );
    const one = await admin(w.url, "POST", "/outcomes", { lead_id: pick[9].id, converted: true });
    assert.deepEqual([one.status, one.body.duplicate], [200, true]);
  });

  test("GET /admin/export read back by the Simulation in split mode gives the live per-arm counts", async () => {
    const res = await fetch(`${w.url}/admin/export`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(res.status, 200);
    const text = await res.text();
    const rows = text.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.length, N);
    assert.equal(new Set(rows.map((r) => r.id)).size, N, "every lead exactly once");
    for (const r of rows) {
      const live = answers.get(r.id).body;
      assert.deepEqual([r.arm, r.rep, r.outcome], [live.arm, live.rep, live.outcome], r.id);
    }
    assert.equal(rows.filter((r) => r.converted !== undefined).length, 10);
    const picked = (arm) => rows.filter((r) => r.arm === arm && r.team && r.rep);
    assert.ok(picked("b").length > 0);
    assert.ok(picked("b").every((r) => r.propensity > 0 && r.propensity <= 1), "arm B's learned picks log their propensity");
    assert.ok(picked("a").every((r) => r.propensity === undefined));
    // Seed 0 (the dashboard's) would hash other ids: the rows' arm column decides.
    const reportOf = (config, arm) => {
      const sim = new Simulation(config, { split: { share_b: 0.3, arm, seed: 0 } });
      try {
        sim.feedJsonl(text);
        sim.finish();
        return sim.report();
      } finally {
        sim.free();
      }
    };
    const a = reportOf(configA, "a");
    const b = reportOf(configB, "b");
    assert.deepEqual([a.leads, a.other_arm, b.leads, b.other_arm], [N - inB, inB, inB, N - inB]);
    // The outcomes POSTed above are known results in each arm's report.
    const known = (arm) => rows.filter((r) => r.arm === arm && r.converted !== undefined);
    assert.deepEqual([a.conversion.leads, a.conversion.converted], [known("a").length, known("a").filter((r) => r.converted).length]);
    assert.deepEqual([b.conversion.leads, b.conversion.converted], [known("b").length, known("b").filter((r) => r.converted).length]);
  });
});

test("armOf refuses what is not a split with a typed error, never a guess", () => {
  const code = (fn) => {
    try {
      fn();
      return "no error";
    } catch (e) {
      return `${e.name}:${e.code}`;
    }
  };
  assert.equal(code(() => armOf("L1", { share_b: 1.5 })), "Error:invalid_options");
  assert.equal(code(() => armOf("L1", { share_b: Number.NaN })), "Error:invalid_options");
  assert.equal(code(() => armOf("L1", {})), "Error:invalid_options");
  assert.equal(code(() => armOf("L1", { share_b: 0.5, seed: 0.5 })), "Error:invalid_options");
  assert.equal(code(() => armOf("L1", { share_b: 0.5, seed: -1 })), "Error:invalid_options");
  assert.equal(code(() => armOf(7, { share_b: 0.5 })), "TypeError:invalid_argument");
  // The ends of the range: nobody in B, everybody in B.
  assert.deepEqual([armOf("L1", { share_b: 0 }), armOf("L1", { share_b: 1 })], ["a", "b"]);
});

test("a share outside 0 to 1 is a config error naming the setting; no second config, no arm; a clashing field name stays the lead's", async () => {
  const bad = await startWorkerd({ config: configA, env: { LEADROUTE_CONFIG_B: JSON.stringify(configB), SPLIT_SHARE_B: "1.5" } });
  try {
    const r = await postLead(bad.url, leads[0]);
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, "config_error");
    assert.match(r.body.error.message, /^SPLIT_SHARE_B \/ SPLIT_SEED: armOf: share_b must be a number from 0 to 1/);
  } finally {
    await bad.stop();
  }
  // A declared field named like a decision column keeps its value; the decision's is routed_team.
  const withTeam = { ...configA, fields: { ...configA.fields, team: "string" } };
  const plain = await startWorkerd({ config: withTeam });
  try {
    const r = await postLead(plain.url, { ...leads[0], team: "east" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal("arm" in r.body, false);
    const rows = (await (await fetch(`${plain.url}/admin/export`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((x) => [x.id, x.arm, x.rep, x.team, x.routed_team, x.email]),
      [[leads[0].id, undefined, r.body.rep, "east", r.body.team, leads[0].email]],
    );
  } finally {
    await plain.stop();
  }
});

test("deploy.mjs checks arm B's config like the first before anything is written", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadroute-ab-deploy-"));
  try {
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    writeFileSync(a, JSON.stringify(configA));
    writeFileSync(b, JSON.stringify({ ...configB, fallback: "nobody" }));
    const run = (args) => spawnSync(process.execPath, [join(EDGE, "deploy.mjs"), "--check", ...args], { encoding: "utf8" });
    const bad = run(["--config", a, "--config-b", b]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /fallback/);
    assert.ok(bad.stderr.trim().endsWith(`problem(s) in ${b}: nothing was deployed`), bad.stderr);
    writeFileSync(b, JSON.stringify(configB));
    assert.equal(run(["--config", a, "--config-b", b]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
