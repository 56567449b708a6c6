// Shared by the dashboard e2e suites (not a test file itself): the static server and
// headless Chromium for a describe block, the dashboard opened with its engine ready and
// page errors collected in `page.problems`, and a run of the simulation.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { launchChromium } from "../../scripts/chromium.mjs";
import { startServer } from "../../scripts/serve.mjs";

const VIEWPORT = { width: 1400, height: 1000 };

/**
 * Starts the server and the browser before the suite; returns `open(context?)`, which
 * opens the dashboard in a new page (of `context` when given, e.g. for a browser storage
 * of its own), and `open.context()`, a new browser context at the dashboard's viewport.
 */
export function dashboardPages() {
  let server;
  let browser;
  before(async () => {
    server = await startServer({ port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  async function open(context) {
    const page = context ? await context.newPage() : await browser.newPage({ viewport: VIEWPORT });
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${server.url}/www/dashboard/`);
    await ready(page);
    page.problems = problems;
    return page;
  }
  open.context = (options = {}) => browser.newContext({ viewport: VIEWPORT, ...options });
  return open;
}

/** Waits for the page's engine (after opening or reloading it). */
export async function ready(page) {
  await page.waitForSelector('#engine-status[data-ready="true"]', { timeout: 30000 });
}

/** Runs the simulation as a person does (the Run button) and waits for its report; no
 * page error may have happened. */
export async function run(page, timeout = 120000) {
  await page.waitForFunction(() => !document.getElementById("run").disabled);
  await page.click("#run");
  await page.waitForSelector('#progress-text[data-done="true"]', { timeout });
  assert.deepEqual(page.problems, []);
}
