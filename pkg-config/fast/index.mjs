// leadroute/fast: route() and routeBatch() without JSON on either side, for either module
// (full or route, web or node). The lead's fields go straight into buffers the Router owns
// in wasm memory, in the order of the object's keys; the decision comes back as numbers
// read from a record there, its names as indices into a table cached here. Every
// coercion, check and error is the core's: this file only moves values. A lead or options
// object the lane does not carry as is (a value that is an object, NaN, a lone surrogate,
// a getter that throws, a class instance...) goes through the JSON path, so both always
// give the same decision or the same error.

const K_NULL = 0;
const K_STR = 1;
const K_NUM = 2;
const K_FALSE = 3;
const K_TRUE = 4;
const K_END = 5;
// Fields of the f64 pointer block (wasm/src/fields.rs `at`).
const P_ENTRIES = 0;
const P_NUMS = 1;
const P_BYTES = 2;
const P_RECS = 3;
const P_OUT = 4;
const P_NAMES = 5;
const P_ENTRIES_CAP = 6;
const P_NUMS_CAP = 7;
const P_BYTES_CAP = 8;
// Fields of a decision record (wasm/src/fields.rs `rec`).
const R_STATUS = 0;
const R_OUTCOME = 1;
const R_VIA = 2;
const R_REP = 3;
const R_TEAM = 4;
const R_POOL = 5;
const R_RULE = 6;
const R_REP_NAME = 7;
const R_CALENDAR = 8;
const R_SCORE = 9;
const R_FLAGS = 10;
const R_OFFSET = 11;
const R_REASON = 12;
const R_LEAD_ID = 13;
const R_DETAIL = 14;
const R_INDEX = 15;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const OBJECT_PROTO = Object.prototype;
// Lone surrogates: JSON.stringify escapes them and serde refuses them; encodeInto would
// silently replace them, so such a string takes the JSON path.
const wellFormed = typeof String.prototype.isWellFormed === "function"
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDFFF]/.test(s);

/** Thrown inside the lane when a lead must take the JSON path instead. */
const FALLBACK = Symbol("fallback");

