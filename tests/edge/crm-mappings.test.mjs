// The HubSpot and webhook mappings end to end in workerd, the owner-id fallbacks, the
// Standard Webhooks signature, and the stateless mode (no Durable Object): two separate
// edge processes pick the same rep.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startCrm, verifyWebhook } from "./crm-stub.mjs";
import { ownerFor } from "../../www/edge/crm.js";
import { bodyOf } from "../../www/edge/crm/webhook.js";
import { CRM_TOKEN, call, crmMapping, formLead, outboxDrained, postLead, repToken, sampleLeads, startWorkerd, until } from "./harness.mjs";

const hubspot = crmMapping("hubspot");
const webhook = crmMapping("webhook");
const SECRET = "webhook-signing-secret";

function smbLead(id) {
  return {
    id,
    first_name: "Iris",
    last_name: "Okafor",
    email: `iris.okafor+${id}@brightlane-foods.com`,
    company: "Brightlane Foods",
    title: "Head of Analytics",
    company_size: 90,
    annual_revenue: 8_000_000,
    industry: "Retail",
    country: "US",
    region: "OH",
    language: "en",
    product_interest: "Dashboards",
    pages_viewed: 11,
    demo_requested: true,
    source: "website",
  };
}

describe("owner ids and payload shapes (pure mapping)", () => {
  test("owner id: the rep's, else the pool's, else nurture's, else default", () => {
    const crm = { owners: { "r-a": "A", "p-1": "P", nurture: "N", default: "D" } };
    assert.equal(ownerFor(crm, { outcome: "assigned", rep: "r-a" }), "A");
    assert.equal(ownerFor(crm, { outcome: "assigned", rep: "r-unmapped" }), "D");
    assert.equal(ownerFor(crm, { outcome: "pooled", pool: "p-1" }), "P");
    assert.equal(ownerFor(crm, { outcome: "nurture" }), "N");
    assert.equal(ownerFor({ owners: {} }, { outcome: "nurture" }), null);
  });

  test("webhook bodies: the routed lead with its owner, then each owner change with its own delivery id", () => {
    const create = bodyOf(webhook, { id: "create:L1", kind: "create", lead: { id: "L1", email: "a@b.co" }, decision: { outcome: "assigned", rep: "r-jake" } });
    assert.deepEqual(create, { type: "lead.routed", delivery_id: "create:L1", lead_id: "L1", owner_id: webhook.owners["r-jake"], lead: { id: "L1", email: "a@b.co" }, decision: { outcome: "assigned", rep: "r-jake" } });
    const owner = bodyOf(webhook, { id: "owner:L1:r-ava:5", kind: "owner", lead_id: "L1", rep: "r-ava", reason: "claimed" });
    assert.deepEqual(owner, { type: "lead.owner_changed", delivery_id: "owner:L1:r-ava:5", lead_id: "L1", owner_id: webhook.owners["r-ava"], rep: "r-ava", reason: "claimed" });
  });
});

describe("HubSpot mapping in workerd", () => {
  let crm;
  let w;
  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN });
    w = await startWorkerd({ crm: hubspot, env: { CRM_URL: crm.url } });
  });
  after(async () => {
    await w?.stop();
    await crm?.close();
  });

  test("a contact is upserted by email with hubspot_owner_id, and re-owned when claimed from a pool", async () => {
    const l = smbLead("HS-1");
    const r = await postLead(w.url, l);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.pool, "smb-pool");
    const claim = await call(w.url, "POST", "/leads/HS-1/claim", { token: await repToken("r-ava") });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    await outboxDrained(w.url);
    const rec = crm.leads.get(l.email.toLowerCase());
    assert.ok(rec, "contact keyed by email");
    assert.deepEqual(rec.owners, [hubspot.owners["smb-pool"], hubspot.owners["r-ava"]]);
    assert.equal(rec.fields.firstname, "Iris");
    assert.equal(rec.fields.jobtitle, "Head of Analytics");
    assert.equal(rec.fields.company, "Brightlane Foods");
    assert.equal(rec.dataWrites, 1);
    assert.equal(rec.fields.leadroute_lead_id, "HS-1");
    const reqs = crm.requests.filter((q) => q.api === "hubspot");
    assert.deepEqual(
      reqs.map((q) => `${q.method} ${q.path}${q.query} ${q.status}`),
      [
        "POST /crm/v3/objects/contacts/batch/read 207",
        "POST /crm/v3/objects/contacts/batch/create 201",
        "PATCH /crm/v3/objects/contacts/HS-1?idProperty=leadroute_lead_id 200",
      ],
    );
    assert.ok(reqs.every((q) => q.auth === `Bearer ${CRM_TOKEN}`));
    assert.equal(reqs[1].body.inputs[0].objectWriteTraceId, "create:HS-1");
    // The claim only changes the owner, by our lead id: it can never create a contact.
    assert.deepEqual(reqs[2].body, { properties: { hubspot_owner_id: hubspot.owners["r-ava"] } });
  });
});

