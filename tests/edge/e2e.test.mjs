// The demo form in headless Chromium against real workerd and the stand-in CRM: fill it in,
// submit, see the rep, find the lead in the CRM with that rep's owner id. Also the case
// where the browser preview and the worker disagree (the worker wins). Failures on the way
// (no engine, no network, a 4xx) are in form-resilience.test.mjs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../../scripts/chromium.mjs";
import { startCrm } from "./crm-stub.mjs";
import { CRM_TOKEN, crmMapping, outboxDrained, startStatic, startWorkerd, testConfig } from "./harness.mjs";
import { GRACE, decisionOf, fill, openForm, submitAndWait } from "./form-page.mjs";

const sf = crmMapping("salesforce");
const config = testConfig();
const nameOf = (rep) => config.reps.find((r) => r.id === rep).name;

describe("demo form in Chromium", () => {
  let crm;
  let w;
  let site;
  let browser;

  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN });
    [w, site] = await Promise.all([startWorkerd({ config, crm: sf, env: { CRM_URL: crm.url } }), startStatic()]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await w?.stop();
    await site?.close();
    await crm?.close();
  });

  test("submit the form, see the rep and the booking link, find the lead in the CRM with that owner", async () => {
    const { page, errors, consoleErrors } = await openForm(browser, site, w);
    await fill(page, GRACE);
    const shown = await submitAndWait(page, "confirmed");
    const { decision } = decisionOf(shown);
    assert.equal(decision.outcome, "assigned");
    assert.equal(shown.rep, decision.rep);
    assert.ok(shown.text.includes(`${nameOf(decision.rep)} will contact you`), shown.text);
    assert.equal(shown.href, config.reps.find((r) => r.id === decision.rep).calendar_url);
    await outboxDrained(w.url);
    const rec = [...crm.leads.values()].find((l) => l.fields.Email === GRACE.email);
    assert.ok(rec, "the lead reached the CRM");
    assert.equal(rec.owner, sf.owners[decision.rep]);
    assert.equal(rec.key, decision.lead_id);
    assert.equal(rec.fields.FirstName, "Grace");
    assert.equal(rec.fields.LastName, "Whitfield");
    assert.equal(rec.fields.Product_Interest__c, "Forecasting");
    assert.equal(rec.dataWrites, 1);
    assert.deepEqual(errors, []);
    assert.deepEqual(consoleErrors, []);
  });

  test("when the browser preview differs, the worker's decision is shown (known account, private list)", async () => {
    const { page } = await openForm(browser, site, w);
    // globexia.com is a known account of Olivia's; the public config has no account list.
    await fill(page, { name: "Tom Becker", email: "tom.becker@globexia.com", company: "Globexia", title: "Operations Manager", size: "120", country: "US", region: "OH", demo: true });
    const shown = await submitAndWait(page, "confirmed");
    const preview = shown.events.find((e) => e.type === "leadroute:preview").detail.preview;
    const final = decisionOf(shown);
    assert.notEqual(preview.rep, "r-olivia", "the preview cannot know the account owner");
    assert.equal(final.changed, true);
    assert.equal(final.decision.rep, "r-olivia");
    assert.equal(shown.changed, "true");
    assert.ok(shown.text.includes("Olivia Bennett will contact you"), shown.text);
    await outboxDrained(w.url);
    const rec = crm.leads.get(final.decision.lead_id);
    assert.equal(rec.owner, sf.owners["r-olivia"]);
  });
});
