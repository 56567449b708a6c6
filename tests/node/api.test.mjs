// The JS API of pkg/node against small inline configs with exact expected values.
import assert from "node:assert/strict";
import test from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BAD_CONFIG_ERRORS, NOW, ROOT, badConfig, byPath, lead, loadNodePkg, rrConfig } from "./helpers.mjs";

const { Router, validate } = loadNodePkg();

test("exports Router and validate", () => {
  assert.equal(typeof Router, "function");
  assert.equal(typeof validate, "function");
});

test("validate(): ok for a good config", () => {
  const r = validate(rrConfig());
  assert.equal(r.ok, true);
  assert.deepEqual(r.errors, []);
});

test("validate(): every problem, each at its path", () => {
  const r = validate(badConfig());
  assert.equal(r.ok, false);
  assert.deepEqual(byPath(r.errors), byPath(BAD_CONFIG_ERRORS));
});

test("validate(): non-object input is an error, not a crash", () => {
  for (const bad of [null, undefined, 42, "nope", [], true]) {
    let r;
    assert.doesNotThrow(() => {
      r = validate(bad);
    }, `validate(${JSON.stringify(bad)}) threw`);
    assert.equal(r.ok, false, `validate(${JSON.stringify(bad)}).ok`);
    assert.ok(Array.isArray(r.errors) && r.errors.length >= 1, `validate(${JSON.stringify(bad)}).errors`);
  }
});

test("constructor: throws an Error listing every problem, one per line, with .errors", () => {
  let err;
  assert.throws(
    () => new Router(badConfig()),
    (e) => {
      err = e;
      return e instanceof Error;
    },
  );
  const lines = err.message.split("\n");
  for (const { path, message } of BAD_CONFIG_ERRORS) {
    assert.ok(lines.includes(`${path}: ${message}`), `missing line "${path}: ${message}" in:\n${err.message}`);
  }
  assert.ok(Array.isArray(err.errors), "error.errors is an array");
  assert.deepEqual(byPath(err.errors), byPath(BAD_CONFIG_ERRORS));
});

test("constructor: accepts the config as a JSON string", () => {
  const r = new Router(JSON.stringify(rrConfig()));
  assert.equal(r.route(lead(1), { now: NOW }).rep, "a");
  r.free();
});

test("route(): round robin alternates a, b, a, b with full decisions", () => {
  const r = new Router(rrConfig());
  const got = [1, 2, 3, 4].map((i) => r.route(lead(i), { now: NOW + i * 60_000, trace: false }));
  assert.deepEqual(
    got.map((d) => d.rep),
    ["a", "b", "a", "b"],
  );
  for (const [i, d] of got.entries()) {
    const ann = d.rep === "a";
    assert.equal(d.lead_id, `L${i + 1}`);
    assert.equal(d.outcome, "assigned");
    assert.equal(d.via, "team");
    assert.equal(d.team, "t");
    assert.equal(d.rule, "all");
    assert.equal(d.pool, null);
    assert.equal(d.rep_name, ann ? "Ann" : "Bob");
    assert.equal(d.calendar_url, ann ? "https://cal.example.com/ann" : null);
    assert.equal(typeof d.reason, "string");
    assert.ok(d.reason.length > 0, "reason is not empty");
    assert.equal(d.trace, undefined, "no trace with trace: false");
  }
  r.free();
});

test("route(): trace lists the candidates, exactly one chosen", () => {
  const r = new Router(rrConfig());
  const d = r.route(lead(1), { now: NOW, trace: true });
  assert.equal(d.rep, "a");
  assert.ok(d.trace && typeof d.trace === "object", "trace present");
  const cands = d.trace.candidates;
  assert.ok(Array.isArray(cands), "trace.candidates is an array");
  assert.deepEqual(cands.map((c) => c.rep).sort(), ["a", "b"]);
  assert.deepEqual(
    cands.filter((c) => c.chosen).map((c) => c.rep),
    ["a"],
  );
  r.free();
});

test("routeBatch(): one bad lead in the middle gets its own error, the others route", () => {
  const r = new Router(rrConfig());
  const leads = [lead(1), lead(2), lead(3, { employees: "lots" }), lead(4), lead(5)];
  const res = r.routeBatch(leads, { now: NOW });
  assert.equal(res.length, 5);
  assert.deepEqual(
    res.map((x) => x.ok),
    [true, true, false, true, true],
  );
  const bad = res[2];
  assert.equal(bad.index, 2);
  assert.equal(typeof bad.error, "string");
  assert.match(bad.error, /employees/);
  assert.match(bad.error, /expected a number/);
  // The failed lead does not take a turn.
  assert.deepEqual(
    res.filter((x) => x.ok).map((x) => [x.decision.lead_id, x.decision.rep]),
    [
      ["L1", "a"],
      ["L2", "b"],
      ["L4", "a"],
      ["L5", "b"],
    ],
  );
  // Same result as routing one by one.
  const r2 = new Router(rrConfig());
  const single = [1, 2, 4, 5].map((i) => r2.route(lead(i), { now: NOW }).rep);
  assert.deepEqual(single, ["a", "b", "a", "b"]);
  r.free();
  r2.free();
});

