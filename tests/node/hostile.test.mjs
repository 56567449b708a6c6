// Hostile and malformed inputs: each is an Error thrown to the caller (never a crash or a
// poisoned instance), and the same router keeps routing correctly afterwards.
import assert from "node:assert/strict";
import test from "node:test";
import { NOW, badConfig, lead, loadNodePkg, loadWebPkg, rrConfig } from "./helpers.mjs";

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

// ---- The caller's own object throws (issue 13, item 1) ------------------------------------
// Each call fails alone with a clear Error; the instance is unchanged (same snapshot) and
// keeps routing. Before the fix every later call threw "recursive use of an object".

function revoked() {
  const p = Proxy.revocable({}, {});
  p.revoke();
  return p.proxy;
}
const boom = () => {
  throw new Error("boom");
};

const throwingInputs = [
  ["a lead whose getter throws", (r) => r.route({ id: "g", get note() { return boom(); } }, { now: NOW }), /invalid lead: reading it threw: boom/],
  ["a revoked Proxy as the lead", (r) => r.route(revoked(), { now: NOW }), /invalid lead: reading it threw: .*revoked/],
  ["a Proxy lead whose ownKeys trap throws", (r) => r.route(new Proxy({}, { ownKeys: boom }), { now: NOW }), /invalid lead: reading it threw: boom/],
  ["a batch whose Symbol.iterator throws", (r) => {
    const leads = [lead(1)];
    leads[Symbol.iterator] = boom;
    return r.routeBatch(leads, { now: NOW });
  }, /leads: reading it threw: boom/],
  ["a revoked Proxy as the batch", (r) => r.routeBatch(revoked(), { now: NOW }), /leads: reading it threw: .*revoked/],
  ["options whose now getter throws", (r) => r.route(lead(1), { get now() { return boom(); } }), /options\.now: reading it threw: boom/],
  ["a revoked Proxy as the options", (r) => r.route(lead(1), revoked()), /options\.now: reading it threw: .*revoked/],
  ["claim options that throw", (r) => r.claim("L1", "a", { get now() { return boom(); } }), /options\.now: reading it threw: boom/],
  ["a value that throws a non-Error", (r) => r.route({ get id() { throw 42; } }, { now: NOW }), /invalid lead: reading it threw: a value that is not an Error/],
];

test("an exception from the caller's own object fails only that call", () => {
  const r = new Router(rrConfig());
  const expect = ["a", "b"];
  let turn = 0;
  assert.equal(r.route(lead(100), { now: NOW }).rep, expect[turn++ % 2]);
  for (const [name, call, message] of throwingInputs) {
    const before = JSON.stringify(r.snapshot());
    assert.throws(() => call(r), (e) => {
      assert.ok(e instanceof Error, `${name}: an Error`);
      assert.equal(e.code, "unreadable_input", `${name}: code`);
      assert.match(e.message, message, name);
      return true;
    });
    assert.equal(JSON.stringify(r.snapshot()), before, `${name}: state changed`);
    assert.equal(r.route(lead(200 + turn), { now: NOW }).rep, expect[turn++ % 2], `after ${name}`);
  }
  r.free();
});

test("in a batch, a lead that throws is that item's error; the others route", () => {
  const r = new Router(rrConfig());
  const out = r.routeBatch([lead(1), { get id() { return boom(); } }, revoked(), lead(2)], { now: NOW });
  assert.deepEqual(out.map((x) => x.ok), [true, false, false, true]);
  assert.deepEqual(out.map((x) => x.decision?.rep ?? x.code), ["a", "unreadable_input", "unreadable_input", "b"]);
  assert.equal(out[1].error, "invalid lead: reading it threw: boom");
  r.free();
});

