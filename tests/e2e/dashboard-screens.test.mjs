// End-to-end: the screens after a run, in headless Chromium, each checked against the
// engine through pkg/node: the insights ranked by impact, the audit log (search a lead,
// open its explanation, export the rows), the changes between two configs (moves between
// reps, a moved lead opened with both explanations) and a pull pool with the claim model.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "../../scripts/serve.mjs";
import { dashboardPages, run } from "./page.mjs";

const entry = join(ROOT, "pkg/node/leadroute_wasm.js");
if (!existsSync(entry)) throw new Error(`${entry} is missing: run scripts/build.sh first`);
const lib = createRequire(import.meta.url)(entry);
const CONFIG = readFileSync(join(ROOT, "data/default-config.json"), "utf8");
const JSONL = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8");
const OPTIONS = { sample: 200, touch_after_minutes: null, reorder_window: 10000 };

function engine(config, options = OPTIONS) {
  const sim = new lib.Simulation(config, options);
  sim.feedJsonl(JSONL);
  return { sim, report: sim.report() };
}

const openDashboard = dashboardPages();

/** The dashboard with the bundled sample loaded. */
async function open() {
  const page = await openDashboard();
  await page.click("#load-sample");
  await page.waitForFunction(() => /sample-leads\.jsonl/.test(document.getElementById("source").textContent));
  return page;
}

const download = (page, testid) =>
  page.evaluate(async (id) => (await fetch(document.querySelector(`[data-testid="${id}"]`).href)).text(), testid);

