#!/usr/bin/env node
// Screenshots of each screen of the rules dashboard for the README, taken on the sample
// (not by the tests): the reps table, a team's pipeline, the rules with the condition
// builder, the column mapping of a CRM export, the report with its insights, the audit log
// with one decision explained, the changes between two configs with a moved lead opened,
// and a pull pool simulated with the claim model (its chart and its table).
//
//   node scripts/screenshots.mjs [dir]      (default docs/; needs pkg/)
//
// Starts scripts/serve.mjs on a free 127.0.0.1 port and Debian's Chromium, stops both.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { ROOT, startServer } from "./serve.mjs";

const out = process.argv[2] ?? join(ROOT, "docs");
mkdirSync(out, { recursive: true });
const server = await startServer({ port: 0 });
const browser = await launchChromium();

/** A CRM-style export of the sample: its own header names, US dates without a zone. */
function crmCsv() {
  const leads = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const cols = [["Lead ID", "id"], ["Created Date", "created_at"], ["Email", "email"], ["Company", "company"], ["Employees", "company_size"],
    ["Country", "country"], ["State/Province", "region"], ["Lang", "language"], ["Product", "product_interest"], ["Page Views", "pages_viewed"],
    ["Wants Demo", "demo_requested"], ["Won", "converted"], ["Amount", "deal_value"]];
  const date = (iso) => {
    const d = new Date(iso);
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
  };
  const cell = (v) => (v === undefined || v === null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return [cols.map(([h]) => h).join(","), ...leads.map((l) => cols.map(([, f]) => cell(f === "created_at" ? date(l[f]) : l[f])).join(","))].join("\n") + "\n";
}

/** The element `selector`, at most `max` pixels of its top (tall reports stay readable). */
async function shot(page, name, selector, max = 1300) {
  const path = join(out, `dashboard-${name}.png`);
  const box = await page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  });
  await page.screenshot({ path, fullPage: true, clip: { ...box, height: Math.min(box.height, max) } });
  console.log(`screenshot: ${path}`);
}

async function run(page) {
  await page.waitForFunction(() => !document.getElementById("run").disabled);
  await page.click("#run");
  await page.waitForSelector('#progress-text[data-done="true"]', { timeout: 120000 });
}

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/www/dashboard/`);
  await page.waitForSelector('#engine-status[data-ready="true"]', { timeout: 30000 });

  // Editing: the reps table, a team's pipeline, the ordered rules.
  await shot(page, "reps", "#config-panel");
  await page.click('#editor-tabs [data-tab="teams"]');
  await page.click('[data-action="add-team"]');
  await page.fill('[data-team="team-1"] input[aria-label="team name"]', "Inbound France");
  await page.$eval('[data-team="team-1"] input[aria-label="team name"]', (i) => i.dispatchEvent(new Event("change")));
  await page.click('[data-team="team-1"] [data-action="add-require"]');
  await page.click('[data-team="team-1"] [data-action="add-prefer"]');
  await page.evaluate(() => document.querySelector('[data-team="team-1"]').scrollIntoView());
  await shot(page, "teams", "#config-panel");
  await page.click("#undo");
  await page.click("#undo");
  await page.click("#undo");
  await page.click("#undo");
  await page.click('#editor-tabs [data-tab="rules"]');
  await shot(page, "rules", "#config-panel");

  // Mapping a CRM export.
  const dir = mkdtempSync(join(tmpdir(), "leadroute-shots-"));
  writeFileSync(join(dir, "crm-export.csv"), crmCsv());
  await page.setInputFiles("#file", join(dir, "crm-export.csv"));
  await page.waitForSelector("#mapping:not([hidden])");
  await page.waitForFunction(() => !document.getElementById("run").disabled);
  await page.click("#run");
  await page.waitForSelector("#run-error:not([hidden]) [data-testid=ask-dates-run]");
  await page.selectOption('[data-testid="ask-date-format"]', "us");
  await shot(page, "mapping", "#leads-panel");

  // The report with its insights, on the sample.
  await page.click("#load-sample");
  await page.waitForFunction(() => /sample-leads\.jsonl/.test(document.getElementById("source").textContent));
  await run(page);
  await shot(page, "report", "#results");

  // The audit log, one decision explained.
  await page.click('[data-screen="audit"]');
  await page.fill('[data-testid="audit-text"]', "globexia");
  await page.click('[data-testid="audit-search"]');
  await page.waitForSelector('[data-testid="audit-table"] tr.decision');
  await page.click('[data-testid="audit-table"] tr.decision');
  await page.waitForSelector('[data-testid="audit-table"] td[data-explained="true"]');
  await shot(page, "audit", "#screen-audit", 900);

  // Changes between two configs, one moved lead opened.
  await page.check('input[name="mode"][value="compare"]');
  await page.click("#b-round-robin");
  await page.waitForSelector("#errors-b li.ok");
  await run(page);
  await page.click('[data-screen="changes"]');
  await page.click('[data-testid="diff-table-leads"] tr.decision');
  await page.waitForSelector('[data-testid="diff-table-leads"] td[data-explained="true"]');
  await shot(page, "changes", "#screen-changes", 1100);

  // A pull pool with the claim model.
  await page.check('input[name="mode"][value="single"]');
  await page.click("details.options summary");
  await page.check("#claim-on");
  await run(page);
  await shot(page, "pools", "#fig-pools");
  await shot(page, "pools-table", "#sla-table");

  // The Learning screen on the README's scenario config (learned team, caps, floor).
  const reps = ["ana", "ben", "cho", "dev", "eli"];
  await page.evaluate((text) => window.dashboard.doc.setText(text), JSON.stringify({
    fields: { industry: "string" },
    reps: reps.map((id) => ({ id, caps: { month: 150 } })),
    teams: [{ id: "sales", members: reps, select: { pick: { type: "learned", segment: ["industry"], half_life_days: 90, floor: 0.05, draws: 128 } } }],
    rules: [{ id: "all", team: "sales" }],
    fallback: "ana",
  }));
  await page.waitForSelector("#learning-panel:not([hidden])");
  await page.click("#learning-run");
  await page.waitForSelector('[data-testid="learning-status"][data-done="true"]', { timeout: 120000 });
  await shot(page, "learning", "#learning-panel", 1500);
} finally {
  await browser.close();
  await server.close();
}
