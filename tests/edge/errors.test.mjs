// The worker's error codes and statuses in plain Node: an engine code decides when it is
// precise, its message names the rest (one table, errors.js), never a status picked by text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { coreFailure } from "../../www/edge/errors.js";

const err = (message, code) => Object.assign(new Error(message), code ? { code } : {});

test("engine errors get a code and a status, with or without the engine's own code", () => {
  const cases = [
    ['rep "r-x" cannot claim lead "L": not a member of its pool', undefined, "not_pool_member", 403],
    ['rep "r-x" cannot claim lead "L": not a member of its pool', "not_member", "not_pool_member", 403],
    ['rep "r-x" cannot see pool "p"', undefined, "not_pool_member", 403],
    ['lead "L" is already claimed by someone else', "already_claimed", "already_claimed", 409],
    ['lead "L" is not waiting in any pool', "not_found", "unknown_lead", 404],
    ['unknown rep "r-q"', "not_found", "unknown_rep", 403],
    ['pool "p" is blind: its leads are claimed oldest first (claimNext)', "refused", "claim_out_of_order", 409],
    ['rep "r" is over the claim limit of pool "p": 3 of 3 claimed leads not yet contacted', "limit_reached", "claim_limit", 429],
    ['lead "L" is not assigned to rep "r"', "not_owner", "not_lead_owner", 403],
    ["a refusal this table does not know", "refused", "refused", 409],
    ["a refusal this table does not know", "not_owner", "not_lead_owner", 403],
  ];
  for (const [message, code, want, status] of cases) {
    const f = coreFailure(err(message, code), "refused");
    assert.deepEqual([f.error.code, f.status], [want, status], `${code ?? "no code"}: ${message}`);
    assert.equal(f.error.message, message);
  }
  const bad = coreFailure(err('invalid lead: field "company_size": expected a number, found "big"', "invalid_lead"), "invalid_lead");
  assert.deepEqual([bad.status, bad.error.code, bad.error.field], [422, "wrong_type", "company_size"]);
});
