#!/usr/bin/env node
// Route the bundled sample leads through the built Node package (pkg/node) and explain.
//
//   node scripts/route-sample.mjs [config.json] [leads.jsonl]
//
// Leads are routed one by one in created_at order, with `now` = the lead's created_at (ms),
// so time-based rules (business hours, caps, cool-downs) see a realistic clock.
// Defensive on purpose: prints whatever fields the Decision has, skips what it lacks.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const rel = (p) => relative(process.cwd(), p) || ".";
const configPath = process.argv[2] ?? join(root, "data/default-config.json");
const leadsPath = process.argv[3] ?? join(root, "data/sample-leads.jsonl");
const pkgEntry = join(root, "pkg/node/index.mjs");

function die(msg) {
  console.error(`route-sample: ${msg}`);
  process.exit(1);
}

for (const [what, p] of [["package (run scripts/build.sh)", pkgEntry], ["config", configPath], ["leads", leadsPath]]) {
  if (!existsSync(p)) die(`missing ${what}: ${rel(p)}`);
}

const lib = await import(pathToFileURL(pkgEntry).href);
const { Router } = lib;
if (typeof Router !== "function") die(`pkg/node does not export Router (exports: ${Object.keys(lib).join(", ")})`);

// ---- input ------------------------------------------------------------------------------
let config;
try {
  config = JSON.parse(readFileSync(configPath, "utf8"));
} catch (e) {
  die(`${rel(configPath)}: ${e.message}`);
}

const leads = [];
readFileSync(leadsPath, "utf8").split(/\r?\n/).forEach((line, i) => {
  if (!line.trim()) return;
  try {
    leads.push({ lead: JSON.parse(line), line: i + 1 });
  } catch (e) {
    die(`${rel(leadsPath)}:${i + 1}: ${e.message}`);
  }
});

let badTimes = 0;
for (const item of leads) {
  const t = Date.parse(item.lead?.created_at);
  item.t = Number.isFinite(t) ? t : null;
  if (item.t === null) badTimes++;
}
// Stable sort by created_at; leads without a valid created_at go last, in file order.
leads.sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity) || a.line - b.line);

if (typeof lib.validate === "function") {
  const v = lib.validate(config);
  if (v && v.ok === false) {
    console.error(`route-sample: ${rel(configPath)} is invalid:`);
    for (const e of v.errors ?? []) console.error(`  ${e.path}: ${e.message}`);
    process.exit(1);
  }
}

let router;
try {
  router = new Router(config);
} catch (e) {
  die(`new Router(${rel(configPath)}) failed:\n${e.message}`);
}

