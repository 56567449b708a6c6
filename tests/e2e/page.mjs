// Shared by the dashboard e2e suites that use it (not a test file itself): the static
// server and headless Chromium for a describe block, and the dashboard opened with its
// engine ready and page errors collected in `page.problems`.
import { after, before } from "node:test";
import { launchChromium } from "../../scripts/chromium.mjs";
import { startServer } from "../../scripts/serve.mjs";

/** Starts the server and the browser before the suite; returns `open()`. */
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
  return async function open() {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${server.url}/www/dashboard/`);
    await page.waitForSelector('#engine-status[data-ready="true"]', { timeout: 30000 });
    page.problems = problems;
    return page;
  };
}
