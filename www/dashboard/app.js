// The dashboard page: leads source and column mapping, config editors validated as you
// type (errors at their JSON path), the run in a Web Worker with progress, and the report.
import init, { validate } from "../../pkg/web/leadroute_wasm.js";
import { scan, find, lineOf } from "./jsonpath.js";
import { csvHeader, suggest, BUILT_IN } from "./mapping.js";
import { el, fmt, renderComparison, renderReport, renderSummary, renderWarnings } from "./render.js";

const $ = (id) => document.getElementById(id);
const page = {
  source: null, // { kind: "blob", blob, name, format, headers } | { kind: "generate" }
  valid: { a: false, b: false },
  worker: null,
  result: null,
  urls: [],
};
// Read by the end-to-end tests.
window.dashboard = page;

// ---- engine ------------------------------------------------------------------------------
await init({ module_or_path: new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url) });
$("engine-status").textContent = "engine ready (WebAssembly)";
$("engine-status").dataset.ready = "true";

// ---- config editors: validation as you type ----------------------------------------------
function check(which) {
  const ta = $(`config-${which}`);
  const list = $(`errors-${which}`);
  const text = ta.value;
  let errors = [];
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
      errors = [{ path: "", message: `JSON syntax: ${e.message}`, start: at, end: at + 1, line: lineOf(text, at) }];
    }
  }
  if (tree && text.trim()) {
    const result = validate(text);
    errors = result.errors.map((e) => {
      const node = find(tree, e.path);
      const start = node.keyStart ?? node.start;
      return { ...e, start, end: node.end, line: lineOf(text, start) };
    });
  } else if (!text.trim()) {
    errors = [{ path: "", message: "the config is empty", start: 0, end: 0, line: 1 }];
  }
  page.valid[which] = errors.length === 0;
  ta.classList.toggle("invalid", errors.length > 0);
  list.replaceChildren(
    ...errors.map((e) =>
      el("li", {
        "data-path": e.path,
        title: "show in the editor",
        onclick: () => {
          ta.focus();
          ta.setSelectionRange(e.start, e.end);
          const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 16;
          ta.scrollTop = Math.max(0, (e.line - 3) * lineHeight);
        },
      },
      el("code", {}, e.path || "(config)"), ` line ${e.line}: `, e.message)),
  );
  if (!errors.length) list.replaceChildren(el("li", { class: "ok" }, "valid config"));
  updateRun();
  if (which === "a" && page.source?.format === "csv") renderMapping();
}

let timers = {};
for (const which of ["a", "b"]) {
  $(`config-${which}`).addEventListener("input", () => {
    clearTimeout(timers[which]);
    timers[which] = setTimeout(() => check(which), 120);
  });
}

function mode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function updateRun() {
  const needB = mode() !== "single";
  const ok = page.source && page.valid.a && (!needB || page.valid.b) && !page.worker;
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
  let text = $("config-a").value;
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
  check("b");
}
$("b-copy").addEventListener("click", () => copyAtoB());
$("b-round-robin").addEventListener("click", () =>
  copyAtoB((c) => {
    for (const t of c.teams ?? []) t.strategy = { type: "round_robin" };
  }),
);

// ---- leads -------------------------------------------------------------------------------
function fieldsOf(which = "a") {
  try {
    return Object.keys(JSON.parse($(`config-${which}`).value).fields ?? {});
  } catch {
    return [];
  }
}

/** Each new source wins over a slower earlier one still loading. */
let loads = 0;

async function useBlob(blob, name, load = ++loads) {
  const head = await blob.slice(0, 65536).text();
  if (load !== loads) return;
  const csv = /\.csv$/i.test(name) || (!/\.(jsonl|ndjson|json)$/i.test(name) && !head.trimStart().startsWith("{"));
  page.source = { kind: "blob", blob, name, format: csv ? "csv" : "jsonl", headers: csv ? csvHeader(head) : null };
  page.mapping = {};
  $("source").textContent = `${name}: ${fmt(blob.size)} bytes, ${csv ? "CSV" : "JSONL"}`;
  $("source").classList.remove("muted");
  renderMapping();
  updateRun();
}