describe("webhook mapping and stateless mode in workerd", () => {
  let crm;
  let a;
  let b;
  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN, webhookSecret: SECRET });
    const env = { CRM_URL: `${crm.url}/webhook`, WEBHOOK_SECRET: SECRET };
    // Two processes stand for two edge locations that share nothing.
    [a, b] = await Promise.all([startWorkerd({ crm: webhook, env }), startWorkerd({ crm: webhook, env })]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await crm?.close();
  });

  test("the webhook gets the lead, decision and owner id, signed Standard Webhooks style, never the CRM token", async () => {
    crm.failNext(1, 503);
    const l = { ...smbLead("WH-1"), company_size: 2500, annual_revenue: 60_000_000 };
    const r = await postLead(a.url, l);
    assert.equal(r.status, 201);
    await outboxDrained(a.url);
    const [failed, req] = crm.requests.filter((q) => q.body?.lead_id === "WH-1");
    assert.equal(failed.status, 503);
    assert.equal(failed.headers["webhook-id"], req.headers["webhook-id"], "a retry keeps its webhook-id for the receiver's dedupe");
    assert.equal(req.body.type, "lead.routed");
    assert.equal(req.body.owner_id, webhook.owners[r.body.rep]);
    assert.equal(req.body.decision.rep, r.body.rep);
    assert.equal(req.body.lead.email, l.email);
    assert.equal(req.verified, true);
    assert.equal(req.headers["webhook-id"], "create:WH-1");
    assert.match(req.headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
    assert.ok(Math.abs(Number(req.headers["webhook-timestamp"]) - Date.now() / 1000) < 60, "timestamped at the attempt");
    assert.equal(req.auth, null, "the CRM token never goes to a webhook");
    const now = Math.floor(Date.now() / 1000);
    // The signature covers id, timestamp and body: change any and it fails; a replay
    // outside the 5-minute tolerance fails too.
    assert.equal(verifyWebhook(SECRET, req.headers, req.raw, now).ok, true);
    assert.equal(verifyWebhook(SECRET, req.headers, req.raw.replace("WH-1", "WH-2"), now).ok, false);
    assert.equal(verifyWebhook(SECRET, { ...req.headers, "webhook-id": "create:other" }, req.raw, now).ok, false);
    assert.equal(verifyWebhook(SECRET, req.headers, req.raw, now + 301).reason, "timestamp outside the tolerance");
    assert.equal(verifyWebhook("another-secret", req.headers, req.raw, now).ok, false);
  });

  test("stateless: every location picks the same rep for the same lead, with no shared state", async () => {
    const leads = sampleLeads()
      .slice(0, 60)
      .map((x) => formLead(x, `SL-${x.id}`));
    // Each location sees the leads in a different order: only a per-lead choice agrees.
    const inOrder = async (base, list) => {
      const out = new Map();
      for (const l of list) out.set(l.id, await postLead(base, l));
      return out;
    };
    const ra = await inOrder(a.statelessUrl, leads);
    const rb = await inOrder(b.statelessUrl, [...leads].reverse());
    const again = await inOrder(a.statelessUrl, [...leads].reverse());
    const picks = [];
    for (const l of leads) {
      const [x, y, z] = [ra.get(l.id), rb.get(l.id), again.get(l.id)];
      assert.equal(x.status, y.status, l.id);
      if (x.status !== 201) continue;
      assert.equal(x.body.rep, y.body.rep, `${l.id}: both locations agree`);
      assert.equal(x.body.rep, z.body.rep, `${l.id}: a retry gets the same rep`);
      assert.equal(x.body.outcome, y.body.outcome);
      picks.push(x.body);
    }
    const teamPicks = picks.filter((p) => p.team && p.outcome === "assigned");
    assert.ok(teamPicks.length >= 5, `some leads went through team strategies (${teamPicks.length})`);
    // Delivered from each location: the webhook sees the same owner for a lead every time.
    await until(() => crm.requests.filter((q) => q.body?.lead_id?.startsWith("SL-")).length >= picks.filter((p) => p.crm === "queued").length * 3, 10_000, "stateless deliveries");
    for (const p of picks.filter((x) => x.crm === "queued")) {
      const owners = new Set(crm.requests.filter((q) => q.body?.lead_id === p.lead_id).map((q) => q.body.owner_id));
      assert.equal(owners.size, 1, `${p.lead_id}: one owner from all locations`);
    }
    const refused = await call(a.statelessUrl, "GET", "/pools/smb-pool/leads", { token: await repToken("r-emma") });
    assert.equal(refused.status, 501);
  });
});
