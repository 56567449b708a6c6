// End-to-end: the rules dashboard in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core), served by scripts/serve.mjs on 127.0.0.1. Every figure the page shows is
// checked against the engine's own report, computed here through pkg/node.
//
//   node --test tests/e2e/        (after scripts/build.sh)
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "../../scripts/serve.mjs";
import { dashboardPages, run } from "./page.mjs";
import { generate } from "../../www/dashboard/generate.js";

const entry = join(ROOT, "pkg/node/leadroute_wasm.js");
if (!existsSync(entry)) throw new Error(`${entry} is missing: run scripts/build.sh first`);
const lib = createRequire(import.meta.url)(entry);

const CONFIG = readFileSync(join(ROOT, "data/default-config.json"), "utf8");
const JSONL = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8");
const CSV = readFileSync(join(ROOT, "data/sample-leads.csv"), "utf8");
const MAPPING = { "Email Address": "email", "Company Name": "company", Employees: "company_size" };
/** The page's default options (index.html). */
const PAGE_OPTIONS = { sample: 200, touch_after_minutes: null, reorder_window: 10000 };

/** The engine's report for `text`, as the worker computes it. */
function engine(config, text, options = PAGE_OPTIONS, csvMapping) {
  const sim = new lib.Simulation(config, options);
  if (csvMapping) sim.feedCsv(text, csvMapping);
  else sim.feedJsonl(text);
  const report = sim.report();
  return { sim, report, csv: sim.reportCsv() };
}

const open = dashboardPages();

const value = (page, sel) => page.$eval(sel, (e) => e.dataset.value);
const num = async (page, sel) => Number(await value(page, sel));

/** The figures of one report as the page shows them. */
async function shown(page, label = "") {
  const card = (k) => num(page, `[data-testid="summary-${k}${label}"] .value`);
  const reps = await page.$$eval("#reps-table tr[data-rep]", (rows) =>
    rows.map((r) => ({
      id: r.dataset.rep,
      leads: Number(r.querySelector('[data-col="leads"]').dataset.value),
      share: Number(r.querySelector('[data-col="share"]').dataset.value),
      peak_month: Number(r.querySelector('[data-col="peak_month"]').dataset.value),
      missed_sla: Number(r.querySelector('[data-col="missed_sla"]').dataset.value),
    })),
  );
  const teams = await page.$$eval("#teams-table tr[data-team]", (rows) =>
    rows.map((r) => ({
      id: r.dataset.team,
      spread: Number(r.querySelector('[data-col="spread"]').dataset.value),
      gini: Number(r.querySelector('[data-col="gini"]').dataset.value),
    })),
  );
  const rules = await page.$$eval("#rules-table tr[data-rule]", (rows) =>
    rows.map((r) => ({ id: r.dataset.rule, kind: r.dataset.kind, hits: Number(r.querySelector('[data-col="hits"]').dataset.value) })),
  );
  return {
    leads: await card("leads"),
    outcomes: {
      assigned: await card("assigned"),
      pooled: await card("pooled"),
      nurture: await card("nurture"),
      rejected: await card("rejected"),
    },
    reps,
    teams,
    rules,
  };
}

function expected(r) {
  return {
    leads: r.leads,
    outcomes: r.outcomes,
    reps: r.reps.map((x) => ({ id: x.id, leads: x.leads, share: x.share, peak_month: x.peak.month, missed_sla: x.missed_sla })),
    teams: r.teams.map((t) => ({ id: t.id, spread: t.fairness.spread, gini: t.fairness.gini })),
    rules: r.rules.map((x) => ({ id: x.id, kind: x.kind, hits: x.hits })),
  };
}

