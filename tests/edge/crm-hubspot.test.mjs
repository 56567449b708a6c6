// HubSpot forwarding in real workerd against the contract stand-in: 207 batch answers read
// per record, known contacts keep their owner and what reps filled in, and 429s by policy
// (the 10-second window waited out, the daily limit holding every delivery until midnight
// in the account's time zone), with time moved by cron ticks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { startCrm } from "./crm-stub.mjs";
import { classify, nextMidnight, recordOf } from "../../www/edge/crm/hubspot.js";
import { CRM_TOKEN, call, crmMapping, outboxDrained, postLead, repToken, startWorkerd, until } from "./harness.mjs";
import { deadOf, holdOf, midMarketLead, outbox, tick } from "./crm-helpers.mjs";

const hubspot = crmMapping("hubspot");

const lead = (id, extra = {}) => midMarketLead(id, { first_name: "Mateo", email: `mateo.${id.toLowerCase()}@northpeak.dev`, ...extra });

describe("HubSpot answers (pure)", () => {
  test("a 207 batch answer is read per record: by objectWriteTraceId, or by the ids in the error context", () => {
    const body = {
      status: "COMPLETE",
      results: [{ id: "901", properties: { email: "a@x.io" }, objectWriteTraceId: "create:A" }],
      numErrors: 2,
      errors: [
        { status: "error", category: "VALIDATION_ERROR", message: 'Property values were not valid: [{"isValid":false,"error":"INVALID_INTEGER","name":"annualrevenue"}]', context: { objectWriteTraceId: ["create:B"] } },
        { status: "error", category: "OBJECT_NOT_FOUND", message: "Could not get some CONTACT objects", context: { ids: ["c@x.io"] } },
      ],
    };
    assert.equal(recordOf(body, { traceId: "create:A", id: "a@x.io" }).record.id, "901");
    assert.equal(recordOf(body, { traceId: "create:B", id: "b@x.io" }).error.category, "VALIDATION_ERROR");
    assert.equal(recordOf(body, { id: "C@x.io" }).error.category, "OBJECT_NOT_FOUND");
    const res = { status: 400, body: body.errors[0], request: { method: "POST", path: "/crm/v3/objects/contacts/batch/create" } };
    assert.deepEqual([classify(res, 0).retry, classify(res, 0).cause, classify(res, 0).field], ["never", "validation", "annualrevenue"]);
  });

  test("429 by policy: the 10-second window, the daily reset at midnight in the account's zone (DST included)", () => {
    const at = (iso) => Date.parse(iso);
    const limited = (policyName) => ({ status: 429, body: { status: "error", errorType: "RATE_LIMIT", policyName }, headers: new Headers() });
    assert.equal(classify(limited("TEN_SECONDLY_ROLLING"), 5000).holdUntil, 15_000);
    const now = at("2026-03-08T12:00:00Z");
    assert.equal(classify(limited("DAILY"), now, { timezone: "America/New_York" }).holdUntil, at("2026-03-09T04:00:00Z"), "EDT after the change");
    assert.equal(nextMidnight(at("2026-03-08T03:00:00Z"), "America/New_York"), at("2026-03-08T05:00:00Z"), "EST before it");
    assert.equal(nextMidnight(at("2026-11-01T12:00:00Z"), "America/New_York"), at("2026-11-02T05:00:00Z"));
    assert.equal(nextMidnight(at("2026-12-02T00:00:00Z"), "UTC"), at("2026-12-03T00:00:00Z"));
    assert.equal(nextMidnight(at("2026-12-01T10:00:00Z"), "Asia/Kolkata"), at("2026-12-01T18:30:00Z"));
  });
});

