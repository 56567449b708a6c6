// The simulation worker: loads the WebAssembly engine, reads the leads in slices (a file,
// the bundled sample, or generated leads) and feeds them to one or two simulations,
// reporting progress. Reports go back to the page; the simulations stay here after the
// run so the audit log and the diff can be asked about any lead (search, explain, diff).
import init, { Simulation } from "../../pkg/web/leadroute_wasm.js";
import { generate } from "./generate.js";

const SLICE = 4 * 1024 * 1024;
const ready = init({ module_or_path: new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url) });
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

function feed(sims, format, input, mapping) {
  for (const s of sims) {
    if (format === "csv") s.feedCsv(input, mapping);
    else s.feedJsonl(input);
  }
}

/** Reads a Blob in slices, handed to the engine as raw bytes (one copy into wasm
 * memory; a UTF-8 character split across slices is completed by the next one). */
async function feedBlob(state, blob, format, mapping) {
  for (let off = 0; off < blob.size; off += SLICE) {
    const buf = await blob.slice(off, off + SLICE).arrayBuffer();
    feed(state.sims, format, new Uint8Array(buf), mapping);
    progress(state, { done: Math.min(off + SLICE, blob.size), total: blob.size, unit: "bytes" });
  }
}

async function feedGenerated(state, count) {
  const text = await (await fetch(new URL("../../data/sample-leads.jsonl", import.meta.url))).text();
  const templates = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  let done = 0;
  const encoder = new TextEncoder();
  for (const chunk of generate(templates, count)) {
    // Bytes, as a file would give them: faster into wasm memory than a string.
    feed(state.sims, "jsonl", encoder.encode(chunk));
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
  const sims = [new Simulation(configA, opts("a"))];
  if (mode !== "single") sims.push(new Simulation(configB, opts("b")));
  const state = { sims, mode, last: 0 };
  try {
    if (source.kind === "generate") await feedGenerated(state, source.count);
    else await feedBlob(state, source.blob, source.format, source.mapping);
    progress(state, { force: true, phase: "finishing" });
    const reports = sims.map((s) => s.report());
    const out = {
      type: "done",
      mode,
      ms: performance.now() - t0,
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
