// Shared parts of the demo form's Chromium suites (not a test file): open the page in a
// fresh browser context (its own localStorage), fill it in as a visitor, read what it shows.
import assert from "node:assert/strict";

export const GRACE = {
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
};

/**
 * A page of the demo form in a new context. `block(context)` installs route interceptions
 * before the page loads; `ready` is what `leadForm.ready` must resolve to (null: not awaited). `errors` collects
 * uncaught page errors, `consoleErrors` what the console logs as errors (failed loads too).
 */
export async function openForm(browser, site, w, { block, ready = true } = {}) {
  const context = await browser.newContext();
  const errors = [];
  const consoleErrors = [];
  if (block) await block(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  await page.goto(`${site.url}/index.html?endpoint=${encodeURIComponent(w.url)}`);
  await listen(page);
  if (ready !== null) assert.equal(await page.evaluate(() => window.leadForm.ready), ready, "leadForm.ready");
  return { context, page, errors, consoleErrors };
}

/** Records the form's events in `window.events` (again after each load). */
export async function listen(page) {
  await page.evaluate(() => {
    window.events = [];
    for (const t of ["leadroute:preview", "leadroute:decision", "leadroute:queued", "leadroute:error"]) {
      document.querySelector("#contact").addEventListener(t, (e) => window.events.push({ type: t, detail: JSON.parse(JSON.stringify(e.detail)) }));
    }
  });
}

export async function fill(page, v) {
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

/** What the result box and the fields show now. */
export function shown(page) {
  return page.evaluate(() => {
    const box = document.querySelector("#result");
    return {
      state: box.dataset.leadrouteState ?? null,
      text: box.textContent,
      rep: box.dataset.rep ?? null,
      changed: box.dataset.changed ?? null,
      href: box.querySelector("a")?.href ?? null,
      fieldErrors: [...document.querySelectorAll(".leadroute-field-error")].map((e) => ({
        field: e.dataset.field,
        text: e.textContent,
        after: e.previousElementSibling?.getAttribute("name") ?? null,
      })),
      invalid: [...document.querySelectorAll('[aria-invalid="true"]')].map((e) => e.getAttribute("name")),
      events: window.events,
    };
  });
}

export async function waitState(page, state, timeout = 15_000) {
  await page.waitForSelector(`#result[data-leadroute-state="${state}"]`, { timeout });
  return shown(page);
}

export async function submitAndWait(page, state) {
  await page.click('button[type="submit"]');
  return waitState(page, state);
}

export function decisionOf(s) {
  return s.events.findLast((e) => e.type === "leadroute:decision")?.detail ?? null;
}
