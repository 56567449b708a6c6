// The engine's routing state in Durable Object storage. A commit appends the engine calls it
// made to a log (the engine is deterministic: same state and calls, same result); now and
// then a checkpoint writes what changed since the last one (a small hot document plus one
// key per pooled or tracked lead) and drops the log. Finished records leave the engine.
import { Router } from "./engine.js";

const FORMAT = 3;
const HOT = "engine:hot";
const LOG = "engine:log:";
const CONFIG = "engine:config:";
const PREFIX = { pooled: "engine:pooled:", assignments: "engine:asg:" };
// A checkpoint costs a snapshot of the hot state: taken after this many logged calls.
const CHECKPOINT_CALLS = 1000;
const CHUNK_CHARS = 32 * 1024;
// Far enough ahead that every reminder a config can schedule is due by then.
const PROBE_AHEAD_MS = 400 * 86_400_000;

const seqKey = (n) => LOG + String(n).padStart(12, "0");

/**
 * The config as the object's engine runs it. The object keeps every lead id itself
 * (`lead:<id>`, idempotency.js) and never routes one twice, so the engine's own memory of
 * routed ids is off: it would put up to a million ids into every checkpoint.
 */
export function objectConfig(config) {
  return { ...(typeof config === "string" ? JSON.parse(config) : config), lead_ids: { remember_days: 0 } };
}

/** Applies one logged call to a router (replay after a restart). */
export function apply(router, call) {
  const opts = { now: call.now };
  if (call.op === "route") router.route(call.lead, { ...opts, trace: false });
  else if (call.op === "assign") router.assignTicket(call.ticket, call.lead, { ...opts, trace: false });
  else if (call.op === "claim") router.claim(call.lead_id, call.rep, opts);
  else if (call.op === "claimNext") router.claimNext(call.pool, call.rep, opts);
  else if (call.op === "touch") router.touch(call.lead_id, call.rep, opts);
  else if (call.op === "tick") router.tick(opts);
  else if (call.op === "outcome") router.recordOutcome(call.lead_id, call.outcome, call.placement);
}

export class EngineState {
  constructor(store) {
    this.store = store;
    // Storage key -> the JSON text last queued for it: a checkpoint writes only what differs.
    this.written = new Map();
    this.seq = 0;
    this.logFrom = 0;
    this.calls = 0;
    this.forced = false;
    this.configChunks = 0;
    this.legacy = [];
    this.bytes = 0;
    this.leads = 0;
  }

  async readChunks(prefix, n) {
    const keys = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    let text = "";
    for (let i = 0; i < keys.length; i += 128) {
      const got = await this.store.storage.get(keys.slice(i, i + 128));
      for (const k of keys.slice(i, i + 128)) text += got.get(k) ?? "";
    }
    return text;
  }

  /**
   * `{ snapshot, fingerprint, log, configText }` from storage, or null for a new object.
   * `log` holds the calls made after the checkpoint; `configText` is the config they ran
   * under. Also reads the older layout (format 2: the whole snapshot in chunks).
   */
  async read() {
    const storage = this.store.storage;
    const hot = await storage.get(HOT);
    if (hot) {
      const doc = JSON.parse(hot);
      const snapshot = { ...doc.state, pooled: [], assignments: [] };
      for (const [list, prefix] of Object.entries(PREFIX)) {
        for await (const [k, text] of this.store.list(prefix)) {
          this.written.set(k, text);
          snapshot[list].push(JSON.parse(text));
        }
      }
      this.written.set(HOT, hot);
      this.logFrom = doc.log_from;
      this.seq = doc.log_from;
      this.configChunks = doc.config_chunks ?? 0;
      const log = [];
      for await (const [k, call] of this.store.list(LOG)) {
        const n = Number(k.slice(LOG.length));
        // Calls before the checkpoint are in it already (a leftover of an interrupted cleanup).
        if (n < doc.log_from) this.store.delete(k);
        else {
          log.push(call);
          this.seq = n + 1;
        }
      }
      const configText = log.length ? await this.readChunks(CONFIG, this.configChunks) : null;
      return { snapshot, fingerprint: doc.config, log, configText };
    }
    const meta = await storage.get("snap:meta");
    if (!meta) return null;
    const text = await this.readChunks("snap:", meta.chunks);
    // Deleted with the first checkpoint, never before it is written.
    this.legacy = ["snap:meta", ...Array.from({ length: meta.chunks }, (_, i) => `snap:${i}`)];
    return { snapshot: JSON.parse(text), fingerprint: null, log: [], configText: null };
  }

