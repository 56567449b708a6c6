// The outbox's load path in plain Node with a stand-in storage: long lists of pending items
// and dead letters load (no argument spread over them) and numbering continues after the last.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Outbox } from "../../www/edge/outbox.js";

test("300,000 dead letters and pending items load; the next item is numbered after all of them", async () => {
  const dead = new Map();
  for (let i = 0; i < 300_000; i++) {
    const item = { id: `create:L${i}`, kind: "create", lead_id: `L${i}`, seq: i * 2 };
    dead.set(`dead:${item.id}`, { id: item.id, item, attempts: 5 });
  }
  const out = new Map([["out:create:P1", { id: "create:P1", kind: "create", lead_id: "P1", seq: 7, created_at: 0 }]]);
  const storage = {
    list: async ({ prefix }) => (prefix === "dead:" ? dead : prefix === "out:" ? out : new Map()),
    get: async () => undefined,
  };
  const settings = { retry: { concurrency: 0, timerMaxMs: 1000 }, crm: { forward: ["assigned"] }, config: { reps: [] } };
  const outbox = new Outbox({ settings, env: {}, write() {}, commit() {}, clock: () => 0 });
  await outbox.load(storage, 0);
  assert.equal(outbox.dead.size, 300_000);
  assert.equal(outbox.items.size, 1);
  assert.equal(outbox.nextSeq(), 2 * 299_999 + 1);
});
