// End-to-end: editing rules without JSON in headless Chromium. A team and a rule are built
// with the forms (the condition builder and its text mode), every edit is checked by the
// core as it is made (its errors beside the field), undo/redo, and the work survives a
// reload (the working copy and named configs with their versions, in IndexedDB).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "../../scripts/serve.mjs";
import { dashboardPages, ready } from "./page.mjs";

const entry = join(ROOT, "pkg/node/leadroute_wasm.js");
if (!existsSync(entry)) throw new Error(`${entry} is missing: run scripts/build.sh first`);
const lib = createRequire(import.meta.url)(entry);
const CONFIG = JSON.parse(readFileSync(join(ROOT, "data/default-config.json"), "utf8"));

// Each test opens its pages in a context of its own: its own IndexedDB.
const open = dashboardPages();

/** The config the page holds now (the doc both views write to). */
const config = (page) => page.evaluate(() => JSON.parse(window.dashboard.doc.text));

/** Types into a form input and leaves it, as a person does (forms apply on change). */
async function type(page, sel, value) {
  await page.fill(sel, value);
  await page.$eval(sel, (i) => i.dispatchEvent(new Event("change", { bubbles: true })));
}

/** Waits until the working copy in IndexedDB is the config shown. */
const kept = (page) => page.waitForFunction(() => window.dashboard.keptText === window.dashboard.doc.text);

