// The HubSpot and webhook mappings end to end in workerd, the owner-id fallbacks, and the
// stateless mode (no Durable Object): two separate edge processes pick the same rep.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startCrm } from "./crm-stub.mjs";
import { crmRequest, ownerFor } from "../../www/edge/crm.js";
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

  test("Salesforce: upsert by external id, required fields filled, owner-only update for a claim", () => {
    const sf = crmMapping("salesforce");
    const create = crmRequest(sf, "https://x.my.salesforce.com/", {
      kind: "create",
      lead: { id: "L 1", email: "a@b.co", first_name: "A" },
      decision: { outcome: "assigned", rep: "r-jake" },
    });
    assert.equal(create.method, "PATCH");
    assert.equal(create.url, "https://x.my.salesforce.com/services/data/v60.0/sobjects/Lead/Leadroute_Id__c/L%201");
    assert.deepEqual(create.body, { FirstName: "A", Email: "a@b.co", LastName: "[not provided]", Company: "[not provided]", OwnerId: sf.owners["r-jake"] });
    const owner = crmRequest(sf, "https://x.my.salesforce.com", { kind: "owner", lead_id: "L1", rep: "r-ava" });
    assert.deepEqual(owner.body, { OwnerId: sf.owners["r-ava"] });
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
    const rec = crm.leads.get(l.email);
    assert.ok(rec, "contact keyed by email");
    assert.deepEqual(rec.owners, [hubspot.owners["smb-pool"], hubspot.owners["r-ava"]]);
    assert.equal(rec.fields.firstname, "Iris");
    assert.equal(rec.fields.jobtitle, "Head of Analytics");
    assert.equal(rec.fields.company, "Brightlane Foods");
    assert.equal(rec.dataWrites, 1);
    const reqs = crm.requests.filter((q) => q.path === "/crm/v3/objects/contacts/batch/upsert");
    assert.equal(reqs.length, 2);
    assert.ok(reqs.every((q) => q.auth === `Bearer ${CRM_TOKEN}`));
    assert.deepEqual(reqs[1].body, { inputs: [{ idProperty: "email", id: l.email, properties: { hubspot_owner_id: hubspot.owners["r-ava"] } }] });
  });
});

describe("webhook mapping and stateless mode in workerd", () => {
  let crm;
  let a;
  let b;
  before(async () => {
    crm = await startCrm();
    const env = { CRM_URL: `${crm.url}/webhook`, WEBHOOK_SECRET: SECRET };
    // Two processes stand for two edge locations that share nothing.
    [a, b] = await Promise.all([startWorkerd({ crm: webhook, env }), startWorkerd({ crm: webhook, env })]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await crm?.close();
  });

  test("the webhook gets the lead, decision and owner id, signed with WEBHOOK_SECRET", async () => {
    const l = { ...smbLead("WH-1"), company_size: 2500, annual_revenue: 60_000_000 };
    const r = await postLead(a.url, l);
    assert.equal(r.status, 201);
    await outboxDrained(a.url);
    const req = crm.requests.find((q) => q.body?.lead_id === "WH-1");
    assert.equal(req.body.type, "lead.routed");
    assert.equal(req.body.owner_id, webhook.owners[r.body.rep]);
    assert.equal(req.body.decision.rep, r.body.rep);
    assert.equal(req.body.lead.email, l.email);
    assert.equal(req.signature, `sha256=${createHmac("sha256", SECRET).update(req.raw).digest("hex")}`);
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
