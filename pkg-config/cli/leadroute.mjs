#!/usr/bin/env node
// `npx leadroute simulate | diff`: the dashboard's replay from the command line, for a
// team's CI before a rule change goes live. Everything is computed by the full module's
// Simulation; this file reads files, converts arguments and prints.
import { openSync, readSync, closeSync, fstatSync, readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { Simulation } from "../node/index.mjs";

const USAGE = `usage:
  leadroute simulate --config rules.json [options] leads.csv|leads.jsonl
  leadroute diff a.json b.json [options] leads.csv|leads.jsonl

options (both):
  --accounts FILE          accounts (CSV export or JSON list) for the config's matching
  --mapping FILE           JSON {"CSV header": "config field"}
  --claims FILE            JSON claim model ({"seed", "delay", "pools", "from_history"})
  --claim-minutes N        claims after an exponential delay of mean N minutes
  --seed N                 claim model seed (default 0)
  --date-format F          auto | iso | us | eu (created_at; default auto)
  --zone Z                 IANA zone for created_at written without one
  --allow-unreadable-dates route leads whose created_at does not read at the clock
  --progress               progress on stderr (on by itself for files over 20 MB)
simulate:
  --out FILE               write the report: .json (the whole report) or .csv
  --audit-out FILE         write every decision (the audit log) as CSV
  --max-fallback-share X   exit 1 when the fallback owner takes more than X of assigned leads
  --max-cap-days N         exit 1 when a rep sits at a week or month cap more than N days
diff:
  --team T, --rep R, --rule R   only moved leads of that team, rep or rule (either side)
  --limit N                list at most N moved leads (default 20)
  --out FILE               write every moved lead as CSV
exit codes: 0 done, 1 an assertion failed, 2 bad arguments or input`;

class UsageError extends Error {}

const FLAGS = new Set(["--allow-unreadable-dates", "--progress", "--help", "-h"]);

function parseArgs(argv) {
  const opts = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("-")) {
      rest.push(a);
    } else if (FLAGS.has(a)) {
      opts[a.replace(/^-+/, "")] = true;
    } else {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      opts[a.replace(/^--/, "")] = v;
    }
  }
  return { opts, rest };
}

function readJson(file, what) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${e.code ?? e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${file} is not JSON: ${e.message}`);
  }
}

function number(opts, name) {
  if (opts[name] === undefined) return undefined;
  const n = Number(opts[name]);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number from 0, got ${opts[name]}`);
  return n;
}

/** The config with the accounts file in it: the router and the simulation read the same. */
function configOf(file, opts) {
  const config = readJson(file, "config");
  if (opts.accounts) {
    const text = readFileSync(opts.accounts, "utf8");
    const accounts = { ...(config.accounts ?? {}) };
    if (extname(opts.accounts).toLowerCase() === ".json") accounts.list = JSON.parse(text);
    else accounts.csv = text;
    config.accounts = accounts;
  }
  return config;
}

function simOptions(opts) {
  const o = { sample: 0, created_at: { format: opts["date-format"] ?? "auto", allow_unreadable: !!opts["allow-unreadable-dates"] } };
  if (opts.zone) o.created_at.zone = opts.zone;
  if (opts.claims) o.claims = readJson(opts.claims, "claim model");
  const minutes = number(opts, "claim-minutes");
  if (minutes !== undefined) o.claims = { ...(o.claims ?? {}), delay: { type: "exponential", mean_minutes: minutes } };
  const seed = number(opts, "seed");
  if (seed !== undefined) o.claims = { ...(o.claims ?? {}), seed };
  const share = number(opts, "max-fallback-share");
  const days = number(opts, "max-cap-days");
  if (share !== undefined || days !== undefined) o.assertions = { max_fallback_share: share ?? null, max_cap_days: days ?? null };
  return o;
}

/** Feeds the file to every simulation in 1 MiB slices, with progress on stderr. */
function feed(file, sims, opts) {
  const csv = extname(file).toLowerCase() === ".csv";
  const mapping = opts.mapping ? readJson(opts.mapping, "mapping") : undefined;
  let fd;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new UsageError(`cannot read leads ${file}: ${e.code ?? e.message}`);
  }
  const size = fstatSync(fd).size;
  const progress = opts.progress || size > 20 * 1024 * 1024;
  const buf = Buffer.alloc(1 << 20);
  let done = 0;
  let shown = -1;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const slice = buf.subarray(0, n);
      for (const sim of sims) {
        if (csv) sim.feedCsv(slice, mapping);
        else sim.feedJsonl(slice);
      }
      done += n;
      const pct = Math.floor((done / Math.max(size, 1)) * 100);
      if (progress && pct !== shown) {
        shown = pct;
        process.stderr.write(`progress: ${pct}% (${sims[0].leads.toLocaleString("en-US")} leads)\n`);
      }
    }
  } finally {
    closeSync(fd);
  }
  for (const sim of sims) sim.finish();
}

const int = (n) => Math.round(n).toLocaleString("en-US");
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const day = (ms) => (ms == null ? "?" : new Date(ms).toISOString().slice(0, 10));

