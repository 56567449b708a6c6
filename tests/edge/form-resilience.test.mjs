// The demo form never loses a lead, in headless Chromium against real workerd and the
// stand-in CRM: with its engine or public config blocked it still delivers the whole lead;
// a lost answer or a dead network is retried (backoff, next page load, sendBeacon on page
// hide) under the same id, so the CRM gets the lead once; a 4xx is shown next to its input.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../../scripts/chromium.mjs";
import { startCrm } from "./crm-stub.mjs";
import { CRM_TOKEN, crmMapping, outboxDrained, startStatic, startWorkerd, testConfig, until } from "./harness.mjs";
import { GRACE, decisionOf, fill, listen, openForm, shown, submitAndWait, waitState } from "./form-page.mjs";

const sf = crmMapping("salesforce");
const config = testConfig();
const nameOf = (rep) => config.reps.find((r) => r.id === rep).name;

describe("the demo form never loses a lead", () => {
  let crm;
  let w;
  let site;
  let browser;
  const contexts = [];

  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN });
    [w, site] = await Promise.all([startWorkerd({ config, crm: sf, env: { CRM_URL: crm.url } }), startStatic()]);
    browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await w?.stop();
    await site?.close();
    await crm?.close();
  });

  async function open(opts) {
    const o = await openForm(browser, site, w, opts);
    contexts.push(o.context);
    return o;
  }

  /** A page whose posts find no network, after the visitor submitted `email`'s details. */
  async function submitOffline(email) {
    const { context, page } = await open();
    let tries = 0;
    await context.route(`${w.url}/leads`, (route) => {
      tries += 1;
      return route.abort("internetdisconnected");
    });
    await fill(page, { ...GRACE, email });
    await page.click('button[type="submit"]');
    await waitState(page, "queued");
    return { context, page, tries: () => tries };
  }

  const recordsOf = (email) => [...crm.leads.values()].filter((l) => l.fields.Email === email);

  /** The CRM fields of a lead, without what differs between two submissions of the same person. */
  const person = (rec) => {
    const { Email: _e, Leadroute_Id__c: _id, ...rest } = rec.fields;
    return rest;
  };

  test("with engine/ missing or the public config unreachable, the CRM still gets the whole lead", async () => {
    // The reference: the same visitor with everything loaded.
    const full = await open();
    await fill(full.page, { ...GRACE, email: "grace.full@harborpoint-capital.com" });
    const expected = decisionOf(await submitAndWait(full.page, "confirmed")).decision;
    assert.equal(expected.team, "enterprise");
    await outboxDrained(w.url);
    const [reference] = recordsOf("grace.full@harborpoint-capital.com");
    assert.equal(reference.fields.FirstName, "Grace");
    assert.equal(reference.fields.LastName, "Whitfield");
    assert.equal(reference.fields.Company, "Harborpoint Capital");
    assert.equal(Object.keys(reference.fields).length, 12, JSON.stringify(reference.fields));

    const cases = [
      // The README's way without the engine copied next to the script: engine/ answers 404.
      ["engine", (c) => c.route(`${site.url}/engine/**`, (r) => r.fulfill({ status: 404, body: "not found" }))],
      ["config", (c) => c.route(`${w.url}/public-config`, (r) => r.abort("connectionrefused"))],
    ];
    for (const [what, block] of cases) {
      const email = `grace.no-${what}@harborpoint-capital.com`;
      const { context, page, errors } = await open({ block, ready: false });
      const bodies = [];
      context.on("request", (r) => r.url() === `${w.url}/leads` && bodies.push(r.postDataJSON()));
      await fill(page, { ...GRACE, email });
      const s = await submitAndWait(page, "confirmed");
      assert.equal(s.events.filter((e) => e.type === "leadroute:preview").length, 0, `${what}: no preview without it`);
      assert.equal(bodies.length, 1);
      const { id, ...sent } = bodies[0];
      assert.equal(id, decisionOf(s).decision.lead_id);
      // Every named input as the visitor left it, and the name split as the CRM wants it.
      assert.deepEqual(sent, {
        name: "Grace Whitfield",
        email,
        company: "Harborpoint Capital",
        title: "VP Data",
        company_size: "2500",
        country: "US",
        region: "NY",
        product_interest: "Forecasting",
        message: GRACE.message,
        demo_requested: "on",
        source: "website",
        first_name: "Grace",
        last_name: "Whitfield",
      });
      assert.deepEqual(s.fieldErrors, [], `${what}: no field is marked`);
      const d = decisionOf(s);
      assert.equal(d.preview, null);
      assert.equal(d.decision.outcome, "assigned");
      assert.equal(d.decision.team, expected.team, `${what}: the worker reads the lead as with the engine loaded`);
      assert.equal(s.rep, d.decision.rep);
      assert.ok(s.text.includes(`${nameOf(d.decision.rep)} will contact you`), s.text);
      await outboxDrained(w.url);
      const recs = recordsOf(email);
      assert.equal(recs.length, 1, `${what}: one CRM lead`);
      assert.deepEqual(person(recs[0]), person(reference), `${what}: every field arrives`);
      assert.equal(recs[0].owner, sf.owners[d.decision.rep]);
      assert.deepEqual(await page.evaluate(() => window.leadForm.pending()), []);
      assert.deepEqual(errors, []);
    }
  });

  test("an engine that never finishes loading holds nothing back: the lead goes without a preview", async () => {
    const email = "grace.slow-engine@harborpoint-capital.com";
    // The request is left unanswered, as a stalled CDN would.
    const { page } = await open({ block: (c) => c.route(`${site.url}/engine/**`, () => {}), ready: null });
    await fill(page, { ...GRACE, email });
    const s = await submitAndWait(page, "confirmed");
    assert.equal(decisionOf(s).preview, null);
    assert.equal(decisionOf(s).decision.team, "enterprise");
    await outboxDrained(w.url);
    assert.equal(recordsOf(email).length, 1);
  });

  test("the answer to the first submit is lost on the way back: the retry is replayed and the CRM has the lead once", async () => {
    const email = "grace.lost-answer@harborpoint-capital.com";
    const { context, page } = await open();
    const posts = [];
    await context.route(`${w.url}/leads`, async (route) => {
      const req = route.request();
      if (req.method() !== "POST") return route.continue();
      posts.push({ key: req.headers()["idempotency-key"], body: req.postDataJSON() });
      if (posts.length === 1) {
        // The worker routes it; the visitor's network drops the answer.
        await route.fetch();
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    await fill(page, { ...GRACE, email });
    await page.click('button[type="submit"]');
    const queued = await waitState(page, "queued");
    assert.match(queued.text, /saved on this device/);
    const s = await waitState(page, "confirmed");
    const d = decisionOf(s).decision;
    assert.equal(posts.length, 2);
    assert.equal(posts[1].key, posts[0].key, "the same Idempotency-Key");
    assert.deepEqual(posts[1].body, posts[0].body, "the same lead");
    assert.equal(d.lead_id, posts[0].key);
    assert.equal(d.replayed, true, "the worker had routed it already");
    await outboxDrained(w.url);
    const recs = recordsOf(email);
    assert.equal(recs.length, 1);
    assert.equal(recs[0].dataWrites, 1);
    assert.equal(recs[0].key, d.lead_id);
    assert.deepEqual(await page.evaluate(() => window.leadForm.pending()), []);
  });

  test("no network at submit: the submission waits in localStorage and goes on the next page load, once", async () => {
    const email = "grace.offline@harborpoint-capital.com";
    const { context, page, tries } = await submitOffline(email);
    // The backoff tries again by itself (1 s, then 2 s).
    await until(() => tries() >= 2, 10_000, "a second try");
    const [id] = await page.evaluate(() => window.leadForm.pending());
    assert.ok(id);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith("leadroute:outbox:")))));
    assert.equal(stored.length, 1);
    assert.equal(stored[0].lead.email, email);
    assert.equal(recordsOf(email).length, 0);

    await context.unrouteAll();
    await page.reload();
    await listen(page);
    const s = await waitState(page, "confirmed");
    assert.ok(["r-olivia", "r-marcus", "r-priya"].includes(s.rep), s.rep);
    assert.ok(s.text.includes(`${nameOf(s.rep)} will contact you`), s.text);
    await outboxDrained(w.url);
    const recs = recordsOf(email);
    assert.equal(recs.length, 1);
    assert.equal(recs[0].key, id, "sent under the id given at submit time");
    assert.equal(recs[0].dataWrites, 1);
    assert.deepEqual(await page.evaluate(() => window.leadForm.pending()), []);
  });

  test("the visitor leaves while the network is down: sendBeacon on page hide delivers the lead", async () => {
    const email = "grace.leaving@harborpoint-capital.com";
    // Chromium sends a beacon after the page is gone, past any interception: only the
    // beacon can reach the worker.
    const { context, page, tries } = await submitOffline(email);
    const [id] = await page.evaluate(() => window.leadForm.pending());
    // What the page hands to sendBeacon, kept where the next page of this origin can read it.
    await page.evaluate(() => {
      const send = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, data) => {
        localStorage.setItem("test:beacons", JSON.stringify([...JSON.parse(localStorage.getItem("test:beacons") ?? "[]"), { url, data: String(data) }]));
        return send(url, data);
      };
    });
    await page.close({ runBeforeUnload: true });
    await until(() => recordsOf(email).length, 15_000, "the beacon's lead in the CRM");
    await outboxDrained(w.url);
    const recs = recordsOf(email);
    assert.equal(recs.length, 1);
    assert.equal(recs[0].key, id);
    assert.equal(recs[0].fields.Company, "Harborpoint Capital");
    assert.ok(tries() >= 1);
    const next = await context.newPage();
    await next.goto(`${site.url}/index.html?endpoint=${encodeURIComponent(w.url)}`);
    const beacons = await next.evaluate(() => JSON.parse(localStorage.getItem("test:beacons") ?? "[]"));
    assert.equal(beacons.length, 1, "one beacon per pending submission");
    assert.equal(beacons[0].url, `${w.url}/leads`);
    assert.equal(new URLSearchParams(beacons[0].data).get("id"), id, "the lead id is the idempotency key");
    assert.equal(new URLSearchParams(beacons[0].data).get("email"), email);
  });

  test("a 422 from the worker is shown next to the field at fault, in the visitor's words", async () => {
    const { page } = await open();
    const before = crm.leads.size;
    await fill(page, { name: "Sam Ortiz", email: "sam@ortiz-labs", company: "Ortiz Labs", size: "500", country: "CA", region: "ON" });
    let s = await submitAndWait(page, "error");
    assert.deepEqual(s.fieldErrors, [{ field: "email", text: "Work email does not look like an email address.", after: "email" }]);
    assert.deepEqual(s.invalid, ["email"]);
    assert.equal(s.events.find((e) => e.type === "leadroute:error").detail.status, 422);
    assert.equal(await page.evaluate(() => document.activeElement?.name), "email");
    assert.deepEqual(await page.evaluate(() => window.leadForm.pending()), [], "a refusal is not retried");

    // Corrected, and another field over the worker's limit: only that one is marked.
    await page.fill('input[name="email"]', "sam@ortiz-labs.com");
    await page.fill('textarea[name="message"]', "x".repeat(5001));
    s = await submitAndWait(page, "error");
    assert.deepEqual(s.fieldErrors, [{ field: "message", text: "How can we help? is too long.", after: "message" }]);
    assert.deepEqual(s.invalid, ["message"]);

    await page.fill('textarea[name="message"]', "Pricing for 500 seats?");
    s = await submitAndWait(page, "confirmed");
    assert.deepEqual(s.fieldErrors, []);
    assert.deepEqual(s.invalid, []);
    await outboxDrained(w.url);
    assert.equal(crm.leads.size, before + 1);
  });

  test("an answer calling a filled-in input missing marks no input: the message goes to the result box", async () => {
    const { context, page } = await open();
    const message = 'field "email" is required';
    await context.route(`${w.url}/leads`, (route) =>
      route.fulfill({ status: 422, json: { error: { code: "missing_field", field: "email", message } } }),
    );
    await fill(page, { ...GRACE, email: "grace.filled@harborpoint-capital.com" });
    const s = await submitAndWait(page, "error");
    assert.deepEqual(s.fieldErrors, []);
    assert.deepEqual(s.invalid, []);
    assert.equal(s.text, message);
  });

  // The form sends what the visitor typed; the worker forwards the lead as the engine read
  // it (readLead), so the CRM gets the number.
  test("the CRM gets the number the engine read from the form's text", async () => {
    const [rec] = recordsOf("grace.full@harborpoint-capital.com");
    assert.equal(rec.fields.NumberOfEmployees, 2500);
  });

  test("the decision shown is the worker's, even when the preview named someone else", async () => {
    const { context, page } = await open();
    // The preview's public config sends everyone to Hannah (EMEA); the worker's real config
    // sends a 2,500-person US company to the enterprise team.
    await context.route(`${w.url}/public-config`, async (route) => {
      const res = await route.fetch();
      const pub = await res.json();
      pub.rules = [{ id: "everyone", rep: "r-hannah" }];
      return route.fulfill({ response: res, json: pub });
    });
    await page.reload();
    await listen(page);
    assert.equal(await page.evaluate(() => window.leadForm.ready), true);
    await fill(page, { ...GRACE, email: "grace.preview@harborpoint-capital.com" });
    const s = await submitAndWait(page, "confirmed");
    const preview = s.events.find((e) => e.type === "leadroute:preview").detail.preview;
    const { decision, changed } = decisionOf(s);
    assert.equal(preview.rep, "r-hannah");
    assert.equal(decision.team, "enterprise");
    assert.equal(changed, true);
    assert.equal(s.changed, "true");
    assert.equal(s.rep, decision.rep);
    assert.ok(s.text.includes(`${nameOf(decision.rep)} will contact you`), s.text);
    assert.ok(!s.text.includes(nameOf("r-hannah")), s.text);
    await outboxDrained(w.url);
    assert.equal(crm.leads.get(decision.lead_id).owner, sf.owners[decision.rep]);
  });
});