// ---- route ------------------------------------------------------------------------------
const results = [];
let lastT = leads.find((x) => x.t !== null)?.t ?? Date.now();
const t0 = performance.now();
// Pull activity between arrivals: pool members look at their pools and claim (cherry pick
// takes the best-scored lead that waited 5+ minutes, blind pull takes the oldest); `tick`
// pushes expired pool leads and raises SLA events. Deterministic: driven by lead times.
const pools = (Array.isArray(config.pools) ? config.pools : []).map((p) => ({
  id: p.id,
  blind: p.visibility === "blind",
  members: [
    ...(p.reps ?? []),
    ...(config.teams ?? []).filter((t) => (p.teams ?? []).includes(t.id)).flatMap((t) => t.members),
  ],
}));
const claims = new Map(); // "pool rep" -> count
const claimRefusals = new Map(); // reason -> count
const events = new Map(); // kind -> count
const eventSamples = [];
let step = 0;
// Most reps call back quickly: 7 in 10 assigned leads are touched 2 minutes after they
// arrive (chosen by lead id digits, so the run is reproducible); claimed leads always.
const touches = [];
let touched = 0;
const callsBack = (id) => [...String(id)].reduce((a, c) => a + c.charCodeAt(0), 0) % 10 < 7;
function pullAndTick(now) {
  for (let i = touches.length - 1; i >= 0; i--) {
    if (touches[i].due > now) continue;
    const [t] = touches.splice(i, 1);
    try { router.touch(t.lead, t.rep, { now: t.due }); touched++; } catch { /* re-routed meanwhile */ }
  }
  for (const pool of pools) {
    const n = pool.members.length;
    for (let i = 0; i < n; i++) {
      const rep = pool.members[(step + i) % n];
      let list;
      try { list = router.listPool(pool.id, rep, { now }); } catch { continue; }
      const waited = list.filter((l) => now - l.pooled_at >= 5 * 60_000);
      if (waited.length === 0) continue;
      try {
        const c = pool.blind
          ? router.claimNext(pool.id, rep, { now })
          : router.claim(waited.reduce((a, b) => ((b.score ?? 0) > (a.score ?? 0) ? b : a)).lead_id, rep, { now });
        touches.push({ lead: c.lead_id, rep, due: now + 60_000 });
        const k = `${pool.id} ${rep}`;
        claims.set(k, (claims.get(k) ?? 0) + 1);
      } catch (e) {
        const reason = String(e?.message ?? e).replace(/"[^"]*"/g, "#");
        claimRefusals.set(reason, (claimRefusals.get(reason) ?? 0) + 1);
      }
    }
  }
  step++;
  for (const e of router.tick({ now })) {
    events.set(e.kind, (events.get(e.kind) ?? 0) + 1);
    if (eventSamples.length < 6 && !eventSamples.some((x) => x.kind === e.kind)) eventSamples.push(e);
    if ((e.kind === "reassigned" || e.kind === "pool_expired") && e.rep && callsBack(e.lead_id + e.kind)) {
      touches.push({ lead: e.lead_id, rep: e.rep, due: now + 120_000 });
    }
  }
}
for (const item of leads) {
  const now = item.t ?? lastT;
  lastT = now;
  pullAndTick(now);
  try {
    const decision = router.route(item.lead, { now, trace: true });
    results.push({ item, decision });
    if (decision.outcome === "assigned" && decision.rep && callsBack(decision.lead_id)) {
      touches.push({ lead: decision.lead_id, rep: decision.rep, due: now + 120_000 });
    }
  } catch (e) {
    results.push({ item, error: e?.message ?? String(e) });
  }
}
const elapsed = performance.now() - t0;

// ---- report -----------------------------------------------------------------------------
function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? "-")));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  // Right-align columns whose cells all look numeric (counts, percentages).
  const numeric = headers.map((_, i) => rows.length > 0 && cells.slice(1).every((r) => /^-?[\d.,]+%?$|^-$/.test(r[i])));
  const fmt = (r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  console.log("  " + fmt(cells[0]));
  console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log("  " + fmt(r));
}
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : "-");
const clip = (s, n = 90) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

const decisions = results.filter((r) => r.decision).map((r) => r.decision);
const errors = results.filter((r) => r.error);

console.log(`leadroute sample run`);
console.log(`  config: ${rel(configPath)}`);
console.log(`  leads:  ${rel(leadsPath)} (${leads.length} leads${badTimes ? `, ${badTimes} without a valid created_at` : ""})`);
console.log(`  routed: ${decisions.length} in ${elapsed.toFixed(1)} ms (${(elapsed * 1000 / Math.max(1, leads.length)).toFixed(1)} µs/lead)${errors.length ? `, ${errors.length} errors` : ""}`);

// per rep: every rep in the config (0 when it got nothing), plus any the decisions name
const reps = new Map();
const teamOf = new Map();
for (const t of Array.isArray(config.teams) ? config.teams : []) {
  for (const m of Array.isArray(t?.members) ? t.members : []) if (!teamOf.has(m)) teamOf.set(m, t.id);
}
for (const r of Array.isArray(config.reps) ? config.reps : []) {
  if (r?.id != null) reps.set(r.id, { rep: r.id, name: r.name ?? r.id, team: teamOf.get(r.id), leads: 0 });
}
const assignedCount = decisions.filter((d) => d.rep != null).length;
for (const d of decisions) {
  if (d.rep == null) continue;
  const r = reps.get(d.rep) ?? { rep: d.rep, name: d.rep_name ?? d.rep, team: undefined, leads: 0 };
  r.leads++;
  reps.set(d.rep, r);
}
const withLeads = [...reps.values()].filter((r) => r.leads > 0).length;
console.log(`\nPer rep (${withLeads} of ${reps.size} reps received leads; share = of ${assignedCount} leads with a rep)`);
if (reps.size) {
  const rows = [...reps.values()]
    .sort((a, b) => b.leads - a.leads || String(a.name).localeCompare(String(b.name)))
    .map((r) => [r.name, r.rep, r.team ?? "-", r.leads, pct(r.leads, assignedCount)]);
  table(["rep", "id", "team", "leads", "share"], rows);
} else {
  console.log("  (no reps)");
}

