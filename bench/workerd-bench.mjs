// Module start in workerd: real workerd (npm package `workerd`) on 127.0.0.1 with a tiny
// worker that imports pkg/web and, on its first /route request, runs `initSync({ module })`,
// compiles the reference config and routes one lead. Module start = that first request
// minus a warm /route request (the HTTP round trip). Each sample is a fresh workerd process.
//
// Then the two edge designs side by side in one real workerd (www/edge/config.capnp): the
// same 10,000 submissions across 5 teams, 200 in flight, to the single Durable Object and
// to the per-team objects, with the exactly-once checks of tests/edge/scale.test.mjs.
//
//   node bench/workerd-bench.mjs [--quick] [--out target/bench/workerd.json]
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import workerd from "workerd";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..");
const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const outIdx = argv.indexOf("--out");
const OUT = outIdx >= 0 ? argv[outIdx + 1] : join(ROOT, "target/bench/workerd.json");
const RUNS = QUICK ? 3 : 7;
const WORKERD = workerd.default ?? workerd;
const DESIGN_LEADS = QUICK ? 2000 : 10_000;
const IN_FLIGHT = 200;

/** Both edge designs under the same load; `{ leads, in_flight, durable: {...}, per_team: {...} }`. */
async function designs() {
  const { startWorkerd } = await import("../tests/edge/harness.mjs");
  const { checkExactlyOnce, claimAll, load, scaleConfig, scaleLeads } = await import("../tests/edge/scale-run.mjs");
  const config = scaleConfig();
  const w = await startWorkerd({ config });
  const out = { leads: DESIGN_LEADS, in_flight: IN_FLIGHT, teams: config.teams.length };
  try {
    for (const design of ["durable", "per_team"]) {
      const base = design === "per_team" ? w.teamsUrl : w.url;
      const leads = scaleLeads(DESIGN_LEADS, "W");
      const r = await load(base, leads, { inFlight: IN_FLIGHT });
      const winners = await claimAll(base, config);
      const counts = await checkExactlyOnce({ base, design, config, leads, answers: r.answers, winners });
      out[design] = { leads_per_s: r.leadsPerS, p50_ms: r.p50, p99_ms: r.p99, seconds: r.ms / 1000, failed: r.failed, counts, claimed: winners.size, exactly_once: true };
      console.log(`workerd-bench: ${design}: ${r.sent} submissions in ${(r.ms / 1000).toFixed(1)} s: ${r.leadsPerS.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, exactly once ${JSON.stringify(counts)}`);
    }
    // A burst through the bulk endpoint: one call per team object for the whole batch.
    const batch = scaleLeads(QUICK ? 1000 : 5000, "BULK");
    const t0 = performance.now();
    const res = await fetch(`${w.teamsUrl}/leads/bulk`, { method: "POST", body: batch.map((l) => JSON.stringify(l)).join("\n") });
    const bulk = await res.json();
    const ms = performance.now() - t0;
    if (res.status !== 200 || bulk.leads !== batch.length || bulk.replayed !== 0) throw new Error(`bulk import: ${res.status} ${JSON.stringify(bulk).slice(0, 300)}`);
    out.bulk = { leads: batch.length, seconds: ms / 1000, leads_per_s: (batch.length / ms) * 1000, placed: bulk.placed, failed: bulk.failed };
    console.log(`workerd-bench: per_team bulk import: ${batch.length} leads in ${(ms / 1000).toFixed(2)} s: ${out.bulk.leads_per_s.toFixed(0)}/s`);
  } finally {
    await w.stop();
  }
  return out;
}

