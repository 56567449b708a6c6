// The demo form in headless Chromium against real workerd and the stand-in CRM: fill it in,
// submit, see the rep, find the lead in the CRM with that rep's owner id. Also the case
// where the browser preview and the worker disagree (the worker wins), and a 4xx.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../../scripts/chromium.mjs";
import { startCrm } from "./crm-stub.mjs";
import { CRM_TOKEN, crmMapping, outboxDrained, startStatic, startWorkerd, testConfig } from "./harness.mjs";

const sf = crmMapping("salesforce");
const config = testConfig();
const nameOf = (rep) => config.reps.find((r) => r.id === rep).name;

describe("demo form in Chromium", () => {
  let crm;
  let w;
  let site;
  let browser;
  let page;
  const consoleErrors = [];

  before(async () => {
    crm = await startCrm({ token: CRM_TOKEN });
    [w, site] = await Promise.all([startWorkerd({ config, crm: sf, env: { CRM_URL: crm.url } }), startStatic()]);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
  });

  after(async () => {
    await browser?.close();
    await w?.stop();
    await site?.close();
    await crm?.close();
  });

  async function open() {
    await page.goto(`${site.url}/index.html?endpoint=${encodeURIComponent(w.url)}`);
    assert.equal(await page.evaluate(() => window.leadForm.ready), true, "engine and public config loaded");
    await page.evaluate(() => {
      window.events = [];
      for (const t of ["leadroute:preview", "leadroute:decision", "leadroute:error"]) {
        document.querySelector("#contact").addEventListener(t, (e) => window.events.push({ type: t, detail: JSON.parse(JSON.stringify(e.detail)) }));
      }
    });
  }

  async function fill(v) {
    await page.fill('input[name="name"]', v.name);
    await page.fill('input[name="email"]', v.email);
    await page.fill('input[name="company"]', v.company);
    await page.fill('input[name="title"]', v.title ?? "");
    await page.selectOption('select[name="company_size"]', v.size);
    await page.selectOption('select[name="country"]', v.country);
    await page.fill('input[name="region"]', v.region ?? "");
    await page.selectOption('select[name="product_interest"]', v.product ?? "");
    await page.fill('textarea[name="message"]', v.message ?? "");
    if (v.demo) await page.check('input[name="demo_requested"]');
  }

  async function submitAndWait(state) {
    await page.click('button[type="submit"]');
    await page.waitForSelector(`#result[data-leadroute-state="${state}"]`, { timeout: 10_000 });
    return page.evaluate(() => {
      const box = document.querySelector("#result");
      return { text: box.textContent, rep: box.dataset.rep ?? null, changed: box.dataset.changed, href: box.querySelector("a")?.href ?? null, events: window.events };
    });
  }

  test("submit the form, see the rep and the booking link, find the lead in the CRM with that owner", async () => {
    await open();
    await fill({
      name: "Grace Whitfield",
      email: "grace.whitfield@harborpoint-capital.com",
      company: "Harborpoint Capital",
      title: "VP Data",
      size: "2500",
      country: "US",
      region: "NY",
      product: "Forecasting",
      message: "We want forecasting on fund flows. Could we see a demo next week?",
      demo: true,
    });
    const shown = await submitAndWait("confirmed");
    const decision = shown.events.find((e) => e.type === "leadroute:decision").detail.decision;
    assert.equal(decision.outcome, "assigned");
    assert.equal(shown.rep, decision.rep);
    assert.ok(shown.text.includes(`${nameOf(decision.rep)} will contact you`), shown.text);
    assert.equal(shown.href, config.reps.find((r) => r.id === decision.rep).calendar_url);
    await outboxDrained(w.url);
    const rec = [...crm.leads.values()].find((l) => l.fields.Email === "grace.whitfield@harborpoint-capital.com");
    assert.ok(rec, "the lead reached the CRM");
    assert.equal(rec.owner, sf.owners[decision.rep]);
    assert.equal(rec.key, decision.lead_id);
    assert.equal(rec.fields.FirstName, "Grace");
    assert.equal(rec.fields.LastName, "Whitfield");
    assert.equal(rec.fields.NumberOfEmployees, 2500);
    assert.equal(rec.dataWrites, 1);
    assert.deepEqual(consoleErrors, []);
  });

  test("when the browser preview differs, the worker's decision is shown (known account, private list)", async () => {
    await open();
    // globexia.com is a known account of Olivia's; the public config has no account list.
    await fill({ name: "Tom Becker", email: "tom.becker@globexia.com", company: "Globexia", title: "Operations Manager", size: "120", country: "US", region: "OH", demo: true });
    const shown = await submitAndWait("confirmed");
    const preview = shown.events.find((e) => e.type === "leadroute:preview").detail.preview;
    const final = shown.events.find((e) => e.type === "leadroute:decision").detail;
    assert.notEqual(preview.rep, "r-olivia", "the preview cannot know the account owner");
    assert.equal(final.changed, true);
    assert.equal(final.decision.rep, "r-olivia");
    assert.equal(shown.changed, "true");
    assert.ok(shown.text.includes("Olivia Bennett will contact you"), shown.text);
    await outboxDrained(w.url);
    const rec = crm.leads.get(final.decision.lead_id);
    assert.equal(rec.owner, sf.owners["r-olivia"]);
  });

  test("a 4xx from the worker is shown and marks the field at fault", async () => {
    await open();
    const before = crm.leads.size;
    await fill({ name: "Sam Ortiz", email: "sam@ortiz-labs", company: "Ortiz Labs", size: "500", country: "CA", region: "ON" });
    const shown = await submitAndWait("error");
    assert.match(shown.text, /"email" is not an email address/);
    assert.equal(await page.getAttribute('input[name="email"]', "aria-invalid"), "true");
    await outboxDrained(w.url);
    assert.equal(crm.leads.size, before);
    assert.equal(shown.events.filter((e) => e.type === "leadroute:error")[0].detail.status, 422);
  });
});
