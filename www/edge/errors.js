// Error codes and their HTTP statuses: the one place the worker decides a status. Core
// errors without a `code` yet are given one from the small table below (by message).

/** Every code the worker answers with, and its HTTP status. */
export const STATUS = {
  invalid_json: 400,
  invalid_body: 400,
  invalid_form: 400,
  invalid_path: 400,
  invalid_idempotency_key: 400,
  unauthorized: 401,
  unknown_rep: 403,
  not_pool_member: 403,
  not_lead_owner: 403,
  not_eligible: 403,
  not_found: 404,
  unknown_pool: 404,
  unknown_lead: 404,
  pool_empty: 404,
  pool_expired: 404,
  method_not_allowed: 405,
  already_claimed: 409,
  claim_out_of_order: 409,
  already_contacted: 409,
  rep_unavailable: 409,
  refused: 409,
  lead_id_reused: 409,
  not_assigned: 409,
  too_large: 413,
  unsupported_media_type: 415,
  wrong_type: 422,
  too_long: 422,
  missing_field: 422,
  invalid_email: 422,
  invalid_id: 422,
  missing_id: 422,
  invalid_lead: 422,
  idempotency_key_reused: 422,
  invalid_outcome: 422,
  claim_limit: 429,
  internal: 500,
  // Per-team design: a ticket the object's config did not make (a config roll-out in
  // progress: retry), or a ticket that is not one (a bug between Worker and object).
  foreign_ticket: 503,
  invalid_ticket: 500,
  wrong_lead: 500,
  config_error: 500,
  needs_durable_object: 501,
  disabled: 503,
};

// The engine's codes (`err.code`, set on everything the binding throws) and the worker's
// code each one answers with. The worker never reads an engine message to choose.
const CORE_CODES = {
  not_found: "not_found",
  unknown_rep: "unknown_rep",
  unknown_pool: "unknown_pool",
  unknown_lead: "unknown_lead",
  not_member: "not_pool_member",
  not_eligible: "not_eligible",
  already_claimed: "already_claimed",
  out_of_order: "claim_out_of_order",
  already_contacted: "already_contacted",
  limit_reached: "claim_limit",
  not_owner: "not_lead_owner",
  unavailable: "rep_unavailable",
  expired: "pool_expired",
  pool_empty: "pool_empty",
  invalid_lead: "invalid_lead",
  missing_id: "missing_id",
  invalid_outcome: "invalid_outcome",
  not_assigned: "not_assigned",
};

/** `{ code, field }` of an error thrown by the engine (`field` when it names one). */
export function coreCode(err, fallback) {
  return { code: CORE_CODES[err?.code] ?? fallback, field: err?.field ?? null };
}

/** An error answer for RPC and HTTP: `{ status, error: { code, field, message } }`. */
export function failure(code, message, field = null) {
  return { status: STATUS[code] ?? 500, error: { code, field, message } };
}

/** The failure for an engine error; `fallback` names what was refused. */
export function coreFailure(err, fallback) {
  const { code, field } = coreCode(err, fallback);
  return failure(code, String(err?.message ?? err), field);
}
