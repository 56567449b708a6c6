// Prints the benchmark table: every target of issue 6 with its measured value (PASS/MISS),
// the peers side by side, the scale curves, memory, and the machine. Reads what the
// benchmarks wrote to target/bench/*.json and target/criterion/; measures the .wasm size
// itself. Also writes the same as markdown to target/bench/report.md (for the README).
//
//   node bench/report.mjs [--dir target/bench]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..");
const argv = process.argv.slice(2);
const DIR = argv.includes("--dir") ? argv[argv.indexOf("--dir") + 1] : join(ROOT, "target/bench");

const read = (name) => {
  const f = join(DIR, name);
  return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : null;
};
const node = read("node.json");
const browser = read("browser.json");
const workerd = read("workerd.json");
const scale = read("scale.json");
const memory = read("memory.json");
const criterion = (group, bench) => {
  const f = join(ROOT, "target/criterion", group, bench, "new/estimates.json");
  return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")).median.point_estimate : null;
};

const fmt = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? "n/a"
  : Number(n).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));
const kb = (b) => `${fmt(b / 1000, 1)} KB`;

// ---- targets ---------------------------------------------------------------------------
const rows = [];
/**
 * ok: true/false/null (null: not measured); `off`: how far a miss is from the goal, as a
 * factor (from `le`/`ge` below).
 */
const target = (what, measured, goal, ok, note = "") => rows.push({ what, measured, goal, ok: ok?.ok ?? ok, off: ok?.off, note });
/** value must be ≤ limit / ≥ limit. */
const le = (value, limit) => ({ ok: value <= limit, off: value / limit });
const ge = (value, limit) => ({ ok: value >= limit, off: limit / value });

// route() targets: the fast lane (leadroute/fast) when the run has it, else the JSON path.
const lrJson = node?.impls?.leadroute;
const lr = node?.impls?.leadroute_fast ?? lrJson;
const lane = node?.impls?.leadroute_fast ? "leadroute/fast" : "JSON path";
const plain = node?.impls?.plain;
const jl = node?.impls?.jsonlogic;
const jre = node?.impls?.rules_engine;
target(`route() one lead, p50 (Node, ${lane})`, lr ? `${fmt(lr.p50_us, 2)} µs` : "n/a", "≤ 3 µs", lr ? le(lr.p50_us, 3) : null,
  lr ? `p99 ${fmt(lr.p99_us, 2)} µs; ${fmt(lr.leads_per_s)} leads/s${lr !== lrJson && lrJson ? `; JSON path p50 ${fmt(lrJson.p50_us, 2)} µs` : ""}` : "");
const ratio = (peer) => (lr && peer ? peer.p50_us / lr.p50_us : null);
target("route() vs json-rules-engine (p50)", jre ? `${fmt(ratio(jre), 1)}×` : "n/a", "≥ 50×", jre ? ge(ratio(jre), 50) : null,
  jre ? `throughput ${fmt(lr.leads_per_s / jre.leads_per_s, 1)}×` : "");
