// Deploy-time checks of a CRM mapping: offline (every rep and pool mapped, a default owner,
// Salesforce ids of 15 / 18 characters with the User / Queue prefix and checksum, numeric
// HubSpot owner ids), against the contract stand-in with credentials (`check.mjs`: Lead
// describe, User and Queue queries, HubSpot owners and properties), and in workerd (a bad
// mapping never routes a lead).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startCrm } from "./crm-stub.mjs";
import { mappingProblems, salesforceSuffix } from "../../www/edge/crm/check.js";
import { check } from "../../www/edge/check.mjs";
import { CRM_TOKEN, EDGE, crmMapping, postLead, startWorkerd, testConfig } from "./harness.mjs";

const config = testConfig();
const sf = crmMapping("salesforce");
const hubspot = crmMapping("hubspot");
const paths = (problems) => problems.map((p) => p.path);

describe("mapping checks (offline)", () => {
  test("the sample mappings cover every rep and pool, with a default owner and well-formed ids", () => {
    for (const type of ["salesforce", "hubspot", "webhook"]) assert.deepEqual(mappingProblems(config, crmMapping(type)), [], type);
  });

  test("Salesforce ids: 15 or 18 characters, User 005 for reps, User or Queue 00G for pools, the 18-character checksum", () => {
    assert.equal(salesforceSuffix("001A0000006Vm9r"), "IAC", "the documented example 001A0000006Vm9rIAC");
    const bad = structuredClone(sf);
    bad.owners["r-olivia"] = "0055e000010QmOLIVAAK"; // 20 characters: the old sample's shape
    bad.owners["r-jake"] = "00G5e000001SmbPEAS"; // a queue as a rep
    bad.owners["smb-pool"] = "0015e000001SmbPEAS"; // an Account id
    bad.owners["partner-pool"] = "00G5e000001PrtPXXX"; // checksum wrong
    bad.owners.nurture = "00G5e000001Nurt"; // 15 characters: fine
    const problems = mappingProblems(config, bad);
    assert.deepEqual(paths(problems), ["crm.owners.r-olivia", "crm.owners.r-jake", "crm.owners.smb-pool", "crm.owners.partner-pool"]);
    assert.match(problems[0].message, /15 or 18 letters and digits, found 20/);
    assert.match(problems[1].message, /a rep must be a User \(005\)/);
    assert.match(problems[2].message, /starts with 001/);
    assert.match(problems[3].message, /wrong checksum: the last 3 characters should be EAS/);
  });

  test("coverage: an unmapped rep or pool, a missing default, an unknown key and HubSpot's numeric ids are named", () => {
    const bad = structuredClone(hubspot);
    delete bad.owners["r-liam"];
    delete bad.owners["partner-pool"];
    delete bad.owners.default;
    bad.owners["r-nobody"] = "51230000";
    bad.owners["r-ava"] = "ava@example.com";
    const problems = mappingProblems(config, bad);
    assert.deepEqual(paths(problems), ["crm.owners.r-liam", "crm.owners.partner-pool", "crm.owners.default", "crm.owners.r-nobody", "crm.owners.r-ava"]);
    assert.match(problems[0].message, /rep "r-liam" has no CRM owner id/);
    assert.match(problems[4].message, /not a HubSpot owner id/);
    assert.deepEqual(paths(mappingProblems(config, { ...sf, external_id_field: "Leadroute Id" })), ["crm.external_id_field"]);
  });
});

