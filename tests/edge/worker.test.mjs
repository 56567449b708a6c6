// The edge worker in real workerd (Durable Object on local disk) against the stand-in CRM
// (Salesforce mapping): delivery once with the right owner, retries, dead letters and replay,
// 4xx validation, forged fields, idempotency, pool claims, the cron handler, restarts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { startCrm } from "./crm-stub.mjs";
import { privateValues } from "./private-values.mjs";
import {
  CRM_TOKEN,
  NOTIFY_TOKEN,
  admin,
  call,
  crmMapping,
  outboxDrained,
  postLead,
  repToken,
  startWorkerd,
  testConfig,
  until,
} from "./harness.mjs";

const sf = crmMapping("salesforce");
let n = 0;

/** A valid lead; `kind` picks the route: enterprise team, SMB pool, EMEA team (SLA). */
function lead(kind = "enterprise", extra = {}) {
  n += 1;
  const base = {
    id: `T-${kind}-${n}`,
    first_name: "Dana",
    last_name: `Reyes${n}`,
    email: `dana.reyes${n}@acme-logistics.com`,
    company: `Acme Logistics ${n}`,
    title: "VP Operations",
    company_size: 2500,
    annual_revenue: 40_000_000,
    industry: "Logistics",
    country: "US",
    region: "TX",
    postal_code: "75001",
    language: "en",
    product_interest: "Forecasting",
    pages_viewed: 12,
    demo_requested: true,
    source: "website",
    message: "We would like to see forecasting on our shipment data.",
  };
  if (kind === "smb") Object.assign(base, { company_size: 60, annual_revenue: 3_000_000 });
  if (kind === "emea") Object.assign(base, { company_size: 300, annual_revenue: 20_000_000, country: "DE", region: "BE", language: "de", postal_code: "10115" });
  return { ...base, ...extra };
}

const crmLead = (crm, id) => crm.leads.get(id);
const requestsFor = (crm, id) => crm.requestsFor(id);

