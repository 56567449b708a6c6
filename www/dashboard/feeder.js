// How the leads reach the simulations: every byte into each simulation in this worker
// (`sequential`), or parsed and classified by N classify workers (classify-worker.js)
// and assigned here in slice order (`parallel`). Shared by the dashboard's simulation
// worker and the browser benchmark. Where a record ends is the core's to say.
import { Preparer } from "../../pkg/web/leadroute_wasm.js";

/** The slices handed to classify workers: small enough to keep every core busy early. */
const PART = 1024 * 1024;

export function feed(sims, format, input, mapping) {
  for (const s of sims) {
    if (format === "csv") s.feedCsv(input, mapping);
    else s.feedJsonl(input);
  }
}

/** Feeds every simulation the raw bytes, in one worker. */
export function sequential(sims, format, mapping) {
  return {
    async push(bytes) {
      feed(sims, format, bytes, mapping);
    },
    async end() {},
  };
}

/** Spreads the parsing and classifying over `n` classify workers: the input is cut where
 * the core says a record ends, each slice (its own ArrayBuffer, transferred) goes to the
 * least busy worker, and the batches are fed to the simulations strictly in slice order.
 * `specs` are the simulations' configs and options, one prepared batch each. */
export function parallel(sims, n, specs, format, mapping, compiled, part = PART) {
  const workers = [];
  for (let i = 0; i < n; i++) {
    const w = new Worker(new URL("./classify-worker.js", import.meta.url), { type: "module" });
    w.postMessage({ type: "init", module: compiled, specs, format, mapping });
    w.onmessage = (e) => arrived(e.data);
    w.onerror = (e) => fail(new Error(e.message || "a classify worker failed"));
    workers.push({ w, busy: 0 });
  }
  let pending = new Uint8Array(0);
  let header = null; // CSV: { header, end, firstLine } once the header record is whole
  let line = 1;
  let nextSeq = 0;
  let nextFeed = 0;
  const owner = new Map(); // seq -> worker
  const done = new Map(); // seq -> batches
  let waiting = [];
  let error = null;
  // Where the time goes: classifying (summed over the workers) and assigning (here).
  const stats = { slices: 0, prepareMs: 0, feedMs: 0 };

  const wake = () => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };
  const fail = (err) => {
    error ??= err;
    wake();
  };
  function arrived(msg) {
    if (msg.type === "error") {
      const err = new Error(msg.message);
      Object.assign(err, { code: msg.code, help: msg.help });
      return fail(err);
    }
    owner.get(msg.seq).busy--;
    owner.delete(msg.seq);
    done.set(msg.seq, msg.buffers);
    stats.prepareMs += msg.ms;
    const t0 = performance.now();
    try {
      while (!error && done.has(nextFeed)) {
        const buffers = done.get(nextFeed);
        done.delete(nextFeed);
        sims.forEach((s, i) => s.feedPrepared(new Uint8Array(buffers[i])));
        nextFeed++;
      }
    } catch (err) {
      fail(err);
    }
    stats.feedMs += performance.now() - t0;
    wake();
  }
  function dispatch(bytes, lines) {
    const w = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const seq = nextSeq++;
    stats.slices++;
    w.busy++;
    owner.set(seq, w);
    w.w.postMessage({ type: "slice", seq, bytes: bytes.buffer, firstLine: line, header: header?.header }, [bytes.buffer]);
    line += lines;
  }
  const cut = (bytes) => (format === "csv" ? Preparer.cutCsv(bytes, header.header) : Preparer.cutJsonl(bytes));
  async function until(ok) {
    while (!error && !ok()) await new Promise((r) => waiting.push(r));
    if (error) throw error;
  }
  function join(a, b) {
    if (a.length === 0) return b;
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }
  return {
    stats,
    async push(chunk) {
      let bytes = join(pending, chunk);
      if (format === "csv" && !header) {
        header = Preparer.csvStart(bytes);
        if (!header) {
          pending = bytes;
          return;
        }
        line = header.firstLine;
        bytes = bytes.subarray(header.end);
      }
      let pos = 0;
      while (bytes.length - pos > part) {
        let size = part;
        let c = cut(bytes.subarray(pos, pos + size));
        while (c.end === 0 && pos + size < bytes.length) {
          size *= 2;
          c = cut(bytes.subarray(pos, pos + size));
        }
        if (c.end === 0) break;
        dispatch(bytes.slice(pos, pos + c.end), c.lines);
        pos += c.end;
      }
      pending = bytes.slice(pos);
      // Slices in flight are bounded: memory stays flat however large the file.
      await until(() => nextSeq - nextFeed <= 2 * n);
    },
    async end() {
      try {
        if (format === "csv" && !header) {
          // No whole header record (a file of one line): read it as it is.
          feed(sims, format, pending, mapping);
        } else if (pending.length > 0) {
          dispatch(pending, 0);
        }
        pending = new Uint8Array(0);
        await until(() => nextFeed === nextSeq);
      } finally {
        for (const { w } of workers) w.terminate();
      }
    },
    stop() {
      for (const { w } of workers) w.terminate();
    },
  };
}

