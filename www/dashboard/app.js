// The dashboard page: leads and their column mapping, the config edited in forms or as JSON
// (one config, validated by the core as you edit, with undo/redo and saved versions), the run
// in a Web Worker with progress, and the results: insights, report, audit log, changes A → B.
import init, { validate } from "../../pkg/web/leadroute_wasm.js";
import { scan, find, lineOf } from "./jsonpath.js";
import { BUILT_IN, csvHead, csvHeader, suggestAll, unfed } from "./mapping.js";
import { el, fmt, renderComparison, renderReport, renderSummary, renderWarnings } from "./render.js";
import { ConfigDoc } from "./editor/doc.js";
import { SECTIONS, renderForm, showErrors } from "./editor/forms.js";
import * as store from "./store.js";
import { useLabels } from "./labels.js";
import { renderInsights } from "./insights.js";
import { renderAudit } from "./audit.js";
import { renderDiff } from "./diff.js";
import { start } from "./runner.js";
import { mountLearning, renderOffPolicy } from "./learning.js";

const $ = (id) => document.getElementById(id);
const doc = new ConfigDoc();
const page = {
  source: null, // { kind: "blob", blob, name, format, headers, head } | { kind: "generate" }
  valid: { a: false, b: false },
  worker: null,
  running: false,
  result: null,
  urls: [],
  mapping: {},
  section: "reps",
  errors: { a: [], b: [] },
  doc,
};
// Read by the end-to-end tests.
window.dashboard = page;

// ---- engine ------------------------------------------------------------------------------
await init({ module_or_path: new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url) });

page.learning = {};
const learning = mountLearning($("learning-panel"), page.learning);

// ---- validation: the core's errors, at their JSON path and beside their form field --------
function problems(text) {
  let tree = null;
  try {
    tree = scan(text);
  } catch {
    // Let JSON.parse word the syntax error.
    try {
      JSON.parse(text);
    } catch (e) {
      const pos = /position (\d+)/.exec(e.message);
      const at = pos ? Number(pos[1]) : 0;
      return [{ path: "", message: `JSON syntax: ${e.message}`, start: at, end: at + 1, line: lineOf(text, at) }];
    }
  }
  if (!text.trim()) return [{ path: "", message: "the config is empty", start: 0, end: 0, line: 1 }];
  return validate(text).errors.map((e) => {
    const node = find(tree, e.path);
    const start = node.keyStart ?? node.start;
    return { ...e, start, end: node.end, line: lineOf(text, start) };
  });
}

function listErrors(which, errors) {
  const ta = $(`config-${which}`);
  const list = $(`errors-${which}`);
  ta.classList.toggle("invalid", errors.length > 0);
  list.replaceChildren(
    ...errors.map((e) =>
      el("li", {
        "data-path": e.path,
        title: "show where",
        onclick: () => reveal(which, e),
      },
      el("code", {}, e.path || "(config)"), ` line ${e.line}: `, e.message, e.help ? el("span", { class: "help" }, ` ${e.help}`) : null)),
  );
  if (!errors.length) list.replaceChildren(el("li", { class: "ok" }, "valid config"));
}

/** An error clicked: its form field when one shows it, else its place in the JSON. */
function reveal(which, e) {
  const ta = $(`config-${which}`);
  if (which === "a" && page.section !== "json") {
    const f = $("form-host").querySelector(`.field-error[data-error-path="${CSS.escape(e.path)}"]`);
    if (f) {
      f.scrollIntoView({ block: "center" });
      f.previousElementSibling?.focus?.();
      return;
    }
    showSection("json");
  }
  ta.focus();
  ta.setSelectionRange(e.start, e.end);
  const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 16;
  ta.scrollTop = Math.max(0, (e.line - 3) * lineHeight);
}

function checkA() {
  learning(doc.text);
  const errors = problems(doc.text);
  page.errors.a = errors;
  page.valid.a = errors.length === 0;
  listErrors("a", errors);
  if (page.section !== "json") showErrors($("form-host"), errors);
  updateRun();
  if (page.source?.format === "csv") renderMapping();
}

function checkB() {
  const errors = problems($("config-b").value);
  page.errors.b = errors;
  page.valid.b = errors.length === 0;
  listErrors("b", errors);
  updateRun();
}

