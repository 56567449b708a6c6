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
const P_EXTRA = 9;
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
const R_EXTRA = 16;
const R_EXTRA_LEN = 17;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const OBJECT_PROTO = Object.prototype;
// Lone surrogates: JSON.stringify escapes them and serde refuses them; encodeInto would
// silently replace them, so such a string takes the JSON path.
const wellFormed = typeof String.prototype.isWellFormed === "function"
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDFFF]/.test(s);

/** The lane of each router. */
const lanes = new WeakMap();

/** Thrown inside the lane when a lead must take the JSON path instead. */
const FALLBACK = Symbol("fallback");

// The flag bit that lets the lane start its output over (wasm/src/fields.rs `WRAP`), and
// how much output may pile up before it does: until then earlier calls' reasons and scores
// stay where they are, and a wrap copies them all out in one go.
const WRAP = 1 << 8;
const WRAP_BYTES = 1 << 20;
const WRAP_NUMS = 1 << 17;

/**
 * The lazy parts of the decisions made since the lane last wrapped its output (texts as
 * bytes, scores as numbers): read in place in wasm memory until the next wrap, from a copy
 * after.
 */
class Lazy {
  constructor(lane) {
    this.lane = lane;
    this.copy = null;
    this.extraCopy = null;
  }
  text(at, len) {
    if (len === 0) return "";
    let b = this.copy;
    let o = at;
    if (b === null) {
      const lane = this.lane;
      lane.views();
      b = lane.u8;
      o = lane.outAt + at;
    }
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
  /** The score object `route` returns, from its numbers at `at`. */
  score(at, total, names) {
    let x = this.extraCopy;
    let o = at;
    if (x === null) {
      const lane = this.lane;
      lane.views();
      x = lane.f64;
      o = lane.extraAt + at;
    }
    const groups = new Array(x[o + 2]);
    const breakdown = new Array(x[o + 3]);
    let k = o + 4;
    for (let i = 0; i < groups.length; i++, k += 3) groups[i] = { group: names[x[k] | 0], raw: x[k + 1], points: x[k + 2] };
    for (let i = 0; i < breakdown.length; i++, k += 3) {
      breakdown[i] = { group: names[x[k] | 0], rule: names[x[k + 1] | 0], points: x[k + 2] };
    }
    return { total, grade: names[x[o] | 0], mql: x[o + 1] === 1, groups, breakdown };
  }
}

/** A decision of the fast lane: the routing fields at once, the rest read on demand. */
export class FastDecision {
  constructor(lane, recs, r, bytes) {
    const names = lane.names;
    this.outcome = lane.outcomes[recs[r + R_OUTCOME] | 0];
    this.via = lane.vias[recs[r + R_VIA] | 0];
    this.rep = names[recs[r + R_REP] | 0];
    this.team = names[recs[r + R_TEAM] | 0];
    this.pool = names[recs[r + R_POOL] | 0];
    this.rule = names[recs[r + R_RULE] | 0];
    const score = recs[r + R_SCORE];
    this.score = score === score ? score : null;
    const flags = recs[r + R_FLAGS];
    this.replayed = (flags & 1) === 1;
    this._flags = flags;
    this._repName = recs[r + R_REP_NAME] | 0;
    this._calendar = recs[r + R_CALENDAR] | 0;
    this._names = names;
    this._lazy = bytes;
    this._at = recs[r + R_OFFSET];
    this._reason = recs[r + R_REASON];
    this._id = recs[r + R_LEAD_ID];
    this._detail = recs[r + R_DETAIL];
    this._extra = recs[r + R_EXTRA];
    this._trace = undefined;
    this._score = undefined;
    this._plain = null;
  }
  /** The same interface over a decision of the JSON path (a lead the lane did not carry). */
  static of(d) {
    const f = Object.create(FastDecision.prototype);
    f.outcome = d.outcome;
    f.via = d.via;
    f.rep = d.rep;
    f.team = d.team;
    f.pool = d.pool;
    f.rule = d.rule;
    f.score = d.score === null ? null : d.score.total;
    f.replayed = d.replayed;
    f._plain = d;
    return f;
  }
  /** True when the lead crossed without JSON (false: it took the JSON path, same result). */
  get fromLane() {
    return this._plain === null;
  }
  get repName() {
    return this._plain !== null ? this._plain.rep_name : this._names[this._repName];
  }
  get calendarUrl() {
    return this._plain !== null ? this._plain.calendar_url : this._names[this._calendar];
  }
  /** One line a person can read. */
  get reason() {
    return this._plain !== null ? this._plain.reason : this._lazy.text(this._at, this._reason);
  }
  get leadId() {
    if (this._plain !== null) return this._plain.lead_id;
    return this._flags & 4 ? this._lazy.text(this._at + this._reason, this._id) : null;
  }
  /** The full score (total, grade, groups, breakdown), or null. */
  get scoreDetail() {
    if (this._plain !== null) return this._plain.score;
    if (this._score === undefined) {
      this._score = this.score === null ? null : this._lazy.score(this._extra, this.score, this._names);
    }
    return this._score;
  }
  /** The trace when routed with `trace` on, else undefined. */
  get trace() {
    if (this._plain !== null) return this._plain.trace;
    if (this._trace === undefined && this._flags & 2) {
      this._trace = JSON.parse(this._lazy.text(this._at + this._reason + this._id, this._detail));
    }
    return this._trace;
  }
  /** The decision exactly as `Router.route` returns it. */
  toDecision() {
    if (this._plain !== null) return this._plain;
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
    // One lane per router: the buffers' pointers are cached here, so a second lane over
    // the same buffers would read stale ones.
    const known = lanes.get(router);
    if (known !== undefined) return known;
    lanes.set(router, this);
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
    this.bytesView = null;
    // The Lazy of every call since the output last started over, and how much it holds.
    // Every call since the last wrap reads its lazy parts through this one object: a wrap
    // gives them all the same copy, so one per epoch (not one per call, kept in a list)
    // spares the garbage collector a survivor per lead.
    this.lazy = new Lazy(this);
    this.wrapBytes = WRAP_BYTES;
    this.wrapNums = WRAP_NUMS;
    this.outUsed = 0;
    this.extraUsed = 0;
    this.cursor = { e: 0, n: 0, b: 0 };
    // The slots of the last lead's keys by position: leads of one source share their
    // keys and order, so most keys are found by one identity test.
    this.lastKeys = [];
    this.lastSlots = [];
    // A lead's declared strings and their entries' word indices, while it is written.
    this.strs = [];
    this.strAt = [];
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
      this.bytesView = this.u8.subarray(this.bytesAt, this.bytesAt + this.bytesCap);
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
    this.outAt = p[at + P_OUT];
    this.extraAt = p[at + P_EXTRA] / 8;
    // The byte buffer as one view, kept: a subarray per call costs about 100 ns.
    if (this.bytesView === null || this.bytesView.buffer !== this.buffer || this.bytesView.byteOffset !== this.bytesAt
      || this.bytesView.length !== this.bytesCap) {
      this.bytesView = this.u8.subarray(this.bytesAt, this.bytesAt + this.bytesCap);
    }
    const names = p[at + P_NAMES];
    if (names >= this.names.length) {
      for (const n of this.router.laneNames(this.names.length - 1)) this.names.push(n);
    }
  }

