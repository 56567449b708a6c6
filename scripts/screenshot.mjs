#!/usr/bin/env node
// Screenshot of the rules dashboard after a run, for the README: the sample leads, the
// default config (A) against the same config with round robin everywhere (B).
//
//   node scripts/screenshot.mjs [out.png]      (default docs/dashboard.png; needs pkg/)
//
// Starts scripts/serve.mjs on a free 127.0.0.1 port and Debian's Chromium, stops both.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { ROOT, startServer } from "./serve.mjs";

const out = process.argv[2] ?? join(ROOT, "docs/dashboard.png");
const server = await startServer({ port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/www/dashboard/`);
  await page.waitForSelector('#engine-status[data-ready="true"]', { timeout: 30000 });
  await page.click("#load-sample");
  await page.waitForSelector("#errors-a li.ok");
  // Reps contact every lead within 3 minutes, inside the sample config's 5-minute SLA.
  await page.$eval("#opt-touch", (e) => (e.value = "3"));
  await page.check('input[name="mode"][value="compare"]');
  await page.click("#b-round-robin");
  await page.waitForSelector("#errors-b li.ok");
  await page.click("#run");
  await page.waitForSelector('#progress-text[data-done="true"]', { timeout: 120000 });
  // Results first: fold the editors so the report fills the picture.
  await page.evaluate(() => {
    for (const id of ["config-a", "config-b"]) document.getElementById(id).style.height = "90px";
  });
  const top = await page.$eval("#config-panel", (e) => e.getBoundingClientRect().top + window.scrollY);
  const bottom = await page.$eval("#report-view figure:nth-of-type(4)", (e) => e.getBoundingClientRect().bottom + window.scrollY);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: Math.max(0, top - 8), width: 1440, height: bottom - top + 24 } });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
