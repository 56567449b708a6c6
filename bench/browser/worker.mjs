// The browser benchmark's Web Worker: loads pkg/web, generates the leads chunk by chunk
// (bench/gen.mjs, not timed) and simulates them (timed): JSONL text into
// `Simulation.feedJsonl` when the binding has it, else `Router.routeBatch` on objects.
import init, * as lr from "../../pkg/web/leadroute_wasm.js";
import * as gen from "../gen.mjs";

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ type: "done", ...(await run(data)) });
  } catch (e) {
    self.postMessage({ type: "error", message: String(e?.stack ?? e) });
  }
};

async function run({ n, chunk }) {
  const config = await (await fetch(new URL("../reference-config.json", import.meta.url))).json();
  const t0 = performance.now();
  await init({ module_or_path: new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url) });
  const initMs = performance.now() - t0;
  const r = gen.rng(gen.DEFAULT_SEED);
  let engineMs = 0;
  let genMs = 0;
  let bytes = 0;
  const timed = (f) => {
    const a = performance.now();
    const v = f();
    engineMs += performance.now() - a;
    return v;
  };
  if (typeof lr.Simulation === "function") {
    const sim = timed(() => new lr.Simulation(config));
    const encoder = new TextEncoder();
    for (let from = 0; from < n; from += chunk) {
      const g = performance.now();
      // Raw bytes, as a file read gives them (the generator makes text: encoding it
      // is part of making the input, not of the engine's time).
      const input = encoder.encode(gen.jsonlChunk(r, from, Math.min(n, from + chunk), n));
      genMs += performance.now() - g;
      bytes += input.length;
      timed(() => sim.feedJsonl(input));
    }
    const report = timed(() => sim.report());
    sim.free?.();
    return { mode: "Simulation.feedJsonl (bytes)", n, initMs, engineMs, genMs, bytes, leads: report.leads, outcomes: report.outcomes };
  }
  const router = timed(() => new lr.Router(config));
  const outcomes = { assigned: 0, pooled: 0, nurture: 0, rejected: 0 };
  let leads = 0;
  for (let from = 0; from < n; from += chunk) {
    const g = performance.now();
    const list = [];
    for (let i = from; i < Math.min(n, from + chunk); i++) list.push(gen.lead(r, i, n));
    genMs += performance.now() - g;
    const out = timed(() => router.routeBatch(list, { now: Date.parse(list[0].created_at), trace: false }));
    for (const it of out) {
      if (it.ok) {
        leads += 1;
        outcomes[it.decision.outcome] += 1;
      }
    }
  }
  router.free();
  return { mode: "Router.routeBatch", n, initMs, engineMs, genMs, bytes, leads, outcomes };
}