describe("edge worker in workerd (Salesforce mapping)", () => {
  let crm;
  let w;
  let keptDir = null;

  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN, notifyToken: NOTIFY_TOKEN });
    w = await startWorkerd({ crm: sf, env: { CRM_URL: crm.url, NOTIFY_URL: `${crm.url}/notify` } });
  });

  after(async () => {
    if (process.env.EDGE_LOGS) console.log(w?.logs.join(""));
    await w?.stop();
    await crm?.close();
    // The restarted process was given its storage directory, so it does not remove it.
    if (keptDir) rmSync(keptDir, { recursive: true, force: true });
  });

  test("a routed lead reaches the CRM once, with the owner mapped from its rep and the token from env", async () => {
    const l = lead();
    const r = await postLead(w.url, l);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.outcome, "assigned");
    assert.equal(r.body.team, "enterprise");
    assert.ok(["r-olivia", "r-marcus"].includes(r.body.rep), `enterprise rep, got ${r.body.rep}`);
    assert.equal(r.body.crm, "queued");
    await outboxDrained(w.url);
    const rec = crmLead(crm, l.id);
    assert.ok(rec, "lead is in the CRM");
    assert.equal(rec.dataWrites, 1);
    assert.equal(rec.owner, sf.owners[r.body.rep]);
    assert.equal(rec.fields.Email, l.email);
    assert.equal(rec.fields.Company, l.company);
    assert.equal(rec.fields.NumberOfEmployees, 2500);
    assert.equal(rec.fields.Product_Interest__c, "Forecasting");
    const reqs = requestsFor(crm, l.id);
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0].method, "POST");
    assert.equal(reqs[0].path, "/services/data/v60.0/sobjects/Lead");
    assert.equal(reqs[0].body.Leadroute_Id__c, l.id);
    assert.equal(reqs[0].headers["sforce-auto-assign"], "FALSE");
    assert.equal(reqs[0].auth, `Bearer ${CRM_TOKEN}`);
    assert.equal(reqs[0].key, `create:${l.id}`);
  });

  test("a forged owner, decision or CRM field in the submission is ignored", async () => {
    const l = lead("enterprise", {
      rep: "r-morgan",
      owner: "r-morgan",
      OwnerId: "005FORGEDOWNER0001",
      hubspot_owner_id: "999",
      decision: { outcome: "assigned", rep: "r-morgan" },
      outcome: "assigned",
      crm: { owners: { "r-olivia": "005FORGED" } },
    });
    const r = await postLead(w.url, l);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([...r.body.ignored_fields].sort(), ["OwnerId", "crm", "decision", "hubspot_owner_id", "outcome", "owner", "rep"]);
    assert.notEqual(r.body.rep, "r-morgan");
    await outboxDrained(w.url);
    const rec = crmLead(crm, l.id);
    assert.equal(rec.owner, sf.owners[r.body.rep]);
    assert.deepEqual(rec.owners, [sf.owners[r.body.rep]]);
    const sent = requestsFor(crm, l.id)[0].raw;
    for (const forged of ["005FORGEDOWNER0001", "005FORGED", "999", "hubspot_owner_id", "decision"]) {
      assert.ok(!sent.includes(forged), `CRM payload must not contain ${forged}`);
    }
  });

  test("a retried submission returns the same decision and never assigns twice", async () => {
    const before = (await admin(w.url, "GET", "/admin/snapshot")).body.snapshot;
    const l = lead();
    const first = await postLead(w.url, l, { "Idempotency-Key": `form-${l.id}` });
    const again = await Promise.all([1, 2, 3].map(() => postLead(w.url, l, { "Idempotency-Key": `form-${l.id}` })));
    assert.equal(first.status, 201);
    for (const r of again) {
      assert.equal(r.status, 200);
      assert.equal(r.body.replayed, true);
      assert.equal(r.body.rep, first.body.rep);
      assert.equal(r.body.routed_at, first.body.routed_at);
    }
    const afterSnap = (await admin(w.url, "GET", "/admin/snapshot")).body.snapshot;
    assert.equal(afterSnap.routed, before.routed + 1);
    const month = (s) => s.reps[first.body.rep]?.month?.[1] ?? 0;
    assert.equal(month(afterSnap), month(before) + 1);
    await outboxDrained(w.url);
    assert.equal(crmLead(crm, l.id).dataWrites, 1);
    assert.equal(requestsFor(crm, l.id).length, 1);

    const changed = await postLead(w.url, { ...l, company: "Someone Else" }, { "Idempotency-Key": `form-${l.id}` });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.error.code, "idempotency_key_reused");
    const otherKey = await postLead(w.url, l, { "Idempotency-Key": `other-${l.id}` });
    assert.equal(otherKey.status, 409);
    assert.equal(otherKey.body.error.field, "id");
  });

  test("5xx and dropped connections are retried with the same idempotency key", async () => {
    crm.failNext(1, 503);
    crm.failNext(1, 0);
    const l = lead();
    const r = await postLead(w.url, l);
    assert.equal(r.status, 201);
    await outboxDrained(w.url);
    const reqs = requestsFor(crm, l.id);
    assert.deepEqual(
      reqs.map((q) => q.status),
      [503, 0, 201],
    );
    assert.ok(reqs.every((q) => q.key === `create:${l.id}`));
    assert.equal(crmLead(crm, l.id).dataWrites, 1);
    assert.equal(crmLead(crm, l.id).owner, sf.owners[r.body.rep]);
  });

  test("a write the CRM stored but did not answer is retried without a duplicate", async () => {
    crm.failNext(1, 502, { afterStore: true });
    const l = lead();
    await postLead(w.url, l);
    await outboxDrained(w.url);
    const reqs = requestsFor(crm, l.id);
    assert.equal(reqs.length, 2);
    // The CRM has no idempotency keys: the unique external id refuses the second create.
    assert.equal(reqs[1].status, 400);
    assert.equal(reqs[1].answer[0].errorCode, "DUPLICATE_VALUE");
    assert.equal(crmLead(crm, l.id).dataWrites, 1);
    assert.equal((await admin(w.url, "GET", "/admin/dead-letters")).body.dead_letters.filter((d) => d.item.lead_id === l.id).length, 0);
  });

  test("undeliverable leads become dead letters (each owner change its own) and replay delivers them", async () => {
    crm.failWhen((e) => {
      if (e.lead === "DL-B") return { status: 400 };
      if (e.lead === "DL-A" || e.lead === "DL-C") return { status: 503 };
      return null;
    });
    const a = lead("enterprise", { id: "DL-A", email: "deadletter-5xx@acme-logistics.com" });
    const b = lead("enterprise", { id: "DL-B", email: "deadletter-4xx@acme-logistics.com" });
    const c = lead("smb", { id: "DL-C", email: "deadletter-5xx.pool@acme-logistics.com" });
    for (const l of [a, b, c]) assert.equal((await postLead(w.url, l)).status, 201);
    await outboxDrained(w.url);
    // Claimed while its create is dead: the claim is its own delivery (and dead too).
    const claim = await call(w.url, "POST", `/leads/${c.id}/claim`, { token: await repToken("r-emma") });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    await outboxDrained(w.url);

    const dl = await admin(w.url, "GET", "/admin/dead-letters");
    assert.equal(dl.status, 200);
    const byLead = new Map(dl.body.dead_letters.map((d) => [d.item.lead_id, d]));
    assert.deepEqual(
      dl.body.dead_letters.map((d) => `${d.item.lead_id} ${d.item.kind}`),
      ["DL-A create", "DL-B create", "DL-C create", "DL-C owner"],
    );
    assert.equal(byLead.get("DL-A").attempts, 4, "retried up to CRM_MAX_ATTEMPTS");
    assert.equal(byLead.get("DL-A").status, 503);
    assert.equal(byLead.get("DL-B").attempts, 1, "a 400 is not retried");
    assert.match(byLead.get("DL-B").error, /answered 400/);
    assert.equal(byLead.get("DL-C").item.rep, "r-emma");
    for (const id of ["DL-A", "DL-B", "DL-C"]) assert.equal(crmLead(crm, id), undefined, `${id} is not in the CRM`);
    assert.equal(requestsFor(crm, "DL-A").length, 4);

    crm.healthy();
    const replay = await admin(w.url, "POST", "/admin/dead-letters/replay", {});
    assert.equal(replay.status, 200);
    assert.equal(replay.body.replayed, 4);
    assert.deepEqual(
      replay.body.results.map((x) => x.result),
      ["delivered", "delivered", "delivered", "delivered"],
    );
    assert.equal((await admin(w.url, "GET", "/admin/dead-letters")).body.count, 0);
    for (const l of [a, b]) {
      const rec = crmLead(crm, l.id);
      assert.equal(rec.dataWrites, 1);
      assert.equal(rec.owner, sf.owners[(await postLead(w.url, l)).body.rep]);
    }
    assert.equal(crmLead(crm, "DL-C").owner, sf.owners["r-emma"]);
    assert.equal(crmLead(crm, "DL-C").dataWrites, 1);

    const unauth = await call(w.url, "GET", "/admin/dead-letters", { token: "wrong" });
    assert.equal(unauth.status, 401);
  });

  test("bad payloads get a 4xx with a clear message naming the field at fault", async () => {
    const post = (body, headers = {}) =>
      fetch(`${w.url}/leads`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const cases = [
      [JSON.stringify({ ...lead(), message: "x".repeat(20_000) }), 413, "too_large", null, /limit is 16384 bytes/],
      ["{not json", 400, "invalid_json", null, /not valid JSON/],
      ["[1,2]", 400, "invalid_body", null, /JSON object/],
      [JSON.stringify({ ...lead(), email: undefined }), 422, "missing_field", "email", /"email" is required/],
      [JSON.stringify({ ...lead(), company: "  " }), 422, "missing_field", "company", /"company" is required/],
      [JSON.stringify({ ...lead(), company_size: "big" }), 422, "wrong_type", "company_size", /"company_size" must be a number, found the string "big"/],
      [JSON.stringify({ ...lead(), demo_requested: "yes" }), 422, "wrong_type", "demo_requested", /must be true or false/],
      [JSON.stringify({ ...lead(), email: "not-an-email" }), 422, "invalid_email", "email", /not an email address/],
      [JSON.stringify({ ...lead(), id: "has spaces" }), 422, "invalid_id", "id", /"id" must be/],
      [JSON.stringify({ ...lead(), title: ["VP"] }), 422, "wrong_type", "title", /must be a string, found an array/],
    ];
    for (const [body, status, code, field, message] of cases) {
      const r = await post(body);
      assert.equal(r.status, status, `${code}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.equal(r.body.error.field, field);
      assert.match(r.body.error.message, message);
    }
    const badKey = await post(JSON.stringify(lead()), { "Idempotency-Key": "x y" });
    assert.equal(badKey.status, 400);
    assert.equal(badKey.body.error.field, "Idempotency-Key");
    const form = await fetch(`${w.url}/leads`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=a" });
    assert.equal(form.status, 415);
    assert.equal((await fetch(`${w.url}/leads`)).status, 405);
    assert.equal((await fetch(`${w.url}/nope`)).status, 404);
  });

  test("pool: a rep lists with visibility applied, exactly one concurrent claim wins, touch by the owner only", async () => {
    const leads = [lead("smb"), lead("smb"), lead("smb")];
    for (const l of leads) assert.equal((await postLead(w.url, l)).body.pool, "smb-pool");
    const emma = await repToken("r-emma");
    const ava = await repToken("r-ava");
    const listing = await call(w.url, "GET", "/pools/smb-pool/leads", { token: emma });
    assert.equal(listing.status, 200);
    const mine = listing.body.leads.filter((x) => leads.some((l) => l.id === x.lead_id));
    assert.equal(mine.length, 3);
    for (const x of mine) assert.deepEqual(Object.keys(x.fields).sort(), ["company_size", "country", "industry"]);

    const target = leads[0].id;
    const results = await Promise.all([emma, ava, emma, ava].map((t) => call(w.url, "POST", `/leads/${target}/claim`, { token: t })));
    const winners = new Set(results.filter((r) => r.status === 200).map((r) => r.body.claim.rep));
    assert.equal(winners.size, 1, "exactly one rep wins");
    const winner = [...winners][0];
    const loserToken = winner === "r-emma" ? ava : emma;
    const losses = results.filter((r) => r.status !== 200);
    assert.ok(losses.length >= 1);
    for (const r of losses) {
      assert.equal(r.status, 409);
      assert.match(r.body.error.message, /already claimed by someone else/);
    }
    assert.equal((await call(w.url, "POST", `/leads/${target}/touch`, { token: loserToken })).status, 403);
    assert.equal((await call(w.url, "POST", `/leads/${target}/touch`, { token: winner === "r-emma" ? emma : ava })).status, 200);
    const jake = await call(w.url, "POST", `/leads/${leads[1].id}/claim`, { token: await repToken("r-jake") });
    assert.equal(jake.status, 403);
    assert.match(jake.body.error.message, /not eligible/);
    const next = await call(w.url, "POST", "/pools/smb-pool/claim", { token: ava });
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(next.body.claim.rep, "r-ava");
    assert.equal((await call(w.url, "POST", `/leads/${leads[2].id}/claim`, { token: `r-emma.${"A".repeat(43)}` })).status, 401);
    assert.equal((await call(w.url, "POST", `/leads/${leads[2].id}/claim`)).status, 401);

    await outboxDrained(w.url);
    const rec = crmLead(crm, target);
    assert.deepEqual(rec.owners, [sf.owners["smb-pool"], sf.owners[winner]], "created with the pool queue, then the claimer");
    assert.equal(rec.dataWrites, 1);
  });

  test("the cron handler re-routes a breached SLA, updates the CRM owner and posts the events", async () => {
    const l = lead("emea");
    const r = await postLead(w.url, l);
    assert.equal(r.body.team, "emea", JSON.stringify(r.body));
    const first = r.body.rep;
    const at = r.body.routed_at + 6 * 60_000;
    const cron = await fetch(`${w.cronUrl}/?time=${at}`, { method: "POST" });
    assert.equal(cron.status, 200);
    assert.match((await cron.json()).outcome, /^(ok|completed)$/);
    await outboxDrained(w.url);
    const mine = await until(() => {
      const ev = crm.notifications.filter((e) => e.lead_id === l.id);
      return ev.length >= 2 ? ev : null;
    }, 10_000, "SLA notifications");
    const escalation = mine.find((e) => e.kind === "escalation");
    const reassigned = mine.find((e) => e.kind === "reassigned");
    assert.equal(escalation.rep, "r-morgan");
    assert.equal(escalation.from_rep, first);
    assert.equal(reassigned.from_rep, first);
    assert.notEqual(reassigned.rep, first);
    assert.equal(reassigned.rep_email, testConfig().reps.find((x) => x.id === reassigned.rep).email);
    const rec = crmLead(crm, l.id);
    assert.deepEqual(rec.owners, [sf.owners[first], sf.owners[reassigned.rep]]);
    const notifyReq = crm.requests.find((q) => q.path === "/notify");
    assert.match(notifyReq.key, /^notify:/);
    assert.equal(notifyReq.auth, `Bearer ${NOTIFY_TOKEN}`);

    // The same time again: nothing new (events are applied exactly once).
    const count = crm.notifications.length;
    await fetch(`${w.cronUrl}/?time=${at}`, { method: "POST" });
    await outboxDrained(w.url);
    assert.equal(crm.notifications.filter((e) => e.lead_id === l.id && e.at <= at).length, mine.length);
    assert.ok(crm.notifications.length >= count);
  });

  test("the public config served to browsers holds no private value; CORS is answered", async () => {
    const res = await fetch(`${w.url}/public-config`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const full = { ...testConfig(), crm: sf };
    for (const v of privateValues(full)) assert.ok(!text.includes(v), `public config leaks ${JSON.stringify(v)}`);
    const pub = JSON.parse(text);
    assert.equal(pub.reps.length, full.reps.length);
    for (const r of pub.reps) {
      assert.deepEqual(["email", "phone", "performance"].filter((k) => k in r), [], `rep ${r.id} keeps private keys`);
    }
    const pre = await fetch(`${w.url}/leads`, { method: "OPTIONS", headers: { origin: "https://www.example.com", "access-control-request-method": "POST" } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.match(pre.headers.get("access-control-allow-headers"), /idempotency-key/);
  });

  test("state, idempotency records and dead letters survive a workerd restart", async () => {
    crm.failWhen((e) => (e.lead === "RESTART-DEAD" ? { status: 400 } : null));
    const dead = lead("enterprise", { id: "RESTART-DEAD" });
    const kept = lead();
    const k1 = await postLead(w.url, kept);
    await postLead(w.url, dead);
    await outboxDrained(w.url);
    const snapBefore = (await admin(w.url, "GET", "/admin/snapshot")).body.snapshot;
    keptDir = w.storageDir;
    await w.stop({ keepStorage: true });
    w = await startWorkerd({ crm: sf, storageDir: keptDir, env: { CRM_URL: crm.url, NOTIFY_URL: `${crm.url}/notify` } });
    try {
      const snapAfter = (await admin(w.url, "GET", "/admin/snapshot")).body.snapshot;
      assert.deepEqual(snapAfter, snapBefore);
      const again = await postLead(w.url, kept);
      assert.equal(again.status, 200);
      assert.equal(again.body.replayed, true);
      assert.equal(again.body.rep, k1.body.rep);
      const dl = await admin(w.url, "GET", "/admin/dead-letters");
      assert.deepEqual(
        dl.body.dead_letters.map((d) => d.item.lead_id),
        ["RESTART-DEAD"],
      );
    } finally {
      crm.healthy();
    }
  });
});
