// The simulation worker: loads the WebAssembly engine, reads the leads in slices (a file,
// the bundled sample, or generated leads) and feeds them to one or two simulations,
// reporting progress. Reports go back to the page; the simulations stay here after the
// run so the audit log and the diff can be asked about any lead (search, explain, diff).
// With more than one core, N classify workers parse and classify slices of the input in
// parallel (feeder.js, classify-worker.js) and this worker assigns them in slice order.
import init, { Simulation } from "../../pkg/web/leadroute_wasm.js";
import { parallel, sequential } from "./feeder.js";
import { generate } from "./generate.js";

const SLICE = 4 * 1024 * 1024;
// Compiled once here and handed to the classify workers, which then skip fetch and compile.
const module = fetch(new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url))
  .then((r) => r.arrayBuffer())
  .then((b) => WebAssembly.compile(b));
const ready = module.then((m) => init({ module_or_path: m }));
let wasm = null;
ready.then((w) => (wasm = w));

function progress(state, extra) {
  const now = performance.now();
  if (!extra?.force && now - state.last < 100) return;
  state.last = now;
  postMessage({
    type: "progress",
    // Two configs over the same leads route each lead twice: count leads, not routings.
    leads: state.mode === "compare" ? state.sims[0].leads : state.sims[0].leads + (state.sims[1]?.leads ?? 0),
    memoryBytes: wasm?.memory.buffer.byteLength,
    ...extra,
  });
}

/** Reads a Blob in slices, handed to the engine as raw bytes (one copy into wasm
 * memory; a UTF-8 character split across slices is completed by the next one). */
async function feedBlob(state, sink, blob) {
  for (let off = 0; off < blob.size; off += SLICE) {
    const buf = await blob.slice(off, off + SLICE).arrayBuffer();
    await sink.push(new Uint8Array(buf));
    progress(state, { done: Math.min(off + SLICE, blob.size), total: blob.size, unit: "bytes" });
  }
}

async function feedGenerated(state, sink, count) {
  const text = await (await fetch(new URL("../../data/sample-leads.jsonl", import.meta.url))).text();
  const templates = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  let done = 0;
  const encoder = new TextEncoder();
  for (const chunk of generate(templates, count)) {
    // Bytes, as a file would give them: faster into wasm memory than a string.
    await sink.push(encoder.encode(chunk));
    done = Math.min(count, done + 20000);
    progress(state, { done, total: count, unit: "leads" });
  }
}

/** The last run's simulations, kept for the audit log and the diff until the next run. */
let kept = [];

async function run(msg) {
  await ready;
  for (const s of kept) s.free();
  kept = [];
  const t0 = performance.now();
  const { mode, configA, configB, options, shareB, source } = msg;
  const opts = (arm) =>
    mode === "split" ? { ...options, split: { share_b: shareB, arm, seed: 0 } } : options;
  const specs = [{ config: configA, options: opts("a") }];
  if (mode !== "single") specs.push({ config: configB, options: opts("b") });
  const sims = specs.map((s) => new Simulation(s.config, s.options));
  const state = { sims, mode, last: 0 };
  // `workers` and `part` (tests, benches) override the core count and the slice size; one
  // core reads sequentially.
  const n = msg.workers ?? navigator.hardwareConcurrency ?? 1;
  const format = source.kind === "generate" ? "jsonl" : source.format;
  const sink =
    n > 1 ? parallel(state.sims, n, specs, format, source.mapping, await module, msg.part) : sequential(state.sims, format, source.mapping);
  try {
    if (source.kind === "generate") await feedGenerated(state, sink, source.count);
    else await feedBlob(state, sink, source.blob);
    await sink.end();
    progress(state, { force: true, phase: "finishing" });
    const reports = sims.map((s) => s.report());
    const out = {
      type: "done",
      mode,
      ms: performance.now() - t0,
      workers: n > 1 ? n : 1,
      a: reports[0],
      csvA: sims[0].reportCsv(),
      // The engine's whole linear memory: it stays flat however many leads go through.
      memoryBytes: wasm.memory.buffer.byteLength,
    };
    if (sims[1]) {
      out.b = reports[1];
      out.csvB = sims[1].reportCsv();
      out.comparison = sims[0].compare(sims[1]);
      out.csvComparison = sims[0].compareCsv(sims[1]);
    }
    if (sims[1] && mode === "compare") out.diff = sims[0].diff(sims[1], null, { limit: 200 });
    postMessage(out);
    kept = sims;
  } catch (err) {
    sink.stop?.();
    for (const s of sims) s.free();
    throw err;
  }
}

/** Questions about the kept run: `arm` 0 is A, 1 is B. */
function ask(msg) {
  const sim = kept[msg.arm ?? 0];
  if (!sim) throw new Error("run a simulation first");
  switch (msg.type) {
    case "search":
      return sim.search(msg.query, msg.page);
    case "search-csv":
      return sim.searchCsv(msg.query);
    case "explain":
      return sim.explain(msg.index);
    case "diff":
      if (!kept[1]) throw new Error("compare two configs first");
      return msg.reverse ? kept[1].diff(kept[0], msg.filter, msg.page) : kept[0].diff(kept[1], msg.filter, msg.page);
    default:
      throw new Error(`unknown question ${msg.type}`);
  }
}

onmessage = (e) => {
  const msg = e.data;
  if (msg?.type === "run") {
    run(msg).catch((err) => {
      postMessage({ type: "error", message: err?.message ?? String(err), code: err?.code, help: err?.help, seen: err?.seen, errors: err?.errors });
    });
    return;
  }
  try {
    postMessage({ type: "answer", id: msg.id, value: ask(msg) });
  } catch (err) {
    postMessage({ type: "answer", id: msg.id, error: err?.message ?? String(err) });
  }
};
ready.then(() => postMessage({ type: "ready" }));
