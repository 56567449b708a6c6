// The browser benchmark's Web Worker: loads pkg/web, generates the leads into a Blob as a
// file would hold them (bench/gen.mjs, not timed), then simulates the Blob (timed) as the
// dashboard does (www/dashboard/feeder.js): read in 4 MB slices, either fed raw to one
// `Simulation` here (`workers: 0`), or parsed and classified by `workers` classify workers
// and assigned here in slice order. `Router.routeBatch` on objects when the binding has no
// Simulation.
import init, * as lr from "../../pkg/web/leadroute_wasm.js";
import { parallel, sequential } from "../../www/dashboard/feeder.js";
import * as gen from "../gen.mjs";

const SLICE = 4 * 1024 * 1024;

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ type: "done", ...(await run(data)) });
  } catch (e) {
    self.postMessage({ type: "error", message: String(e?.stack ?? e) });
  }
};

let compiled = null;
let blob = null;

async function input(n, chunk) {
  if (blob?.n === n) return blob;
  const g = performance.now();
  const r = gen.rng(gen.DEFAULT_SEED);
  const encoder = new TextEncoder();
  const parts = [];
  for (let from = 0; from < n; from += chunk) parts.push(encoder.encode(gen.jsonlChunk(r, from, Math.min(n, from + chunk), n)));
  blob = { n, data: new Blob(parts), genMs: performance.now() - g };
  return blob;
}

async function run({ n, chunk, workers = 0, audit = true }) {
  const config = await (await fetch(new URL("../reference-config.json", import.meta.url))).json();
  const t0 = performance.now();
  compiled ??= await WebAssembly.compile(await (await fetch(new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url))).arrayBuffer());
  await init({ module_or_path: compiled });
  const initMs = performance.now() - t0;
  if (typeof lr.Simulation !== "function") return routeBatch(config, n, chunk, initMs);
  const { data, genMs } = await input(n, chunk);
  const options = { audit };
  const a = performance.now();
  const sim = new lr.Simulation(config, options);
  const sink = workers > 0 ? parallel([sim], workers, [{ config, options }], "jsonl", null, compiled) : sequential([sim], "jsonl", null);
  for (let off = 0; off < data.size; off += SLICE) {
    await sink.push(new Uint8Array(await data.slice(off, off + SLICE).arrayBuffer()));
  }
  await sink.end();
  const report = sim.report();
  const engineMs = performance.now() - a;
  sim.free?.();
  const mode = workers > 0 ? `${workers} classify worker${workers > 1 ? "s" : ""} + Simulation.feedPrepared` : "Simulation.feedJsonl (bytes)";
  return { mode, workers, audit, n, initMs, engineMs, genMs, bytes: data.size, leads: report.leads, outcomes: report.outcomes, stats: sink.stats ?? null };
}

function routeBatch(config, n, chunk, initMs) {
  const r = gen.rng(gen.DEFAULT_SEED);
  let engineMs = 0;
  let genMs = 0;
  const router = new lr.Router(config);
  const outcomes = { assigned: 0, pooled: 0, nurture: 0, rejected: 0 };
  let leads = 0;
  for (let from = 0; from < n; from += chunk) {
    const g = performance.now();
    const list = [];
    for (let i = from; i < Math.min(n, from + chunk); i++) list.push(gen.lead(r, i, n));
    genMs += performance.now() - g;
    const a = performance.now();
    const out = router.routeBatch(list, { now: Date.parse(list[0].created_at), trace: false });
    engineMs += performance.now() - a;
    for (const it of out) {
      if (it.ok) {
        leads += 1;
        outcomes[it.decision.outcome] += 1;
      }
    }
  }
  router.free();
  return { mode: "Router.routeBatch", n, initMs, engineMs, genMs, bytes: 0, leads, outcomes };
}