// ---- the editor: forms and JSON, one doc ---------------------------------------------------
function showSection(name) {
  page.section = name;
  for (const b of $("editor-tabs").children) b.classList.toggle("active", b.dataset.tab === name);
  $("json-view").hidden = name !== "json";
  $("form-host").hidden = name === "json";
  if (name === "json") {
    if ($("config-a").value !== doc.text) $("config-a").value = doc.text;
  } else {
    renderForm($("form-host"), doc, name);
    showErrors($("form-host"), page.errors.a);
  }
}
$("editor-tabs").replaceChildren(
  ...[...SECTIONS.map(([n, label]) => [n, label]), ["json", "JSON"]].map(([n, label]) =>
    el("button", { type: "button", "data-tab": n, onclick: () => showSection(n) }, label)),
);

doc.addEventListener("change", (e) => {
  if (e.detail.source !== "text") $("config-a").value = doc.text;
  if (page.section !== "json") renderForm($("form-host"), doc, page.section);
  checkA();
  $("undo").disabled = !doc.past.length;
  $("redo").disabled = !doc.future.length;
  keepSoon();
});

let timers = {};
$("config-a").addEventListener("input", () => {
  clearTimeout(timers.a);
  timers.a = setTimeout(() => doc.setText($("config-a").value), 120);
});
$("config-b").addEventListener("input", () => {
  clearTimeout(timers.b);
  timers.b = setTimeout(() => {
    checkB();
    keepSoon();
  }, 120);
});
$("undo").addEventListener("click", () => doc.undo());
$("redo").addEventListener("click", () => doc.redo());
document.addEventListener("keydown", (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z" || e.target === $("config-a") || e.target === $("config-b")) return;
  e.preventDefault();
  if (e.shiftKey) doc.redo();
  else doc.undo();
});

// ---- keeping work: the working copy, saved configs with versions, files -------------------
let keepTimer;
function keepSoon() {
  clearTimeout(keepTimer);
  keepTimer = setTimeout(() => {
    const text = doc.text;
    store.keep({ a: text, b: $("config-b").value, name: $("config-name").value, mapping: page.mapping, section: page.section })
      .then(() => (page.keptText = text));
  }, 200);
}

async function refreshSaved() {
  const all = await store.list();
  const opts = (blank) => [el("option", { value: "" }, blank), ...all.map((c) => el("option", { value: c.name }, `${c.name} (${c.versions.length} version${c.versions.length === 1 ? "" : "s"})`))];
  $("saved").replaceChildren(...opts("saved configs…"));
  $("b-saved").replaceChildren(...opts("B from a saved config…"));
  return all;
}

$("save").addEventListener("click", async () => {
  const name = $("config-name").value.trim() || "my rules";
  const n = await store.save(name, doc.text, cleanMapping());
  $("saved-note").textContent = `saved “${name}” (version ${n}) in this browser`;
  await refreshSaved();
  $("saved-note").dataset.saved = name;
});

$("saved").addEventListener("change", async () => {
  const name = $("saved").value;
  if (!name) return;
  const c = await store.get(name);
  $("config-name").value = name;
  const last = c.versions.at(-1);
  doc.setText(last.text);
  if (last.mapping) page.mapping = { ...page.mapping, ...last.mapping };
  $("versions").hidden = c.versions.length < 2;
  $("versions").replaceChildren(...c.versions.map((v, i) => el("option", { value: i, selected: i === c.versions.length - 1 }, `version ${i + 1} · ${v.at.slice(0, 16).replace("T", " ")}`)).reverse());
  $("versions").onchange = () => doc.setText(c.versions[Number($("versions").value)].text);
  $("saved").value = "";
});

$("b-saved").addEventListener("change", async () => {
  const name = $("b-saved").value;
  if (!name) return;
  $("config-b").value = (await store.get(name)).versions.at(-1).text;
  $("b-saved").value = "";
  checkB();
});

$("open-file").addEventListener("change", async (e) => {
  const f = e.target.files?.[0];
  if (!f) return;
  const text = await f.text();
  // A file saved here holds { config, mapping }; any other JSON is a config.
  try {
    const o = JSON.parse(text);
    if (o && o.config && typeof o.config === "object" && o.leadroute_dashboard) {
      doc.setConfig(o.config);
      page.mapping = { ...page.mapping, ...(o.mapping ?? {}) };
    } else {
      doc.setText(text);
    }
  } catch {
    doc.setText(text);
  }
  $("config-name").value = f.name.replace(/\.json$/i, "");
  e.target.value = "";
});

