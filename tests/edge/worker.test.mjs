// The edge worker in real workerd (Durable Object on local disk) against the stand-in CRM
// (Salesforce mapping): delivery once with the right owner, retries, dead letters and replay,
// 4xx validation, forged fields, idempotency, pool claims, the cron handler, restarts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { startCrm } from "./crm-stub.mjs";
import { privateValues } from "./private-values.mjs";
import {
  CRM_TOKEN,
  NOTIFY_TOKEN,
  admin,
  call,
  crmMapping,
  newestCount,
  outboxDrained,
  postLead,
  repToken,
  startWorkerd,
  testConfig,
  until,
} from "./harness.mjs";

const sf = crmMapping("salesforce");
const THANKS = "https://www.example.com/thanks";
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
    w = await startWorkerd({ crm: sf, env: { CRM_URL: crm.url, NOTIFY_URL: `${crm.url}/notify`, THANK_YOU_URL: THANKS } });
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
    const month = (s) => newestCount(s, first.body.rep, "month");
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

    // One new id under several keys at once: one is routed, the others are refused.
    const fresh = lead();
    const race = await Promise.all([1, 2, 3, 4].map((k) => postLead(w.url, fresh, { "Idempotency-Key": `race-${k}-${fresh.id}` })));
    assert.deepEqual(race.map((r) => r.status).sort(), [201, 409, 409, 409]);
    for (const r of race.filter((x) => x.status === 409)) assert.equal(r.body.error.code, "lead_id_reused");
    await outboxDrained(w.url);
    assert.equal(crmLead(crm, fresh.id).dataWrites, 1);
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
      [JSON.stringify({ ...lead(), company_size: "big" }), 422, "wrong_type", "company_size", /"company_size": expected a number, found "big"/],
      [JSON.stringify({ ...lead(), company_size: true }), 422, "wrong_type", "company_size", /"company_size" must be a number, found boolean true/],
      [JSON.stringify({ ...lead(), demo_requested: "maybe" }), 422, "wrong_type", "demo_requested", /expected a boolean/],
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
    const text = await fetch(`${w.url}/leads`, { method: "POST", headers: { "content-type": "text/plain" }, body: "email=a" });
    assert.equal(text.status, 415);
    assert.equal((await text.json()).error.code, "unsupported_media_type");
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
      assert.equal(r.body.error.code, "already_claimed");
    }
    assert.equal((await call(w.url, "POST", `/leads/${target}/touch`, { token: loserToken })).status, 403);
    assert.equal((await call(w.url, "POST", `/leads/${target}/touch`, { token: winner === "r-emma" ? emma : ava })).status, 200);
    const jake = await call(w.url, "POST", `/leads/${leads[1].id}/claim`, { token: await repToken("r-jake") });
    assert.equal(jake.status, 403);
    assert.equal(jake.body.error.code, "not_pool_member");
    assert.ok(!jake.body.error.message.includes("smb-pool"), `the refusal names the lead's pool: ${jake.body.error.message}`);
    const jakeList = await call(w.url, "GET", "/pools/smb-pool/leads", { token: await repToken("r-jake") });
    assert.equal(jakeList.status, 403);
    assert.equal(jakeList.body.error.code, "not_pool_member");
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

  test("a chunked body is cut off at the size limit (413) instead of being read whole", async () => {
    /**
     * Streams up to `total` bytes without a content-length, leaving the body open when `hold`;
     * resolves when the worker answers or hangs up.
     */
    const stream = (total, hold) =>
      new Promise((resolve, reject) => {
        const chunk = Buffer.alloc(16 * 1024, "a");
        let sent = 0;
        let done = null;
        const finish = (r) => {
          if (done) return;
          done = r;
          clearTimeout(timer);
          req.destroy();
          resolve(r);
        };
        const timer = setTimeout(() => finish({ status: "no answer", sent }), 5000);
        const req = httpRequest(`${w.url}/leads`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
          res.resume();
          res.on("end", () => finish({ status: res.statusCode, sent }));
        });
        // A server that stops reading may reset the connection before its answer is read.
        req.on("error", (e) => (["EPIPE", "ECONNRESET"].includes(e.code) ? finish({ status: null, sent }) : reject(e)));
        req.write('{"message":"');
        (function pump() {
          while (!done && sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return req.once("drain", pump);
          }
          if (!done && !hold) req.end('"}');
          return undefined;
        })();
      });
    // Just past the limit, the body still open: only a reader that stops at the limit answers.
    const small = await stream(32 * 1024, true);
    assert.equal(small.status, 413, "a chunked body over the limit is refused before it ends");
    const total = 64 * 1024 * 1024;
    const big = await stream(total, false);
    assert.ok(big.status === 413 || big.status === null, `status ${big.status}`);
    assert.ok(big.sent < total / 4, `the worker answered after ${big.sent} of ${total} bytes were sent`);
  });

  test("malformed %-encoding in a path is a 400 with its code", async () => {
    const token = await repToken("r-emma");
    for (const path of ["/pools/%/leads", "/leads/%E0%A4%A/claim"]) {
      const r = await call(w.url, path.endsWith("leads") ? "GET" : "POST", path, { token });
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "invalid_path");
    }
  });

  test("blind pool: a member claims by id only the oldest lead; a non-member is not told the pool", async () => {
    const partner = (i) =>
      lead("enterprise", { id: `BLIND-${i}`, source: "partner", company_size: 300, annual_revenue: 10_000_000, email: `blind${i}@northwind-freight.com` });
    for (const i of [1, 2]) {
      const r = await postLead(w.url, partner(i));
      assert.equal(r.body.pool, "partner-pool", JSON.stringify(r.body));
    }
    const jake = await repToken("r-jake");
    const skip = await call(w.url, "POST", "/leads/BLIND-2/claim", { token: jake });
    assert.equal(skip.status, 409, JSON.stringify(skip.body));
    assert.equal(skip.body.error.code, "claim_out_of_order");
    const emma = await call(w.url, "POST", "/leads/BLIND-2/claim", { token: await repToken("r-emma") });
    assert.equal(emma.status, 403);
    assert.equal(emma.body.error.code, "not_pool_member");
    assert.ok(!emma.body.error.message.includes("partner-pool"), emma.body.error.message);
    for (const id of ["BLIND-1", "BLIND-2"]) {
      const r = await call(w.url, "POST", `/leads/${id}/claim`, { token: jake });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.claim.rep, "r-jake");
    }
  });

  test("a URL-encoded form, a multipart form and a JSON post with string values route identically", async () => {
    const strings = (l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, String(v)]));
    const smb = (id) => strings(lead("smb", { id, email: `${id.toLowerCase()}@bluefin-tools.com`, demo_requested: "on", annual_revenue: "3,000,000" }));
    const same = (l) => {
      const { id: _id, email: _e, last_name: _l, company: _c, ...rest } = l;
      return rest;
    };
    const json = smb("FORM-JSON");
    const url = { ...smb("FORM-URL"), ...same(json) };
    const multi = { ...smb("FORM-MULTI"), ...same(json) };
    const answers = [
      await postLead(w.url, json),
      await fetch(`${w.url}/leads`, { method: "POST", body: new URLSearchParams(url) }).then(async (r) => ({ status: r.status, body: await r.json() })),
      await fetch(`${w.url}/leads`, {
        method: "POST",
        body: Object.entries(multi).reduce((f, [k, v]) => (f.append(k, v), f), new FormData()),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    ];
    for (const a of answers) assert.equal(a.status, 201, JSON.stringify(a.body));
    const decisions = answers.map((a) => ({ outcome: a.body.outcome, pool: a.body.pool, team: a.body.team, ignored: a.body.ignored_fields }));
    assert.deepEqual(decisions[1], decisions[0]);
    assert.deepEqual(decisions[2], decisions[0]);
    assert.equal(decisions[0].pool, "smb-pool");
    const listing = (await call(w.url, "GET", "/pools/smb-pool/leads", { token: await repToken("r-emma") })).body.leads;
    const seen = ["FORM-JSON", "FORM-URL", "FORM-MULTI"].map((id) => listing.find((x) => x.lead_id === id));
    for (const x of seen) assert.deepEqual({ fields: x.fields, score: x.score }, { fields: seen[0].fields, score: seen[0].score });
    assert.equal(seen[0].fields.company_size, 60, "the engine coerced the form string");

    // Stateless routing hashes the lead id: the same id gets the same rep however it is posted.
    const ent = strings(lead("enterprise", { id: "FORM-STATELESS" }));
    const a = await postLead(w.statelessUrl, ent);
    const b = await fetch(`${w.statelessUrl}/leads`, { method: "POST", body: new URLSearchParams(ent) }).then((r) => r.json());
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(b.rep, a.body.rep);
    assert.equal(b.team, a.body.team);

    const html = await fetch(`${w.url}/leads`, {
      method: "POST",
      redirect: "manual",
      headers: { accept: "text/html,application/xhtml+xml" },
      body: new URLSearchParams(strings(lead("smb", { id: "FORM-HTML" }))),
    });
    assert.equal(html.status, 303);
    assert.equal(html.headers.get("location"), `${THANKS}?lead_id=FORM-HTML`);
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
