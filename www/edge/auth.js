// Who is calling: reps prove their id with a token signed by REP_TOKEN_SECRET
// (`<rep id>.<hmac>`), operators with ADMIN_TOKEN. Both secrets live in the Worker env.

function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function hmac(secret, text) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
}

function sameText(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A rep's token: give it to the rep's app (e.g. minted at sign-in). */
export async function signRepToken(secret, rep) {
  return `${rep}.${b64url(await hmac(secret, `rep:${rep}`))}`;
}

function bearer(request) {
  const h = request.headers.get("authorization") ?? "";
  return /^Bearer\s+(.+)$/i.exec(h)?.[1]?.trim() ?? null;
}

/** The rep id proven by the request's token, or a `{ status, code, message }` refusal. */
export async function repOf(request, env) {
  if (!env.REP_TOKEN_SECRET) return { status: 503, code: "disabled", message: "rep endpoints are disabled: REP_TOKEN_SECRET is not set" };
  const token = bearer(request);
  if (!token) return { status: 401, code: "unauthorized", message: "send the rep token as `Authorization: Bearer <token>`" };
  const dot = token.lastIndexOf(".");
  const rep = dot > 0 ? token.slice(0, dot) : "";
  if (!rep || !sameText(token, await signRepToken(env.REP_TOKEN_SECRET, rep))) {
    return { status: 401, code: "unauthorized", message: "rep token is not valid" };
  }
  return { rep };
}

/** Null when the request carries ADMIN_TOKEN, else a `{ status, code, message }` refusal. */
export function adminRefusal(request, env) {
  if (!env.ADMIN_TOKEN) return { status: 503, code: "disabled", message: "admin endpoints are disabled: ADMIN_TOKEN is not set" };
  const token = bearer(request);
  if (!token || !sameText(token, env.ADMIN_TOKEN)) return { status: 401, code: "unauthorized", message: "admin token is missing or not valid" };
  return null;
}
