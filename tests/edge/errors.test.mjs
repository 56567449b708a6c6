// The worker's error codes and statuses in plain Node: the engine's code decides (one
// table, errors.js); the message is passed on and never read to choose a status.
import { test } from "node:test";
import assert from "node:assert/strict";
import { coreFailure } from "../../www/edge/errors.js";

const err = (message, code) => Object.assign(new Error(message), code ? { code } : {});

test("engine errors get a code and a status from the engine's own code alone", () => {
  const cases = [
    ["not_member", "not_pool_member", 403],
    ["not_eligible", "not_eligible", 403],
    ["unknown_rep", "unknown_rep", 403],
    ["already_claimed", "already_claimed", 409],
    ["out_of_order", "claim_out_of_order", 409],
    ["already_contacted", "already_contacted", 409],
    ["unknown_lead", "unknown_lead", 404],
    ["unknown_pool", "unknown_pool", 404],
    ["expired", "pool_expired", 404],
    ["pool_empty", "pool_empty", 404],
    ["limit_reached", "claim_limit", 429],
    ["not_owner", "not_lead_owner", 403],
    ["unavailable", "rep_unavailable", 409],
    ["invalid_lead", "invalid_lead", 422],
    ["missing_id", "missing_id", 422],
  ];
  for (const [code, want, status] of cases) {
    // The same text under every code: only the code decides.
    const f = coreFailure(err("lead \"L\" is already claimed by someone else", code), "refused");
    assert.deepEqual([f.error.code, f.status], [want, status], code);
    assert.equal(f.error.message, "lead \"L\" is already claimed by someone else");
  }
  assert.deepEqual([coreFailure(err("anything", "refused"), "refused").status], [409]);
  assert.equal(coreFailure(err("no code at all"), "refused").error.code, "refused");
});
