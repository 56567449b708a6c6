// The engine's routing state in Durable Object storage, written by what changed: a small hot
// document (counters, rotations) plus one key per pooled or tracked lead. Finished records
// leave the engine (and its snapshot) and are kept per lead under `track:<lead id>`.
import { Router } from "./engine.js";

const FORMAT = 3;
const HOT = "engine:hot";
const PREFIX = { pooled: "engine:pooled:", assignments: "engine:asg:" };
// Far enough ahead that every reminder a config can schedule is due by then.
const PROBE_AHEAD_MS = 400 * 86_400_000;

export class EngineState {
  constructor(store) {
    this.store = store;
    // Storage key -> the JSON text last queued for it: a commit writes only what differs.
    this.written = new Map();
    this.dirty = false;
    this.bytes = 0;
    this.leads = 0;
    /** lead id -> the engine's record of it as of the last commit (pooled or tracked). */
    this.entries = new Map();
  }

  /** `{ snapshot, fingerprint }` from storage (this layout or the older chunked one), or null. */
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
      return { snapshot, fingerprint: doc.config };
    }
    const meta = await storage.get("snap:meta");
    if (!meta) return null;
    // Format 2 kept the whole snapshot in chunks: read it once, the next commit rewrites it.
    const keys = Array.from({ length: meta.chunks }, (_, i) => `snap:${i}`);
    let text = "";
    for (let i = 0; i < keys.length; i += 128) {
      const got = await storage.get(keys.slice(i, i + 128));
      for (const k of keys.slice(i, i + 128)) text += got.get(k) ?? "";
    }
    for (const k of [...keys, "snap:meta"]) this.store.delete(k);
    this.dirty = true;
    return { snapshot: JSON.parse(text), fingerprint: null };
  }

  /** Queues the changed parts of the engine's state (called just before a batch is written). */
  persist(router, fingerprint) {
    if (!this.dirty) return;
    this.dirty = false;
    const { pooled = [], assignments = [], ...hot } = router.snapshot();
    const seen = new Set([HOT]);
    const entries = new Map();
    let bytes = 0;
    for (const [list, records] of [
      ["pooled", pooled],
      ["assignments", assignments],
    ]) {
      for (const rec of records) {
        const key = PREFIX[list] + rec.lead_id;
        const text = JSON.stringify(rec);
        seen.add(key);
        entries.set(rec.lead_id, rec);
        bytes += text.length;
        if (this.written.get(key) !== text) this.queue(key, text);
      }
    }
    const doc = JSON.stringify({ format: FORMAT, config: fingerprint, state: hot });
    bytes += doc.length;
    if (this.written.get(HOT) !== doc) this.queue(HOT, doc);
    for (const key of this.written.keys()) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.written.delete(key);
      }
    }
    this.entries = entries;
    this.bytes = bytes;
    this.leads = entries.size;
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
    this.dirty = true;
    return { router: next, evicted: finished };
  }

  /** The engine record of an evicted lead, if any. */
  async evicted(leadId) {
    const text = (await this.store.get([`track:${leadId}`])).get(`track:${leadId}`);
    return text ? JSON.parse(text) : null;
  }
}
