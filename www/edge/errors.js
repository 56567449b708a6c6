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
  too_large: 413,
  unsupported_media_type: 415,
  wrong_type: 422,
  too_long: 422,
  missing_field: 422,
  invalid_email: 422,
  invalid_id: 422,
  invalid_lead: 422,
  idempotency_key_reused: 422,
  claim_limit: 429,
  internal: 500,
  config_error: 500,
  needs_durable_object: 501,
  disabled: 503,
};

// The engine's own codes (set as `err.code` by bindings that have them) and the worker's
// code each one answers with. `refused` has no precise meaning: its message decides.
const CORE_CODES = {
  not_found: "not_found",
  not_member: "not_pool_member",
  already_claimed: "already_claimed",
  limit_reached: "claim_limit",
  not_owner: "not_lead_owner",
  unavailable: "rep_unavailable",
  expired: "pool_expired",
  pool_empty: "pool_empty",
  invalid_lead: "invalid_lead",
};

// The engine of this build throws message-only errors (or `refused`): this table names them.
const CORE_MESSAGES = [
  [/is already claimed by someone else/, "already_claimed"],
  [/is not eligible to claim from pool|cannot see pool|: not a member of its pool$/, "not_pool_member"],
  [/is blind: its leads are claimed oldest first/, "claim_out_of_order"],
  [/is not assigned to rep|is not claimed by rep/, "not_lead_owner"],
  [/^unknown rep\b/, "unknown_rep"],
  [/^unknown pool\b/, "unknown_pool"],
  [/is not waiting in any pool|is not tracked/, "unknown_lead"],
  [/has expired from pool/, "pool_expired"],
  [/^pool "[^"]*" is empty$/, "pool_empty"],
  [/claim limit/, "claim_limit"],
  [/cannot claim now/, "rep_unavailable"],
  [/cannot claim lead "[^"]*": /, "not_eligible"],
  [/already contacted/, "already_contacted"],
  [/longer than the limit/, "too_long"],
  [/field "[^"]+": expected/, "wrong_type"],
];

/** `{ code, field }` of an error thrown by the engine. */
export function coreCode(err, fallback) {
  const message = String(err?.message ?? err);
  const field = err?.field ?? /field "([^"]+)"/.exec(message)?.[1] ?? null;
  const named = CORE_MESSAGES.find(([re]) => re.test(message))?.[1];
  const coded = CORE_CODES[err?.code];
  // A precise engine code wins; the message refines a coarse one (`not_found`, `invalid_lead`).
  if (coded && !(named && (coded === "not_found" || coded === "invalid_lead"))) return { code: coded, field };
  return { code: named ?? coded ?? fallback, field };
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