describe("HubSpot contract in workerd", () => {
  let crm;
  let w;
  let keptDir = null;
  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN, hubspot: { owners: Object.values(hubspot.owners) } });
    w = await startWorkerd({ crm: hubspot, env: { CRM_URL: crm.url } });
  });
  after(async () => {
    if (process.env.EDGE_LOGS) console.log(w?.logs.join(""));
    await w?.stop();
    await crm?.close();
    if (keptDir) rmSync(keptDir, { recursive: true, force: true });
  });

  test("a contact refused inside a 207 batch answer is a dead letter naming the property, not a delivery", async () => {
    crm.hubspot.validation = (p) => (p.phone === "n/a" ? [{ isValid: false, message: "n/a is not a valid phone number", error: "INVALID_PHONE_NUMBER", name: "phone" }] : []);
    try {
      const l = lead("HS-207", { phone: "n/a" });
      await postLead(w.url, l);
      await outboxDrained(w.url);
      const write = crm.requestsFor(l.id).find((q) => q.path.endsWith("/batch/create"));
      assert.equal(write.status, 207);
      assert.equal(write.answer.numErrors, 1);
      assert.equal(crm.leads.has(l.email), false);
      const [d] = await deadOf(w, l.id);
      assert.equal(d.cause, "validation");
      assert.equal(d.field, "phone");
      assert.equal(d.code, "VALIDATION_ERROR");
      assert.match(d.error, /n\/a is not a valid phone number/);
      assert.equal((await outbox(w)).delivered, 0, "a 207 with an error is not counted as delivered");
    } finally {
      crm.hubspot.validation = null;
    }
  });

  test("a known contact keeps its owner and the fields reps filled in; blanks are filled; a claim does not take it over", async () => {
    const l = lead("HS-KNOWN", { company_size: 60, annual_revenue: 3_000_000, phone: "+1 512 555 0199" });
    const rep = "51234999";
    crm.seedContact(l.email, { owner: rep, fields: { jobtitle: "Chief Data Officer", company: "Northpeak (parent)" } });
    const r = await postLead(w.url, l);
    assert.equal(r.body.pool, "smb-pool");
    assert.equal((await call(w.url, "POST", `/leads/${l.id}/claim`, { token: await repToken("r-ava") })).status, 200);
    await outboxDrained(w.url);
    const rec = crm.leads.get(l.email);
    assert.deepEqual(rec.owners, [rep], "the contact's owner never changed");
    assert.equal(rec.fields.jobtitle, "Chief Data Officer");
    assert.equal(rec.fields.company, "Northpeak (parent)");
    assert.equal(rec.fields.phone, "+1 512 555 0199", "a blank field is filled");
    assert.equal(rec.fields.firstname, "Mateo");
    assert.equal(rec.fields.leadroute_lead_id, undefined, "not marked as ours, so later owner changes leave it");
    assert.equal((await outbox(w)).known_contacts, 2, "the create and the claim both kept the owner");
    assert.deepEqual(await deadOf(w, l.id), []);
  });

  test("TEN_SECONDLY_ROLLING: no retry inside the 10-second window; every delivery waits it out", async () => {
    crm.limit("hubspot", "TEN_SECONDLY_ROLLING");
    const [a, b] = [lead("HS-BURST-A"), lead("HS-BURST-B")];
    await postLead(w.url, a);
    const o = await holdOf(w);
    await postLead(w.url, b);
    await until(async () => (await outbox(w)).held === 2, 10_000, "both held");
    assert.equal(o.hold.code, "TEN_SECONDLY_ROLLING");
    assert.ok(o.hold.until - o.hold.since >= 10_000, "the whole window");
    const limited = crm.requests.filter((q) => q.status === 429);
    assert.equal(limited.length, 1, "one request hit the limit; nothing retried inside the window");
    crm.endLimit();
    await tick(w, o.hold.until + 1);
    await outboxDrained(w.url);
    for (const l of [a, b]) assert.equal(crm.leads.get(l.email)?.fields.leadroute_lead_id, l.id);
    assert.deepEqual([...(await deadOf(w, a.id)), ...(await deadOf(w, b.id))], []);
  });

  test("DAILY: deliveries hold until midnight in the account's time zone, then go", async () => {
    crm.limit("hubspot", "DAILY");
    const l = lead("HS-DAILY");
    await postLead(w.url, l);
    const o = await holdOf(w);
    assert.equal(o.hold.code, "DAILY");
    assert.equal(o.hold.until, nextMidnight(o.hold.since, hubspot.timezone));
    const local = new Intl.DateTimeFormat("en-US", { timeZone: hubspot.timezone, hourCycle: "h23", hour: "numeric", minute: "numeric" }).format(o.hold.until);
    assert.equal(local, "00:00", "midnight in America/New_York");
    assert.ok(o.hold.until > o.hold.since && o.hold.until - o.hold.since <= 24 * 3_600_000);
    await tick(w, o.hold.until - 60_000);
    assert.equal((await outbox(w)).pending, 1, "held a minute before midnight");
    assert.equal(crm.requests.filter((q) => q.status === 429 && q.answer.policyName === "DAILY").length, 1);
    // The hold and the waiting lead are in storage: a restart keeps both.
    keptDir = w.storageDir;
    await w.stop({ keepStorage: true });
    w = await startWorkerd({ crm: hubspot, storageDir: keptDir, env: { CRM_URL: crm.url } });
    const restarted = await outbox(w);
    assert.deepEqual([restarted.pending, restarted.hold?.until], [1, o.hold.until]);
    assert.equal(crm.requests.filter((q) => q.status === 429).length, 2, "nothing sent by the restart (one 429 from the 10-second test)");
    crm.endLimit();
    await tick(w, o.hold.until + 1);
    await outboxDrained(w.url);
    assert.ok(crm.leads.get(l.email), "delivered after the reset");
  });
});
