// End-to-end in headless Chromium: the simulation worker with N classify workers gives
// exactly the report of the sequential run (one worker) on the same file, in single,
// compare and split mode, JSONL and CSV with a mapping, and the audit log finds and
// explains the same lead. The worker is driven with the page's own messages.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../scripts/serve.mjs";
import { dashboardPages } from "./page.mjs";

const CONFIG = JSON.parse(readFileSync(join(ROOT, "data/default-config.json"), "utf8"));
const SAMPLE = readFileSync(join(ROOT, "data/sample-leads.jsonl"), "utf8").split("\n").filter((l) => l.trim());
const CSV = readFileSync(join(ROOT, "data/sample-leads.csv"), "utf8");
const MAPPING = { "Email Address": "email", "Company Name": "company", Employees: "company_size" };
const OPTIONS = { sample: 60, reorder_window: 500, touch_after_minutes: 30, created_at: { allow_unreadable: true } };

/** The sample leads six times with new ids and shifted times, and bad lines among them. */
function jsonl() {
  const out = [];
  for (let c = 0; c < 6; c++) {
    SAMPLE.forEach((l, i) => {
      const lead = JSON.parse(l);
      lead.id = `${lead.id}-${c}`;
      if (i % 37 === 0) lead.created_at = "yesterday";
      else lead.created_at = new Date(Date.parse(lead.created_at) + c * 86_400_000 - (i % 5) * 60_000).toISOString();
      if (i % 53 === 0) out.push('{"id": "broken", ');
      out.push(JSON.stringify(lead));
    });
  }
  return out.join("\n") + "\n";
}

/** The sample CSV three times, with a quoted newline in some titles. */
function csv() {
  const [header, ...rows] = CSV.split("\n").filter((l) => l.trim());
  const out = [header];
  for (let c = 0; c < 3; c++) {
    rows.forEach((r, i) => {
      const cells = r.split(",");
      cells[0] = `${cells[0]}-${c}`;
      if (i % 11 === 0) cells[6] = `"Head of\n""Data"", EMEA"`;
      out.push(cells.join(","));
    });
  }
  return out.join("\r\n") + "\r\n";
}

/** Runs `run` in a fresh simulation worker with `workers` classify workers, then asks it
 * `questions`; returns the done message (without timings) and the answers. */
async function simulate(page, run, workers, questions) {
  return page.evaluate(
    async ({ run, workers, questions }) => {
      const w = new Worker("./worker.js", { type: "module" });
      const next = (type) =>
        new Promise((resolve, reject) => {
          w.onmessage = (e) => {
            if (e.data.type === "error") reject(new Error(`${e.data.code}: ${e.data.message}`));
            else if (e.data.type === type) resolve(e.data);
          };
        });
      await next("ready");
      const { text, format, mapping, ...rest } = run;
      const blob = new Blob([text]);
      const finished = next("done");
      w.postMessage({ type: "run", ...rest, source: { kind: "file", blob, format, mapping }, workers, part: 16 * 1024 });
      const done = await finished;
      const answers = [];
      for (const [i, q] of questions.entries()) {
        const answer = next("answer");
        w.postMessage({ id: i, ...q });
        answers.push((await answer).value);
      }
      w.terminate();
      const { ms, memoryBytes, ...same } = done;
      return { done: same, answers };
    },
    { run, workers, questions },
  );
}

describe("rules dashboard: parallel classify workers", () => {
  const open = dashboardPages();

  test("single, compare and split runs equal the sequential run; the audit log finds the same lead", { timeout: 120000 }, async () => {
    const page = await open();
    const configB = structuredClone(CONFIG);
    for (const r of configB.reps) r.caps = { day: 3 };
    const runs = [
      { mode: "single", configA: CONFIG, options: OPTIONS, text: jsonl(), format: "jsonl" },
      { mode: "compare", configA: CONFIG, configB, options: OPTIONS, text: csv(), format: "csv", mapping: MAPPING },
      { mode: "split", configA: CONFIG, configB, options: OPTIONS, shareB: 0.3, text: jsonl(), format: "jsonl" },
    ];
    const questions = [
      { type: "search", query: { text: "L0007-2" } },
      { type: "search", query: { outcome: "assigned" }, page: { limit: 50, offset: 100 } },
      { type: "explain", index: 5 },
      { type: "explain", index: 400 },
    ];
    for (const run of runs) {
      const seq = await simulate(page, run, 1, questions);
      const par = await simulate(page, run, 3, questions);
      assert.equal(seq.done.workers, 1);
      assert.equal(par.done.workers, 3);
      delete seq.done.workers;
      delete par.done.workers;
      assert.ok(seq.done.a.leads > 500, `${run.mode}: ${seq.done.a.leads} leads`);
      assert.deepEqual(par.done, seq.done, `${run.mode}: the reports differ`);
      assert.deepEqual(par.answers, seq.answers, `${run.mode}: the audit log differs`);
      const perRep = (r) => Object.fromEntries(r.reps.map((x) => [x.id, x.assigned]));
      assert.deepEqual(perRep(par.done.a), perRep(seq.done.a));
      if (run.mode === "single") {
        assert.equal(par.answers[0].total, 1);
        assert.equal(par.answers[0].rows[0].lead_id, "L0007-2");
        assert.ok(par.done.a.bad_lines > 0);
      }
    }
    assert.deepEqual(page.problems, []);
  });
});