  /** Stores the routing config the log runs under (once per config). */
  saveConfig(configText) {
    const n = Math.max(1, Math.ceil(configText.length / CHUNK_CHARS));
    for (let i = 0; i < n; i++) this.store.put(`${CONFIG}${i}`, configText.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS));
    for (let i = n; i < this.configChunks; i++) this.store.delete(`${CONFIG}${i}`);
    this.configChunks = n;
  }

  /** Logs an engine call that changed the state (stored with the caller's commit). */
  record(call) {
    this.store.put(seqKey(this.seq), call);
    this.seq += 1;
    this.calls += 1;
  }

  /** Asks for a checkpoint with the next commit (after a change no call in the log explains). */
  checkpoint() {
    this.forced = true;
  }

  /** Called just before a batch is written: a checkpoint when due, else nothing to add. */
  persist(router, fingerprint) {
    if (!this.forced && this.calls < CHECKPOINT_CALLS) return;
    this.forced = false;
    this.calls = 0;
    const { pooled = [], assignments = [], ...hot } = router.snapshot();
    const seen = new Set([HOT]);
    let bytes = 0;
    for (const [list, records] of [
      ["pooled", pooled],
      ["assignments", assignments],
    ]) {
      for (const rec of records) {
        const key = PREFIX[list] + rec.lead_id;
        const text = JSON.stringify(rec);
        seen.add(key);
        bytes += text.length;
        if (this.written.get(key) !== text) this.queue(key, text);
      }
    }
    const doc = JSON.stringify({ format: FORMAT, config: fingerprint, config_chunks: this.configChunks, log_from: this.seq, state: hot });
    bytes += doc.length;
    this.queue(HOT, doc);
    for (const key of this.written.keys()) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.written.delete(key);
      }
    }
    for (const key of this.legacy) this.store.delete(key);
    this.legacy = [];
    // The log up to here is in the checkpoint written in this same batch.
    for (let n = this.logFrom; n < this.seq; n++) this.store.delete(seqKey(n));
    this.logFrom = this.seq;
    this.bytes = bytes;
    this.leads = pooled.length + assignments.length;
  }

  queue(key, text) {
    this.store.put(key, text);
    this.written.set(key, text);
  }

  /**
   * Takes finished records out of the engine: contacted leads, SLA records the engine will
   * never act on again (asked of the engine itself with a look far ahead) and records older
   * than `horizonMs`. Returns the router to use from now on and the records taken out.
   */
  evict(router, config, now, horizonMs) {
    const snap = router.snapshot();
    const finished = [];
    const escalated = [];
    for (const a of snap.assignments ?? []) {
      if (a.touched_at != null || a.assigned_at < now - horizonMs) finished.push(a);
      // A claimed lead counts toward its pool's open-claim limit until contacted: kept.
      else if (a.escalated && !a.pool) escalated.push(a);
    }
    if (escalated.length) {
      const probe = new Router(config, { ...snap, pooled: [], assignments: escalated });
      try {
        const due = new Set(probe.tick({ now: now + PROBE_AHEAD_MS }).map((e) => e.lead_id));
        for (const a of escalated) if (!due.has(a.lead_id)) finished.push(a);
      } finally {
        probe.free();
      }
    }
    if (!finished.length) return { router, evicted: [] };
    const out = new Set(finished.map((a) => a.lead_id));
    const next = new Router(config, { ...snap, assignments: snap.assignments.filter((a) => !out.has(a.lead_id)) });
    router.free();
    for (const a of finished) this.store.put(`track:${a.lead_id}`, JSON.stringify(a));
    this.checkpoint();
    return { router: next, evicted: finished };
  }

  /** The engine record of an evicted lead, if any. */
  async evicted(leadId) {
    const text = (await this.store.get([`track:${leadId}`])).get(`track:${leadId}`);
    return text ? JSON.parse(text) : null;
  }
}