  reserve(entries, nums, bytes) {
    this.router.laneReserve(Math.max(entries, this.entriesCap), Math.max(nums, this.numsCap), Math.max(bytes, this.bytesCap));
    this.refresh();
  }

  /**
   * Before each call: the WRAP flag when the output has grown past its bound, after the
   * lazy parts of every earlier call are copied out (the call then overwrites them).
   */
  begin() {
    this.views();
    if (this.outUsed <= this.wrapBytes && this.extraUsed <= this.wrapNums) return 0;
    const copy = this.u8.slice(this.outAt, this.outAt + this.outUsed);
    const extra = this.f64.slice(this.extraAt, this.extraAt + this.extraUsed);
    this.lazy.copy = copy;
    this.lazy.extraCopy = extra;
    this.lazy = new Lazy(this);
    this.outUsed = 0;
    this.extraUsed = 0;
    return WRAP;
  }

  /** After each call: what its records hold, for the next `begin`. */
  used(recs, r) {
    const end = recs[r + R_OFFSET] + recs[r + R_REASON] + recs[r + R_LEAD_ID] + recs[r + R_DETAIL];
    if (end > this.outUsed) this.outUsed = end;
    const extra = recs[r + R_EXTRA] + recs[r + R_EXTRA_LEN];
    if (extra > this.extraUsed) this.extraUsed = extra;
  }