test("a throwing mapping, input or options in a Simulation fails only that call", () => {
  const { Simulation } = loadNodePkg();
  // These leads have no created_at: allowed, or the run stops (unreadable_created_at).
  const sim = new Simulation(rrConfig(), { created_at: { allow_unreadable: true } });
  assert.equal(sim.feedCsv("id,employees\nL1,5\n"), 0); // held for created_at ordering
  const calls = [
    () => sim.feedCsv("id\nL2\n", { get id() { return boom(); } }),
    () => sim.feedCsv("id\nL2\n", revoked()),
    () => sim.feedJsonl(revoked()),
    () => new Simulation(rrConfig(), { get sample() { return boom(); } }),
    () => new Simulation({ get reps() { return boom(); } }),
  ];
  for (const call of calls) {
    assert.throws(call, (e) => e instanceof Error && typeof e.code === "string");
  }
  assert.equal(sim.feedCsv("id,employees\nL3,7\n"), 0);
  assert.equal(sim.report().leads, 2);
  sim.free();
});

// ---- Arguments of the wrong type (issue 13, item 2) ---------------------------------------

const notStrings = [
  ["a number", 42],
  ["a boolean", true],
  ["a Symbol", Symbol("id")],
  ["a BigInt", 10n],
  ["an object", { id: "L1" }],
  ["an object with length 3e8", { length: 3e8 }],
  ["an array", ["L1"]],
  ["null", null],
  ["undefined", undefined],
];

const stringArgs = [
  ["claim", "leadId", (r, v) => r.claim(v, "a", { now: NOW })],
  ["claim", "rep", (r, v) => r.claim("L1", v, { now: NOW })],
  ["claimNext", "pool", (r, v) => r.claimNext(v, "a", { now: NOW })],
  ["claimNext", "rep", (r, v) => r.claimNext("p", v, { now: NOW })],
  ["listPool", "pool", (r, v) => r.listPool(v, "a", { now: NOW })],
  ["listPool", "rep", (r, v) => r.listPool("p", v, { now: NOW })],
  ["release", "leadId", (r, v) => r.release(v, "a", { now: NOW })],
  ["release", "rep", (r, v) => r.release("L1", v, { now: NOW })],
  ["touch", "leadId", (r, v) => r.touch(v, "a", { now: NOW })],
  ["touch", "rep", (r, v) => r.touch("L1", v, { now: NOW })],
  ["setStatus", "rep", (r, v) => r.setStatus(v, "busy")],
];

test("a non-string id is a TypeError naming the argument, with nothing allocated", async () => {
  const { Router: WebRouter, memory } = await loadWebPkg();
  const r = new WebRouter(rrConfig());
  r.route(lead(1), { now: NOW });
  const bytes = memory.buffer.byteLength;
  for (const [call, arg, invoke] of stringArgs) {
    for (const [name, value] of notStrings) {
      assert.throws(() => invoke(r, value), (e) => {
        assert.ok(e instanceof TypeError, `${call}(${name} as ${arg}): a TypeError, got ${e}`);
        assert.equal(e.code, "invalid_argument");
        assert.match(e.message, new RegExp(`^${call}: ${arg} must be a string, found `), `${call} ${name}`);
        return true;
      });
    }
  }
  assert.throws(() => r.setStatus("a", 42), (e) => e instanceof TypeError && /setStatus: status must be a string/.test(e.message));
  // A real string longer than any id is refused before it is copied into wasm memory.
  const long = "x".repeat(3_000_000);
  assert.throws(() => r.claim(long, "a", { now: NOW }), (e) => e.code === "invalid_argument" && /leadId is 3000000 characters long/.test(e.message));
  assert.equal(memory.buffer.byteLength, bytes, "wasm memory grew during failing calls");
  assert.equal(r.route(lead(2), { now: NOW }).rep, "b");
  r.free();
});

// ---- Leads that are not plain objects (issue 13, item 9) ---------------------------------