function renderMapping() {
  const box = $("mapping");
  const s = page.source;
  if (!s || s.format !== "csv") {
    box.hidden = true;
    return;
  }
  const fields = fieldsOf("a");
  const known = [...new Set(["id", ...fields, ...BUILT_IN])];
  const rows = [];
  for (const h of s.headers) {
    if (known.includes(h)) continue;
    const current = page.mapping[h] ?? suggest(h, [...fields, ...BUILT_IN]);
    page.mapping[h] = current;
    const select = el("select", { "data-header": h, onchange: (e) => (page.mapping[h] = e.target.value) },
      el("option", { value: "" }, "(not used)"),
      known.map((f) => el("option", { value: f, selected: f === current }, f)));
    rows.push(el("tr", {}, el("td", {}, h), el("td", {}, select)));
  }
  $("mapping-table").tBodies[0].replaceChildren(...rows);
  box.hidden = rows.length === 0;
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

async function loadDefaultConfig() {
  const text = await (await fetch("../../data/default-config.json")).text();
  $("config-a").value = text;
  check("a");
}
$("load-sample").addEventListener("click", async () => {
  const load = ++loads;
  await loadDefaultConfig();
  const blob = await (await fetch("../../data/sample-leads.jsonl")).blob();
  await useBlob(blob, "sample-leads.jsonl", load);
});
$("load-sample-csv").addEventListener("click", async () => {
  const load = ++loads;
  if (!$("config-a").value.trim()) await loadDefaultConfig();
  const blob = await (await fetch("../../data/sample-leads.csv")).blob();
  await useBlob(blob, "sample-leads.csv", load);
});
$("use-generated").addEventListener("click", async () => {
  const load = ++loads;
  if (!$("config-a").value.trim()) await loadDefaultConfig();
  if (load !== loads) return;
  const n = Number($("opt-generate").value) || 1_000_000;
  page.source = { kind: "generate", count: n };
  $("source").textContent = `${fmt(n)} synthetic leads, generated in the worker from the sample (one year from 2026-01-01)`;
  $("mapping").hidden = true;
  updateRun();
});

// ---- run ---------------------------------------------------------------------------------
function options() {
  const num = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
  return {
    sample: num("opt-sample") ?? 0,
    touch_after_minutes: num("opt-touch"),
    reorder_window: num("opt-window") ?? 10000,
  };
}

function stop() {
  page.worker?.terminate();
  page.worker = null;
  $("cancel").hidden = true;
  updateRun();
}

$("only-changed").addEventListener("change", (e) => $("diff-table").classList.toggle("only-changed", e.target.checked));

$("cancel").addEventListener("click", () => {
  stop();
  $("progress").hidden = true;
  $("progress-text").textContent = "cancelled";
});

$("run").addEventListener("click", () => {
  if (page.worker) return;
  const m = mode();
  const s = page.source;
  const source = s.kind === "generate"
    ? { kind: "generate", count: s.count }
    : { kind: "blob", blob: s.blob, format: s.format, mapping: s.format === "csv" ? cleanMapping() : undefined };
  const msg = {
    type: "run",
    mode: m,
    configA: $("config-a").value,
    configB: m === "single" ? null : $("config-b").value,
    options: options(),
    shareB: Math.min(100, Math.max(0, Number($("share").value) || 0)) / 100,
    source,
  };
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  page.worker = w;
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
  w.onmessage = (e) => onWorker(e.data);
  w.onerror = (e) => {
    showError(e.message || "the worker failed");
    stop();
  };
  w.postMessage(msg);
});

function cleanMapping() {
  const out = {};
  for (const [h, f] of Object.entries(page.mapping ?? {})) if (f && f !== h) out[h] = f;
  // A header mapped to "(not used)" is renamed to an unused name, so it is ignored.
  for (const [h, f] of Object.entries(page.mapping ?? {})) if (!f) out[h] = "";
  return out;
}

function showError(message) {
  $("run-error").hidden = false;
  $("run-error").textContent = message;
  $("progress").hidden = true;
}

function onWorker(d) {
  if (d.type === "progress") {
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
    $("progress-text").dataset.done = "true";
    page.result = d;
    stop();
    showResult(d);
  } else if (d.type === "error") {
    const list = d.errors?.map((e) => `${e.path}: ${e.message}`).join("\n");
    showError(list ? `${d.message}\n${list}` : d.message);
    stop();
  }
}

// ---- results -----------------------------------------------------------------------------
function download(label, name, text, type, testid) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  page.urls.push(url);
  return el("a", { href: url, download: name, class: "button-like", "data-testid": testid }, label);
}

function showResult(d) {
  for (const u of page.urls) URL.revokeObjectURL(u);
  page.urls = [];
  $("results").hidden = false;
  const warnings = $("warnings");
  const summary = $("summary");
  warnings.replaceChildren();
  summary.replaceChildren();
  const two = Boolean(d.b);
  renderWarnings(warnings, d.a, two ? " in A" : "");
  renderSummary(summary, d.a, two ? "a" : "");
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
  $("results").scrollIntoView({ behavior: "instant", block: "start" });
}

check("a");
updateRun();