/** Replaces an editor's text as a paste does (one input event; `fill` types 20 KB slowly). */
const paste = (page, sel, text) =>
  page.$eval(sel, (t, text) => {
    t.value = text;
    t.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);

/** The text behind a download link of the page. */
const download = (page, testid) =>
  page.evaluate(async (id) => (await fetch(document.querySelector(`[data-testid="${id}"]`).href)).text(), testid);

describe("rules dashboard", () => {
  test("the sample runs in the browser and shows the engine's numbers", { timeout: 180000 }, async () => {
    const page = await open();
    try {
      await page.click("#load-sample");
      await page.waitForSelector("#errors-a li.ok");
      // The config and the leads load independently: wait for the leads too (a clean-clone
      // run once checked between the two).
      await page.waitForFunction(() => /sample-leads\.jsonl/.test(document.querySelector("#source")?.textContent ?? ""));
      assert.match(await page.textContent("#source"), /sample-leads\.jsonl: 225,067 bytes, JSONL/);
      await run(page);
      const { report, csv } = engine(CONFIG, JSONL);
      assert.equal(report.leads, 400);
      assert.deepEqual(await shown(page), expected(report));
      const conversion = await page.textContent('[data-testid="summary-conversion"]');
      assert.match(conversion, new RegExp(`${(report.conversion.rate * 100).toFixed(1)}%`));
      assert.match(conversion, new RegExp(`${report.conversion.converted} of ${report.conversion.leads}`));

      // The exports are the engine's report, whole.
      assert.deepEqual(JSON.parse(await download(page, "export-json-a")), report);
      assert.equal(await download(page, "export-csv-a"), csv);

      // A sample of decisions, each explained on click.
      const rows = await page.$$("#sample-table tr.decision");
      assert.equal(rows.length, report.sample.length);
      assert.equal(rows.length, 200);
      const first = report.sample.find((s) => s.decision.outcome === "assigned" && s.decision.via === "team");
      const row = await page.$(`#sample-table tr.decision[data-lead="${first.decision.lead_id}"]`);
      await row.click();
      const why = await page.$eval(`#sample-table tr.decision[data-lead="${first.decision.lead_id}"] + tr.detail`, (e) => ({
        hidden: e.hidden,
        text: e.textContent,
      }));
      assert.equal(why.hidden, false);
      for (const step of first.decision.trace.steps) assert.ok(why.text.includes(step), `missing step ${step}`);
      // Candidates by name, not id.
      const chosen = first.decision.trace.candidates.find((c) => c.chosen);
      const name = report.reps.find((r) => r.id === chosen.rep).name;
      assert.ok(why.text.includes(name), `${name} missing`);
      assert.ok(!why.text.includes(chosen.rep), `${chosen.rep} shown as an id`);

      // Charts were drawn by the bundled chart library.
      const charts = await page.evaluate(() =>
        ["chart-reps", "chart-outcomes", "chart-rules", "chart-fairness", "chart-score"].map((id) => Boolean(window.Chart?.getChart(id))),
      );
      assert.deepEqual(charts, [true, true, true, true, true]);
      const outcomeData = await page.evaluate(() => window.Chart.getChart("chart-outcomes").data.datasets[0].data);
      assert.deepEqual(outcomeData, [report.outcomes.assigned, report.outcomes.pooled, report.outcomes.nurture, report.outcomes.rejected]);
    } finally {
      await page.close();
    }
  });

  test("a CSV with renamed columns is mapped and gives the same report", { timeout: 120000 }, async () => {
    const page = await open();
    try {
      await page.click("#load-sample");
      await page.waitForSelector("#errors-a li.ok");
      await page.waitForFunction(() => document.getElementById("source").textContent.includes("sample-leads.jsonl"));
      // Through the file picker, as a person would.
      await page.setInputFiles("#file", join(ROOT, "data/sample-leads.csv"));
      await page.waitForSelector("#mapping:not([hidden])");
      // Every column is listed; the renamed ones are matched to their field.
      const suggested = await page.$$eval("#mapping-table select", (ss) => Object.fromEntries(ss.map((s) => [s.dataset.header, s.value])));
      assert.deepEqual(Object.fromEntries(Object.entries(suggested).filter(([h, f]) => h !== f)), MAPPING);
      await run(page);
      const { report } = engine(CONFIG, CSV, PAGE_OPTIONS, MAPPING);
      assert.deepEqual(await shown(page), expected(report));
      // Same leads as the JSONL: same figures.
      assert.deepEqual(expected(report), expected(engine(CONFIG, JSONL).report));

      // Unmapped, the email and company columns are unknown: every lead is rejected.
      await page.selectOption('#mapping-table select[data-header="Email Address"]', "");
      await page.selectOption('#mapping-table select[data-header="Company Name"]', "");
      await run(page);
      assert.equal(await num(page, '[data-testid="summary-rejected"] .value'), 400);
    } finally {
      await page.close();
    }
  });

  test("a broken config shows each error at its JSON path, as you type", { timeout: 60000 }, async () => {
    const page = await open();
    try {
      await page.click("#load-sample");
      await page.waitForSelector("#errors-a li.ok");
      // The button enables once the sample leads have also reached the worker.
      await page.waitForFunction(() => !document.querySelector("#run").disabled, null, { timeout: 20000 });
      assert.equal(await page.$eval("#run", (b) => b.disabled), false);

      // Type over reps[2]'s month cap (`"month": 50`, line 177 of the sample config), in
      // the JSON view.
      await page.click('#editor-tabs [data-tab="json"]');
      const at = CONFIG.indexOf('"month": 50') + '"month": '.length;
      await page.$eval("#config-a", (t, at) => {
        t.focus();
        t.setSelectionRange(at, at + 2);
      }, at);
      await page.keyboard.type('"lots"');
      const text = await page.inputValue("#config-a");
      assert.equal(text, `${CONFIG.slice(0, at)}"lots"${CONFIG.slice(at + 2)}`);
      const item = await page.waitForSelector('#errors-a li[data-path="reps[2].caps.month"]');
      const shownText = await item.textContent();
      const want = lib.validate(text).errors.find((e) => e.path === "reps[2].caps.month");
      assert.ok(shownText.includes(want.message), shownText);
      const line = text.slice(0, at).split("\n").length;
      assert.equal(line, 177);
      assert.ok(shownText.includes(`line ${line}:`), `${shownText} (want line ${line})`);
      assert.equal(await page.$eval("#run", (b) => b.disabled), true);
      assert.equal(await page.$eval("#config-a", (t) => t.classList.contains("invalid")), true);
      // Clicking the error selects the bad key and value in the editor.
      await item.click();
      const selected = await page.$eval("#config-a", (t) => t.value.slice(t.selectionStart, t.selectionEnd));
      assert.equal(selected, '"month": "lots"');

      // Errors found after the shape is right: unknown rep and a bad condition, by path.
      const c2 = JSON.parse(CONFIG);
      c2.teams[1].members.push("nobody");
      c2.accounts.owners["x.com"] = "ghost";
      await paste(page, "#config-a", JSON.stringify(c2, null, 2));
      await page.waitForSelector('#errors-a li[data-path="teams[1].members[3]"]');
      const paths = await page.$$eval("#errors-a li", (ls) => ls.map((l) => l.dataset.path));
      assert.deepEqual(paths, lib.validate(c2).errors.map((e) => e.path));
      assert.ok(paths.includes("accounts.owners.x.com"));

      // Not JSON at all.
      await paste(page, "#config-a", CONFIG.slice(0, 300));
      await page.waitForFunction(() => document.querySelector("#errors-a li")?.textContent.includes("JSON syntax"));

      // Fixed again: valid, and runnable.
      await paste(page, "#config-a", CONFIG);
      await page.waitForSelector("#errors-a li.ok");
      await page.waitForFunction(() => !document.querySelector("#run").disabled, null, { timeout: 20000 });
      assert.equal(await page.$eval("#run", (b) => b.disabled), false);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });

  test("A/B: two configs on the same leads, then a split of the leads", { timeout: 180000 }, async () => {
    const page = await open();
    try {
      await page.click("#load-sample");
      await page.waitForSelector("#errors-a li.ok");
      await page.check('input[name="mode"][value="compare"]');
      await page.click("#b-round-robin");
      await page.waitForSelector("#errors-b li.ok");
      const configB = await page.inputValue("#config-b");
      assert.ok(JSON.parse(configB).teams.every((t) => t.strategy.type === "round_robin"));
      await run(page);

      const a = engine(CONFIG, JSONL);
      const b = engine(configB, JSONL);
      const comparison = a.sim.compare(b.sim);
      assert.equal(await page.isVisible("#ab"), true);
      for (const m of comparison.metrics) {
        const row = `#diff-table tr[data-metric="${m.metric}"]`;
        assert.equal(await num(page, `${row} [data-col="a"]`), m.a, m.metric);
        assert.equal(await num(page, `${row} [data-col="b"]`), m.b, m.metric);
      }
      assert.ok(comparison.metrics.some((m) => m.diff !== 0));
      // Same leads, same known outcomes: the test says so.
      assert.equal(await value(page, '#ztest [data-testid="significant"]'), "false");
      assert.equal(await num(page, '#ztest [data-testid="z"]'), 0);
      assert.deepEqual(JSON.parse(await download(page, "export-json-comparison")), comparison);
      assert.deepEqual(JSON.parse(await download(page, "export-json-b")), b.report);
      // Report B on its tab.
      await page.click('#report-tabs button[data-report="b"]');
      assert.deepEqual(await shown(page, "-b"), expected(b.report));
      const ab = await page.evaluate(() => window.Chart.getChart("chart-ab-reps").data.datasets.map((d) => d.data));
      assert.deepEqual(ab, [a.report.reps.map((r) => r.leads), b.report.reps.map((r) => r.leads)]);

      // A/B split: 30% of the leads to B by a stable hash of the lead id.
      await page.check('input[name="mode"][value="split"]');
      await page.fill("#share", "30");
      await run(page);
      const split = (config, arm) =>
        engine(config, JSONL, { ...PAGE_OPTIONS, split: { share_b: 0.3, arm, seed: 0 } });
      const sa = split(CONFIG, "a");
      const sb = split(configB, "b");
      assert.equal(sa.report.leads + sb.report.leads, 400);
      assert.equal(await num(page, '[data-testid="summary-leads-a"] .value'), sa.report.leads);
      assert.equal(await num(page, '[data-testid="summary-leads-b"] .value'), sb.report.leads);
      const test = sa.sim.compare(sb.sim).conversion;
      assert.equal(await num(page, '#ztest [data-testid="z"]'), test.z);
      assert.equal(await num(page, '#ztest [data-testid="p-value"]'), test.p_value);
      assert.equal(await value(page, '#ztest [data-testid="significant"]'), String(test.significant));
    } finally {
      await page.close();
    }
  });

  test("generated leads stream through the worker (the engine agrees)", { timeout: 120000 }, async () => {
    const page = await open();
    try {
      await page.fill("#opt-generate", "50000");
      await page.click("#use-generated");
      await page.waitForSelector("#errors-a li.ok");
      await run(page);
      const templates = JSONL.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      const sim = new lib.Simulation(CONFIG, PAGE_OPTIONS);
      for (const chunk of generate(templates, 50000)) sim.feedJsonl(chunk);
      const report = sim.report();
      assert.equal(report.leads, 50000);
      assert.deepEqual(await shown(page), expected(report));
    } finally {
      await page.close();
    }
  });

  test("one million leads run in the worker while the page keeps drawing", { timeout: 600000 }, async () => {
    const page = await open();
    try {
      await page.click("#use-generated");
      await page.waitForSelector("#errors-a li.ok");
      // Without the audit log, which keeps every lead (its memory grows with them by design).
      await page.click("details.options summary");
      await page.uncheck("#opt-audit");
      await page.evaluate(() => {
        // Counts animation frames and progress updates during the run.
        window.watch = { frames: 0, maxGap: 0, updates: new Set() };
        let last = performance.now();
        const frame = (t) => {
          window.watch.frames++;
          window.watch.maxGap = Math.max(window.watch.maxGap, t - last);
          last = t;
          if (!document.querySelector('#progress-text[data-done="true"]')) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
        new MutationObserver(() => window.watch.updates.add(document.getElementById("progress-text").textContent)).observe(
          document.getElementById("progress-text"),
          { childList: true, characterData: true, subtree: true },
        );
      });
      const t0 = Date.now();
      await run(page, 590000);
      const secs = (Date.now() - t0) / 1000;
      const watch = await page.evaluate(() => ({ ...window.watch, updates: window.watch.updates.size }));
      const leads = await num(page, '[data-testid="summary-leads"] .value');
      const memory = Number(await page.$eval("#progress-text", (e) => e.dataset.memory));
      const o = await shown(page);
      assert.equal(leads, 1_000_000);
      assert.equal(o.outcomes.assigned + o.outcomes.pooled + o.outcomes.nurture + o.outcomes.rejected, 1_000_000);
      assert.ok(watch.updates > 3, `progress updated ${watch.updates} times`);
      assert.ok(watch.frames > 10, `${watch.frames} frames drawn`);
      // Memory is bounded: the engine's memory when half the leads were routed is what it
      // needs for all of them (WebAssembly memory only grows, so any leak would show).
      const trail = await page.evaluate(() => window.dashboard.memory);
      const half = trail.find(([n]) => n >= 500_000);
      assert.ok(half, JSON.stringify(trail));
      assert.equal(memory, half[1], `engine memory ${half[1]} bytes at ${half[0]} leads, ${memory} at the end`);
      console.log(
        `1,000,000 leads in ${secs.toFixed(1)} s in Chromium (${Math.round(1e6 / secs)} leads/s); ` +
          `${watch.frames} frames drawn, longest gap ${Math.round(watch.maxGap)} ms, ${watch.updates} progress updates, ` +
          `engine memory ${(memory / 1048576).toFixed(1)} MB`,
      );
    } finally {
      await page.close();
    }
  });
});
