// A classify worker: one of the N Web Workers the simulation worker starts. It parses and
// classifies whole slices of the leads file into the core's prepared batches (one per
// simulation of the run), which the simulation worker feeds in slice order. No rules
// here: the core's Preparer does the reading and the classifying.
import init, { Preparer } from "../../pkg/web/leadroute_wasm.js";

let ready = null;
let preparers = [];
let job = null;

async function setUp(msg) {
  // The simulation worker's compiled module: no second fetch or compile of the .wasm.
  await init({ module_or_path: msg.module });
  preparers = msg.specs.map((s) => new Preparer(s.config, s.options));
  job = { format: msg.format, mapping: msg.mapping ?? null };
}

function prepare(msg) {
  const t0 = performance.now();
  const bytes = new Uint8Array(msg.bytes);
  const batches = preparers.map((p) =>
    job.format === "csv"
      ? p.prepareCsv(bytes, msg.firstLine, msg.header, job.mapping)
      : p.prepareJsonl(bytes, msg.firstLine),
  );
  const buffers = batches.map((b) => b.buffer);
  postMessage({ type: "batch", seq: msg.seq, buffers, ms: performance.now() - t0 }, buffers);
}

onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.type === "init") {
      ready = setUp(msg);
      await ready;
      return;
    }
    // Messages resume in the order they came: every one waits on the same set-up.
    await ready;
    if (msg.type === "slice") prepare(msg);
  } catch (err) {
    postMessage({ type: "error", seq: msg.seq, message: err?.message ?? String(err), code: err?.code, help: err?.help });
  }
};