target("route() vs json-logic-js (p50)", jl ? `${fmt(ratio(jl), 2)}×` : "n/a", "≥ 4×", jl ? ge(ratio(jl), 4) : null,
  jl ? `throughput ${fmt(lr.leads_per_s / jl.leads_per_s, 2)}×` : "");
{
  const b = node?.impls?.leadroute_fast_batch ?? node?.impls?.leadroute_batch;
  const j = node?.impls?.leadroute_batch;
  target(`routeBatch() throughput (${node?.impls?.leadroute_fast_batch ? "leadroute/fast" : "JSON path"})`,
    b ? `${fmt(b.leads_per_s)} leads/s` : "n/a", "≥ 400,000 leads/s", b ? ge(b.leads_per_s, 400_000) : null,
    b ? `${b.passes ? `fastest of ${b.passes} passes; ` : ""}${j && b !== j ? `JSON path ${fmt(j.leads_per_s)} leads/s` : ""}` : "");
}
for (const [key, label] of [["leadroute_bulk_jsonl", "JSONL"], ["leadroute_bulk_csv", "CSV"]]) {
  const b = node?.impls?.[key];
  const quiet = node?.impls?.[`${key}_noaudit`];
  if (b && plain) {
    target(`bulk ${label} bytes → report, vs hand-written JS`, `${fmt(b.leads_per_s / plain.leads_per_s, 2)}×`, "≥ 1.0×",
      ge(b.leads_per_s, plain.leads_per_s), `${fmt(b.leads_per_s)} vs ${fmt(plain.leads_per_s)} leads/s with the audit log`
      + (quiet ? `; ${fmt(quiet.leads_per_s)} leads/s (${fmt(quiet.leads_per_s / plain.leads_per_s, 2)}×) with audit: false` : ""));
  }
}
if (node && !node.impls.leadroute_bulk_jsonl) {
  const b = node.impls.leadroute_batch;
  target("bulk (stand-in: routeBatch) vs hand-written JS", `${fmt(b.leads_per_s / plain.leads_per_s, 2)}×`, "≥ 1.0×",
    ge(b.leads_per_s, plain.leads_per_s), `no Simulation in the binding yet; ${fmt(b.leads_per_s)} vs ${fmt(plain.leads_per_s)} leads/s`);
}
if (browser) {
  const s = browser.engineMs / 1000;
  const full = browser.n >= 1_000_000;
  const per1m = s * (1_000_000 / browser.n);
  const seq = browser.runs?.find((r) => r.workers === 0 && r.audit);
  const noAudit = browser.runs?.find((r) => r.workers === browser.workers && !r.audit);
  const cores = browser.cores ?? 1;
  target(`browser: simulate ${fmt(browser.n)} leads (${cores} cores)`, `${fmt(s, 2)} s${full ? "" : ` (≈ ${fmt(per1m, 2)} s per 1M)`}`,
    "≤ 2.5 s per 1M here", le(per1m, 2.5),
    `${browser.mode}, audit log on; ${fmt(browser.n / s)} leads/s` +
      (seq && seq !== browser ? `; one worker ${fmt(seq.engineMs / 1000 * (1_000_000 / seq.n), 2)} s per 1M` : "") +
      (noAudit ? `; audit log off ${fmt(noAudit.engineMs / 1000 * (1_000_000 / noAudit.n), 2)} s per 1M` : ""));
  const pc = browser.per_core;
  if (pc) {
    const at4 = pc.projected_s_1m["4"];
    target("browser: 1M leads on 4 cores (per-core figure)", `${fmt(at4, 2)} s`, "≤ 1.5 s", le(at4, 1.5),
      `classify ${fmt(pc.classify_us_per_lead, 2)} µs a lead on any core, assign ${fmt(pc.assign_us_per_lead, 2)} µs on one: max(assign, (classify + assign) / cores)`);
  }
  target("browser: page stays responsive", browser.responsive ? "yes" : "no", "yes", browser.responsive,
    `max frame gap ${fmt(browser.maxFrameGap)} ms, timer lag ${fmt(browser.maxTimerLag)} ms, ping p95 ${fmt(browser.ping_p95_ms ?? browser.ping_max_ms)} ms (max ${fmt(browser.ping_max_ms)})`);
} else {
  target("browser: simulate 1M leads in a Worker", "n/a", "≤ 2.5 s", null);
}
// Issue 15: import + build the reference router + first lead in a fresh Node process, for
// the full module (`leadroute`) and the route module (`leadroute/route`, forms and edge).
for (const [key, label] of [["leadroute", "full module"], ["leadroute_route", "route module"]]) {
  const cold = node?.cold_start_ms?.[key];
  if (!cold && key !== "leadroute") continue;
  target(`cold start, Node, ${label} (import + compile + first lead)`, cold ? `${fmt(cold.median, 2)} ms` : "n/a", "≤ 10 ms",
    cold ? le(cold.median, 10) : null, cold ? `median of ${cold.runs} fresh processes (fastest ${fmt(cold.min, 2)} ms)` : "");
}
const native = criterion("compile", "reference_config");
target("compile reference config, native", native !== null ? `${fmt(native / 1000)} µs` : "n/a", "≤ 150 µs",
  native !== null ? le(native / 1000, 150) : null, "criterion median, from JSON text (drop not timed)");
const comp = node?.compile_us;
target("compile reference config (wasm, Node)", comp ? `${fmt(comp.object)} µs` : "n/a", "≤ 200 µs", comp ? le(comp.object, 200) : null,
  comp ? `JSON string ${fmt(comp.string)} µs` : "");