$("save-file").addEventListener("click", () => {
  let config;
  try {
    config = JSON.parse(doc.text);
  } catch {
    config = doc.text;
  }
  const text = JSON.stringify({ leadroute_dashboard: 1, config, mapping: cleanMapping() }, null, 2);
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = el("a", { href: url, download: `${$("config-name").value.trim() || "rules"}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

// ---- modes ---------------------------------------------------------------------------------
function mode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function updateRun() {
  const needB = mode() !== "single";
  const ok = page.source && page.valid.a && (!needB || page.valid.b) && !page.running;
  $("run").disabled = !ok;
}

for (const r of document.querySelectorAll('input[name="mode"]')) {
  r.addEventListener("change", () => {
    const m = mode();
    $("editor-b").hidden = m === "single";
    $("share-label").hidden = m !== "split";
    if (m !== "single" && !$("config-b").value.trim()) copyAtoB();
    updateRun();
  });
}

function copyAtoB(transform) {
  let text = doc.text;
  if (transform) {
    try {
      const c = JSON.parse(text);
      transform(c);
      text = JSON.stringify(c, null, 2);
    } catch {
      // Leave B as a copy when A is not valid JSON.
    }
  }
  $("config-b").value = text;
  checkB();
  keepSoon();
}
$("b-copy").addEventListener("click", () => copyAtoB());
$("b-round-robin").addEventListener("click", () =>
  copyAtoB((c) => {
    for (const t of c.teams ?? []) {
      delete t.select;
      t.strategy = { type: "round_robin" };
    }
  }),
);

// ---- leads and their mapping ---------------------------------------------------------------
function fieldsOf() {
  return Object.keys(doc.config?.fields ?? {});
}

/** Each new source wins over a slower earlier one still loading. */
let loads = 0;

async function useBlob(blob, name, load = ++loads) {
  const bytes = new Uint8Array(await blob.slice(0, 65536).arrayBuffer());
  if (load !== loads) return;
  const head = new TextDecoder().decode(bytes);
  const csv = /\.csv$/i.test(name) || (!/\.(jsonl|ndjson|json)$/i.test(name) && !head.trimStart().startsWith("{"));
  page.source = { kind: "blob", blob, name, format: csv ? "csv" : "jsonl", headers: csv ? csvHeader(head) : null, head: csv ? csvHead(bytes, 6) : null };
  page.dates = null;
  $("source").textContent = `${name}: ${fmt(blob.size)} bytes, ${csv ? "CSV" : "JSONL"}`;
  $("source").classList.remove("muted");
  if (csv) {
    // Fresh guesses for a new file; choices made for the same headers are kept.
    const guess = suggestAll(page.source.headers, [...new Set([...fieldsOf(), ...BUILT_IN])]);
    const kept = page.mapping ?? {};
    page.mapping = Object.fromEntries(page.source.headers.map((h) => [h, h in kept ? kept[h] : guess[h]]));
  }
  renderMapping();
  updateRun();
}

const DATE_FORMATS = [["auto", "detected from the values"], ["iso", "ISO 8601 (2026-11-02T04:05:00Z)"], ["us", "US: month/day/year"], ["eu", "EU: day/month/year"]];
$("date-format").replaceChildren(...DATE_FORMATS.map(([v, t]) => el("option", { value: v }, t)));
$("date-format").addEventListener("change", keepSoon);

function renderMapping() {
  const box = $("mapping");
  const s = page.source;
  if (!s || s.format !== "csv") {
    box.hidden = true;
    return;
  }
  const fields = fieldsOf();
  const known = [...new Set([...BUILT_IN, ...fields])];
  const column = (i) => (s.head ?? []).slice(1).map((r) => r[i]).filter((v) => v !== undefined && v !== "");
  const rows = s.headers.map((h, i) => {
    const current = page.mapping[h] ?? "";
    const select = el("select", { "data-header": h, onchange: (e) => {
      page.mapping[h] = e.target.value;
      renderMapping();
      keepSoon();
    } },
    el("option", { value: "" }, "(not used)"),
    known.map((f) => el("option", { value: f, selected: f === current }, f)));
    return el("tr", { class: current ? "" : "unused" }, el("td", {}, h), el("td", {}, select),
      el("td", { class: "preview", "data-header": h }, column(i).slice(0, 3).join(" · ") || el("span", { class: "muted" }, "empty")));
  });
  $("mapping-table").tBodies[0].replaceChildren(...rows);
  const missing = unfed(["id", "created_at", ...fields], page.mapping);
  $("unfed").textContent = missing.length ? `No column feeds: ${missing.join(", ")}. Rules and scoring that test them see them as missing.` : "Every config field is fed by a column.";
  $("unfed").dataset.fields = missing.join(",");
  box.hidden = false;
}

const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const f = e.dataTransfer?.files?.[0];
  if (f) useBlob(f, f.name);
});
$("file").addEventListener("change", (e) => {
  const f = e.target.files?.[0];
  if (f) useBlob(f, f.name);
});

async function sampleConfig() {
  return (await fetch("../../data/default-config.json")).text();
}
$("load-sample").addEventListener("click", async () => {
  const load = ++loads;
  doc.setText(await sampleConfig());
  const blob = await (await fetch("../../data/sample-leads.jsonl")).blob();
  await useBlob(blob, "sample-leads.jsonl", load);
});
$("load-sample-csv").addEventListener("click", async () => {
  const load = ++loads;
  if (!doc.text.trim()) doc.setText(await sampleConfig());
  const blob = await (await fetch("../../data/sample-leads.csv")).blob();
  await useBlob(blob, "sample-leads.csv", load);
});
$("use-generated").addEventListener("click", async () => {
  const load = ++loads;
  if (!doc.text.trim()) doc.setText(await sampleConfig());
  if (load !== loads) return;
  const n = Number($("opt-generate").value) || 1_000_000;
  page.source = { kind: "generate", count: n };
  $("source").textContent = `${fmt(n)} synthetic leads, generated in the worker from the sample (one year from 2026-01-01)`;
  $("mapping").hidden = true;
  updateRun();
});

// ---- run -----------------------------------------------------------------------------------
function options() {
  const num = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
  const o = {
    sample: num("opt-sample") ?? 0,
    audit: $("opt-audit").checked,
    touch_after_minutes: num("opt-touch"),
    reorder_window: num("opt-window") ?? 10000,
  };
  if ($("claim-on").checked) {
    const mean = num("claim-mean") ?? 20;
    const dist = $("claim-dist").value;
    o.claims = {
      seed: num("claim-seed") ?? 1,
      delay: dist === "fixed" ? { type: "fixed", minutes: mean }
        : dist === "uniform" ? { type: "uniform", min_minutes: 0, max_minutes: num("claim-max") ?? 2 * mean }
          : { type: "exponential", mean_minutes: mean },
    };
  }
  const f = $("date-format").value;
  if (page.dates || f !== "auto") o.created_at = { format: f, ...page.dates };
  return o;
}

function stop() {
  page.worker?.terminate();
  page.worker = null;
  page.running = false;
  $("cancel").hidden = true;
  updateRun();
}

$("only-changed").addEventListener("change", (e) => $("diff-table").classList.toggle("only-changed", e.target.checked));

$("cancel").addEventListener("click", () => {
  stop();
  $("progress").hidden = true;
  $("progress-text").textContent = "cancelled";
});

$("run").addEventListener("click", () => runNow());

function runNow() {
  if (page.running) return;
  const m = mode();
  const s = page.source;
  const source = s.kind === "generate"
    ? { kind: "generate", count: s.count }
    : { kind: "blob", blob: s.blob, format: s.format, mapping: s.format === "csv" ? cleanMapping() : undefined };
  const msg = {
    type: "run",
    mode: m,
    configA: doc.text,
    configB: m === "single" ? null : $("config-b").value,
    options: options(),
    shareB: Math.min(100, Math.max(0, Number($("share").value) || 0)) / 100,
    source,
  };
  page.worker?.terminate();
  page.running = true;
  page.started = performance.now();
  // [leads routed, engine memory in bytes] at each progress report.
  page.memory = [];
  $("run-error").hidden = true;
  $("cancel").hidden = false;
  $("progress").hidden = false;
  $("progress").removeAttribute("value");
  $("progress-text").textContent = "starting…";
  delete $("progress-text").dataset.done;
  updateRun();
  const w = start(msg);
  page.worker = w;
  w.onmessage = (e) => onWorker(e.data);
  w.onerror = (e) => {
    showError(e.message || "the worker failed");
    stop();
  };
}

/** A question to the worker that holds the last run (the audit log, the diff). */
let asks = 0;
const waiting = new Map();
function ask(q) {
  const id = ++asks;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    page.worker.postMessage({ ...q, id });
  });
}

function cleanMapping() {
  const out = {};
  for (const [h, f] of Object.entries(page.mapping ?? {})) if (f && f !== h) out[h] = f;
  // A header mapped to "(not used)" is renamed to an unused name, so it is ignored.
  for (const [h, f] of Object.entries(page.mapping ?? {})) if (!f) out[h] = "";
  return out;
}

function showError(message) {
  $("run-error").hidden = false;
  $("run-error").replaceChildren(message);
  $("progress").hidden = true;
}

/** The run stopped on created_at values it could not read: ask how to read them. */
function askDates(d) {
  const zone = el("input", { value: page.dates?.zone ?? "UTC", "aria-label": "time zone of the dates", class: "tz" });
  const format = el("select", { "aria-label": "date format", "data-testid": "ask-date-format" },
    DATE_FORMATS.map(([v, t]) => el("option", { value: v, selected: v === ($("date-format").value) }, t)));
  const again = (extra) => {
    $("date-format").value = format.value;
    page.dates = { zone: zone.value.trim() || null, ...extra };
    runNow();
  };
  $("run-error").hidden = false;
  $("run-error").dataset.code = d.code;
  $("run-error").replaceChildren(
    el("b", {}, d.message), d.help ? el("div", {}, d.help) : null,
    d.seen?.length ? el("div", { class: "muted" }, "values seen: ", d.seen.slice(0, 5).map((v) => el("code", {}, v)), " ") : null,
    el("div", { class: "row" }, "read them as ", format, " in the zone ", zone,
      el("button", { type: "button", class: "primary", "data-testid": "ask-dates-run", onclick: () => again({}) }, "Run with this format"),
      el("button", { type: "button", "data-testid": "ask-dates-anyway", onclick: () => again({ allow_unreadable: true }) }, "Run anyway, counting the unreadable")));
  $("progress").hidden = true;
}

function onWorker(d) {
  if (d.type === "answer") {
    const w = waiting.get(d.id);
    waiting.delete(d.id);
    if (d.error) w?.reject(new Error(d.error));
    else w?.resolve(d.value);
  } else if (d.type === "progress") {
    page.memory.push([d.leads, d.memoryBytes]);
    const secs = (performance.now() - page.started) / 1000;
    const rate = d.leads / Math.max(secs, 0.001);
    if (d.total) $("progress").value = d.done / d.total;
    $("progress-text").textContent = d.phase === "finishing"
      ? `${fmt(d.leads)} leads routed, finishing…`
      : `${fmt(d.leads)} leads routed · ${fmt(rate)} leads/s`;
  } else if (d.type === "done") {
    const secs = d.ms / 1000;
    $("progress").value = 1;
    const routed = d.a.leads + (d.mode === "compare" ? 0 : d.b?.leads ?? 0);
    $("progress-text").textContent =
      `done: ${fmt(routed)} leads in ${fmt(secs, 1)} s (${fmt(routed / Math.max(secs, 0.001))} leads/s), ` +
      `engine memory ${fmt(d.memoryBytes / 1048576, 1)} MB`;
    $("progress-text").dataset.memory = d.memoryBytes;
    page.result = d;
    // The worker stays: it holds the run for the audit log and the diff.
    page.running = false;
    $("cancel").hidden = true;
    updateRun();
    showResult(d);
    $("progress-text").dataset.done = "true";
  } else if (d.type === "error") {
    if (d.code === "unreadable_created_at" || d.code === "ambiguous_created_at") askDates(d);
    else {
      const list = d.errors?.map((e) => `${e.path}: ${e.message}`).join("\n");
      showError(list ? `${d.message}\n${list}` : d.message);
    }
    stop();
  }
}

// ---- results -------------------------------------------------------------------------------
function download(label, name, text, type, testid) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  page.urls.push(url);
  return el("a", { href: url, download: name, class: "button-like", "data-testid": testid }, label);
}

/** The audit screen is drawn when first opened (a search of a big run is not free). */
let drawAudit = null;

function showScreen(name) {
  if (name === "audit" && drawAudit) {
    drawAudit();
    drawAudit = null;
  }
  for (const b of $("screen-tabs").children) b.classList.toggle("active", b.dataset.screen === name);
  for (const s of ["report", "audit", "changes"]) $(`screen-${s}`).hidden = s !== name;
}
for (const b of $("screen-tabs").children) b.addEventListener("click", () => showScreen(b.dataset.screen));

function showResult(d) {
  for (const u of page.urls) URL.revokeObjectURL(u);
  page.urls = [];
  let config = null;
  try {
    config = JSON.parse(doc.text);
  } catch {
    // The run used this text, so it parses; a later edit may not.
  }
  useLabels(d.a, config);
  $("results").hidden = false;
  const warnings = $("warnings");
  const summary = $("summary");
  warnings.replaceChildren();
  summary.replaceChildren();
  const two = Boolean(d.b);
  renderInsights($("insights"), two ? [["A: ", d.a], ["B: ", d.b]] : [["", d.a]]);
  const dates = d.a.created_at;
  if (dates) {
    $("date-detected").textContent = `last run: ${fmt(dates.read)} created_at read (${dates.format === "auto" ? "ISO 8601 or detected" : dates.format})` +
      (dates.unreadable ? `, ${fmt(dates.unreadable)} unreadable` : "");
    $("date-detected").dataset.format = dates.format;
  }
  renderWarnings(warnings, d.a, two ? " in A" : "");
  renderSummary(summary, d.a, two ? "a" : "");
  renderOffPolicy($("off-policy"), d.a);
  if (two) {
    renderWarnings(warnings, d.b, " in B");
    renderSummary(summary, d.b, "b");
  }
  const json = (x) => JSON.stringify(x, null, 2);
  const links = [
    download(two ? "report A (JSON)" : "report (JSON)", "leadroute-report-a.json", json(d.a), "application/json", "export-json-a"),
    download(two ? "report A (CSV)" : "report (CSV)", "leadroute-report-a.csv", d.csvA, "text/csv", "export-csv-a"),
  ];
  if (two) {
    links.push(
      download("report B (JSON)", "leadroute-report-b.json", json(d.b), "application/json", "export-json-b"),
      download("report B (CSV)", "leadroute-report-b.csv", d.csvB, "text/csv", "export-csv-b"),
      download("comparison (JSON)", "leadroute-comparison.json", json(d.comparison), "application/json", "export-json-comparison"),
      download("comparison (CSV)", "leadroute-comparison.csv", d.csvComparison, "text/csv", "export-csv-comparison"),
    );
  }
  $("exports").replaceChildren(el("span", { class: "muted" }, "Export: "), ...links);

  $("ab").hidden = !two;
  const tabs = $("report-tabs");
  tabs.hidden = !two;
  if (two) {
    renderComparison(d.comparison, d.a, d.b, d.mode);
    const show = (which) => {
      for (const b of tabs.children) b.classList.toggle("active", b.dataset.report === which);
      renderReport(which === "a" ? d.a : d.b);
    };
    tabs.replaceChildren(
      el("button", { type: "button", "data-report": "a", onclick: () => show("a") }, "Report A"),
      el("button", { type: "button", "data-report": "b", onclick: () => show("b") }, "Report B"),
    );
    show("a");
  } else {
    renderReport(d.a);
  }
  $("screen-audit").replaceChildren();
  drawAudit = () => renderAudit($("screen-audit"), { ask, report: d.a, arms: two ? 2 : 1, download });
  const changes = $("screen-tabs").querySelector('[data-screen="changes"]');
  changes.hidden = !d.diff;
  if (d.diff) renderDiff($("screen-changes"), { ask, first: d.diff, a: d.a, b: d.b });
  showScreen("report");
  $("results").scrollIntoView({ behavior: "instant", block: "start" });
}

// ---- start: the working copy of the last visit, or the sample config -----------------------
const kept = await store.restore().catch(() => null);
await refreshSaved().catch(() => []);
if (kept?.a) {
  $("config-name").value = kept.name ?? "my rules";
  page.mapping = kept.mapping ?? {};
  if (kept.b) $("config-b").value = kept.b;
  doc.setText(kept.a, { record: false, source: "restore" });
} else {
  doc.setText(await sampleConfig(), { record: false, source: "restore" });
}
if ($("config-b").value) checkB();
showSection(kept?.section ?? "reps");
$("engine-status").textContent = "engine ready (WebAssembly)";
// Ready once the working copy is back, so nothing typed races the restore.
$("engine-status").dataset.ready = "true";
updateRun();
