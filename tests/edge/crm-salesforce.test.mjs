// Salesforce forwarding in real workerd against the contract stand-in: assignment rules,
// expiring OAuth sessions, errorCode classification (limits hold, validation and duplicate
// rules dead-letter with the field or record named), update-only owner changes, replays
// that never overwrite a rep's edits, each owner change its own delivery, and the time
// budget of retries (backoff up to an hour, dead letter after 48 h), driven by cron ticks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startCrm } from "./crm-stub.mjs";
import { classify } from "../../www/edge/crm/salesforce.js";
import { admin, call, crmMapping, outboxDrained, postLead, repToken, startWorkerd, until } from "./harness.mjs";
import { deadOf, holdOf, midMarketLead, outbox, smbLead, tick } from "./crm-helpers.mjs";

const sf = crmMapping("salesforce");
const OAUTH = { clientId: "leadroute-connected-app", clientSecret: "connected-app-secret", refreshToken: "refresh-token-1" };
const OAUTH_ENV = { CRM_CLIENT_ID: OAUTH.clientId, CRM_CLIENT_SECRET: OAUTH.clientSecret, CRM_REFRESH_TOKEN: OAUTH.refreshToken };
const RULE_QUEUE = "00G5e000009RuleQAS";

const lead = midMarketLead;
const smb = smbLead;

async function crmWith(extra = {}) {
  return startCrm({ oauth: OAUTH, salesforce: { users: Object.values(sf.owners).filter((i) => i.startsWith("005")), queues: Object.values(sf.owners).filter((i) => i.startsWith("00G")) }, ...extra });
}

describe("Salesforce answers (pure)", () => {
  test("each errorCode decides: retry later, hold every delivery, or a dead letter with the field", () => {
    const answer = (status, errorCode, extra = {}) => classify({ status, body: [{ errorCode, message: `${errorCode} happened`, ...extra }], headers: new Headers() }, 1000);
    const verdict = (f) => [f.retry, f.cause, f.field ?? null];
    assert.deepEqual(verdict(answer(401, "INVALID_SESSION_ID")), ["hold", "auth", null]);
    assert.deepEqual(verdict(answer(403, "REQUEST_LIMIT_EXCEEDED")), ["hold", "rate_limited", null]);
    assert.equal(answer(403, "REQUEST_LIMIT_EXCEEDED").holdUntil, 1000 + 60 * 60_000);
    assert.deepEqual(verdict(answer(503, "SERVER_UNAVAILABLE")), ["later", "unavailable", null]);
    assert.deepEqual(verdict(answer(400, "UNABLE_TO_LOCK_ROW")), ["later", "locked", null]);
    assert.deepEqual(verdict(answer(400, "REQUIRED_FIELD_MISSING", { fields: ["LastName"] })), ["never", "validation", "LastName"]);
    assert.deepEqual(verdict(answer(400, "INVALID_FIELD", { message: "No such column 'Foo__c' on sobject of type Lead" })), ["never", "validation", "Foo__c"]);
    assert.deepEqual(verdict(answer(403, "INSUFFICIENT_ACCESS")), ["never", "permission", null]);
    assert.deepEqual(verdict(answer(404, "NOT_FOUND")), ["never", "not_found", null]);
    assert.deepEqual(verdict(classify({ status: 0, error: "connection reset" }, 0)), ["later", "unavailable", null]);
  });
});