/** The lazy parts of one or more decisions: their bytes in wasm memory until the next call. */
class Bytes {
  constructor(lane, base) {
    this.lane = lane;
    this.base = base;
    this.copy = null;
  }
  view() {
    if (this.copy) return this.copy;
    this.lane.views();
    return this.lane.u8;
  }
  offset() {
    return this.copy ? 0 : this.base;
  }
  text(at, len) {
    if (len === 0) return "";
    const b = this.view();
    const o = this.offset() + at;
    // Short ASCII texts (ids, most reasons) decode faster by hand than through TextDecoder.
    if (len <= 64) {
      let s = "";
      for (let i = 0; i < len; i++) {
        const c = b[o + i];
        if (c > 127) return decoder.decode(b.subarray(o, o + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(b.subarray(o, o + len));
  }
}

/** A decision of the fast lane: the routing fields at once, the rest read on demand. */
export class FastDecision {
  constructor(lane, recs, r, bytes) {
    const names = lane.names;
    this.outcome = lane.outcomes[recs[r + R_OUTCOME]];
    this.via = lane.vias[recs[r + R_VIA]];
    this.rep = names[recs[r + R_REP]];
    this.team = names[recs[r + R_TEAM]];
    this.pool = names[recs[r + R_POOL]];
    this.rule = names[recs[r + R_RULE]];
    const score = recs[r + R_SCORE];
    this.score = score === score ? score : null;
    const flags = recs[r + R_FLAGS];
    this.replayed = (flags & 1) === 1;
    this._flags = flags;
    this._repName = recs[r + R_REP_NAME];
    this._calendar = recs[r + R_CALENDAR];
    this._names = names;
    this._bytes = bytes;
    this._at = recs[r + R_OFFSET];
    this._reason = recs[r + R_REASON];
    this._id = recs[r + R_LEAD_ID];
    this._detail = recs[r + R_DETAIL];
    this._cache = null;
  }
  get repName() {
    return this._names[this._repName];
  }
  get calendarUrl() {
    return this._names[this._calendar];
  }
  /** One line a person can read. */
  get reason() {
    return this._bytes.text(this._at, this._reason);
  }
  get leadId() {
    return this._flags & 4 ? this._bytes.text(this._at + this._reason, this._id) : null;
  }
  _parsed() {
    if (this._cache === null) {
      this._cache = JSON.parse(this._bytes.text(this._at + this._reason + this._id, this._detail));
    }
    return this._cache;
  }
  /** The full score (total, grade, groups, breakdown), or null. */
  get scoreDetail() {
    return this._parsed().score;
  }
  /** The trace when routed with `trace` on, else undefined. */
  get trace() {
    return this._parsed().trace;
  }
  /** The decision exactly as `Router.route` returns it. */
  toDecision() {
    const d = {
      lead_id: this.leadId,
      outcome: this.outcome,
      via: this.via,
      rep: this.rep,
      rep_name: this.repName,
      calendar_url: this.calendarUrl,
      team: this.team,
      pool: this.pool,
      rule: this.rule,
      reason: this.reason,
      score: this.scoreDetail,
      replayed: this.replayed,
    };
    if (this._flags & 2) d.trace = this.trace;
    return d;
  }
  toJSON() {
    return this.toDecision();
  }
}

/** The fast lane of one Router. */
export class FastRouter {
  /** @param router a `Router` of either module (full or route). */
  constructor(router) {
    const layout = router.laneLayout();
    this.router = router;
    this.memory = layout.memory;
    this.slots = new Map(layout.fields.map((name, slot) => [name, slot]));
    if (layout.createdAt !== null && layout.createdAt !== undefined) this.slots.set("created_at", layout.createdAt);
    this.slotCount = this.slots.size;
    this.maxKeys = layout.leadFields;
    this.maxString = layout.stringBytes;
    // The JSON path refuses a lead text past this many units: leads anywhere near it
    // take that path (an escape is at most 6 units, a key's quotes and colon 4).
    this.maxText = Math.floor(layout.textUnits / 8);
    this.outcomes = layout.outcomes;
    this.vias = layout.vias;
    this.recordSize = layout.recordSize;
    this.ptrsAt = layout.ptrs / 8;
    this.names = [null];
    this.buffer = null;
    this.pending = null;
    this.refresh();
  }

  /** The views again when wasm memory has grown (its old ArrayBuffer is then detached). */
  views() {
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.f64 = new Float64Array(buffer);
      this.u32 = new Uint32Array(buffer);
      this.u8 = new Uint8Array(buffer);
    }
  }

  /** Views and pointers again after a call that may have grown memory or moved a buffer. */
  refresh() {
    this.views();
    const p = this.f64;
    const at = this.ptrsAt;
    this.entriesAt = p[at + P_ENTRIES] / 4;
    this.numsAt = p[at + P_NUMS] / 8;
    this.bytesAt = p[at + P_BYTES];
    this.entriesCap = p[at + P_ENTRIES_CAP];
    this.numsCap = p[at + P_NUMS_CAP];
    this.bytesCap = p[at + P_BYTES_CAP];
    const names = p[at + P_NAMES];
    if (names >= this.names.length) {
      for (const n of this.router.laneNames(this.names.length - 1)) this.names.push(n);
    }
  }

  reserve(entries, nums, bytes) {
    this.router.laneReserve(Math.max(entries, this.entriesCap), Math.max(nums, this.numsCap), Math.max(bytes, this.bytesCap));
    this.refresh();
  }

  /** Copies the last call's lazy bytes out of wasm memory: the next call overwrites them. */
  keep() {
    this.refresh();
    const b = this.pending;
    if (b !== null) {
      this.pending = null;
      b.copy = this.u8.slice(b.base, b.base + b.length);
    }
  }

  /**
   * Writes one lead's entries from entry `e`, number `n`, byte `b` (the cursor object);
   * throws FALLBACK when it must take the JSON path.
   */
  put(lead, c) {
    if (typeof lead !== "object" || lead === null) throw FALLBACK;
    this.views();
    const proto = Object.getPrototypeOf(lead);
    if ((proto !== OBJECT_PROTO && proto !== null) || typeof lead.toJSON === "function") throw FALLBACK;
    if (c.e + this.slotCount + 2 > this.entriesCap || c.n + this.slotCount + 1 > this.numsCap) {
      this.reserve(c.e + this.slotCount + 2 + (c.e >> 1), c.n + this.slotCount + 1 + (c.n >> 1), this.bytesCap);
    }
    const keys = Object.keys(lead);
    if (keys.length > this.maxKeys) throw FALLBACK;
    const slots = this.slots;
    // Entry word index; views are read from `this` after every write that may grow memory.
    let e = this.entriesAt + c.e * 4;
    let n = c.n;
    let b = c.b;
    let text = 2;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const v = lead[key];
      const slot = slots.get(key);
      text += key.length + 4;
      switch (typeof v) {
        case "string": {
          const len = v.length;
          text += len;
          if (slot === undefined) {
            if (len > 0 && !wellFormed(v)) throw FALLBACK;
            continue;
          }
          if (len > this.maxString) throw FALLBACK;
          if (b + len * 3 > this.bytesCap) {
            const rel = e - this.entriesAt;
            this.reserve(0, 0, b + len * 3 + (b >> 1));
            e = this.entriesAt + rel;
          }
          const u8 = this.u8;
          const start = this.bytesAt + b;
          let j = 0;
          // ASCII by hand: TextEncoder costs about 140 ns a call in Node 20, more than
          // the copy of a short string.
          for (; j < len; j++) {
            const ch = v.charCodeAt(j);
            if (ch > 127) break;
            u8[start + j] = ch;
          }
          let bytes = j;
          if (j < len) {
            if (!wellFormed(v)) throw FALLBACK;
            bytes = j + encoder.encodeInto(v.slice(j), u8.subarray(start + j, this.bytesAt + this.bytesCap)).written;
          }
          const w = this.u32;
          w[e] = slot;
          w[e + 1] = K_STR;
          w[e + 2] = b;
          w[e + 3] = bytes;
          e += 4;
          b += bytes;
          break;
        }
        case "number":
          if (v - v !== 0) throw FALLBACK; // NaN and the infinities: the JSON path's error
          text += 24;
          if (slot === undefined) continue;
          this.f64[this.numsAt + n] = v;
          this.u32[e] = slot;
          this.u32[e + 1] = K_NUM;
          this.u32[e + 2] = n;
          e += 4;
          n += 1;
          break;
        case "boolean":
          text += 5;
          if (slot === undefined) continue;
          this.u32[e] = slot;
          this.u32[e + 1] = v ? K_TRUE : K_FALSE;
          e += 4;
          break;
        case "undefined":
        case "function":
        case "symbol":
          text -= key.length + 4; // JSON.stringify leaves the key out
          break;
        default:
          if (v !== null) throw FALLBACK; // objects, bigints
          text += 4;
          if (slot === undefined) continue;
          this.u32[e] = slot;
          this.u32[e + 1] = K_NULL;
          e += 4;
      }
    }
    if (text > this.maxText) throw FALLBACK;
    c.e = (e - this.entriesAt) / 4;
    c.n = n;
    c.b = b;
  }

  /** The options as `laneRoute` takes them: -1 when they must take the JSON path. */
  static flags(options) {
    if (typeof options !== "object" || options === null || typeof options.now !== "number") return -1;
    const t = options.trace;
    const s = options.stateless;
    const time = options.time;
    return (t === false ? 0 : t === true ? 1 : 2)
      | (s === false ? 0 : s === true ? 1 : 2) << 2
      | (time === undefined || time === null ? 0 : time === "now" ? 1 : time === "created_at" ? 2 : 3) << 4;
  }

  one(lead, options, again) {
    this.keep();
    let flags;
    let now;
    const c = { e: 0, n: 0, b: 0 };
    try {
      flags = FastRouter.flags(options);
      if (flags < 0) throw FALLBACK;
      now = options.now;
      this.put(lead, c);
    } catch (err) {
      if (err !== FALLBACK) throw err;
      return again ? this.router.routeAgain(lead, options) : this.router.route(lead, options);
    }
    this.router.laneRoute(c.e, now, flags, again);
    return this.result(1)[0];
  }

  /** Records 0..count of the last call as decisions or batch failures. */
  result(count) {
    this.refresh();
    const recs = this.f64;
    const at = this.f64[this.ptrsAt + P_RECS] / 8;
    const size = this.recordSize;
    const bytes = new Bytes(this, this.f64[this.ptrsAt + P_OUT]);
    let length = 0;
    const out = new Array(count);
    for (let i = 0; i < count; i++) {
      const r = at + i * size;
      length = recs[r + R_OFFSET] + recs[r + R_REASON] + recs[r + R_LEAD_ID] + recs[r + R_DETAIL];
      out[i] = recs[r + R_STATUS] === 0 ? new FastDecision(this, recs, r, bytes) : {
        ok: false,
        index: recs[r + R_INDEX],
        code: this.names[recs[r + R_OUTCOME]],
        error: bytes.text(recs[r + R_OFFSET], recs[r + R_REASON]),
      };
    }
    bytes.length = length;
    this.pending = bytes;
    return out;
  }

  /** `Router.route` without JSON: the same decision (as a FastDecision) or the same error. */
  route(lead, options) {
    return this.one(lead, options, false);
  }

  /** `Router.routeAgain` without JSON. */
  routeAgain(lead, options) {
    return this.one(lead, options, true);
  }

  /**
   * `Router.routeBatch` without JSON: `{ ok: true, decision }` or `{ ok: false, index, code,
   * error }` per lead, in order, as routeBatch lists them.
   */
  routeBatch(leads, options) {
    if (!Array.isArray(leads)) return this.router.routeBatch(leads, options);
    const flags = FastRouter.flags(options);
    if (flags < 0) return this.router.routeBatch(leads, options);
    this.keep();
    const now = options.now;
    const items = new Array(leads.length);
    let first = 0;
    let c = { e: 0, n: 0, b: 0 };
    const flush = (upto) => {
      if (upto === first) return;
      this.keep();
      this.router.laneBatch(c.e, now, flags, first);
      const got = this.result(upto - first);
      for (let k = 0; k < got.length; k++) {
        const g = got[k];
        items[first + k] = g instanceof FastDecision ? { ok: true, decision: g } : g;
      }
      c = { e: 0, n: 0, b: 0 };
    };
    for (let i = 0; i < leads.length; i++) {
      const mark = { e: c.e, n: c.n, b: c.b };
      try {
        this.put(leads[i], c);
        if (c.e + 1 > this.entriesCap) this.reserve(c.e + 1 + (c.e >> 1), this.numsCap, this.bytesCap);
        const at = this.entriesAt + c.e * 4;
        this.u32[at] = 0;
        this.u32[at + 1] = K_END;
        c.e += 1;
      } catch (err) {
        if (err !== FALLBACK) throw err;
        c.e = mark.e;
        c.n = mark.n;
        c.b = mark.b;
        flush(i);
        const [item] = this.router.routeBatch([leads[i]], options);
        items[i] = item.ok ? item : { ...item, index: i };
        first = i + 1;
      }
    }
    flush(leads.length);
    return items;
  }
}

/** The fast lane of `router` (one per router; keep it with the router). */
export function fast(router) {
  return new FastRouter(router);
}
