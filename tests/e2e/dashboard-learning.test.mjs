// End-to-end: the Learning screen in headless Chromium, checked against the engine through
// pkg/node. A config with a learned team shows the screen; its settings reach the core's
// simulator, and the table, the cards and every curve (Chart.js datasets, with legends)
// hold the report's own numbers; a bad setting shows the typed error. A simulation run of
// a learned team shows the report's off-policy line.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "../../scripts/serve.mjs";
import { dashboardPages } from "./page.mjs";

const entry = join(ROOT, "pkg/node/leadroute_wasm.js");
if (!existsSync(entry)) throw new Error(`${entry} is missing: run scripts/build.sh first`);
const lib = createRequire(import.meta.url)(entry);
const DEFAULT = JSON.parse(readFileSync(join(ROOT, "data/default-config.json"), "utf8"));
const JSONL = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8");

const REPS = ["ana", "ben", "cho", "dev", "eli"];
const LEARNED = {
  fields: { industry: "string" },
  reps: REPS.map((id) => ({ id, caps: { month: 150 } })),
  teams: [{ id: "sales", members: REPS, select: { pick: { type: "learned", segment: ["industry"], floor: 0.05, draws: 64 } } }],
  rules: [{ id: "all", team: "sales" }],
  fallback: "ana",
};
/** The default config with its enterprise team on the learned pick (by industry). */
function defaultLearned() {
  const c = structuredClone(DEFAULT);
  const team = c.teams.find((t) => t.id === "enterprise");
  delete team.strategy;
  team.select = { pick: { type: "learned", segment: ["industry"], floor: 0.1 } };
  return c;
}

const open = dashboardPages();

const setConfig = (page, config) => page.evaluate((text) => window.dashboard.doc.setText(text), JSON.stringify(config));

async function runLearning(page, settings) {
  for (const [id, v] of Object.entries(settings)) await page.fill(`#learning-${id}`, String(v));
  await page.click("#learning-run");
  await page.waitForSelector('[data-testid="learning-status"][data-done="true"]', { timeout: 60000 });
}

/** Every Learning chart's datasets as { label, data } (what Chart.js draws), by canvas id. */
const curves = (page) =>
  page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#learning-view canvas")].map((c) => {
    const ch = Chart.getChart(c);
    return [c.id, { legend: ch.options.plugins.legend.display !== false, sets: ch.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) }];
  })));

describe("rules dashboard: the Learning screen", () => {
  test("a learned config: the settings reach the simulator and the curves hold its numbers", { timeout: 120000 }, async () => {
    const page = await open();
    try {
      await setConfig(page, DEFAULT);
      assert.equal(await page.$eval("#learning-panel", (e) => e.hidden), true, "no learned team: no screen");
      await setConfig(page, LEARNED);
      await page.waitForSelector("#learning-panel:not([hidden])");
      assert.deepEqual(await page.$$eval("#learning-team option", (os) => os.map((o) => o.value)), ["sales"]);
      const settings = { seed: 5, months: 6, leads: 300, spread: 0.12, "delay-min": 7, "delay-max": 30 };
      await runLearning(page, settings);
      const want = lib.simulateLearning(LEARNED, {
        seed: 5, months: 6, leads_per_month: 300, spread: 0.12, delay_days: [7, 30], team: "sales",
      });
      assert.deepEqual(await page.evaluate(() => window.dashboard.learning.report), want);
      assert.equal(want.leads, 1800);

      const table = await page.$$eval('[data-testid="learning-table"] tbody tr', (rs) => rs.map((r) => [
        r.dataset.policy, Number(r.querySelector('[data-col="conversions"]').dataset.value), Number(r.querySelector('[data-col="regret"]').dataset.value),
      ]));
      assert.deepEqual(table, want.policies.map((p) => [p.policy, p.conversions, p.regret]));
      const [learned, , rr] = want.policies;
      assert.ok(learned.conversions > rr.conversions, "learned beats round robin on this seed");
      assert.equal(Number(await page.$eval('[data-testid="learning-ips"] .value', (e) => e.dataset.value)), want.off_policy.ips);

      const c = await curves(page);
      const perPolicy = (key) => want.policies.map((p) => ({ label: p.label, data: p.months.map((m) => m[key]) }));
      assert.deepEqual(c["chart-learning-conversions"].sets, perPolicy("cumulative_conversions"));
      assert.deepEqual(c["chart-learning-revenue"].sets, perPolicy("cumulative_revenue"));
      assert.deepEqual(c["chart-learning-regret"].sets, perPolicy("cumulative_regret"));
      assert.deepEqual(c["chart-learning-shares"].sets.map((s) => s.label), REPS);
      assert.deepEqual(c["chart-learning-shares"].sets[4].data, learned.months.map((m) => m.per_rep[4] / m.leads));
      assert.deepEqual(c["chart-learning-floor"].sets[0].data, learned.months.map((m) => m.cumulative_min_share));
      assert.deepEqual(c["chart-learning-floor"].sets[2].data, learned.months.map(() => 0.05));
      assert.ok(Object.values(c).every((x) => x.legend), "every chart has its legend");
      assert.equal(Object.keys(c).length, 5);

      // A setting out of range is the core's typed error, shown as such.
      await runLearning(page, { months: 99 });
      assert.equal(await page.$eval('[data-testid="learning-status"]', (e) => e.dataset.error), "invalid_options");
      assert.match(await page.textContent('[data-testid="learning-status"]'), /`months`: 1 to 36/);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });

  test("a simulation of a learned team shows the report's off-policy line", { timeout: 120000 }, async () => {
    const page = await open();
    try {
      await page.click("#load-sample");
      await page.waitForFunction(() => /sample-leads\.jsonl/.test(document.getElementById("source").textContent));
      const config = defaultLearned();
      await setConfig(page, config);
      await page.waitForFunction(() => !document.getElementById("run").disabled);
      await page.click("#run");
      await page.waitForSelector('#progress-text[data-done="true"]', { timeout: 120000 });
      const sim = new lib.Simulation(config, { sample: 200, touch_after_minutes: null, reorder_window: 10000 });
      sim.feedJsonl(JSONL);
      const op = sim.report().off_policy;
      assert.ok(op && op.decisions > 0, "the sample's enterprise leads have known outcomes");
      const shown = await page.$eval('[data-testid="off-policy"]', (e) => ({ ...e.dataset }));
      assert.deepEqual(
        [Number(shown.ips), Number(shown.snips), Number(shown.effectiveN), Number(shown.decisions)],
        [op.ips, op.snips, op.effective_n, op.decisions],
      );
      // The Learning screen runs on this config too (the enterprise team; screening does not apply).
      await runLearning(page, { months: 3, leads: 200 });
      const r = await page.evaluate(() => window.dashboard.learning.report);
      assert.equal(r.team, "enterprise");
      assert.ok(r.policies.every((p) => p.leads > 0), JSON.stringify(r.policies.map((p) => [p.leads, p.unassigned])));
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
});