test("snapshot(): a new Router from the snapshot continues the rotation identically", () => {
  const config = rrConfig();
  const r1 = new Router(config);
  assert.deepEqual(
    [1, 2, 3].map((i) => r1.route(lead(i), { now: NOW }).rep),
    ["a", "b", "a"],
  );
  const snap = r1.snapshot();
  assert.equal(typeof snap, "object");
  assert.notEqual(snap, null);
  // Plain JSON: survives a round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(snap)), snap);

  const fromObject = new Router(config, snap);
  const fromString = new Router(JSON.stringify(config), JSON.stringify(snap));
  const next = (r) => [4, 5, 6, 7].map((i) => r.route(lead(i), { now: NOW + i }).rep);
  const expected = ["b", "a", "b", "a"];
  assert.deepEqual(next(r1), expected);
  assert.deepEqual(next(fromObject), expected);
  assert.deepEqual(next(fromString), expected);
  // And the states agree afterwards.
  assert.deepEqual(fromObject.snapshot(), fromString.snapshot());
  for (const r of [r1, fromObject, fromString]) r.free();
});

test("snapshot(): a fresh router's snapshot restores to the same start", () => {
  const config = rrConfig();
  const r = new Router(config, new Router(config).snapshot());
  assert.deepEqual(
    [1, 2].map((i) => r.route(lead(i), { now: NOW }).rep),
    ["a", "b"],
  );
  r.free();
});

test("recordOutcome(): learned from once per lead, with typed errors, kept in the snapshot", () => {
  const config = { ...rrConfig(), fields: { industry: "string" } };
  config.teams = config.teams.map((t) => ({ ...t, strategy: undefined, select: { pick: { type: "learned", segment: ["industry"] } } }));
  const r = new Router(config);
  const d = r.route({ id: "W1", industry: "saas" }, { now: NOW });
  assert.ok(d.propensity > 0 && d.propensity <= 1);
  assert.match(d.segment, /^[0-9a-f]{16}$/);
  const won = { converted: true, value: 900, at: NOW + 1000 };
  assert.deepEqual(r.recordOutcome("W1", won), { lead_id: "W1", rep: d.rep, team: d.team, duplicate: false });
  assert.equal(r.recordOutcome("W1", { ...won, converted: false }).duplicate, true);
  const stats = r.snapshot().outcomes;
  assert.deepEqual(stats.map((s) => [s.rep, s.conversions, s.value, Boolean(s.segment)]), [[d.rep, 1, 900, false], [d.rep, 1, 900, true]]);
  for (const [args, code] of [
    [["nobody", won], "unknown_lead"],
    [["W1", { converted: "yes", at: NOW }], "invalid_outcome"],
    [["W1", { converted: true, at: NOW, value: -1 }, { rep: d.rep, team: d.team }], "invalid_outcome"],
    [["W2", won, { rep: "zed" }], "unknown_rep"],
  ]) {
    assert.throws(() => r.recordOutcome(...args), (e) => e.code === code, code);
  }
  assert.throws(() => r.recordOutcome(7, won), (e) => e instanceof TypeError && e.code === "invalid_argument");
  r.free();
});

test("Simulation: JSONL and CSV as bytes (cut inside characters) report exactly as text", () => {
  const { Simulation } = loadNodePkg();
  const config = readFileSync(join(ROOT, "data/default-config.json"), "utf8");
  const jsonl = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8").replaceAll('"company": "', '"company": "Ünïcödé ');
  const csv = readFileSync(join(ROOT, "data/sample-leads.csv"), "utf8");
  const report = (feed, parts) => {
    const sim = new Simulation(config);
    for (const p of parts) sim[feed](p);
    sim.finish();
    const r = sim.report();
    sim.free();
    return r;
  };
  const bytes = new TextEncoder().encode(jsonl);
  // 4,093-byte slices: many cuts land inside the two-byte characters.
  const slices = [];
  for (let i = 0; i < bytes.length; i += 4093) slices.push(bytes.subarray(i, i + 4093));
  const byText = report("feedJsonl", [jsonl]);
  assert.equal(byText.leads, 400);
  assert.deepEqual(report("feedJsonl", slices), byText);
  assert.deepEqual(report("feedJsonl", [bytes.buffer]), byText, "an ArrayBuffer");
  const csvBytes = new TextEncoder().encode(csv);
  assert.deepEqual(report("feedCsv", [csvBytes.subarray(0, 1000), csvBytes.subarray(1000)]), report("feedCsv", [csv]));
  const sim = new Simulation(config);
  assert.throws(() => sim.feedJsonl(42), { message: "JSONL input must be a Uint8Array, an ArrayBuffer or a string, found number" });
  assert.throws(() => sim.feedCsv({}), { message: "CSV input must be a Uint8Array, an ArrayBuffer or a string, found object" });
  sim.free();
});
