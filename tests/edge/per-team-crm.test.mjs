// The per-team design forwards to the CRM as the single object does: every lead whose
// outcome the mapping forwards (assigned, pooled, nurture by default) is created once,
// whether a team object placed it or the Worker decided it alone; rejected leads are not.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startCrm } from "./crm-stub.mjs";
import { CRM_TOKEN, crmMapping, formLead, postLead, sampleLeads, startWorkerd, testConfig, until } from "./harness.mjs";

let crm;
let w;

before(async () => {
  crm = await startCrm({ token: CRM_TOKEN });
  w = await startWorkerd({ config: testConfig(), crm: crmMapping("salesforce"), env: { CRM_URL: crm.url } });
});
after(async () => {
  await w?.stop();
  await crm?.close();
});

test("per_team: forwarded outcomes reach the CRM once, from any object", async () => {
  const answers = [];
  for (const l of sampleLeads().slice(0, 40)) answers.push((await postLead(w.teamsUrl, formLead(l, `PT-${l.id}`))).body);
  const forwarded = answers.filter((a) => ["assigned", "pooled", "nurture"].includes(a.outcome));
  const outcomes = new Set(forwarded.map((a) => a.outcome));
  assert.ok(outcomes.has("assigned") && outcomes.has("nurture"), JSON.stringify([...outcomes]));
  for (const a of forwarded) assert.equal(a.crm, "queued", `${a.lead_id} (${a.outcome})`);
  await until(() => forwarded.every((a) => crm.leads.has(a.lead_id)), 20_000, "every forwarded lead in the CRM");
  for (const a of answers.filter((a) => a.outcome === "rejected")) assert.ok(!crm.leads.has(a.lead_id), a.lead_id);
  // One write per lead: nothing sent twice (the stand-in fails no request here).
  const writes = new Map();
  for (const r of crm.requests) if (r.api === "salesforce" && r.method !== "GET" && r.lead) writes.set(r.lead, (writes.get(r.lead) ?? 0) + 1);
  for (const a of forwarded) assert.equal(writes.get(a.lead_id), 1, `${a.lead_id}: ${writes.get(a.lead_id)} writes`);
});
