// The Durable Object's state across config edits, restarts and time, in real workerd: the
// object belongs to the deployment, a new config migrates the saved state, lead ids stay
// one lead after the idempotency window, finished records leave the engine's hot state.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCrm } from "./crm-stub.mjs";
import { CRM_TOKEN, admin, call, crmMapping, newestCount, outboxDrained, postLead, repToken, startWorkerd, testConfig } from "./harness.mjs";

const sf = crmMapping("salesforce");
const dirs = [];
let n = 0;

function lead(kind, extra = {}) {
  n += 1;
  const base = {
    id: `S-${kind}-${n}`,
    first_name: "Kim",
    last_name: `Lee${n}`,
    email: `kim.lee${n}@harbor-systems.com`,
    company: `Harbor Systems ${n}`,
    title: "Head of Operations",
    company_size: 2500,
    annual_revenue: 40_000_000,
    industry: "Logistics",
    country: "US",
    region: "TX",
    language: "en",
    product_interest: "Forecasting",
    pages_viewed: 12,
    demo_requested: true,
    source: "website",
    message: "Please show us forecasting on our order data.",
  };
  if (kind === "smb") Object.assign(base, { company_size: 60, annual_revenue: 3_000_000 });
  return { ...base, ...extra };
}

/** A config without rep `id`: the rep, and every mention of it (members, account owners). */
function withoutRep(config, id) {
  const strip = (v) => {
    if (Array.isArray(v)) return v.filter((x) => x !== id).map(strip);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== id).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return strip({ ...config, reps: config.reps.filter((r) => r.id !== id) });
}

function storageDir() {
  const d = mkdtempSync(join(tmpdir(), "leadroute-state-"));
  dirs.push(d);
  return d;
}

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const monthCount = (snap, rep) => newestCount(snap, rep, "month");
const snapshotOf = async (w) => (await admin(w.url, "GET", "/admin/snapshot")).body.snapshot;
const stats = async (w) => (await admin(w.url, "GET", "/admin/outbox")).body;