describe("Salesforce contract in workerd", () => {
  let crm;
  let w;
  before(async () => {
    crm = await crmWith();
    w = await startWorkerd({ crm: sf, env: { CRM_URL: crm.url, ...OAUTH_ENV } });
  });
  after(async () => {
    if (process.env.EDGE_LOGS) console.log(w?.logs.join(""));
    await w?.stop();
    await crm?.close();
  });

  test("active assignment rules do not replace our owner: Sforce-Auto-Assign FALSE on the create and the claim", async () => {
    crm.salesforce.assignTo = RULE_QUEUE;
    try {
      const l = smb("SF-RULE");
      assert.equal((await postLead(w.url, l)).body.pool, "smb-pool");
      assert.equal((await call(w.url, "POST", `/leads/${l.id}/claim`, { token: await repToken("r-ava") })).status, 200);
      await outboxDrained(w.url);
      const rec = crm.leads.get(l.id);
      assert.deepEqual(rec.owners, [sf.owners["smb-pool"], sf.owners["r-ava"]]);
      const writes = crm.requestsFor(l.id).filter((q) => q.method !== "GET");
      assert.deepEqual(
        writes.map((q) => `${q.method} ${q.status} ${q.headers["sforce-auto-assign"]}`),
        ["POST 201 FALSE", "PATCH 204 FALSE"],
      );
    } finally {
      crm.salesforce.assignTo = null;
    }
  });

  test("an expired session is renewed with the refresh token and the write repeated once", async () => {
    const first = lead("SF-TOKEN-1");
    await postLead(w.url, first);
    await outboxDrained(w.url);
    const renewals = crm.tokenRequests;
    crm.expireSessions();
    const l = lead("SF-TOKEN-2");
    await postLead(w.url, l);
    await outboxDrained(w.url);
    assert.deepEqual(
      crm.requestsFor(l.id).map((q) => q.status),
      [401, 201],
    );
    assert.equal(crm.requestsFor(l.id)[0].answer[0].errorCode, "INVALID_SESSION_ID");
    assert.equal(crm.tokenRequests, renewals + 1, "one renewal");
    assert.equal(crm.leads.get(l.id).owner, sf.owners[(await postLead(w.url, l)).body.rep]);
    assert.deepEqual(await deadOf(w, l.id), []);
  });

  test("a validation rule's refusal is a dead letter naming the field, replayed by cause once fixed", async () => {
    crm.salesforce.validation = (f) => (f.Phone && !f.Phone.startsWith("+") ? { field: "Phone", message: "Phone must be in international format (+1 ...)" } : null);
    crm.salesforce.duplicateRule = "block";
    try {
      const bad = lead("SF-VALID", { phone: "555 0100" });
      await postLead(w.url, bad);
      const original = lead("SF-DUP-1", { email: "same.person@fieldline.io" });
      const again = lead("SF-DUP-2", { email: "same.person@fieldline.io" });
      await postLead(w.url, original);
      await outboxDrained(w.url);
      await postLead(w.url, again);
      await outboxDrained(w.url);
      const dl = (await admin(w.url, "GET", "/admin/dead-letters")).body;
      const [v] = dl.dead_letters.filter((d) => d.item.lead_id === bad.id);
      assert.equal(v.cause, "validation");
      assert.equal(v.field, "Phone");
      assert.equal(v.code, "FIELD_CUSTOM_VALIDATION_EXCEPTION");
      assert.equal(v.attempts, 1, "a validation error is not retried");
      assert.match(v.error, /Phone must be in international format/);
      assert.equal(dl.by_cause.validation.fields.Phone, 1);
      // The duplicate rule matched the first Lead: the dead letter says which one.
      const [d] = dl.dead_letters.filter((x) => x.item.lead_id === again.id);
      assert.equal(d.cause, "duplicate");
      assert.ok(d.error.includes(crm.leads.get(original.id).id), d.error);
      assert.equal(crm.leads.has(again.id), false);

      crm.salesforce.validation = null;
      const replay = await admin(w.url, "POST", "/admin/dead-letters/replay", { cause: "validation" });
      assert.deepEqual(
        replay.body.results.map((r) => [r.id, r.result]),
        [[`create:${bad.id}`, "delivered"]],
      );
      assert.equal(crm.leads.get(bad.id).fields.Phone, "555 0100");
      assert.equal((await deadOf(w, again.id)).length, 1, "other causes stay until replayed");
    } finally {
      crm.salesforce.validation = null;
      crm.salesforce.duplicateRule = null;
    }
  });

  test("replaying a dead create by cause also replays the lead's later owner changes, after it", async () => {
    crm.salesforce.validation = (f) => (f.Phone === "none" ? { field: "Phone", message: "Phone is not a number" } : null);
    try {
      const l = smb("SF-REPLAY-ORDER", { phone: "none" });
      await postLead(w.url, l);
      await outboxDrained(w.url);
      assert.equal((await call(w.url, "POST", `/leads/${l.id}/claim`, { token: await repToken("r-ava") })).status, 200);
      await outboxDrained(w.url);
      assert.deepEqual(
        (await deadOf(w, l.id)).map((d) => `${d.item.kind} ${d.cause}`),
        ["create validation", "owner not_found"],
      );
    } finally {
      crm.salesforce.validation = null;
    }
    const replay = await admin(w.url, "POST", "/admin/dead-letters/replay", { cause: "validation" });
    assert.deepEqual(
      replay.body.results.map((r) => `${r.id.split(":")[0]} ${r.result}`),
      ["create delivered", "owner delivered"],
    );
    assert.deepEqual(crm.leads.get("SF-REPLAY-ORDER").owners, [sf.owners["smb-pool"], sf.owners["r-ava"]]);
  });

  test("an owner change is update-only: for a Lead deleted in Salesforce it is a not_found dead letter, nothing is created", async () => {
    const l = smb("SF-DELETED");
    await postLead(w.url, l);
    await outboxDrained(w.url);
    crm.remove(l.id);
    assert.equal((await call(w.url, "POST", `/leads/${l.id}/claim`, { token: await repToken("r-emma") })).status, 200);
    await outboxDrained(w.url);
    assert.equal(crm.leads.has(l.id), false, "no Lead was created by the claim");
    const [d] = await deadOf(w, l.id);
    assert.equal(d.item.kind, "owner");
    assert.equal(d.cause, "not_found");
    assert.match(d.error, /is not in Salesforce/);
    const afterDelete = crm.requests.filter((q) => q.lead === l.id).slice(1);
    assert.deepEqual(
      afterDelete.map((q) => q.method),
      ["GET"],
    );
  });

  test("a replayed create whose first answer was lost does not overwrite what a rep edited", async () => {
    crm.failNext(4, 502, { afterStore: true });
    const l = lead("SF-EDITED");
    await postLead(w.url, l);
    await outboxDrained(w.url);
    const [d] = await deadOf(w, l.id);
    assert.equal(d.attempts, 4);
    assert.equal(crm.leads.get(l.id).dataWrites, 1, "stored by the first attempt");
    crm.edit(l.id, { LastName: "Haddad-Okoye", Title: "COO" });
    const replay = await admin(w.url, "POST", "/admin/dead-letters/replay", { ids: [d.id] });
    assert.deepEqual(replay.body.results, [{ id: d.id, result: "delivered", attempts: 1, note: "already_created" }]);
    const rec = crm.leads.get(l.id);
    assert.equal(rec.fields.LastName, "Haddad-Okoye");
    assert.equal(rec.fields.Title, "COO");
    assert.equal(rec.dataWrites, 1);
  });

  test("a claim after a lost create answer is its own delivery with its own key, sent in order", async () => {
    crm.failNext(4, 502, { afterStore: true });
    const l = smb("SF-LOST-CLAIM");
    await postLead(w.url, l);
    await outboxDrained(w.url);
    assert.equal((await deadOf(w, l.id)).length, 1);
    const claim = await call(w.url, "POST", `/leads/${l.id}/claim`, { token: await repToken("r-emma") });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    await outboxDrained(w.url);
    // Delivered without any replay: the CRM agrees with the router.
    assert.equal(crm.leads.get(l.id).owner, sf.owners["r-emma"]);
    const dead = await deadOf(w, l.id);
    assert.deepEqual(
      dead.map((x) => x.item.kind),
      ["create"],
    );
    const keys = [...new Set(crm.requestsFor(l.id).map((q) => q.key))];
    assert.equal(keys.length, 2);
    assert.equal(keys[0], `create:${l.id}`);
    assert.match(keys[1], new RegExp(`^owner:${l.id}:r-emma:`));
    await admin(w.url, "POST", "/admin/dead-letters/replay", { ids: [dead[0].id] });
    assert.deepEqual(crm.leads.get(l.id).owners, [sf.owners["smb-pool"], sf.owners["r-emma"]], "the replay keeps the claimer");
  });

  test("REQUEST_LIMIT_EXCEEDED holds every delivery until the limit is probed again, none dead-lettered", async () => {
    crm.limit("salesforce");
    const [a, b] = [lead("SF-LIMIT-A"), lead("SF-LIMIT-B")];
    await postLead(w.url, a);
    const held = await holdOf(w);
    await postLead(w.url, b);
    await until(async () => (await outbox(w)).held === 2, 10_000, "both leads held");
    assert.equal(held.hold.cause, "rate_limited");
    assert.equal(held.hold.code, "REQUEST_LIMIT_EXCEEDED");
    assert.ok(held.hold.until - held.hold.since >= 60 * 60_000, "an hour before the next probe");
    assert.deepEqual(
      crm.requests.filter((q) => q.lead === a.id || q.lead === b.id).map((q) => `${q.lead} ${q.status}`),
      [`${a.id} 403`],
    );
    await tick(w, held.hold.until - 1000);
    assert.equal((await outbox(w)).held, 2, "still held before the hold ends");
    crm.endLimit();
    await tick(w, held.hold.until + 1);
    await outboxDrained(w.url);
    for (const l of [a, b]) assert.ok(crm.leads.get(l.id), `${l.id} delivered after the hold`);
    assert.deepEqual([...(await deadOf(w, a.id)), ...(await deadOf(w, b.id))], []);
  });

  test("a refused refresh token holds deliveries as an auth problem instead of dead-lettering every lead", async () => {
    crm.revokeRefreshToken("refresh-token-2");
    crm.expireSessions();
    const l = lead("SF-REVOKED");
    await postLead(w.url, l);
    const o = await holdOf(w);
    assert.equal(o.hold.cause, "auth");
    assert.match(o.hold.error, /invalid_grant/);
    assert.equal(o.pending, 1);
    assert.deepEqual(await deadOf(w, l.id), []);
    crm.revokeRefreshToken(OAUTH.refreshToken);
    await tick(w, o.hold.until + 1);
    await outboxDrained(w.url);
    assert.ok(crm.leads.get(l.id), "delivered once the credentials work again");
  });
});