test("typed arrays, Maps, Sets, RegExps, Dates and other built-ins are not leads", () => {
  const r = new Router(rrConfig());
  const cases = [
    [new Uint8Array([1, 2]), "Uint8Array"],
    [new Map([["id", "L1"]]), "Map"],
    [new Set(["L1"]), "Set"],
    [/L1/, "RegExp"],
    [new Date(NOW), "Date"],
    [new String("L1"), "String"],
    [new Error("L1"), "Error"],
    [Promise.resolve(1), "Promise"],
    [new ArrayBuffer(8), "ArrayBuffer"],
  ];
  for (const [value, kind] of cases) {
    const before = JSON.stringify(r.snapshot());
    assert.throws(() => r.route(value, { now: NOW }), (e) => {
      assert.equal(e.message, `invalid lead: expected a plain object of fields, found a ${kind}`);
      assert.equal(e.code, "invalid_lead");
      return true;
    });
    assert.equal(JSON.stringify(r.snapshot()), before);
  }
  // A class instance and a null-prototype object are plain records of fields.
  class Lead { constructor() { this.id = "C1"; } }
  assert.equal(r.route(new Lead(), { now: NOW }).lead_id, "C1");
  assert.equal(r.route(Object.assign(Object.create(null), { id: "N1" }), { now: NOW }).lead_id, "N1");
  r.free();
});

// ---- Every thrown error has a code (issue 12) ---------------------------------------------

test("every error thrown by the binding carries a snake_case code", () => {
  const r = new Router(rrConfig());
  const codes = [];
  const check = (name, call) => {
    try {
      call();
    } catch (e) {
      assert.ok(e instanceof Error, name);
      assert.match(e.code ?? "", /^[a-z]+(_[a-z]+)*$/, `${name}: code ${e.code}`);
      assert.equal(typeof e.help, "string", `${name}: help`);
      codes.push(e.code);
      return;
    }
    assert.fail(`${name}: did not throw`);
  };
  for (const [name, call] of hostileRoutes) check(name, () => call(r));
  check("bad config", () => new Router(badConfig()));
  check("bad snapshot", () => new Router(rrConfig(), { version: "x" }));
  check("claim of an unknown lead", () => r.claim("nope", "a", { now: NOW }));
  check("unknown status", () => r.setStatus("a", "asleep"));
  check("options.now missing", () => r.tick({}));
  assert.deepEqual([...new Set(codes)].sort(), [
    "invalid_argument", "invalid_config", "invalid_lead", "invalid_options", "invalid_snapshot", "unknown_lead", "unknown_value",
  ]);
  r.free();
});

test("config errors list code, path, message and help for each problem", () => {
  assert.throws(() => new Router(badConfig()), (e) => {
    assert.equal(e.code, "invalid_config");
    assert.deepEqual(
      e.errors.map((x) => [x.code, x.path, x.help]).sort(),
      [
        ["unknown_key", "reps[1].nmae", 'did you mean "name"?'],
        ["unknown_value", "teams[0].strategy.type", 'did you mean "round_robin"?'],
      ],
    );
    return true;
  });
  const v = validate(badConfig());
  assert.deepEqual(v.errors.map((x) => Object.keys(x).sort()), [["code", "help", "message", "path"], ["code", "help", "message", "path"]]);
  assert.deepEqual(validate(42).errors.map((x) => x.code), ["invalid_argument"]);
});

test("failing calls leak no wasm memory: repeated, the memory stays the same size", async () => {
  const { Router: WebRouter, memory } = await loadWebPkg();
  const r = new WebRouter(rrConfig());
  const all = [
    ...hostileRoutes.map(([, call]) => call),
    ...throwingInputs.map(([, call]) => call),
    ...stringArgs.map(([, , invoke]) => (x) => invoke(x, { length: 3e8 })),
  ];
  const run = () => {
    for (const call of all) assert.throws(() => call(r), Error);
  };
  run(); // the first round may grow the memory once (a 2 MB lead is copied to be checked)
  const bytes = memory.buffer.byteLength;
  for (let i = 0; i < 20; i++) run();
  assert.equal(memory.buffer.byteLength, bytes);
  assert.equal(r.route(lead(1), { now: NOW }).rep, "a");
  r.free();
});
