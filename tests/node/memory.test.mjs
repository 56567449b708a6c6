// Running out of wasm memory inside a call (issue 13, item 1): the call fails with an
// Error coded `out_of_memory`, the router's state is unchanged and it keeps working.
// Before the fix the module trapped ("unreachable") with the router borrowed, and every
// later call on it threw "recursive use of an object detected".
//
// The wasm memory is grown to its 4 GiB maximum from JS (pages untouched, so no real
// memory is used): the allocator inside can then get no more, as on a full machine.
import assert from "node:assert/strict";
import test from "node:test";
import { NOW, lead, loadWebPkg, rrConfig } from "./helpers.mjs";

const { Router, memory } = await loadWebPkg();

function exhaust() {
  for (let step = 65536; step >= 1; step >>= 1) {
    try {
      memory.grow(step);
    } catch {
      // over the maximum: try a smaller step
    }
  }
}

/** A lead of `fields` string fields of 60,000 characters each. */
function wide(id, fields) {
  const l = { id };
  for (let i = 0; i < fields; i++) l[`f${i}`] = "y".repeat(60_000);
  return l;
}

test("out of wasm memory: the call fails alone, the state is unchanged", () => {
  const r = new Router(rrConfig());
  assert.equal(r.route(lead(1), { now: NOW }).rep, "a");
  // One large call first, so the allocator holds a few MiB it can reuse later.
  assert.equal(r.route(wide("W1", 30), { now: NOW }).rep, "b");
  const before = JSON.stringify(r.snapshot());
  exhaust();
  assert.throws(() => memory.grow(1), RangeError, "the memory is at its maximum");

  const oom = (e) => {
    assert.ok(e instanceof Error && !(e instanceof WebAssembly.RuntimeError), `not a trap: ${e}`);
    assert.equal(e.code, "out_of_memory", e.message);
    assert.match(e.message, /^out of memory: this call needs about \d+ bytes of wasm memory; nothing was changed$/);
    return true;
  };
  // One lead larger than what is left.
  assert.throws(() => r.route(wide("W2", 100), { now: NOW }), oom);
  assert.equal(JSON.stringify(r.snapshot()), before);
  // A batch larger than what is left: refused whole, or lead by lead, never half-done.
  const batch = Array.from({ length: 400 }, (_, i) => wide(`B${i}`, 1));
  let out = null;
  try {
    out = r.routeBatch(batch, { now: NOW });
  } catch (e) {
    oom(e);
  }
  if (out) {
    assert.ok(out.some((x) => x.code === "out_of_memory"), "memory ran out somewhere in the batch");
    assert.ok(out.every((x) => x.ok || x.code === "out_of_memory"), JSON.stringify(out.find((x) => !x.ok)));
  } else {
    assert.equal(JSON.stringify(r.snapshot()), before);
  }
  // The same router keeps routing with the memory it has; the rotation goes on from the
  // state it had (advanced only by the batch items that did route, if any).
  const routed = out ? out.filter((x) => x.ok).length : 0;
  assert.equal(r.route(lead(3), { now: NOW }).rep, ["a", "b"][routed % 2]);
  assert.ok(r.snapshot().routed >= 3);
});
