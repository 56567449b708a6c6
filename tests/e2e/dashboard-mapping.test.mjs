// End-to-end: a CRM export with its own column names and US dates. The page matches the
// headers by synonyms and similarity, previews each column's values, names the config
// fields no column feeds, and a run whose created_at does not read stops and asks how to
// read it (the core detects and reads the dates) instead of running.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../scripts/serve.mjs";
import { dashboardPages } from "./page.mjs";

const entry = join(ROOT, "pkg/node/leadroute_wasm.js");
if (!existsSync(entry)) throw new Error(`${entry} is missing: run scripts/build.sh first`);
const lib = createRequire(import.meta.url)(entry);
const CONFIG = readFileSync(join(ROOT, "data/default-config.json"), "utf8");
const LEADS = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

/** CRM header -> the lead field it holds (what the page should guess). */
const COLUMNS = [
  ["Lead ID", "id"], ["Created Date", "created_at"], ["First Name", "first_name"], ["Last Name", "last_name"],
  ["Email", "email"], ["Company", "company"], ["Job Title", "title"], ["Employees", "company_size"],
  ["Annual Revenue", "annual_revenue"], ["Industry", "industry"], ["Country", "country"],
  ["State/Province", "region"], ["Zip", "postal_code"], ["Lang", "language"], ["Product", "product_interest"],
  ["Page Views", "pages_viewed"], ["Wants Demo", "demo_requested"], ["Lead Source", "source"],
  ["Won", "converted"], ["Amount", "deal_value"],
];
/** `11/2/2026 04:05`: month first, no zone, as a US CRM writes it. */
const usDate = (iso) => {
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
};
const cell = (v) => (v === undefined || v === null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
const CSV = [COLUMNS.map(([h]) => h).join(","),
  ...LEADS.map((l) => COLUMNS.map(([, f]) => cell(f === "created_at" ? usDate(l[f]) : l[f])).join(","))].join("\n") + "\n";
const MAPPING = Object.fromEntries(COLUMNS.map(([h, f]) => [h, f]));

const open = dashboardPages();
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadroute-mapping-"));
  writeFileSync(join(dir, "crm-export.csv"), CSV);
});

describe("rules dashboard: mapping a CRM export", () => {
  test("headers matched by synonyms and similarity, values previewed, unread dates stop the run and ask", { timeout: 90000 }, async () => {
    const page = await open();
    try {
      await page.setInputFiles("#file", join(dir, "crm-export.csv"));
      await page.waitForSelector("#mapping:not([hidden])");
      const guessed = await page.$$eval("#mapping-table select", (ss) => Object.fromEntries(ss.map((s) => [s.dataset.header, s.value])));
      assert.deepEqual(guessed, MAPPING);
      // The first values of a column, as the core's CSV reader splits them.
      const preview = await page.$eval('#mapping-table td.preview[data-header="Created Date"]', (td) => td.textContent);
      assert.equal(preview, LEADS.slice(0, 3).map((l) => usDate(l.created_at)).join(" · "));
      // Config fields no column feeds.
      assert.equal(await page.$eval("#unfed", (p) => p.dataset.fields), "message,phone");

      // The dates carry no zone: the run stops and asks.
      await page.waitForFunction(() => !document.getElementById("run").disabled);
      await page.click("#run");
      await page.waitForSelector("#run-error:not([hidden]) [data-testid=ask-dates-run]");
      assert.equal(await page.isVisible("#results"), false);
      const code = await page.$eval("#run-error", (e) => e.dataset.code);
      const sim = new lib.Simulation(CONFIG, { sample: 200, reorder_window: 10000 });
      assert.throws(() => {
        sim.feedCsv(CSV, MAPPING);
        sim.finish();
      }, (e) => e.code === code);

      await page.selectOption('[data-testid="ask-date-format"]', "us");
      await page.fill('#run-error input[aria-label="time zone of the dates"]', "UTC");
      await page.click('[data-testid="ask-dates-run"]');
      await page.waitForSelector('#progress-text[data-done="true"]', { timeout: 60000 });
      const want = new lib.Simulation(CONFIG, { sample: 200, touch_after_minutes: null, reorder_window: 10000, created_at: { format: "us", zone: "UTC" } });
      want.feedCsv(CSV, MAPPING);
      const report = want.report();
      assert.equal(report.leads, 400);
      assert.equal(Number(await page.$eval('[data-testid="summary-leads"] .value', (e) => e.dataset.value)), 400);
      assert.equal(Number(await page.$eval('[data-testid="summary-assigned"] .value', (e) => e.dataset.value)), report.outcomes.assigned);
      assert.equal(await page.$eval("#date-detected", (e) => e.dataset.format), report.created_at.format);
      assert.deepEqual(page.problems, []);

      // The config and the mapping saved as one file, opened again on a fresh page.
      const [file] = await Promise.all([page.waitForEvent("download"), page.click("#save-file")]);
      const saved = JSON.parse(readFileSync(await file.path(), "utf8"));
      assert.deepEqual(saved, { leadroute_dashboard: 1, config: JSON.parse(CONFIG), mapping: MAPPING });
      // A column no guess would map, as a teammate's file could carry it.
      writeFileSync(join(dir, "rules.json"), JSON.stringify({ ...saved, mapping: { ...saved.mapping, Colour: "language" } }));
      const context = await open.context();
      try {
        const again = await open(context);
        // A changed config first, so opening the file visibly restores it.
        await again.evaluate(() => window.dashboard.doc.update(["fallback"], "r-isabel"));
        await again.setInputFiles("#open-file", join(dir, "rules.json"));
        await again.waitForFunction(() => JSON.parse(window.dashboard.doc.text).fallback === "r-morgan");
        assert.deepEqual(await again.evaluate(() => JSON.parse(window.dashboard.doc.text)), JSON.parse(CONFIG));
        assert.equal(await again.inputValue("#config-name"), "rules");
        // The file's mapping is used for the columns it names.
        writeFileSync(join(dir, "renamed.csv"), CSV.replace("Lang,", "Colour,"));
        await again.setInputFiles("#file", join(dir, "renamed.csv"));
        await again.waitForSelector("#mapping:not([hidden])");
        const chosen = await again.$$eval("#mapping-table select", (ss) => Object.fromEntries(ss.map((s) => [s.dataset.header, s.value])));
        assert.equal(chosen.Colour, "language");
        assert.equal(chosen["State/Province"], "region");
      } finally {
        await context.close();
      }
    } finally {
      await page.close();
    }
  });
});