// per team
const teams = new Map();
for (const d of decisions) if (d.team != null) teams.set(d.team, (teams.get(d.team) ?? 0) + 1);
if (teams.size) {
  console.log(`\nPer team`);
  table(["team", "leads"], [...teams].sort((a, b) => b[1] - a[1]));
}

// per outcome, with reasons
const outcomes = new Map();
for (const o of ["assigned", "pooled", "nurture", "rejected"]) outcomes.set(o, []);
for (const d of decisions) {
  const o = d.outcome ?? "(no outcome)";
  if (!outcomes.has(o)) outcomes.set(o, []);
  outcomes.get(o).push(d);
}
console.log(`\nPer outcome`);
table(
  ["outcome", "leads", "share"],
  [...outcomes].map(([o, ds]) => [o, ds.length, pct(ds.length, decisions.length)]),
);
for (const [o, ds] of outcomes) {
  if (!ds.length) continue;
  // Group reasons that differ only in numbers ("score 39 is below ..." -> "score # is below ...").
  const reasons = new Map();
  for (const d of ds) {
    const k = [d.via, d.rule, d.pool].filter((x) => x != null).join(" / ");
    const raw = `${k ? `[${k}] ` : ""}${d.reason ?? "(no reason)"}`;
    const key = raw.replace(/-?\d+(\.\d+)?/g, "#");
    const g = reasons.get(key) ?? { n: 0, raws: new Set() };
    g.n++;
    g.raws.add(raw);
    reasons.set(key, g);
  }
  const top = [...reasons].map(([key, g]) => [g.raws.size === 1 ? [...g.raws][0] : key, g.n]).sort((a, b) => b[1] - a[1]);
  console.log(`\n  ${o}: ${ds.length} leads, ${reasons.size} kind${reasons.size === 1 ? "" : "s"} of reason`);
  for (const [r, n] of top.slice(0, 6)) console.log(`    ${String(n).padStart(4)}  ${clip(r)}`);
  if (top.length > 6) console.log(`    ${String(top.slice(6).reduce((s, [, n]) => s + n, 0)).padStart(4)}  (${top.length - 6} other reasons)`);
}

if (errors.length) {
  console.log(`\nErrors (${errors.length})`);
  for (const { item, error } of errors.slice(0, 5)) {
    console.log(`  line ${item.line} (${item.lead?.id ?? "no id"}): ${clip(error.split("\n").join(" | "), 120)}`);
  }
}

// 5 explained decisions: one per outcome first, then the ones with the richest candidate
// traces (skipped reps, fallbacks) to show why someone was NOT picked.
const picked = [];
for (const o of outcomes.keys()) {
  const r = results.find((x) => x.decision?.outcome === o);
  if (r) picked.push(r);
}
const candidateCount = (r) => (Array.isArray(r.decision?.trace?.candidates) ? r.decision.trace.candidates.length : 0);
const rest = results
  .filter((r) => r.decision && !picked.includes(r))
  .sort((a, b) => candidateCount(b) - candidateCount(a) || a.item.line - b.item.line);
for (const r of rest) {
  if (picked.length >= 5) break;
  picked.push(r);
}

