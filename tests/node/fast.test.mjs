// leadroute/fast (pkg/fast) against the JSON path of the same module: two routers from one
// config, one fed through router.route / routeBatch, the other through the fast lane, on
// thousands of seeded random leads (unicode, long strings, missing and odd fields, numbers
// as strings, booleans, bad values, repeated ids). Every decision, every error (code and
// message) and the final state must be the same; lazily read parts must stay right after
// later calls and after wasm memory grows.
import assert from "node:assert/strict";
import test from "node:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PKG, ROOT, NOW } from "./helpers.mjs";
import { rng as bits } from "../../bench/gen.mjs";

/** Seeded draws in [0, 1): the same leads on every run. */
const rng = (seed) => {
  const g = bits(seed);
  return () => g.next() / 4294967296;
};

const fastEntry = join(PKG, "fast", "index.mjs");
if (!existsSync(fastEntry)) throw new Error(`${fastEntry} is missing: run scripts/build.sh first`);
const { fast, FastDecision } = await import(pathToFileURL(fastEntry).href);
const modules = {
  full: await import(pathToFileURL(join(PKG, "node", "index.mjs")).href),
  route: await import(pathToFileURL(join(PKG, "route", "node", "index.mjs")).href),
};
const config = JSON.parse(readFileSync(join(ROOT, "data", "default-config.json"), "utf8"));
const sample = readFileSync(join(ROOT, "data", "sample-leads.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

const STRINGS = ["", "  ", "US", "de", "Software", "vp of sales", "Ünïcödé GmbH", "東京株式会社", "emoji 🚀 co", "a\u0000b",
  "tab\there", "quote\"back\\slash", "\ud800lone", "lone\udc00", "2,500", " 42 ", "1e3", "yes", "no", "on", "0", "true",
  "abc", "-7.5", "ana@gmail.com", "x@redworks.in", "2026-11-02T04:05:46Z", "1764000000000"];
const NUMBERS = [0, -0, 1, 7, 42, 2500, 1e7, 5e7, -3, 0.5, 1.5e-7, 1e21, 2 ** 60, 12345678901234567890, -(2 ** 63), 1764000000000,
  NaN, Infinity];
const ODD = [null, undefined, true, false, [], ["a"], { x: 1 }, () => 1, Symbol("s"), 10n];

function value(r) {
  const k = r();
  if (k < 0.45) return STRINGS[Math.floor(r() * STRINGS.length)];
  if (k < 0.7) return NUMBERS[Math.floor(r() * NUMBERS.length)];
  // Past the 64 KiB limit in units (the JSON path's error), in bytes only (the lane's
  // own check, 40,000 two-byte chars), and well within it.
  if (k < 0.75) return ["x".repeat(70_000), "é".repeat(40_000), "x".repeat(300) + "é"][Math.floor(r() * 3)];
  return ODD[Math.floor(r() * ODD.length)];
}

/** A lead: mostly a sample lead with some fields changed, dropped or added. */
function randomLead(r, i) {
  const base = sample[Math.floor(r() * sample.length)];
  const lead = {};
  for (const [k, v] of Object.entries(base)) {
    const p = r();
    if (p < 0.08) continue;
    lead[k] = p < 0.2 ? value(r) : v;
  }
  // Most ids fresh, some repeated (replays), some odd.
  const p = r();
  lead.id = p < 0.8 ? `L-${i}` : p < 0.9 ? `L-${Math.floor(r() * i)}` : value(r);
  if (r() < 0.05) delete lead.id;
  if (r() < 0.1) lead[`extra_${Math.floor(r() * 5)}`] = value(r);
  if (r() < 0.1) lead.created_at = value(r);
  if (r() < 0.02) return [Object.assign(Object.create(null), lead), new Map(), "not a lead", null, [lead]][Math.floor(r() * 5)];
  return lead;
}

function randomOptions(r) {
  const o = { now: NOW + Math.floor(r() * 90 * 864e5) };
  const p = r();
  o.trace = p < 0.5 ? false : p < 0.9 ? true : "yes";
  if (r() < 0.1) o.stateless = r() < 0.5;
  if (r() < 0.2) o.time = ["now", "created_at", "never"][Math.floor(r() * 3)];
  if (r() < 0.01) o.now = [1764000000, "soon", NaN, 1.5][Math.floor(r() * 4)];
  return o;
}

/** A lead as text for a failure message (BigInt and Symbol values too). */
const show = (v) => {
  try {
    return JSON.stringify(v, (_, x) => (typeof x === "bigint" || typeof x === "symbol" ? String(x) : x))?.slice(0, 300);
  } catch {
    return String(v);
  }
};

const plain = (d) => (d instanceof FastDecision ? d.toDecision() : d);

/** What a call gave: the decision, or the error's class, code and message. */
function outcome(f) {
  try {
    return { ok: plain(f()) };
  } catch (e) {
    return { error: { name: e?.name, code: e?.code, message: e?.message, help: e?.help } };
  }
}

for (const [name, lr] of Object.entries(modules)) {
  test(`${name} module: fast route() gives exactly route()'s decisions, errors and state`, () => {
    const json = new lr.Router(config);
    const lane = fast(new lr.Router(config));
    lane.wrapBytes = 64 << 10; // start the output over often, with decisions kept across it
    const r = rng(15);
    const kept = [];
    let errors = 0;
    let laned = 0;
    let wraps = 0;
    for (let i = 0; i < 3000; i++) {
      const lead = randomLead(r, i);
      const options = randomOptions(r);
      const again = r() < 0.05;
      const a = outcome(() => (again ? json.routeAgain(lead, options) : json.route(lead, options)));
      let got;
      const epoch = lane.lazy;
      const b = outcome(() => {
        got = again ? lane.routeAgain(lead, options) : lane.route(lead, options);
        return got;
      });
      assert.deepStrictEqual(b, a, `lead ${i}: ${show(lead)} ${show(options)}`);
      if (a.error) errors += 1;
      // Some decisions are kept unread, to be read after later calls.
      if (got?.fromLane) {
        laned += 1;
        // The lane started its output over: earlier decisions now read from their copy.
        if (lane.lazy !== epoch) wraps += 1;
        if (i % 5 === 0) kept.push([got, a.ok]);
      }
      if (i % 500 === 250) lane.reserve(1, 1, 8 << 20); // moves the lane's buffers, grows wasm memory
      if (i % 400 === 399) lane.memory.grow(2);
    }
    assert.ok(errors > 100 && errors < 2000, `a mix of good and bad leads (${errors} errors)`);
    console.log(`${name}: ${laned} of 3000 decisions from the lane, ${errors} errors, ${kept.length} kept, ${wraps} wraps`);
    assert.ok(wraps > 0, "the lane's output started over at least once, with decisions kept across it");
    assert.ok(laned > 1000, `most plain leads take the lane (${laned})`);
    for (const [d, expected] of kept) {
      assert.equal(d.reason, expected.reason);
      assert.deepStrictEqual(d.trace, expected.trace);
      assert.deepStrictEqual(d.toDecision(), expected);
    }
    assert.deepStrictEqual(lane.router.snapshot(), json.snapshot());
  });

  test(`${name} module: fast routeBatch() gives exactly routeBatch()'s items and state`, () => {
    const json = new lr.Router(config);
    const lane = fast(new lr.Router(config));
    lane.wrapBytes = 16 << 10;
    const r = rng(1515);
    let i = 0;
    const held = [];
    for (let batch = 0; batch < 40; batch++) {
      const leads = Array.from({ length: 1 + Math.floor(r() * 120) }, () => randomLead(r, i++));
      const options = randomOptions(r);
      const a = outcome(() => json.routeBatch(leads, options));
      const b = outcome(() => lane.routeBatch(leads, options).map((it) => (it.ok ? { ok: true, decision: plain(it.decision) } : it)));
      assert.deepStrictEqual(b, a, `batch ${batch}`);
      if (a.ok) {
        const renamed = leads.map((l, k) => (l && typeof l === "object" ? { ...l, id: `again-${batch}-${k}` } : l));
        const expected = json.routeBatch(renamed, options).map((it) => (it.ok ? it.decision : it));
        held.push([lane.routeBatch(renamed, options), expected]);
      }
      if (batch % 10 === 5) lane.memory.grow(1);
    }
    // Decisions of earlier batches are still readable, and read the same as now.
    for (const [items, expected] of held) assert.deepStrictEqual(items.map((it) => (it.ok ? plain(it.decision) : it)), expected);
    assert.deepStrictEqual(lane.router.snapshot(), json.snapshot());
  });
}

test("the fast lane carries typed fields: names resolved, score and reason read", () => {
  const lr = modules.full;
  const lane = fast(new lr.Router(config));
  assert.equal(fast(lane.router), lane, "one lane per router");
  const d = lane.route({ ...sample[0], id: "fast-1" }, { now: NOW, trace: false });
  assert.ok(d instanceof FastDecision && d.fromLane, "a plain lead takes the fast lane");
  const expected = new lr.Router(config).route({ ...sample[0], id: "fast-1" }, { now: NOW, trace: false });
  assert.equal(d.outcome, expected.outcome);
  assert.equal(d.rep, expected.rep);
  assert.equal(d.team, expected.team);
  assert.equal(d.rule, expected.rule);
  assert.equal(d.score, expected.score?.total ?? null);
  assert.equal(d.reason, expected.reason);
  assert.equal(d.leadId, "fast-1");
  // A bad value is the core's typed error, thrown by the lane itself.
  assert.throws(() => lane.route({ id: "x", company_size: "many" }, { now: NOW }), (e) => e.code === "invalid_lead"
    && e.message === 'invalid lead: field "company_size": expected a number, found "many"');
  assert.throws(() => lane.route({ company: "Acme" }, { now: NOW }), (e) => e.code === "missing_id");
  // A value the lane does not carry (a nested object) takes the JSON path: same interface.
  const nested = lane.route({ ...sample[0], id: "fast-2", meta: { utm: "x" } }, { now: NOW, trace: false });
  assert.ok(nested instanceof FastDecision && !nested.fromLane);
  assert.equal(nested.reason, nested.toDecision().reason);
});