const WORKER = `
import { initSync, Router } from "./leadroute_wasm.js";
import wasm from "./leadroute_wasm_bg.wasm";
import config from "./config.json";
const lead = { id: "L1", email: "kim.novak@acme.com", company: "Acme Inc", title: "VP Sales",
  company_size: 1200, annual_revenue: 90000000, industry: "Software", country: "US", region: "NY",
  language: "en", pages_viewed: 9, demo_requested: true, source: "web" };
let router = null;
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === "/ping") return new Response("ok");
    if (router === null) {
      initSync({ module: wasm });
      router = new Router(config);
    }
    const d = router.route(lead, { now: 1772445600000, trace: false });
    return new Response(d.rep ?? d.outcome);
  },
};
`;

const CAPNP = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "bench", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "bench")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "leadroute_wasm.js", esModule = embed "leadroute_wasm.js"),
    (name = "leadroute_wasm_bg.wasm", wasm = embed "leadroute_wasm_bg.wasm"),
    (name = "config.json", json = embed "config.json"),
  ],
  compatibilityDate = "2025-09-01",
);
`;

async function once(dir) {
  const t0 = performance.now();
  const proc = spawn(WORKERD, ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const logs = [];
  proc.stdout.on("data", (d) => logs.push(String(d)));
  proc.stderr.on("data", (d) => logs.push(String(d)));
  const exited = new Promise((resolve) => proc.on("exit", (code) => resolve(code)));
  try {
    const port = await new Promise((resolve, reject) => {
      let buf = "";
      const timer = setTimeout(() => reject(new Error(`workerd did not start in 20 s:\n${logs.join("")}`)), 20_000);
      proc.stdio[3].on("data", (d) => {
        buf += String(d);
        for (const line of buf.split("\n")) {
          try {
            const ev = JSON.parse(line);
            if (ev.event === "listen") {
              clearTimeout(timer);
              resolve(ev.port);
            }
          } catch {
            // a partial line: wait for more
          }
        }
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited (${code}) before listening:\n${logs.join("")}`));
      });
    });
    const readyMs = performance.now() - t0;
    const base = `http://127.0.0.1:${port}`;
    const get = async (path) => {
      const a = performance.now();
      const res = await fetch(base + path);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body}\n${logs.join("")}`);
      return { ms: performance.now() - a, body };
    };
    await get("/ping");
    await get("/ping");
    const first = await get("/route");
    const warm = [];
    for (let i = 0; i < 15; i++) warm.push((await get("/route")).ms);
    warm.sort((a, b) => a - b);
    const warmMs = warm[warm.length >> 1];
    return { readyMs, firstMs: first.ms, warmMs, startMs: Math.max(0, first.ms - warmMs), rep: first.body };
  } finally {
    proc.kill("SIGTERM");
    const killer = setTimeout(() => proc.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(killer);
  }
}

const dir = mkdtempSync(join(tmpdir(), "leadroute-workerd-bench-"));
try {
  for (const f of ["leadroute_wasm.js", "leadroute_wasm_bg.wasm"]) copyFileSync(join(ROOT, "pkg/web", f), join(dir, f));
  copyFileSync(join(HERE, "reference-config.json"), join(dir, "config.json"));
  writeFileSync(join(dir, "worker.js"), WORKER);
  writeFileSync(join(dir, "config.capnp"), CAPNP);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(dir));
  const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[runs.length >> 1];
  const result = {
    runs: runs.length,
    module_start_ms: med("startMs"),
    module_start_min_ms: Math.min(...runs.map((r) => r.startMs)),
    first_request_ms: med("firstMs"),
    warm_request_ms: med("warmMs"),
    process_ready_ms: med("readyMs"),
    rep: runs[0].rep,
    workerd: JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")).version,
    designs: await designs(),
  };
  console.log(`workerd-bench: module start ${result.module_start_ms.toFixed(2)} ms (first /route ${result.first_request_ms.toFixed(2)} ms - warm ${result.warm_request_ms.toFixed(2)} ms; median of ${runs.length} fresh processes; process ready in ${result.process_ready_ms.toFixed(0)} ms)`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(result, null, 2));
  console.log(`workerd-bench: wrote ${relative(process.cwd(), OUT)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