target("module start, workerd", workerd ? `${fmt(workerd.module_start_ms, 2)} ms` : "n/a", "≤ 10 ms",
  workerd ? le(workerd.module_start_ms, 10) : null,
  workerd ? `initSync + compile + first lead; median of ${workerd.runs} (fastest ${fmt(workerd.module_start_min_ms, 2)} ms)` : "");
for (const design of ["durable", "per_team"]) {
  const d = workerd?.designs?.[design];
  target(`edge ${design === "durable" ? "single object" : "per-team objects"}, workerd`, d ? `${fmt(d.leads_per_s)} leads/s` : "n/a", "exactly once",
    d ? d.exactly_once : null,
    d ? `${workerd.designs.leads} submissions, ${workerd.designs.in_flight} in flight: p50 ${fmt(d.p50_ms, 1)} ms, p99 ${fmt(d.p99_ms, 1)} ms` : "");
}
{
  const b = workerd?.designs?.bulk;
  target("edge bulk import, per-team, workerd", b ? `${fmt(b.leads_per_s)} leads/s` : "n/a", "—", null,
    b ? `${b.leads} leads in one POST /leads/bulk: one call per team object` : "");
}
// The size of the .wasm the Node benchmark ran (pkg/ as it is now when that is missing).
const wasmFile = join(ROOT, "pkg/web/leadroute_wasm_bg.wasm");
let wasmGz = node?.download?.leadroute?.wasm_gz ?? null;
let wasmRaw = node?.download?.leadroute?.wasm_raw ?? null;
if (wasmGz === null && existsSync(wasmFile)) {
  const buf = readFileSync(wasmFile);
  wasmRaw = buf.length;
  wasmGz = gzipSync(buf, { level: 9 }).length;
}
target(".wasm size, full module, gzip -9", wasmGz ? kb(wasmGz) : "n/a", "≤ 220 KB", wasmGz ? le(wasmGz, 220_000) : null,
  wasmRaw ? `${kb(wasmRaw)} raw (pkg/web: the dashboard's)` : "");
// The route module (forms and edge workers): pkg/route/web, as built now.
const routeFile = join(ROOT, "pkg/route/web/leadroute_wasm_bg.wasm");
if (existsSync(routeFile)) {
  const buf = readFileSync(routeFile);
  const gz = gzipSync(buf, { level: 9 }).length;
  target(".wasm size, route module, gzip -9", kb(gz), "≤ 120 KB (stretch 80)", le(gz, 120_000), `${kb(buf.length)} raw (pkg/route/web: forms and the edge)`);
}
const flat = (pts) => {
  if (!pts?.length) return null;
  const v = pts.map((p) => p.ns_per_lead);
  return Math.max(...v) / Math.min(...v);
};
const curveText = (pts) => pts.map((p) => `${fmt(p.n)}: ${fmt(p.ns_per_lead)} ns`).join(", ");
for (const [key, label] of [["rules", "rules 10 → 1,000 (eq / in-list)"], ["reps_teams", "reps 10 → 10,000 (teams of 10)"],
  ["reps_one_team", "reps 10 → 10,000 (one team)"], ["accounts", "accounts 10 → 1,000,000"]]) {
  const f = flat(scale?.[key]);
  target(`scale: ${label}, max/min per lead`, f ? `${fmt(f, 2)}×` : "n/a", "≤ 2×", f ? le(f, 2) : null, "native; curve below");
}
// Lead-to-account matching (examples/account_match.rs): the matching cost per lead of a
// mixed stream at the largest size over the smallest, in batches (the bulk simulation's
// classify step) and one lead at a time (the edge).
const accounts = read("accounts.json");
const sizes = accounts?.sizes ?? [];
const [small, large] = [sizes[0], sizes[sizes.length - 1]];
for (const [key, how, limit] of [["batched_ns", `in batches of ${accounts?.batch ?? 16}`, 1.5], ["alone_ns", "one lead at a time", 2]]) {
  const a = small?.tiers?.all?.[key];
  const b = large?.tiers?.all?.[key];
  const f = a > 0 && b > 0 && sizes.length > 1 ? b / a : null;
  const pr = (t) => `${t} P ${fmt(large?.tiers?.[t]?.precision, 3)} / R ${fmt(large?.tiers?.[t]?.recall, 3)}`;
  target(`accounts: matching per lead, ${fmt(small?.accounts)} → ${fmt(large?.accounts)} accounts, ${how}`,
    f ? `${fmt(f, 2)}×` : "n/a", `≤ ${limit}×`, f ? le(f, limit) : null,
    f ? `${fmt(a)} → ${fmt(b)} ns; at ${fmt(large.accounts)}: ${["domain", "name", "fuzzy"].map(pr).join(", ")}` : "");
}
if (memory) {
  target(`memory: ${fmt(memory.leads)} leads in one router`, `${fmt(memory.growth_kib)} KiB growth`, "no growth (≤ 1 MiB)",
    le(Math.max(memory.growth_kib, 0), 1024), `peak RSS ${fmt(memory.peak_kib / 1024, 1)} MiB; state snapshot ${fmt(memory.snapshot_bytes)} B`);
} else {
  target("memory: 10,000,000 leads in one router", "n/a", "no growth", null);
}

