// The outbox's load path in plain Node with a stand-in store: long lists of pending items and
// dead letters load (no argument spread over them) and numbering continues after the last.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Outbox } from "../../www/edge/outbox.js";

function storeWith(entries) {
  return {
    puts: new Map(),
    async *list(prefix) {
      for (const [k, v] of entries) if (k.startsWith(prefix)) yield [k, v];
    },
    put(k, v) {
      this.puts.set(k, v);
    },
    delete() {},
  };
}

test("300,000 dead letters and pending items load; the next item is numbered after all of them", async () => {
  const entries = [];
  for (let i = 0; i < 300_000; i++) {
    const item = { id: `create:L${i}`, kind: "create", lead_id: `L${i}`, seq: i * 2 };
    entries.push([`dead:${item.id}`, { id: item.id, item, attempts: 5 }]);
  }
  entries.push(["out:create:P1", { id: "create:P1", kind: "create", lead_id: "P1", seq: 7 }]);
  const settings = { retry: { concurrency: 0 }, crm: { forward: ["assigned"] }, config: { reps: [] } };
  const outbox = new Outbox(storeWith(entries), settings, {});
  await outbox.load();
  assert.equal(outbox.dead.size, 300_000);
  assert.equal(outbox.items.size, 1);
  const next = outbox.create({ id: "NEW" }, { outcome: "assigned" }, 0);
  assert.equal(next.seq, 2 * 299_999 + 1);
});