function printReport(r, file) {
  const out = [];
  const o = r.outcomes;
  out.push(`${int(r.leads)} leads from ${file}, ${day(r.first_at)} to ${day(r.last_at)}`);
  out.push(`outcomes: ${int(o.assigned)} assigned, ${int(o.pooled)} pooled, ${int(o.nurture)} nurture, ${int(o.rejected)} rejected`);
  if (r.bad_lines) out.push(`bad lines: ${int(r.bad_lines)} (first at line ${r.errors[0]?.line})`);
  if (r.created_at.unreadable) out.push(`created_at unreadable: ${int(r.created_at.unreadable)} (allowed)`);
  out.push("reps:");
  for (const rep of [...r.reps].sort((a, b) => b.leads - a.leads || a.name.localeCompare(b.name))) {
    const cap = rep.caps.month != null ? ` (month cap ${rep.caps.month})` : "";
    out.push(`  ${rep.name}: ${int(rep.leads)} leads, ${pct(rep.share)}${cap}`);
  }
  if (r.pools.length) out.push("pools:");
  for (const p of r.pools) {
    const t = p.time_to_claim ? `, time to claim p50 ${p.time_to_claim.p50_minutes.toFixed(1)} min, p90 ${p.time_to_claim.p90_minutes.toFixed(1)} min` : "";
    out.push(`  ${p.name}: ${int(p.pooled)} pooled, ${int(p.claimed)} claimed, ${int(p.expired)} expired, ${int(p.waiting)} waiting${t}`);
  }
  if (r.accounts) {
    const a = r.accounts;
    const tiers = Object.entries(a.matched).map(([k, v]) => `${k} ${int(v)}`).join(", ") || "none";
    out.push(`accounts: ${pct(a.rates.all ?? 0)} matched (${tiers}), ${int(a.close.length)} near misses to clean up`);
  }
  if (r.insights.length) out.push("insights:");
  for (const i of r.insights) out.push(`  ${i.severity === "warning" ? "!" : "-"} ${i.message}`);
  for (const a of r.assertions) out.push(`${a.passed ? "PASS" : "FAIL"} ${a.code}: ${a.message}`);
  process.stdout.write(out.join("\n") + "\n");
}

function simulate(opts, rest) {
  if (!opts.config) throw new UsageError("simulate needs --config rules.json");
  if (rest.length !== 1) throw new UsageError("simulate needs one leads file");
  const sim = new Simulation(configOf(opts.config, opts), simOptions(opts));
  feed(rest[0], [sim], opts);
  const report = sim.report();
  printReport(report, rest[0]);
  if (opts.out) {
    const csv = extname(opts.out).toLowerCase() === ".csv";
    writeFileSync(opts.out, csv ? sim.reportCsv() : JSON.stringify(report, null, 2) + "\n");
  }
  if (opts["audit-out"]) writeFileSync(opts["audit-out"], sim.searchCsv({}));
  return report.assertions.every((a) => a.passed) ? 0 : 1;
}

function diff(opts, rest) {
  if (rest.length !== 3) throw new UsageError("diff needs two configs and one leads file");
  const [fa, fb, leads] = rest;
  const o = simOptions(opts);
  const a = new Simulation(configOf(fa, opts), o);
  const b = new Simulation(configOf(fb, opts), o);
  feed(leads, [a, b], opts);
  const filter = { team: opts.team, rep: opts.rep, rule: opts.rule };
  const limit = number(opts, "limit") ?? 20;
  const d = a.diff(b, filter, { limit });
  const out = [`${int(d.moved)} of ${int(d.leads)} leads moved from ${fa} to ${fb}`];
  if (filter.team || filter.rep || filter.rule) out.push(`${int(d.total)} of them match the filter`);
  if (d.moves.length) out.push("moves:");
  for (const m of d.moves) out.push(`  ${m.from_name} -> ${m.to_name}: ${int(m.count)}`);
  if (d.rows.length) out.push("moved leads:");
  const who = (s) => s.rep_name ?? s.outcome;
  for (const m of d.rows) {
    out.push(`  #${m.index} ${m.a.lead_id ?? "(no id)"}: ${who(m.a)} (rule ${m.a.rule ?? "none"}) -> ${who(m.b)} (rule ${m.b.rule ?? "none"})`);
  }
  if (d.total > d.rows.length) out.push(`  ... ${int(d.total - d.rows.length)} more (--limit, --out)`);
  process.stdout.write(out.join("\n") + "\n");
  if (opts.out) writeFileSync(opts.out, a.diffCsv(b, filter));
  return 0;
}

function main(argv) {
  const [command, ...args] = argv;
  const { opts, rest } = parseArgs(args);
  if (!command || opts.help || opts.h || command === "help") {
    process.stdout.write(USAGE + "\n");
    return command ? 0 : 2;
  }
  if (command === "simulate") return simulate(opts, rest);
  if (command === "diff") return diff(opts, rest);
  throw new UsageError(`unknown command ${command}`);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`leadroute: ${e.message}\n${USAGE}\n`);
  } else if (e?.code) {
    // The engine's typed errors: the code, the message, what it saw, the help.
    process.stderr.write(`leadroute: ${e.code}: ${e.message}\n`);
    if (Array.isArray(e.seen) && e.seen.length) process.stderr.write(`  seen: ${e.seen.map((s) => JSON.stringify(s)).join(", ")}\n`);
    if (Array.isArray(e.errors)) for (const x of e.errors) process.stderr.write(`  ${x.path}: ${x.message}\n`);
    if (e.help) process.stderr.write(`  help: ${e.help}\n`);
  } else {
    process.stderr.write(`leadroute: ${e?.stack ?? e}\n`);
  }
  process.exitCode = 2;
}