// ---- peers side by side -----------------------------------------------------------------
const peers = [];
if (node) {
  const dl = node.download ?? {};
  const cs = node.cold_start_ms ?? {};
  const add = (label, r, coldKey, dlKey) => {
    if (!r) return;
    peers.push({
      label,
      lps: r.leads_per_s,
      p50: r.p50_us,
      p99: r.p99_us,
      cold: coldKey ? cs[coldKey]?.median : undefined,
      gz: dlKey ? dl[dlKey]?.gz : undefined,
      tput: lr ? r.leads_per_s / lr.leads_per_s : null,
      p50x: lr && r.p50_us !== undefined ? r.p50_us / lr.p50_us : null,
      same: r === lr ? "reference" : null,
    });
  };
  add(`leadroute ${lr === lrJson ? "route()" : "fast route()"} (object in, decision fields read)`, lr, "leadroute", "leadroute");
  if (lr !== lrJson) add("leadroute route() (JSON path: object in, decision out)", lrJson);
  if (node.impls.leadroute_fast_batch) add(`leadroute fast routeBatch() (${fmt(node.impls.leadroute_fast_batch.chunks)} calls)`, node.impls.leadroute_fast_batch);
  add(`leadroute routeBatch() (${fmt(node.impls.leadroute_batch?.chunks)} calls)`, node.impls.leadroute_batch);
  add("leadroute Simulation.feedJsonl() (bytes in, report out)", node.impls.leadroute_bulk_jsonl);
  add("leadroute Simulation.feedCsv() (bytes in, report out)", node.impls.leadroute_bulk_csv);
  add("leadroute Simulation.feedJsonl(), audit: false", node.impls.leadroute_bulk_jsonl_noaudit);
  add("leadroute Simulation.feedCsv(), audit: false", node.impls.leadroute_bulk_csv_noaudit);
  add("hand-written JS (objects already parsed)", plain, "plain", "plain");
  add("json-logic-js", jl, "jsonlogic", "jsonlogic");
  add("json-rules-engine", jre, "rules_engine", "rules_engine");
  const eqKey = { "hand-written JS (objects already parsed)": "plain", "json-logic-js": "jsonlogic", "json-rules-engine": "rules_engine" };
  for (const p of peers) {
    const k = eqKey[p.label] ?? (p.label.includes("fast routeBatch") ? "leadroute_fast_batch"
      : p.label.includes("JSON path") ? "leadroute_fast" : p.label.includes("routeBatch") ? "leadroute_batch" : p.label.includes("feedJsonl")
      ? `leadroute_bulk_jsonl${p.label.includes("audit: false") ? "_noaudit" : ""}`
      : p.label.includes("feedCsv") ? `leadroute_bulk_csv${p.label.includes("audit: false") ? "_noaudit" : ""}` : null);
    const eq = k ? node.equal?.[k] : null;
    if (eq) {
      p.same = eq.mismatches > 0 ? `${fmt(eq.mismatches)} differ` : eq.compared ? "same counts per rep" : "same rep per lead";
    }
  }
}

// ---- output -------------------------------------------------------------------------------
const cpuModel = (() => {
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m ? m[1].trim() : cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model ?? "unknown";
  }
})();
const machine = `${cpus().length} cores (nproc), ${cpuModel}, Node ${process.version}${browser ? `, Chromium ${browser.chromium}` : ""}${workerd ? `, workerd ${workerd.workerd}` : ""}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at report time`;