describe("rules dashboard: insights, audit log, changes, claims", () => {
  test("insights by impact; a lead found in the audit log and explained; rows exported", { timeout: 90000 }, async () => {
    const page = await open();
    try {
      await run(page);
      const { sim, report } = engine(CONFIG);
      const shown = await page.$$eval("#insights li.insight", (ls) => ls.map((l) => [l.dataset.code, Number(l.dataset.impact)]));
      const ranked = [...report.insights].sort((a, b) => b.impact - a.impact).map((i) => [i.code, i.impact]);
      assert.ok(ranked.length > 0);
      assert.deepEqual(shown, ranked);

      await page.click('[data-screen="audit"]');
      await page.waitForSelector('[data-testid="audit-total"][data-value]');
      assert.equal(Number(await page.$eval('[data-testid="audit-total"]', (e) => e.dataset.value)), 400);
      // One lead by its email.
      const target = sim.search({ outcome: "assigned" }, { limit: 1 }).rows[0];
      await page.fill('[data-testid="audit-text"]', target.email);
      await page.click('[data-testid="audit-search"]');
      await page.waitForFunction((n) => document.querySelector('[data-testid="audit-total"]').dataset.value === String(n), sim.search({ text: target.email }).total);
      const rows = await page.$$eval('[data-testid="audit-table"] tr.decision', (rs) => rs.map((r) => Number(r.dataset.index)));
      assert.deepEqual(rows, sim.search({ text: target.email }).rows.map((r) => r.index));
      await page.click(`[data-testid="audit-table"] tr.decision[data-index="${target.index}"]`);
      const why = await page.waitForSelector(`[data-testid="audit-table"] tr.decision[data-index="${target.index}"] + tr.detail td[data-explained="true"]`);
      const text = await why.textContent();
      const decision = sim.explain(target.index);
      assert.equal(decision.lead_id, target.lead_id);
      for (const step of decision.trace.steps) assert.ok(text.includes(step), `missing step ${step}`);
      assert.ok(text.includes(target.rep_name), target.rep_name);

      // By rep and outcome, then exported.
      await page.fill('[data-testid="audit-text"]', "");
      await page.selectOption('[data-testid="audit-rep"]', "r-jake");
      await page.selectOption('[data-testid="audit-outcome"]', "assigned");
      await page.click('[data-testid="audit-search"]');
      const q = { rep: "r-jake", outcome: "assigned" };
      await page.waitForFunction((n) => document.querySelector('[data-testid="audit-total"]').dataset.value === String(n), sim.search(q).total);
      await page.click('[data-testid="audit-export"]');
      await page.waitForSelector('[data-testid="audit-csv"]');
      assert.equal(await download(page, "audit-csv"), sim.searchCsv(q));
    } finally {
      await page.close();
    }
  });

  test("two configs compared: moves between reps, filtered, a moved lead opened with both explanations", { timeout: 90000 }, async () => {
    const page = await open();
    try {
      await page.check('input[name="mode"][value="compare"]');
      await page.click("#b-round-robin");
      await page.waitForSelector("#errors-b li.ok");
      const configB = await page.inputValue("#config-b");
      await run(page);
      const a = engine(CONFIG);
      const b = engine(configB);
      const diff = a.sim.diff(b.sim, null, { limit: 200 });
      assert.ok(diff.moved > 0);
      await page.click('[data-screen="changes"]');
      assert.equal(Number(await page.$eval('[data-testid="diff-summary"]', (e) => e.dataset.moved)), diff.moved);
      const moves = await page.$$eval('[data-testid="diff-moves"] tbody tr', (rs) => rs.map((r) => [r.dataset.from, r.dataset.to, Number(r.querySelector("td[data-value]").dataset.value)]));
      assert.deepEqual(moves, diff.moves.map((m) => [m.from, m.to, m.count]));
      // Filtered by the rep who lost the first moved lead.
      const rep = diff.rows.find((r) => r.a.rep).a.rep;
      await page.selectOption('[data-testid="diff-rep"]', rep);
      const byRep = a.sim.diff(b.sim, { rep }, { limit: 200 });
      assert.ok(byRep.total > 0 && byRep.total < diff.moved);
      await page.waitForFunction((n) => document.querySelector('[data-testid="diff-summary"]').dataset.total === String(n), byRep.total);
      const leads = await page.$$eval('[data-testid="diff-table-leads"] tr.decision', (rs) => rs.map((r) => Number(r.dataset.index)));
      assert.deepEqual(leads, byRep.rows.map((m) => m.index));
      // One moved lead: why A and why B.
      const m = byRep.rows[0];
      await page.click(`[data-testid="diff-table-leads"] tr.decision[data-index="${m.index}"]`);
      await page.waitForSelector('[data-testid="diff-table-leads"] td[data-explained="true"]');
      const whyA = await page.textContent('[data-testid="why-a"]');
      const whyB = await page.textContent('[data-testid="why-b"]');
      for (const step of a.sim.explain(m.a.index).trace.steps) assert.ok(whyA.includes(step), `A: missing ${step}`);
      for (const step of b.sim.explain(m.b.index).trace.steps) assert.ok(whyB.includes(step), `B: missing ${step}`);
    } finally {
      await page.close();
    }
  });

  test("a first-time user changes a cap and sees the leads it moves", { timeout: 90000 }, async () => {
    const page = await open();
    try {
      // B keeps the config before the change: a copy of A when the mode is chosen.
      await page.check('input[name="mode"][value="compare"]');
      await page.waitForSelector("#errors-b li.ok");
      const jake = JSON.parse(CONFIG).reps.findIndex((r) => r.id === "r-jake");
      await page.fill(`input[data-path="reps[${jake}].caps.month"]`, "3");
      await page.press(`input[data-path="reps[${jake}].caps.month"]`, "Tab");
      await page.waitForSelector("#errors-a li.ok");
      const configA = await page.evaluate(() => window.dashboard.doc.text);
      assert.equal(JSON.parse(configA).reps[jake].caps.month, 3);
      await run(page);
      await page.click('[data-screen="changes"]');
      await page.selectOption('[data-testid="diff-direction"]', "ba");
      const before = engine(CONFIG);
      const afterCap = engine(configA);
      const diff = before.sim.diff(afterCap.sim, null, { limit: 200 });
      await page.waitForFunction((n) => document.querySelector('[data-testid="diff-summary"]').dataset.total === String(n), diff.total);
      assert.equal(Number(await page.$eval('[data-testid="diff-summary"]', (e) => e.dataset.moved)), diff.moved);
      const moves = await page.$$eval('[data-testid="diff-moves"] tbody tr', (rs) => rs.map((r) => [r.dataset.from, r.dataset.to, Number(r.querySelector("td[data-value]").dataset.value)]));
      assert.deepEqual(moves, diff.moves.map((m) => [m.from, m.to, m.count]));
      assert.ok(moves.some(([from]) => from === "r-jake"), "leads moved away from Jake");
      assert.equal(afterCap.report.reps.find((r) => r.id === "r-jake").peak.month, 3);
    } finally {
      await page.close();
    }
  });

  test("a pull pool simulated with the claim model: claims, time to claim, expiries", { timeout: 90000 }, async () => {
    const page = await open();
    try {
      await page.click("details.options summary");
      await page.check("#claim-on");
      await page.selectOption("#claim-dist", "exponential");
      await page.fill("#claim-mean", "15");
      await page.fill("#claim-seed", "7");
      await run(page);
      const { report } = engine(CONFIG, { ...OPTIONS, claims: { seed: 7, delay: { type: "exponential", mean_minutes: 15 } } });
      const none = engine(CONFIG).report;
      const rows = await page.$$eval("#sla-table tr[data-pool]", (rs) => rs.map((r) => ({
        id: r.dataset.pool,
        claimed: Number(r.querySelector('[data-col="claimed"]').dataset.value),
        expired: Number(r.querySelector('[data-col="expired"]').dataset.value),
      })));
      assert.deepEqual(rows, report.pools.map((p) => ({ id: p.id, claimed: p.claimed, expired: p.expired })));
      const claimed = report.pools.reduce((n, p) => n + p.claimed, 0);
      assert.ok(claimed > 0, "members claimed leads");
      // Without the model nobody claims, and more expire.
      assert.equal(none.pools.reduce((n, p) => n + p.claimed, 0), 0);
      assert.ok(none.pools.reduce((n, p) => n + p.expired, 0) > report.pools.reduce((n, p) => n + p.expired, 0));
      const chart = await page.evaluate(() => window.Chart.getChart("chart-pools").data.datasets.map((d) => [d.label, d.data]));
      assert.deepEqual(chart[0][1], report.pools.map((p) => p.claimed));
      assert.deepEqual(chart[1][1], report.pools.map((p) => p.expired));
      const smb = report.pools.find((p) => p.id === "smb-pool");
      const ttc = await page.$eval('#sla-table tr[data-pool="smb-pool"] [data-col="time_to_claim"]', (td) => td.dataset.value);
      assert.equal(Number(ttc), smb.time_to_claim.p50_minutes);
    } finally {
      await page.close();
    }
  });
});
