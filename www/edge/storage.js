// Durable Object storage with group commit: changes are queued in memory and written in
// batches; every caller waits for the batch that holds its change before it answers.

const KEYS_PER_CALL = 128;

export class Store {
  /** `prepare()` runs before each batch is taken, so lazily computed values join it. */
  constructor(storage, prepare = () => {}) {
    this.storage = storage;
    this.prepare = prepare;
    this.pending = new Map();
    this.writingBatch = new Map();
    this.version = 0;
    this.durable = 0;
    this.waiters = [];
    this.writing = false;
    this.broken = null;
    this.stats = { storage_writes: 0, keys_written: 0, bytes_written: 0 };
  }

  /** Queues a write (`undefined` deletes); returns the version that will hold it. */
  put(key, value) {
    this.pending.set(key, value);
    return this.version;
  }

  delete(key) {
    this.pending.set(key, undefined);
  }

  bump() {
    this.version += 1;
    return this.version;
  }

  /** Values of `keys` as this object sees them: queued writes first, then storage. */
  async get(keys) {
    const out = new Map();
    const missing = [];
    for (const k of keys) {
      if (this.pending.has(k)) out.set(k, this.pending.get(k));
      else if (this.writingBatch.has(k)) out.set(k, this.writingBatch.get(k));
      else missing.push(k);
    }
    if (missing.length) {
      // Other calls may run during the read (callers that must not interleave hold a lock).
      const got = await this.storage.get(missing, { allowConcurrency: true });
      for (const k of missing) out.set(k, got.get(k));
    }
    // A write queued while the read was under way is newer than what storage answered.
    for (const k of missing) {
      if (this.pending.has(k)) out.set(k, this.pending.get(k));
      else if (this.writingBatch.has(k)) out.set(k, this.writingBatch.get(k));
    }
    return out;
  }

  /** Resolves once every change up to version `v` is in storage (one write serves many calls). */
  commit(v = this.version) {
    if (this.durable >= v) return Promise.resolve();
    const p = new Promise((resolve, reject) => this.waiters.push({ v, resolve, reject }));
    if (!this.writing) this.flush();
    return p;
  }

  async flush() {
    this.writing = true;
    try {
      while (this.durable < this.version) {
        // Yields once so calls already queued for this object make their changes first
        // and share this write instead of each paying for one.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const v = this.version;
        this.prepare();
        const batch = this.pending;
        this.pending = new Map();
        this.writingBatch = batch;
        const puts = [];
        const dels = [];
        for (const [k, val] of batch) {
          if (val === undefined) dels.push(k);
          else {
            puts.push([k, val]);
            this.stats.bytes_written += k.length + (typeof val === "string" ? val.length : JSON.stringify(val).length);
          }
        }
        // Issued without an await in between, so the runtime applies them as one batch.
        // allowConcurrency keeps the input gate open: calls arriving during this write join
        // the next one (group commit) instead of queueing behind it one by one.
        const opts = { allowConcurrency: true };
        const ops = [];
        for (let i = 0; i < puts.length; i += KEYS_PER_CALL) ops.push(this.storage.put(Object.fromEntries(puts.slice(i, i + KEYS_PER_CALL)), opts));
        for (let i = 0; i < dels.length; i += KEYS_PER_CALL) ops.push(this.storage.delete(dels.slice(i, i + KEYS_PER_CALL), opts));
        await Promise.all(ops);
        this.writingBatch = new Map();
        this.stats.storage_writes += 1;
        this.stats.keys_written += puts.length + dels.length;
        this.durable = v;
        this.waiters = this.waiters.filter((w) => (w.v <= v ? (w.resolve(), false) : true));
      }
    } catch (e) {
      // Memory may now be ahead of storage: fail the waiting calls; the object reloads.
      this.broken = e;
      for (const w of this.waiters) w.reject(e);
      this.waiters = [];
    } finally {
      this.writing = false;
    }
  }

  /** Every value under `prefix`, read in pages so no single answer is huge. */
  async *list(prefix, { end, limit = 1000 } = {}) {
    let start;
    for (;;) {
      const page = await this.storage.list({ prefix, start, end, limit });
      let last;
      for (const [k, v] of page) {
        if (k === start) continue;
        last = k;
        yield [k, v];
      }
      if (page.size < limit || last === undefined) return;
      start = last;
    }
  }
}
