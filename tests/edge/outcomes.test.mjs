// POST /outcomes in real workerd: a CRM webhook of a closed-won or lost status, admin
// token only, idempotent per lead, remembered across a restart, and learned from: the
// Durable Object's state holds the decayed statistic the `learned` pick samples from.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, admin, call, postLead, startWorkerd } from "./harness.mjs";

const config = {
  fields: { email: "string", industry: "string" },
  reps: [
    { id: "ana", name: "Ana" },
    { id: "ben", name: "Ben" },
  ],
  teams: [{ id: "sales", members: ["ana", "ben"], select: { pick: { type: "learned", segment: ["industry"] } } }],
  rules: [{ id: "all", team: "sales" }],
  fallback: "ana",
};

const dir = mkdtempSync(join(tmpdir(), "leadroute-outcomes-"));
let w;
const reps = {};

before(async () => {
  w = await startWorkerd({ config, storageDir: dir });
  for (const id of ["O1", "O2", "O3"]) {
    const r = await postLead(w.url, { id, email: `kim.${id}@acme-tools.com`, industry: "SaaS" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    reps[id] = r.body.rep;
  }
});

after(async () => {
  await w?.stop({ keepStorage: true });
  rmSync(dir, { recursive: true, force: true });
});

const post = (body, token = ADMIN_TOKEN) => call(w.url, "POST", "/outcomes", { token, body });

async function learned() {
  const snap = await admin(w.url, "GET", "/admin/snapshot");
  assert.equal(snap.status, 200);
  return snap.body.snapshot.outcomes ?? [];
}

describe("POST /outcomes", () => {
  test("needs the admin token", async () => {
    const r = await post({ lead_id: "O1", converted: true }, "nope");
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, "unauthorized");
  });

  test("a closed-won webhook counts once; its retry is a duplicate that changes nothing", async () => {
    const won = { lead_id: "O1", status: "Closed Won", amount: "5000", closed_at: "2026-03-02T10:00:00Z" };
    const first = await post(won);
    assert.deepEqual(first, { status: 200, body: { lead_id: "O1", rep: reps.O1, team: "sales", duplicate: false } });
    const stats = await learned();
    // The rep's overall statistic and its saas segment's, one converted lead worth 5000.
    assert.equal(stats.length, 2);
    for (const s of stats) assert.deepEqual([s.team, s.rep, s.leads, s.conversions, s.value], ["sales", reps.O1, 1, 1, 5000]);
    const again = await post({ ...won, status: "closed lost" });
    assert.deepEqual(again.body, { lead_id: "O1", rep: reps.O1, team: "sales", duplicate: true });
    assert.deepEqual(await learned(), stats);
  });

  test("a batch answers each outcome; unknown leads and unknown statuses are typed errors", async () => {
    const r = await post({
      outcomes: [
        { lead_id: "O2", converted: false, at: Date.parse("2026-03-03T10:00:00Z") },
        { lead_id: "nobody", converted: true },
      ],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results[0], { lead_id: "O2", status: 200, rep: reps.O2, team: "sales", duplicate: false });
    assert.equal(r.body.results[1].status, 404);
    assert.equal(r.body.results[1].error.code, "unknown_lead");
    const bad = await post({ lead_id: "O3", status: "maybe" });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, "invalid_outcome");
    const seconds = await post({ lead_id: "O3", converted: true, at: 1767603600 });
    assert.equal(seconds.status, 422);
    assert.match(seconds.body.error.message, /looks like seconds/);
    const get = await call(w.url, "GET", "/outcomes", { token: ADMIN_TOKEN });
    assert.equal(get.status, 405);
  });

  test("outcomes survive a restart: the statistic and the duplicate check", async () => {
    const before = await learned();
    await w.stop({ keepStorage: true });
    w = await startWorkerd({ config, storageDir: dir });
    assert.deepEqual(await learned(), before);
    const again = await post({ lead_id: "O2", converted: true });
    assert.equal(again.body.duplicate, true);
  });
});
