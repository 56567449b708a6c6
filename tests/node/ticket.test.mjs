// `classify` and `assignTicket` in both built modules: a ticket made in one, sent as JSON
// text and assigned in another makes route()'s exact decisions; a ticket of another
// config, for another lead or broken is a typed error; the declarations type-check.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { NOW, PKG, ROOT, loadNodePkg } from "./helpers.mjs";

const full = loadNodePkg();
const route = createRequire(import.meta.url)(join(PKG, "route", "node", "leadroute_wasm.js"));

const config = {
  fields: { country: "string", size: "number", title: "string" },
  reps: [{ id: "ana", caps: { day: 3 } }, { id: "ben", caps: { day: 2 } }, { id: "cho" }, { id: "dev" }],
  teams: [
    { id: "us", members: ["ana", "ben"] },
    { id: "eu", members: ["ben", "cho"] },
  ],
  pools: [{ id: "open", reps: ["dev", "cho"] }],
  screening: { rules: [{ id: "tiny", when: "size < 2", reason: "too small" }] },
  scoring: { groups: [{ id: "fit", rules: [{ id: "vp", when: 'title == "VP"', points: 20 }] }], mql: 10 },
  rules: [
    { id: "us", when: 'country == "US"', team: "us" },
    { id: "eu", when: 'country == "DE"', team: "eu" },
    { id: "br", when: 'country == "BR"', pool: "open" },
  ],
  fallback: "dev",
};

function leads(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: `L${i % 37 === 5 ? i - 5 : i}`,
      country: ["US", "DE", "BR", "JP"][(i * 7) % 4],
      size: (i * 13) % 50,
      title: i % 3 ? "VP" : "Engineer",
    });
  }
  return out;
}

for (const [from, to] of [
  ["route", "route"],
  ["route", "full"],
  ["full", "route"],
]) {
  test(`classify in the ${from} module, assign in the ${to} module: route()'s decisions`, () => {
    const mods = { route, full };
    const classifier = new mods[from].Router(config);
    const holder = new mods[to].Router(config);
    const whole = new mods[to].Router(config);
    assert.equal(classifier.fingerprint, holder.fingerprint);
    assert.match(classifier.fingerprint, /^[0-9a-f]{16}$/);
    const targets = new Set();
    for (const [i, lead] of leads(60).entries()) {
      const opts = { now: NOW + i * 60_000 };
      const ticket = classifier.classify(lead);
      assert.equal(ticket.config, classifier.fingerprint);
      assert.equal(ticket.lead_id, lead.id);
      targets.add(ticket.target.kind + (ticket.target.id ? `:${ticket.target.id}` : ""));
      const wire = JSON.stringify(ticket);
      assert.deepEqual(holder.assignTicket(wire, lead, opts), whole.route(lead, opts), `lead ${lead.id}`);
    }
    assert.deepEqual([...targets].sort(), ["fallback:dev", "nurture", "pool:open", "rejected", "team:eu", "team:us"]);
    assert.deepEqual(holder.snapshot(), whole.snapshot());
  });
}

test("classify without a trace: the decision has none either", () => {
  const a = new route.Router(config);
  const b = new route.Router(config);
  const lead = { id: "x", country: "US", size: 9, title: "VP" };
  const ticket = a.classify(lead, { trace: false });
  assert.equal(ticket.trace, undefined);
  assert.deepEqual(ticket.target, { kind: "team", id: "us" });
  assert.equal(ticket.needs_state, true);
  const d = b.assignTicket(ticket, lead, { now: NOW, trace: false });
  assert.equal(d.trace, undefined);
  assert.equal(d.rep, "ana");
});

test("a rejected or a plain nurture lead needs no state", () => {
  const r = new route.Router(config);
  const rejected = r.classify({ id: "r", country: "US", size: 1 });
  assert.deepEqual(rejected.target, { kind: "rejected" });
  assert.deepEqual(rejected.screened, { rule: "tiny", reason: 'screening rule "tiny": too small' });
  assert.equal(rejected.needs_state, false);
  const nurture = r.classify({ id: "n", country: "US", size: 9, title: "Engineer" });
  assert.deepEqual(nurture.target, { kind: "nurture" });
  assert.equal(nurture.needs_state, false);
});

test("foreign, wrong-lead and broken tickets are typed errors that change nothing", () => {
  const a = new route.Router(config);
  const other = new route.Router({ ...config, fallback: "cho" });
  assert.notEqual(a.fingerprint, other.fingerprint);
  const lead = { id: "x", country: "US", size: 9, title: "VP" };
  const ticket = a.classify(lead);
  const before = other.snapshot();
  const code = (f) => {
    try {
      f();
    } catch (e) {
      return [e.code, e.message, e.constructor.name];
    }
    assert.fail("did not throw");
  };
  const [c, m] = code(() => other.assignTicket(ticket, lead, { now: NOW }));
  assert.equal(c, "foreign_ticket");
  assert.ok(m.includes(a.fingerprint) && m.includes(other.fingerprint), m);
  assert.deepEqual(code(() => a.assignTicket(ticket, { ...lead, id: "y" }, { now: NOW })), [
    "wrong_lead",
    "ticket for lead `x` sent with lead `y`",
    "Error",
  ]);
  assert.deepEqual(code(() => a.assignTicket({ ...ticket, route: { ...ticket.route, rule: 40 } }, lead, { now: NOW })), [
    "invalid_ticket",
    "invalid ticket: rule out of range",
    "Error",
  ]);
  assert.equal(code(() => a.assignTicket("{", lead, { now: NOW }))[0], "invalid_ticket");
  assert.deepEqual(code(() => a.assignTicket(7, lead, { now: NOW }))[0], "invalid_argument");
  assert.deepEqual(code(() => a.classify({ country: "US" }))[0], "missing_id");
  assert.deepEqual(other.snapshot(), before);
  // The same ticket still assigns where it belongs.
  assert.equal(a.assignTicket(ticket, lead, { now: NOW }).rep, "ana");
});

test("the declarations type classify and assignTicket", (t) => {
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  if (!existsSync(tsc)) return t.skip("typescript is not installed (run scripts/setup.sh)");
  const dir = mkdtempSync(join(tmpdir(), "leadroute-ticket-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const src = `
import { Router } from ${JSON.stringify(join(PKG, "route", "node", "leadroute_wasm.js"))};
import type { TicketWire, Decision } from ${JSON.stringify(join(PKG, "route", "node", "leadroute_wasm.js"))};
const r = new Router({ reps: [{ id: "a" }], fallback: "a" });
const ticket: TicketWire = r.classify({ id: "x" }, { trace: false });
const key: string = ticket.target.kind === "team" ? ticket.target.id : ticket.target.kind;
const needs: boolean = ticket.needs_state;
const fp: string = r.fingerprint;
const d: Decision = r.assignTicket(ticket, { id: "x" }, { now: 0 });
const again: Decision = r.assignTicket(JSON.stringify(ticket), '{"id": "x"}', { now: 0 });
// @ts-expect-error options need now
r.assignTicket(ticket, { id: "x" }, {});
void key; void needs; void fp; void d; void again;
`;
  writeFileSync(join(dir, "ticket.mts"), src);
  const args = ["--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "--lib", "es2022,dom", "ticket.mts"];
  const r = spawnSync(tsc, args, { cwd: dir, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