  /**
   * Writes one lead's entries from entry `e`, number `n`, byte `b` (the cursor object);
   * throws FALLBACK when it must take the JSON path.
   */
  put(lead, c) {
    if (typeof lead !== "object" || lead === null) throw FALLBACK;
    this.views();
    const proto = Object.getPrototypeOf(lead);
    if (proto !== OBJECT_PROTO || typeof lead.toJSON === "function") throw FALLBACK;
    // for-in (much faster than Object.keys) also walks inherited enumerable keys, which
    // JSON.stringify leaves out: a polluted Object.prototype sends leads the JSON way.
    for (const _ in OBJECT_PROTO) throw FALLBACK;
    if (c.e + this.slotCount + 2 > this.entriesCap || c.n + this.slotCount + 1 > this.numsCap) {
      this.reserve(c.e + this.slotCount + 2 + (c.e >> 1), c.n + this.slotCount + 1 + (c.n >> 1), this.bytesCap);
    }
    const slots = this.slots;
    const lastKeys = this.lastKeys;
    const lastSlots = this.lastSlots;
    const strs = this.strs;
    const strAt = this.strAt;
    // Nothing below grows memory before strings(): the views stay valid in the loop.
    const u32 = this.u32;
    const f64 = this.f64;
    const numsAt = this.numsAt;
    const maxString = this.maxString;
    let strings = 0;
    let units = 0;
    let e = this.entriesAt + c.e * 4;
    let n = c.n;
    let text = 2;
    let count = 0;
    let i = 0;
    for (const key in lead) {
      const v = lead[key];
      let slot;
      if (lastKeys[i] === key) {
        slot = lastSlots[i];
      } else {
        slot = slots.get(key);
        lastKeys[i] = key;
        lastSlots[i] = slot;
      }
      i += 1;
      text += key.length + 4;
      count += 1;
      switch (typeof v) {
        case "string": {
          const len = v.length;
          text += len;
          // An undeclared string is never read (serde skips it, lone surrogates too).
          if (slot === undefined) continue;
          if (len > maxString) throw FALLBACK;
          u32[e] = slot;
          u32[e + 1] = K_STR;
          strs[strings] = v;
          strAt[strings] = e;
          strings += 1;
          units += len;
          e += 4;
          break;
        }
        case "number":
          if (v - v !== 0) throw FALLBACK; // NaN and the infinities: the JSON path's error
          text += 24;
          if (slot === undefined) continue;
          f64[numsAt + n] = v;
          u32[e] = slot;
          u32[e + 1] = K_NUM;
          u32[e + 2] = n;
          e += 4;
          n += 1;
          break;
        case "boolean":
          text += 5;
          if (slot === undefined) continue;
          u32[e] = slot;
          u32[e + 1] = v ? K_TRUE : K_FALSE;
          e += 4;
          break;
        case "undefined":
        case "function":
        case "symbol":
          text -= key.length + 4; // JSON.stringify leaves the key out
          count -= 1;
          break;
        default:
          if (v !== null) throw FALLBACK; // objects, bigints
          text += 4;
          if (slot === undefined) continue;
          u32[e] = slot;
          u32[e + 1] = K_NULL;
          e += 4;
      }
    }
    if (text > this.maxText || count > this.maxKeys) throw FALLBACK;
    const rel = e - this.entriesAt;
    c.n = n;
    if (strings > 0) this.strings(strings, units, c);
    c.e = rel / 4;
  }

