// Hostile and malformed inputs: each is an Error thrown to the caller (never a crash or a
// poisoned instance), and the same router keeps routing correctly afterwards.
import assert from "node:assert/strict";
import test from "node:test";
import { NOW, lead, loadNodePkg, rrConfig } from "./helpers.mjs";

const { Router, validate } = loadNodePkg();

const TWO_MB = "x".repeat(2 * 1024 * 1024);

const hostileRoutes = [
  ["null lead", (r) => r.route(null, { now: NOW })],
  ["undefined lead", (r) => r.route(undefined, { now: NOW })],
  ["a number instead of a lead", (r) => r.route(42, { now: NOW })],
  ["a string instead of a lead", (r) => r.route("L1", { now: NOW })],
  ["an array instead of a lead", (r) => r.route([lead(1)], { now: NOW })],
  ["NaN now", (r) => r.route(lead(1), { now: NaN })],
  ["2 MB string field", (r) => r.route(lead(1, { note: TWO_MB }), { now: NOW })],
  ["object in a number field", (r) => r.route(lead(1, { employees: { valueOf: 3 } }), { now: NOW })],
  ["routeBatch(null)", (r) => r.routeBatch(null, { now: NOW })],
  ["routeBatch(42)", (r) => r.routeBatch(42, { now: NOW })],
];

test("hostile route inputs throw Errors and leave the router working", () => {
  const r = new Router(rrConfig());
  const expect = ["a", "b"];
  let turn = 0;
  assert.equal(r.route(lead(100), { now: NOW }).rep, expect[turn++ % 2]);
  for (const [name, call] of hostileRoutes) {
    assert.throws(() => call(r), Error, `${name}: expected an Error`);
    // A failed call must not change the state: the rotation continues where it was.
    const d = r.route(lead(200 + turn), { now: NOW });
    assert.equal(d.rep, expect[turn++ % 2], `after ${name}: wrong rep`);
    assert.equal(d.outcome, "assigned", `after ${name}`);
  }
  r.free();
});

test("the 2 MB string error says which field and why", () => {
  const r = new Router(rrConfig());
  assert.throws(() => r.route(lead(1, { note: TWO_MB }), { now: NOW }), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /note/);
    assert.match(e.message, /limit/);
    return true;
  });
  r.free();
});

test("hostile constructor inputs throw Errors", () => {
  const cases = [
    ["null", () => new Router(null)],
    ["undefined", () => new Router(undefined)],
    ["a number", () => new Router(42)],
    ["invalid JSON text", () => new Router("{ not json")],
    ["an array", () => new Router([])],
    ["a bad snapshot", () => new Router(rrConfig(), { version: "x", reps: 7 })],
    ["a snapshot that is invalid JSON", () => new Router(rrConfig(), "{ nope")],
  ];
  for (const [name, make] of cases) {
    assert.throws(make, Error, `new Router(${name}): expected an Error`);
  }
});

test("__proto__ keys: an own __proto__ key in the config is an unknown key", () => {
  const config = JSON.parse(JSON.stringify(rrConfig()).replace(/^\{/, '{"__proto__":{"polluted":true},'));
  assert.ok(Object.hasOwn(config, "__proto__"), "fixture has an own __proto__ key");
  assert.throws(
    () => new Router(config),
    (e) => e instanceof Error && /__proto__/.test(e.message),
  );
  const v = validate(config);
  assert.equal(v.ok, false);
  assert.ok(v.errors.some((e) => e.path === "__proto__"), JSON.stringify(v.errors));
  assert.equal({}.polluted, undefined, "Object.prototype is not polluted");
});

test("__proto__ keys: a lead with an own __proto__ key does not crash or pollute", () => {
  const r = new Router(rrConfig());
  const hostile = JSON.parse('{"id":"P1","employees":5,"__proto__":{"polluted":true,"id":"evil"}}');
  assert.ok(Object.hasOwn(hostile, "__proto__"), "fixture has an own __proto__ key");
  let d = null;
  try {
    d = r.route(hostile, { now: NOW });
  } catch (e) {
    assert.ok(e instanceof Error, "if it throws, it throws an Error");
  }
  if (d) {
    assert.equal(d.lead_id, "P1");
    assert.equal(d.rep, "a");
  }
  assert.equal({}.polluted, undefined, "Object.prototype is not polluted");
  // The router still works and the rotation is consistent with what happened.
  const next = r.route(lead(2), { now: NOW }).rep;
  assert.equal(next, d ? "b" : "a");
  r.free();
});

test("many errors in a row do not leak or poison the instance", () => {
  const r = new Router(rrConfig());
  for (let i = 0; i < 2_000; i++) {
    assert.throws(() => r.route(i % 2 ? null : 42, { now: NOW }), Error);
  }
  assert.deepEqual(
    [1, 2, 3].map((i) => r.route(lead(i), { now: NOW }).rep),
    ["a", "b", "a"],
  );
  r.free();
});
