// The per-team design's parts that span objects, in real workerd: an idempotency key finds
// its decision whichever team its lead went to (and a key reused for a lead of another
// team is refused), a rep in two teams never passes the cap with both objects assigning,
// each object ticks itself (its alarm is set) and a tick's reminders and re-routes happen
// once however often it runs, the admin view gathers every object.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { admin, postLead, startWorkerd } from "./harness.mjs";
import { createRequire } from "node:module";

// The core's cap protocol, as the team objects run it.
const { capHomes, shareConfig } = createRequire(import.meta.url)("../../pkg/route/node/leadroute_wasm.js");

const config = {
  fields: { country: "string", email: "string" },
  reps: [
    { id: "ana", caps: { day: 5 } },
    { id: "ben", caps: { day: 3 } },
    { id: "cho" },
    { id: "dev" },
  ],
  teams: [
    { id: "us", members: ["ana", "ben"], sla: { first_touch_minutes: 5, remind_after_minutes: [10], reroute: true } },
    { id: "eu", members: ["ana", "cho"] },
  ],
  rules: [
    { id: "us", when: 'country == "US"', team: "us" },
    { id: "eu", when: 'country == "DE"', team: "eu" },
  ],
  fallback: "dev",
};
let w;

before(async () => {
  w = await startWorkerd({ config, env: { TICK_INTERVAL_MS: "3600000" } });
});
after(() => w?.stop());

test("a rep's caps are split between the objects of the teams they are in", () => {
  assert.deepEqual(capHomes(config).ana, ["team:us", "team:eu"]);
  assert.deepEqual(capHomes(config).dev, ["rest"]);
  const caps = (key) => shareConfig(config, key).reps.map((r) => r.caps.day ?? r.caps.month);
  // cho and dev have no caps: the core's default month cap, split the same way.
  assert.deepEqual(caps("team:us"), [3, 3, 0, 0]);
  assert.deepEqual(caps("team:eu"), [2, 0, 150, 0]);
  assert.deepEqual(caps("rest"), [0, 0, 0, 150]);
});

test("the default cap the core splits is the one it applies", () => {
  const { Router } = createRequire(import.meta.url)("../../pkg/node/leadroute_wasm.js");
  const r = new Router({ reps: [{ id: "a" }, { id: "b", caps: {} }], teams: [{ id: "t", members: ["a"] }], rules: [{ id: "all", team: "t" }], fallback: "b" });
  const now = Date.UTC(2026, 10, 2, 15);
  const month = shareConfig({ reps: [{ id: "a" }], rules: [], fallback: "a" }, "rest").reps[0].caps.month;
  const reps = Array.from({ length: month + 1 }, (_, i) => r.route({ id: `d${i}` }, { now, trace: false }).rep);
  assert.equal(reps.filter((x) => x === "a").length, month);
  assert.equal(reps.at(-1), "b");
  r.free();
});

test("ana, in both teams, takes at most her cap across both objects", async () => {
  const got = [];
  await Promise.all(
    Array.from({ length: 24 }, async (_, i) => {
      const r = await postLead(w.teamsUrl, { id: `C${i}`, country: i % 2 ? "US" : "DE" });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      got.push(r.body);
    }),
  );
  const n = (rep) => got.filter((d) => d.rep === rep).length;
  assert.equal(n("ana"), 5);
  assert.equal(n("ben"), 3);
  assert.equal(n("cho"), 12 - 2);
  assert.equal(n("dev"), 24 - 5 - 3 - 10);
});

test("an idempotency key finds its decision from any team; reused for another team's lead it is refused", async () => {
  const key = { "idempotency-key": "form-7" };
  const first = await postLead(w.teamsUrl, { id: "K1", country: "US" }, key);
  assert.equal(first.status, 201);
  const again = await postLead(w.teamsUrl, { id: "K1", country: "US" }, key);
  assert.equal(again.status, 200);
  assert.equal(again.body.replayed, true);
  assert.equal(again.body.rep, first.body.rep);
  const other = await postLead(w.teamsUrl, { id: "K2", country: "DE" }, key);
  assert.equal(other.status, 422);
  assert.equal(other.body.error.code, "idempotency_key_reused");
  // The lead id alone is a key too: the same id for another team's lead is refused.
  const sameId = await postLead(w.teamsUrl, { id: "C1", country: "DE" });
  assert.equal(sameId.status, 422);
});

test("each object ticks itself, and a tick's reminders and re-routes happen once", async () => {
  const { body } = await admin(w.teamsUrl, "GET", "/admin/teams?snapshots=1");
  const byKey = Object.fromEntries(body.objects.map((o) => [o.key, o]));
  assert.deepEqual(Object.keys(byKey), ["team:us", "team:eu", "rest"]);
  // Only the us team has an SLA: its leads are tracked there, and its alarm is set.
  assert.ok(byKey["team:us"].assignments > 0);
  assert.ok(byKey["team:us"].next_alarm > Date.now());
  assert.equal(byKey["team:eu"].assignments, 0);
  const at = Date.now() + 11 * 60_000;
  const tick = async () => (await admin(w.teamsUrl, "POST", `/admin/teams/tick?time=${at}`)).body.objects;
  const first = await tick();
  const us = first.find((o) => o.key === "team:us");
  assert.ok(us.events > 0, JSON.stringify(us));
  assert.ok(us.kinds.reassigned > 0 || us.kinds.reminder > 0, JSON.stringify(us.kinds));
  for (const o of first.filter((o) => o.key !== "team:us")) assert.equal(o.events, 0);
  const second = await tick();
  assert.deepEqual(second.map((o) => o.events), [0, 0, 0]);
});

test("an object's alarm fires and re-arms itself while it holds leads", async () => {
  const fast = await startWorkerd({ config, env: { TICK_INTERVAL_MS: "1000" } });
  try {
    assert.equal((await postLead(fast.teamsUrl, { id: "A1", country: "US" })).status, 201);
    const alarm = async () => (await admin(fast.teamsUrl, "GET", "/admin/teams")).body.objects.find((o) => o.key === "team:us").next_alarm;
    const first = await alarm();
    assert.ok(first > 0);
    const t0 = Date.now();
    let next = first;
    while (next === first && Date.now() - t0 < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      next = await alarm();
    }
    assert.ok(next > first, `the alarm did not run again (${first} -> ${next})`);
  } finally {
    await fast.stop();
  }
});