describe("check.mjs against the stand-in CRM (credentials given)", () => {
  let crm;
  const users = Object.values(sf.owners).filter((i) => i.startsWith("005"));
  const queues = Object.values(sf.owners).filter((i) => i.startsWith("00G"));
  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN, salesforce: { users, queues }, hubspot: { owners: Object.values(hubspot.owners) } });
  });
  after(() => crm?.close());

  test("Salesforce: Lead describe, then User and Lead-queue queries for every owner id", async () => {
    const ok = await check({ config, crm: sf, url: crm.url, env: { CRM_TOKEN } });
    assert.deepEqual(ok, { problems: [], live: true });
    const asked = crm.requests.filter((q) => q.api === "salesforce").map((q) => `${q.method} ${q.path}`);
    assert.deepEqual(asked, ["GET /services/data/v60.0/sobjects/Lead/describe", "GET /services/data/v60.0/query", "GET /services/data/v60.0/query"]);
    crm.salesforce.users = users.filter((u) => u !== sf.owners["r-emma"]);
    crm.salesforce.queues = queues.filter((q) => q !== sf.owners["smb-pool"]);
    crm.salesforce.externalIdField = "Other_Id__c";
    try {
      const r = await check({ config, crm: sf, url: crm.url, env: { CRM_TOKEN } });
      assert.deepEqual(paths(r.problems), ["crm.external_id_field", "crm.owners.r-emma", "crm.owners.smb-pool"]);
      assert.match(r.problems[0].message, /Lead has no field Leadroute_Id__c: create it \(Text, External ID, Unique\)/);
      assert.match(r.problems[1].message, /is not a User in this org/);
      assert.match(r.problems[2].message, /is not a Lead queue in this org/);
    } finally {
      crm.salesforce.users = users;
      crm.salesforce.queues = queues;
      crm.salesforce.externalIdField = "Leadroute_Id__c";
    }
    const denied = await check({ config, crm: sf, url: crm.url, env: { CRM_TOKEN: "wrong" } });
    assert.match(denied.problems[0].message, /answered 401/);
  });

  test("HubSpot: every owner id from the owners API (all pages), the unique lead id property", async () => {
    crm.hubspot.owners = Object.values(hubspot.owners).filter((o) => o !== hubspot.owners["r-sofia"]);
    try {
      const r = await check({ config, crm: hubspot, url: crm.url, env: { CRM_TOKEN } });
      assert.deepEqual(paths(r.problems), ["crm.owners.r-sofia"]);
      assert.match(r.problems[0].message, /not an active owner in this HubSpot account/);
    } finally {
      crm.hubspot.owners = Object.values(hubspot.owners);
    }
    const missingProp = await check({ config, crm: { ...hubspot, lead_id_property: "lr_id" }, url: crm.url, env: { CRM_TOKEN } });
    assert.deepEqual(paths(missingProp.problems), ["crm.lead_id_property"]);
    assert.match(missingProp.problems[0].message, /create it \(single-line text, unique values\)/);
  });

  test("the command exits 1 and names the problem; offline without credentials", async () => {
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH, CRM_TOKEN, CRM_URL: crm.url };
    crm.salesforce.users = users.slice(1);
    try {
      await assert.rejects(run(process.execPath, [join(EDGE, "check.mjs"), "--crm", join(EDGE, "crm", "salesforce.json")], { env }), (e) => {
        assert.equal(e.code, 1);
        assert.match(e.stdout, /crm\.owners\.r-olivia: 0055e0000110OLIAA2 is not a User in this org/);
        return true;
      });
    } finally {
      crm.salesforce.users = users;
    }
    const offline = await run(process.execPath, [join(EDGE, "check.mjs"), "--crm", join(EDGE, "crm", "hubspot.json")], { env: { PATH: process.env.PATH } });
    assert.match(offline.stdout, /mapping ok \(offline/);
  });
});

describe("a mapping that fails the check never routes a lead (workerd)", () => {
  let w;
  before(async () => {
    const bad = structuredClone(sf);
    delete bad.owners["r-liam"];
    w = await startWorkerd({ crm: bad, env: { CRM_URL: "http://127.0.0.1:9" } });
  });
  after(() => w?.stop());

  test("POST /leads answers 500 config_error naming the unmapped rep", async () => {
    const r = await postLead(w.url, { id: "CHK-1", first_name: "A", last_name: "B", email: "a@b.co", company: "C", country: "US" });
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, "config_error");
    assert.match(r.body.error.message, /crm\.owners\.r-liam: rep "r-liam" has no CRM owner id/);
  });
});