describe("rules dashboard: editing without JSON", () => {
  test("a team and a rule built with the forms, validated as they are made, saved and found after a reload", { timeout: 90000 }, async () => {
    const context = await open.context();
    try {
      const page = await open(context);
      // Not empty on a first visit: the sample config, valid, shown as forms with names.
      assert.deepEqual(await config(page), CONFIG);
      await page.waitForSelector("#errors-a li.ok");
      assert.equal(await page.inputValue('#form-host tr[data-rep="r-olivia"] input[aria-label="name"]'), "Olivia Bennett");

      // A new team: empty, the core says it needs a member, beside the members.
      await page.click('#editor-tabs [data-tab="teams"]');
      await page.click('[data-action="add-team"]');
      const team = '#form-host [data-team="team-1"]';
      await page.waitForSelector(team);
      const err = await page.waitForSelector('#form-host .field-error[data-error-path="teams[4].members"]');
      const want = lib.validate(await config(page)).errors.find((e) => e.path === "teams[4].members");
      assert.equal(await err.textContent(), want.message);
      assert.equal(await page.$eval(`${team} .picks`, (p) => p.classList.contains("invalid")), true);
      assert.equal(await page.$eval("#run", (b) => b.disabled), true);

      await type(page, `${team} input[aria-label="team name"]`, "Inbound France");
      await page.check(`${team} .picks label[data-id="r-lucas"] input`);
      await page.check(`${team} .picks label[data-id="r-isabel"] input`);
      await page.waitForSelector("#errors-a li.ok");
      assert.equal(await page.$$eval("#form-host .field-error", (e) => e.length), 0);
      // The pipeline: a requirement, a preference, the pick, overflow.
      await page.click(`${team} [data-action="add-require"]`);
      await page.click(`${team} [data-action="add-prefer"]`);
      await page.selectOption(`${team} select[data-path="teams[4].select.pick.type"]`, "least_loaded");
      await page.check(`${team} input[data-path="teams[4].select.overflow.ignore_caps"]`);
      await page.selectOption(`${team} select[data-path="teams[4].default_owner"]`, "r-isabel");

      // A rule sending French and Belgian leads to it, made in the condition builder.
      await page.click('#editor-tabs [data-tab="rules"]');
      await page.click('[data-action="add-rule"]');
      const rule = '#form-host li.rule[data-rule="rule-1"]';
      await page.selectOption(`${rule} select[data-path="rules[6].team"]`, "team-1");
      await page.selectOption(`${rule} .test select[data-role="op"]`, "in");
      await type(page, `${rule} .test input[data-role="value"]`, "FR, BE");
      // Checked before the EMEA rule, which would take these leads first.
      for (let i = 0; i < 3; i++) await page.click(`#form-host li.rule[data-rule="rule-1"] button[title="checked earlier"]`);
      await type(page, '#form-host li.rule[data-rule="rule-1"] input[aria-label="rule id"]', "france-belgium");

      const built = await config(page);
      assert.deepEqual(built.teams[4], {
        id: "team-1",
        name: "Inbound France",
        members: ["r-lucas", "r-isabel"],
        select: {
          pick: { type: "least_loaded" },
          require: [{ type: "attribute", attribute: "languages", field: "language" }],
          prefer: [{ type: "load" }],
          overflow: { ignore_caps: true },
        },
        default_owner: "r-isabel",
      });
      assert.deepEqual(built.rules.map((r) => r.id), ["strategic-100m", "enterprise", "partner-shotgun", "france-belgium", "emea", "na-mid-market", "smb-cherry-pick"]);
      assert.deepEqual(built.rules[3], { id: "france-belgium", when: { field: "country", op: "in", value: ["FR", "BE"] }, team: "team-1" });
      assert.deepEqual(lib.validate(built).errors, []);

      // Text mode and back, through the core's parser.
      const r4 = '#form-host li.rule[data-rule="france-belgium"]';
      await page.click(`${r4} [data-action="to-text"]`);
      assert.equal(await page.inputValue(`${r4} textarea.condition-text`), 'country in ["FR","BE"]');
      assert.equal((await config(page)).rules[3].when, 'country in ["FR","BE"]');
      await type(page, `${r4} textarea.condition-text`, 'country in ["FR", "BE"] and company_size < 1000');
      await page.click(`${r4} [data-action="to-builder"]`);
      assert.deepEqual((await config(page)).rules[3].when, {
        all: [{ field: "country", op: "in", value: ["FR", "BE"] }, { field: "company_size", op: "lt", value: 1000 }],
      });
      // A typo in text: the core's error at the rule's condition, beside it.
      await page.click(`${r4} [data-action="to-text"]`);
      await type(page, `${r4} textarea.condition-text`, 'country in ["FR"] and company_sise < 1000');
      const textErr = await page.waitForSelector(`${r4} .field-error`);
      const bad = lib.validate((await config(page))).errors;
      assert.equal(bad.length, 1);
      assert.equal(await textErr.textContent(), bad[0].message);

      // Undo, redo: the JSON view follows.
      await page.click("#undo");
      await page.waitForSelector("#errors-a li.ok");
      const undone = await config(page);
      assert.equal(undone.rules[3].when, 'country in ["FR","BE"] and company_size < 1000');
      await page.click("#redo");
      assert.match((await config(page)).rules[3].when, /company_sise/);
      await page.click("#undo");
      await page.click('#editor-tabs [data-tab="json"]');
      assert.deepEqual(JSON.parse(await page.inputValue("#config-a")), undone);

      // Saved by name; a second version after a cap change in the reps table.
      await type(page, "#config-name", "france");
      await page.click("#save");
      await page.waitForSelector('#saved-note[data-saved="france"]');
      await page.click('#editor-tabs [data-tab="reps"]');
      await type(page, 'input[data-path="reps[10].caps.month"]', "45");
      assert.equal((await config(page)).reps[10].caps.month, 45);
      await page.click("#save");
      await page.waitForFunction(() => document.getElementById("saved-note").textContent.includes("version 2"));
      await kept(page);
      const last = await config(page);
      assert.deepEqual(page.problems, []);

      // A reload: the working copy is back, and the saved config with both versions.
      await page.reload();
      await ready(page);
      assert.deepEqual(await config(page), last);
      assert.equal(await page.inputValue('input[data-path="reps[10].caps.month"]'), "45");
      const saved = await page.$$eval("#saved option", (o) => o.map((x) => x.textContent));
      assert.ok(saved.includes("france (2 versions)"), saved.join(" | "));
      await page.selectOption("#saved", "france");
      await page.selectOption("#versions", "0");
      const first = await config(page);
      assert.deepEqual(first, undone);
      assert.equal(first.reps[10].caps.month, CONFIG.reps[10].caps.month);
      assert.equal(first.teams[4].name, "Inbound France");
      await page.close();
    } finally {
      await context.close();
    }
  });

  test("the JSON view and the forms are one config; an error typed in JSON shows beside its field", { timeout: 60000 }, async () => {
    const context = await open.context();
    try {
      const page = await open(context);
      const c = structuredClone(CONFIG);
      c.reps[2].caps.month = "lots";
      c.reps[2].name = "Priya R.";
      await page.click('#editor-tabs [data-tab="json"]');
      await page.$eval("#config-a", (t, text) => {
        t.value = text;
        t.dispatchEvent(new Event("input", { bubbles: true }));
      }, JSON.stringify(c, null, 2));
      await page.waitForSelector('#errors-a li[data-path="reps[2].caps.month"]');
      await page.click('#editor-tabs [data-tab="reps"]');
      assert.equal(await page.inputValue('input[data-path="reps[2].name"]'), "Priya R.");
      const beside = await page.$eval('input[data-path="reps[2].caps.month"]', (i) => ({
        invalid: i.classList.contains("invalid"),
        message: i.nextElementSibling?.textContent,
      }));
      const want = lib.validate(c).errors.find((e) => e.path === "reps[2].caps.month");
      assert.deepEqual(beside, { invalid: true, message: want.message });
      // Fixed in the form: the JSON follows, the error goes.
      await type(page, 'input[data-path="reps[2].caps.month"]', "40");
      await page.waitForSelector("#errors-a li.ok");
      await page.click('#editor-tabs [data-tab="json"]');
      assert.equal(JSON.parse(await page.inputValue("#config-a")).reps[2].caps.month, 40);
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });

  test("screening rules, grades and an SLA are edited with the forms, checked by the core", { timeout: 60000 }, async () => {
    const context = await open.context();
    try {
      const page = await open(context);
      // Screening: required fields and the ordered reject rules, one built in text mode.
      await page.click('#editor-tabs [data-tab="screening"]');
      assert.equal(await page.inputValue('#form-host input[data-path="screening.required"]'), "email, company");
      await type(page, '#form-host input[data-path="screening.required"]', "email, company, country");
      const before = CONFIG.screening.rules.length;
      await page.click('[data-action="add-screening"]');
      const scr = '#form-host li.rule[data-screening="screen-1"]';
      await page.waitForSelector(scr);
      await type(page, `${scr} input[aria-label="reason"]`, "Test submission");
      await page.click(`${scr} [data-action="to-text"]`);
      await type(page, `${scr} textarea.condition-text`, 'company contains "test"');
      await page.click('#form-host li.rule[data-screening="screen-1"] button[title="checked earlier"]');

      // Grades: one added and set, one removed.
      await page.click('#editor-tabs [data-tab="scoring"]');
      await page.click('[data-action="add-grade"]');
      await type(page, '#form-host tr[data-grade="E"] input[aria-label="grade"]', "A+");
      await type(page, '#form-host tr[data-grade="A+"] input[aria-label="grade minimum"]', "90");
      await page.click('#form-host tr[data-grade="D"] button');

      // An SLA on a rule that had none.
      await page.click('#editor-tabs [data-tab="rules"]');
      const sla = '#form-host li.rule[data-rule="na-mid-market"] .sla';
      await type(page, `${sla} input[aria-label="first touch minutes"]`, "15");
      await type(page, `${sla} input[aria-label="reminder minutes"]`, "5, 10");
      await page.selectOption(`${sla} select[aria-label="escalate to"]`, "r-olivia");
      await page.check(`${sla} input[data-path="rules[4].sla.reroute"]`);
      await page.waitForSelector("#errors-a li.ok");

      const built = await config(page);
      assert.deepEqual(built.screening.required, ["email", "company", "country"]);
      assert.equal(built.screening.rules.length, before + 1);
      assert.deepEqual(built.screening.rules[before - 1], { id: "screen-1", when: 'company contains "test"', reason: "Test submission" });
      assert.deepEqual(built.scoring.grades, [{ grade: "A", min: 75 }, { grade: "B", min: 55 }, { grade: "C", min: 35 }, { grade: "A+", min: 90 }]);
      assert.deepEqual(built.rules[4].sla, { first_touch_minutes: 15, remind_after_minutes: [5, 10], escalate_to: "r-olivia", reroute: true });
      assert.deepEqual(lib.validate(built).errors, []);
      // The core grades with them: 100 points is an A+ (the highest minimum reached), and
      // with D gone a 5-point lead has no grade.
      const router = new lib.Router(built);
      const now = Date.parse("2026-03-02T10:00:00Z");
      const low = router.route({ id: "g1", email: "kim@acme.com", company: "Acme", country: "US" }, { now });
      const high = router.route({
        id: "g2", email: "kim@acme.com", company: "Acme", country: "US", title: "VP Sales", company_size: 5000,
        annual_revenue: 500000000, demo_requested: true, pages_viewed: 20, source: "referral", industry: "Software",
      }, { now });
      assert.deepEqual([low.score.total, low.score.grade, high.score.total, high.score.grade], [5, null, 100, "A+"]);
      router.free();

      // A reminder without a first-touch time: the core's error, beside the SLA row.
      await type(page, `${sla} input[aria-label="first touch minutes"]`, "");
      const err = await page.waitForSelector(`${sla} .field-error, #form-host li.rule[data-rule="na-mid-market"] .field-error`);
      const want = lib.validate(await config(page)).errors;
      assert.equal(want.length, 1);
      assert.match(want[0].path, /^rules\[4\]\.sla/);
      assert.equal(await err.textContent(), want[0].message);
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });
});