describe("Durable Object state (workerd)", () => {
  test("editing a rep's display name keeps pending CRM deliveries, idempotency records and counters", async () => {
    const crm = await startCrm({ token: CRM_TOKEN });
    const dir = storageDir();
    // Every write fails for now, with retries to spare: the deliveries stay pending.
    const env = { CRM_URL: crm.url, CRM_MAX_ATTEMPTS: "1000", CRM_RETRY_BASE_MS: "50", CRM_RETRY_MAX_MS: "100" };
    crm.failWhen(() => ({ status: 503 }));
    let w = await startWorkerd({ crm: sf, env, storageDir: dir });
    try {
      const leads = Array.from({ length: 10 }, () => lead("enterprise"));
      const first = [];
      for (const l of leads) first.push(await postLead(w.url, l));
      for (const r of first) assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await stats(w)).pending, 10);
      const before = await snapshotOf(w);
      await w.stop({ keepStorage: true });

      const config = testConfig();
      config.reps.find((r) => r.id === "r-olivia").name = "Olivia Martin-Hughes";
      crm.healthy();
      w = await startWorkerd({ config, crm: sf, env, storageDir: dir });
      await outboxDrained(w.url);
      for (const [i, l] of leads.entries()) {
        const rec = crm.leads.get(l.id);
        assert.ok(rec, `${l.id} delivered after the config edit`);
        assert.equal(rec.owner, sf.owners[first[i].body.rep]);
      }
      const after = await snapshotOf(w);
      assert.deepEqual(after, before, "counters, rotations and tracked leads carry over");
      const again = await postLead(w.url, leads[0]);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.replayed, true);
      assert.equal(again.body.rep, first[0].body.rep);
      const m = (await stats(w)).last_migration;
      assert.deepEqual([m.rerouted, m.failed, m.finished], [[], [], []]);
    } finally {
      await w.stop();
      await crm.close();
    }
  });

  test("removing a rep: its open leads go back through routing, everything else carries over", async () => {
    const crm = await startCrm({ token: CRM_TOKEN });
    const dir = storageDir();
    const env = { CRM_URL: crm.url, CRM_MAX_ATTEMPTS: "1000", CRM_RETRY_BASE_MS: "50", CRM_RETRY_MAX_MS: "100" };
    crm.failWhen(() => ({ status: 503 }));
    let w = await startWorkerd({ crm: sf, env, storageDir: dir });
    try {
      const routed = [];
      while (routed.filter((r) => r.rep === "r-marcus").length < 3) {
        const r = await postLead(w.url, lead("enterprise", { pages_viewed: 2, demo_requested: false }));
        assert.equal(r.status, 201, JSON.stringify(r.body));
        routed.push(r.body);
        assert.ok(routed.length < 20, "r-marcus gets enterprise leads");
      }
      const marcus = routed.filter((r) => r.rep === "r-marcus");
      const touched = marcus[0].lead_id;
      assert.equal((await call(w.url, "POST", `/leads/${touched}/touch`, { token: await repToken("r-marcus") })).status, 200);
      const pooledLead = lead("smb");
      const pooled = await postLead(w.url, pooledLead);
      assert.equal(pooled.body.pool, "smb-pool");
      assert.equal((await stats(w)).pending, routed.length + 1, "every CRM write is still pending");
      const before = await snapshotOf(w);
      await w.stop({ keepStorage: true });
      crm.healthy();

      // The CRM mapping may only name reps of the config: r-marcus's owner id goes too.
      const { "r-marcus": _gone, ...owners } = sf.owners;
      w = await startWorkerd({ config: withoutRep(testConfig(), "r-marcus"), crm: { ...sf, owners }, env, storageDir: dir });
      const after = await snapshotOf(w);
      const open = marcus.slice(1).map((d) => d.lead_id);
      const st = await stats(w);
      const m = st.last_migration;
      assert.ok(m, JSON.stringify(st));
      assert.deepEqual(m.rerouted.map((x) => x.lead_id).sort(), [...open].sort());
      assert.deepEqual(m.finished, [touched], "the contacted lead is finished, not routed again");
      const byLead = new Map(after.assignments.map((a) => [a.lead_id, a]));
      assert.ok(after.assignments.every((a) => a.rep !== "r-marcus"));
      const gained = new Map();
      for (const id of open) {
        const a = byLead.get(id);
        assert.ok(a && ["r-olivia", "r-priya"].includes(a.rep), `${id} re-routed in its team: ${JSON.stringify(a)}`);
        gained.set(a.rep, (gained.get(a.rep) ?? 0) + 1);
      }
      for (const rep of Object.keys(before.reps)) {
        if (rep === "r-marcus") continue;
        assert.equal(monthCount(after, rep), monthCount(before, rep) + (gained.get(rep) ?? 0), `${rep}'s month counter carries over`);
      }
      assert.equal(after.reps["r-marcus"], undefined);
      assert.deepEqual(
        after.pooled.map((p) => p.lead_id),
        before.pooled.map((p) => p.lead_id),
      );
      await outboxDrained(w.url);
      for (const id of open) assert.equal(crm.leads.get(id).owner, sf.owners[byLead.get(id).rep], `${id}: the CRM has the new owner`);
      // Contacted, so not routed again; its create was still pending and the new mapping
      // has no owner id for r-marcus: the CRM's default owner.
      assert.equal(crm.leads.get(touched).owner, sf.owners.default);
      for (const d of routed) assert.equal(crm.leads.get(d.lead_id).dataWrites, 1, `${d.lead_id} created once`);
      const again = await postLead(w.url, pooledLead);
      assert.equal(again.status, 200);
      assert.equal(again.body.replayed, true);
    } finally {
      await w.stop();
      await crm.close();
    }
  });

  test("a lead id reused after the idempotency window is a 409; the engine never holds an id twice", async () => {
    const w = await startWorkerd({ env: { IDEMPOTENCY_TTL_HOURS: "1" } });
    try {
      const l = lead("smb");
      const first = await postLead(w.url, l);
      assert.equal(first.body.pool, "smb-pool");
      const later = first.body.routed_at + 2 * 3_600_000;
      const tick = await fetch(`${w.cronUrl}/?time=${later}`, { method: "POST" });
      assert.equal(tick.status, 200);
      const reused = await postLead(w.url, { ...l, company: "Another Company", company_size: 80 });
      assert.equal(reused.status, 409, JSON.stringify(reused.body));
      assert.equal(reused.body.error.code, "lead_id_reused");
      assert.equal(reused.body.error.field, "id");
      const otherKey = await postLead(w.url, l, { "Idempotency-Key": `retry-${l.id}` });
      assert.equal(otherKey.status, 409);
      assert.equal(otherKey.body.error.code, "lead_id_reused");
      const retry = await postLead(w.url, l);
      assert.equal(retry.status, 200, "the same lead under its own key is still a replay");
      assert.equal(retry.body.replayed, true);
      const snap = await snapshotOf(w);
      const pooled = new Set(snap.pooled.map((p) => p.lead_id));
      assert.deepEqual(
        snap.assignments.filter((a) => pooled.has(a.lead_id)),
        [],
      );
      assert.equal(snap.routed, 1);
    } finally {
      await w.stop();
    }
  });

  test("finished SLA records and contacted leads leave the engine's hot state and stay answerable", async () => {
    const config = testConfig();
    config.teams.find((t) => t.id === "enterprise").sla = { first_touch_minutes: 5, escalate_to: "r-morgan", reroute: false };
    const w = await startWorkerd({ config });
    try {
      const ent = [];
      for (let i = 0; i < 3; i++) ent.push((await postLead(w.url, lead("enterprise"))).body);
      const owner = await repToken(ent[0].rep);
      assert.equal((await call(w.url, "POST", `/leads/${ent[0].lead_id}/touch`, { token: owner })).status, 200);
      const smb = (await postLead(w.url, lead("smb"))).body;
      const emma = await repToken("r-emma");
      const claim = await call(w.url, "POST", `/leads/${smb.lead_id}/claim`, { token: emma });
      assert.equal(claim.status, 200);
      assert.equal((await call(w.url, "POST", `/leads/${smb.lead_id}/touch`, { token: emma })).status, 200);
      assert.equal((await snapshotOf(w)).assignments.length, 4);

      const tick = await fetch(`${w.cronUrl}/?time=${ent[2].routed_at + 10 * 60_000}`, { method: "POST" });
      assert.equal(tick.status, 200);
      const snap = await snapshotOf(w);
      assert.deepEqual(snap.assignments, [], "escalated (nothing more due) and contacted records are out of the engine");
      assert.equal((await stats(w)).state_leads, 0);

      assert.equal((await call(w.url, "POST", `/leads/${ent[0].lead_id}/touch`, { token: owner })).status, 200, "a repeated touch is a no-op");
      const stranger = ent[1].rep === "r-olivia" ? "r-marcus" : "r-olivia";
      const wrong = await call(w.url, "POST", `/leads/${ent[1].lead_id}/touch`, { token: await repToken(stranger) });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.code, "not_lead_owner");
      const again = await call(w.url, "POST", `/leads/${smb.lead_id}/claim`, { token: emma });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body.claim, claim.body.claim, "the winner's repeated claim returns the first claim");
      const late = await call(w.url, "POST", `/leads/${smb.lead_id}/claim`, { token: await repToken("r-ava") });
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, "already_claimed");
    } finally {
      await w.stop();
    }
  });

  test("killed mid-load (SIGKILL), the object comes back with every answered lead, each once", async () => {
    const dir = storageDir();
    let w = await startWorkerd({ storageDir: dir });
    const answered = new Map();
    let sent = 0;
    let killed = false;
    const submitter = async () => {
      while (!killed) {
        const l = lead("enterprise", { pages_viewed: 2, demo_requested: false });
        sent += 1;
        if (sent === 150) {
          killed = true;
          process.kill(w.pid, "SIGKILL");
        }
        try {
          const r = await postLead(w.url, l);
          if (r.status === 201) answered.set(l.id, { lead: l, rep: r.body.rep });
        } catch {
          // The connection died with the process: this lead may or may not be stored.
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, submitter));
    await w.stop({ keepStorage: true });
    w = await startWorkerd({ storageDir: dir });
    try {
      assert.ok(answered.size >= 100, `${answered.size} answered before the kill`);
      for (const [id, { lead: l, rep }] of answered) {
        const again = await postLead(w.url, l);
        assert.equal(again.status, 200, `${id}: ${JSON.stringify(again.body)}`);
        assert.equal(again.body.rep, rep, `${id} keeps its rep`);
      }
      const snap = await snapshotOf(w);
      assert.ok(snap.routed >= answered.size && snap.routed <= sent, `routed ${snap.routed}, answered ${answered.size}, sent ${sent}`);
      const ids = snap.assignments.map((a) => a.lead_id);
      assert.equal(new Set(ids).size, ids.length);
      for (const id of answered.keys()) assert.ok(ids.includes(id), `${id} is tracked after the restart`);
    } finally {
      await w.stop();
    }
  });
});
