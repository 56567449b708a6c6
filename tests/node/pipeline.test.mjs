// The binding's side of the selection pipeline and idempotent routing: replays, routeAgain,
// per-lead time in a batch, warnings, the free email list, implausible `now`.
import assert from "node:assert/strict";
import test from "node:test";
import { NOW, lead, loadNodePkg, rrConfig } from "./helpers.mjs";

const { Router, validate } = loadNodePkg();

test("a repeated lead id is replayed: same rep, replayed: true, nothing counted", () => {
  const r = new Router(rrConfig());
  const first = r.route(lead(1), { now: NOW });
  const before = r.snapshot();
  const again = r.route(lead(1), { now: NOW + 1 });
  assert.equal(first.replayed, false);
  assert.equal(again.replayed, true);
  assert.equal(again.rep, first.rep);
  assert.deepEqual(r.snapshot(), before);
  assert.equal(r.route(lead(2), { now: NOW + 2 }).rep, "b");
});

test("routeAgain moves a lead on purpose", () => {
  const r = new Router(rrConfig());
  assert.equal(r.route(lead(1), { now: NOW }).rep, "a");
  const d = r.routeAgain(lead(1), { now: NOW + 1 });
  assert.equal(d.replayed, false);
  assert.equal(d.rep, "b");
  assert.match(d.reason, /^re-routed on request: /);
});

test("routeBatch with time: created_at routes each lead at its own time", () => {
  const cfg = rrConfig();
  cfg.reps[0].caps = { day: 1 };
  const r = new Router(cfg);
  const day = 86_400_000;
  const leads = [0, 1, 2].map((i) => ({ ...lead(i), created_at: NOW + i * day }));
  const items = r.routeBatch(leads, { now: NOW, time: "created_at" });
  // One lead a day: rep a's day cap of 1 never bites.
  assert.deepEqual(items.map((x) => x.decision.rep), ["a", "b", "a"]);
  const same = new Router(cfg).routeBatch(leads, { now: NOW });
  assert.deepEqual(same.map((x) => x.decision.rep), ["a", "b", "b"]);
  assert.throws(() => r.routeBatch(leads, { now: NOW, time: "yesterday" }), (e) => e.code === "invalid_options");
});

test("implausible now values are refused with the unit they look like", () => {
  const r = new Router(rrConfig());
  assert.throws(
    () => r.route(lead(1), { now: Math.floor(NOW / 1000) }),
    (e) => e.code === "invalid_options" && /looks like seconds/.test(e.message),
  );
  assert.throws(
    () => r.route(lead(1), { now: NOW * 1000 }),
    (e) => e.code === "invalid_options" && /looks like microseconds/.test(e.message),
  );
});

test("warnings and the free email list are visible", () => {
  const cfg = rrConfig();
  cfg.rules.push({ id: "late", team: "t" });
  cfg.free_email_domains = { add: ["mail.example"] };
  const r = new Router(cfg);
  assert.deepEqual(r.warnings().map((w) => [w.code, w.path]), [["unreachable_rule", "rules[1]"]]);
  assert.deepEqual(validate(cfg).warnings.map((w) => w.code), ["unreachable_rule"]);
  assert.ok(r.freeEmailDomains().includes("mail.example"));
  assert.ok(r.freeEmailDomains().includes("gmail.com"));
});

test("a pipeline team routes through the binding with its preference vector", () => {
  const r = new Router({
    fields: { language: "string" },
    reps: [{ id: "de", languages: ["de"] }, { id: "en", languages: ["en"] }],
    teams: [{ id: "t", members: ["de", "en"], select: { prefer: [{ type: "attribute", attribute: "languages", field: "language" }] } }],
    rules: [{ id: "all", team: "t" }],
    fallback: "en",
  });
  const d = r.route({ id: "X", language: "en" }, { now: NOW });
  assert.equal(d.rep, "en");
  assert.deepEqual(d.trace.candidates.map((c) => [c.rep, c.reason, c.rank]), [["de", "fewer_preferred", [0]], ["en", "next_in_line", [1]]]);
});

test("readLead gives the lead as the engine read it: form strings coerced", () => {
  const r = new Router(rrConfig());
  assert.deepEqual(r.readLead({ id: "F1", employees: "2500", note: "hi", extra: "x" }), { id: "F1", employees: 2500, note: "hi" });
  assert.throws(() => r.readLead({ id: "F2", employees: "many" }), (e) => e.code === "invalid_lead");
});