describe("Salesforce retry budget in workerd (time from cron ticks)", () => {
  let crm;
  let w;
  before(async () => {
    crm = await crmWith();
    // Waits over 50 ms are left to the cron tick, so the test moves time itself.
    const env = { CRM_URL: crm.url, ...OAUTH_ENV, CRM_MAX_ATTEMPTS: "0", CRM_RETRY_BASE_MS: "1000", CRM_RETRY_MAX_MS: "3600000", CRM_TIMER_MAX_MS: "50" };
    w = await startWorkerd({ crm: sf, env });
  });
  after(async () => {
    await w?.stop();
    await crm?.close();
  });

  test("an outage is retried with backoff growing to an hour, for 48 hours, then dead-lettered", async () => {
    const l = lead("SF-OUTAGE");
    crm.failWhen((e) => (e.lead === l.id ? { status: 503, body: [{ errorCode: "SERVER_UNAVAILABLE", message: "Server unavailable" }] } : null));
    const routedAt = (await postLead(w.url, l)).body.routed_at;
    const times = [];
    let o = await until(async () => {
      const x = await outbox(w);
      return x.next_retry_at ? x : null;
    }, 10_000, "the first retry time");
    for (let i = 0; i < 200 && o.pending; i++) {
      const at = o.next_retry_at;
      times.push(at);
      await tick(w, at);
      o = await until(async () => {
        const x = await outbox(w);
        return x.pending === 0 || (x.next_retry_at > at && x.in_flight === 0) ? x : null;
      }, 10_000, "the next attempt");
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(times[0] - routedAt >= 800 && times[0] - routedAt <= 1200, `first retry after about a second (${times[0] - routedAt} ms)`);
    assert.ok(Math.max(...gaps) <= 3_600_000, "no wait over an hour");
    assert.ok(gaps.filter((g) => g >= 45 * 60_000).length >= 30, "hourly retries for most of the budget");
    assert.ok(times.at(-1) - routedAt <= 48 * 3_600_000, "the last attempt falls within the budget");
    const [d] = await deadOf(w, l.id);
    assert.ok(d, "dead-lettered when the budget is used up");
    assert.equal(d.cause, "unavailable");
    assert.match(d.error, /SERVER_UNAVAILABLE.*the retry budget of 48 h is used up after \d+ attempts/);
    assert.equal(d.attempts, times.length + 1);
    assert.ok(d.attempts >= 40 && d.attempts <= 70, `${d.attempts} attempts`);
  });
});