const table = (head, body) => {
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join("  ").trimEnd();
  return [line(head), w.map((x) => "-".repeat(x)).join("  "), ...body.map(line)].join("\n");
};
const md = (head, body) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`,
  ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const status = (r) => (r.ok === null || r.ok === undefined ? "n/a" : r.ok ? "PASS"
  : r.off && Number.isFinite(r.off) ? `MISS ${fmt(r.off, r.off < 10 ? 1 : 0)}× off` : "MISS");
const tHead = ["target", "measured", "goal", "status", "detail"];
const tBody = rows.map((r) => [r.what, r.measured, r.goal, status(r), r.note]);
const pHead = ["implementation", "leads/s", "p50 µs", "p99 µs", "cold start ms", "download gz", "throughput ÷ leadroute", "p50 ÷ leadroute", "assignments"];
const pBody = peers.map((p) => [p.label, fmt(p.lps), p.p50 === undefined ? "" : fmt(p.p50, 2), p.p99 === undefined ? "" : fmt(p.p99, 2),
  p.cold === undefined ? "" : fmt(p.cold, 2), p.gz === undefined ? "" : kb(p.gz), fmt(p.tput, 2) + "×",
  p.p50x === null ? "" : `${fmt(p.p50x, 2)}×`, p.same ?? ""]);
const nat = [["route one lead (trace off)", criterion("route", "one_lead")], ["route one lead (trace on)", criterion("route", "one_lead_trace")],
  ["parse JSON + route one lead", criterion("route", "one_lead_from_json")], ["compile reference config", criterion("compile", "reference_config")],
  ["parse + route JSONL batch, per lead (10,000 leads)", criterion("batch", "jsonl_10k") === null ? null : criterion("batch", "jsonl_10k") / 10_000],
  ["simulate JSONL → report, per lead (10,000 leads)", criterion("batch", "simulate_jsonl_10k") === null ? null : criterion("batch", "simulate_jsonl_10k") / 10_000]];
const nHead = ["native (criterion, median)", "time"];
const nBody = nat.filter(([, v]) => v !== null).map(([k, v]) => [k, v >= 10_000 ? `${fmt(v / 1000, 1)} µs` : `${fmt(v)} ns`]);
const cHead = ["curve (native, ns per lead)", "points"];
const cBody = scale ? [["rules (eq / in-list)", curveText(scale.rules)], ["reps (teams of 10)", curveText(scale.reps_teams)],
  ["reps (one team)", curveText(scale.reps_one_team)], ["accounts (email domain)", curveText(scale.accounts)],
  ["accounts config compile", scale.accounts.map((p) => `${fmt(p.n)}: ${fmt(p.compile_ms, 1)} ms`).join(", ")]] : [];
const notes = [];
if (node) notes.push(`${fmt(node.leads)} leads (seed ${node.seed}): ${fmt(node.outcomes.assigned)} assigned, ${fmt(node.outcomes.nurture)} nurture, ${fmt(node.outcomes.rejected)} rejected; every implementation's rep per lead compared with leadroute's.`);
if (node?.bulk_note) notes.push(node.bulk_note + ".");
if (node?.download?.note) notes.push(`download: ${node.download.note}; leadroute = .wasm + JS glue (pkg/web).`);
if (memory) notes.push(`memory: RSS ${fmt(memory.rss_start_kib / 1024, 1)} MiB before routing, ${fmt(memory.rss_checkpoint_kib / 1024, 1)} MiB after ${fmt(memory.checkpoint_leads)} leads, ${fmt(memory.rss_end_kib / 1024, 1)} MiB after ${fmt(memory.leads)} (${fmt(memory.seconds, 1)} s native).`);
if (node?.quick || browser?.n < 1_000_000) notes.push("quick run (--quick): fewer leads and shorter measurements than the full run.");
notes.push("Timings are wall-clock on a shared machine; ratios within one run are the meaningful numbers.");

const text = [
  "== leadroute benchmarks: targets (issues 6 and 15) ==", table(tHead, tBody), "",
  "== same policy, same leads, one Node process ==", table(pHead, pBody), "",
  "== native core ==", table(nHead, nBody), "",
  "== scale curves ==", table(cHead, cBody), "",
  ...notes, `machine: ${machine}`,
].join("\n");
console.log(text);
const markdown = [
  md(tHead, tBody), "", md(pHead, pBody), "", md(nHead, nBody), "", md(cHead, cBody), "",
  ...notes.map((n) => `${n}  `), `Machine: ${machine}.`,
].join("\n");
writeFileSync(join(DIR, "report.md"), markdown + "\n");