const repNames = new Map((Array.isArray(config.reps) ? config.reps : []).map((r) => [r?.id, r?.name]));
// Known trace item shapes get one readable line; anything else is shown as JSON.
function traceItem(x) {
  if (typeof x === "string") return x;
  if (x && typeof x === "object" && "rep" in x && "reason" in x) {
    const name = repNames.get(x.rep);
    const who = name ? `${name} (${x.rep})` : String(x.rep);
    return `${x.chosen ? "=>" : "  "} ${who}: ${String(x.reason).replace(/_/g, " ")}${x.detail ? ` - ${x.detail}` : ""}`;
  }
  if (x && typeof x === "object" && "rule" in x && "matched" in x) {
    return `${x.matched ? "=>" : "  "} rule ${x.rule}${x.matched ? " (matched)" : ""}`;
  }
  return JSON.stringify(x);
}

function traceLines(trace) {
  if (trace == null) return [];
  if (typeof trace === "string") return trace.split("\n");
  if (Array.isArray(trace)) return trace.map((t) => (typeof t === "string" ? t : JSON.stringify(t)));
  const lines = [];
  for (const [k, v] of Object.entries(trace)) {
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      lines.push(`${k}:`);
      for (const x of v) lines.push(`  ${traceItem(x)}`);
    } else {
      lines.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
  }
  return lines;
}

console.log(`\nExplained decisions (${picked.length})`);
for (const { item, decision: d } of picked) {
  const lead = item.lead ?? {};
  console.log(`\n  lead ${d.lead_id ?? lead.id ?? "(no id)"}  created ${lead.created_at ?? "-"}`);
  const known = new Set(["lead_id", "outcome", "rep", "rep_name", "team", "pool", "rule", "via", "reason", "score", "trace", "calendar_url"]);
  console.log(`    outcome: ${d.outcome}${d.rep_name || d.rep ? `  -> ${d.rep_name ?? d.rep}${d.rep && d.rep_name ? ` (${d.rep})` : ""}` : ""}${d.team ? `  team ${d.team}` : ""}${d.pool ? `  pool ${d.pool}` : ""}`);
  console.log(`    rule:    ${d.rule ?? "-"}   via: ${d.via ?? "-"}`);
  console.log(`    reason:  ${d.reason ?? "-"}`);
  if (d.calendar_url) console.log(`    calendar: ${d.calendar_url}`);
  if (d.score) {
    const bd = (d.score.breakdown ?? []).map((b) => `${b.group ?? "?"}/${b.rule ?? "?"} ${b.points >= 0 ? "+" : ""}${b.points}`);
    console.log(`    score:   ${d.score.total}${d.score.grade ? ` (grade ${d.score.grade})` : ""}${bd.length ? `  = ${clip(bd.join(", "), 100)}` : ""}`);
  }
  for (const [k, v] of Object.entries(d)) {
    if (!known.has(k) && v != null) console.log(`    ${k}: ${clip(typeof v === "string" ? v : JSON.stringify(v), 100)}`);
  }
  const tl = traceLines(d.trace);
  if (tl.length) {
    console.log(`    trace:`);
    for (const l of tl.slice(0, 25)) console.log(`      ${clip(l, 110)}`);
    if (tl.length > 25) console.log(`      … ${tl.length - 25} more lines`);
  }
}

// ---- pull pools and SLA --------------------------------------------------------------------
pullAndTick(lastT + 24 * 3_600_000);
const nameOf = new Map((config.reps ?? []).map((r) => [r.id, r.name ?? r.id]));
console.log("\nPull pools and SLA (claims made between arrivals; tick() at each arrival)");
if (claims.size === 0) console.log("  no claims");
for (const [k, n] of [...claims].sort()) {
  const [pool, rep] = k.split(" ");
  console.log(`  ${pool.padEnd(14)} ${String(n).padStart(4)} claimed by ${nameOf.get(rep) ?? rep}`);
}
for (const [reason, n] of [...claimRefusals].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
  console.log(`  ${String(n).padStart(4)} claims refused: ${reason}`);
}
console.log(`  ${String(touched).padStart(4)} leads touched by their owner (first contact recorded; SLA met or late)`);
for (const [kind, n] of [...events].sort()) console.log(`  ${String(n).padStart(4)} ${kind} events`);
for (const e of eventSamples) {
  console.log(`    e.g. ${e.kind} ${e.lead_id} -> ${e.rep}: ${clip(e.reason, 100)}`);
}

router.free?.();