  /**
   * The UTF-8 of a lead's declared strings, their entries patched with offsets: one
   * TextEncoder call for all of them (a call costs more than copying a short string), one
   * per string only when they are not all ASCII.
   */
  strings(count, units, c) {
    const strs = this.strs;
    const strAt = this.strAt;
    if (c.b + units * 3 > this.bytesCap) {
      const at = this.entriesAt;
      this.reserve(0, 0, c.b + units * 3 + (c.b >> 1));
      for (let k = 0; k < count; k++) strAt[k] += this.entriesAt - at;
    }
    let all = strs[0];
    for (let k = 1; k < count; k++) all += strs[k];
    const start = this.bytesAt + c.b;
    const end = this.bytesAt + this.bytesCap;
    const u32 = this.u32;
    const { written } = encoder.encodeInto(all, c.b === 0 ? this.bytesView : this.u8.subarray(start, end));
    let b = c.b;
    if (written === units) {
      for (let k = 0; k < count; k++) {
        const e = strAt[k];
        const len = strs[k].length;
        u32[e + 2] = b;
        u32[e + 3] = len;
        b += len;
      }
    } else {
      // Lone surrogates: JSON.stringify escapes them and serde refuses them, encodeInto
      // would replace them silently; such a lead takes the JSON path.
      for (let k = 0; k < count; k++) {
        const v = strs[k];
        if (!wellFormed(v)) throw FALLBACK;
        const bytes = encoder.encodeInto(v, this.u8.subarray(this.bytesAt + b, end)).written;
        const e = strAt[k];
        u32[e + 2] = b;
        u32[e + 3] = bytes;
        b += bytes;
      }
    }
    c.b = b;
    for (let k = 0; k < count; k++) strs[k] = "";
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
    let flags;
    let now;
    const c = this.cursor;
    c.e = 0;
    c.n = 0;
    c.b = 0;
    try {
      flags = FastRouter.flags(options);
      if (flags < 0) throw FALLBACK;
      now = options.now;
      this.put(lead, c);
    } catch (err) {
      if (err !== FALLBACK) throw err;
      return FastDecision.of(again ? this.router.routeAgain(lead, options) : this.router.route(lead, options));
    }
    this.router.laneRoute(c.e, c.b, now, flags | this.begin(), again);
    this.refresh();
    const at = this.f64[this.ptrsAt + P_RECS] / 8;
    const lazy = this.lazy;
    const recs = this.f64;
    this.used(recs, at);
    return new FastDecision(this, recs, at, lazy);
  }

  /** Records 0..count of the last batch call into `items` from `offset`, as routeBatch lists them. */
  result(count, items, offset) {
    this.refresh();
    const recs = this.f64;
    const at = this.f64[this.ptrsAt + P_RECS] / 8;
    const size = this.recordSize;
    const lazy = this.lazy;
    for (let i = 0; i < count; i++) {
      const r = at + i * size;
      this.used(recs, r);
      items[offset + i] = recs[r + R_STATUS] === 0 ? { ok: true, decision: new FastDecision(this, recs, r, lazy) } : {
        ok: false,
        index: recs[r + R_INDEX],
        code: this.names[recs[r + R_OUTCOME] | 0],
        error: lazy.text(recs[r + R_OFFSET], recs[r + R_REASON]),
      };
    }
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
    const now = options.now;
    const items = new Array(leads.length);
    let first = 0;
    const c = { e: 0, n: 0, b: 0 };
    const flush = (upto) => {
      if (upto === first) return;
      this.router.laneBatch(c.e, c.b, now, flags | this.begin(), first);
      this.result(upto - first, items, first);
      c.e = 0;
      c.n = 0;
      c.b = 0;
    };
    for (let i = 0; i < leads.length; i++) {
      const markE = c.e;
      const markN = c.n;
      const markB = c.b;
      try {
        this.put(leads[i], c);
        if (c.e + 1 > this.entriesCap) this.reserve(c.e + 1 + (c.e >> 1), this.numsCap, this.bytesCap);
        const at = this.entriesAt + c.e * 4;
        this.u32[at] = 0;
        this.u32[at + 1] = K_END;
        c.e += 1;
      } catch (err) {
        if (err !== FALLBACK) throw err;
        c.e = markE;
        c.n = markN;
        c.b = markB;
        flush(i);
        const [item] = this.router.routeBatch([leads[i]], options);
        items[i] = item.ok ? { ok: true, decision: FastDecision.of(item.decision) } : { ...item, index: i };
        first = i + 1;
      }
    }
    flush(leads.length);
    return items;
  }
}

/** The fast lane of `router` (the same one for every call with the same router). */
export function fast(router) {
  return new FastRouter(router);
}
