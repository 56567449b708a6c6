// Idempotency and lead identity: `idem:<key>` maps a submission key to its lead for the
// idempotency window; `lead:<id>` keeps every routed lead's decision for as long as the
// state exists, so a lead id is one lead even after its key has expired.
import { failure } from "./errors.js";

const AT_DIGITS = 15;
const atKey = (at, key) => `idem-at:${String(at).padStart(AT_DIGITS, "0")}:${key}`;

export class Idempotency {
  constructor(store, ttlMs) {
    this.store = store;
    this.ttlMs = ttlMs;
    this.locks = new Map();
  }

  /**
   * Holds submissions with the same key or lead id one at a time: their storage reads let
   * other calls run meanwhile. Resolves to the function that lets the next one in.
   */
  async lock(key, leadId) {
    const names = [`key:${key}`, `id:${leadId}`];
    for (;;) {
      const held = names.map((n) => this.locks.get(n)).filter(Boolean);
      if (!held.length) break;
      await Promise.all(held);
    }
    let release;
    const p = new Promise((resolve) => (release = resolve));
    for (const n of names) this.locks.set(n, p);
    return () => {
      for (const n of names) if (this.locks.get(n) === p) this.locks.delete(n);
      release();
    };
  }

  /**
   * What to do with a submission: `{ fresh: true }`, `{ replay: record }` or a failure
   * (`{ status, error }`). Reads both records in one storage call.
   */
  async check(lead, key, hash, now) {
    const got = await this.store.get([`idem:${key}`, `lead:${lead.id}`]);
    const idem = got.get(`idem:${key}`);
    const rec = got.get(`lead:${lead.id}`);
    const live = idem && idem.at >= now - this.ttlMs ? idem : null;
    if (live && (live.hash !== hash || live.lead_id !== lead.id)) {
      return failure("idempotency_key_reused", `idempotency key "${key}" was already used for a different lead`, "Idempotency-Key");
    }
    if (rec && rec.key === key && rec.hash === hash) return { replay: rec };
    if (rec) {
      const why = rec.key === key ? "with different fields" : "under another idempotency key";
      return failure("lead_id_reused", `lead id "${lead.id}" was already routed (${why}); send a new lead with a new id`, "id");
    }
    return { fresh: true };
  }

  /** Records a routed lead (queued; the caller commits). */
  record(lead, key, hash, decision, at, crm) {
    this.store.put(`idem:${key}`, { lead_id: lead.id, hash, at });
    this.store.put(atKey(at, key), key);
    // The lead as received stays with its decision: GET /admin/export replays it.
    this.store.put(`lead:${lead.id}`, { key, hash, at, decision, crm, email: lead.email ?? null, lead });
  }

  /** Gives records written by format 2 (decision inside `idem:`) their `lead:` record. */
  async upgrade() {
    for await (const [k, rec] of this.store.list("idem:")) {
      if (!rec.decision) continue;
      const key = k.slice("idem:".length);
      this.store.put(`lead:${rec.lead_id}`, { key, hash: rec.hash, at: rec.at, decision: rec.decision, crm: rec.crm, email: rec.email ?? null });
      this.store.put(k, { lead_id: rec.lead_id, hash: rec.hash, at: rec.at });
      this.store.put(atKey(rec.at, key), key);
    }
  }

  /** Forgets keys older than the window, oldest first; lead records stay. */
  async prune(now) {
    let pruned = 0;
    for await (const [k, key] of this.store.list("idem-at:", { end: atKey(now - this.ttlMs, "") })) {
      this.store.delete(k);
      const idem = (await this.store.get([`idem:${key}`])).get(`idem:${key}`);
      if (idem && idem.at < now - this.ttlMs) this.store.delete(`idem:${key}`);
      pruned += 1;
    }
    return pruned;
  }
}
