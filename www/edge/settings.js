// Reads the worker's settings from its environment once per isolate: the full routing
// config (private, never sent to a browser), its CRM mapping, limits and retry policy.
import { Router, publicConfig } from "./engine.js";
import { mappingProblems } from "./crm/check.js";

const DEFAULT_FORWARD = ["assigned", "pooled", "nurture"];

let cached = null;

function text(v) {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function int(v, fallback, min = 0) {
  // An unset binding can arrive as "": that is "not set", not 0.
  const n = typeof v === "number" ? v : text(v) === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= min ? Math.floor(n) : fallback;
}

function parseJson(value, what) {
  if (value && typeof value === "object") return structuredClone(value);
  const t = text(value);
  if (t === undefined) return undefined;
  try {
    return JSON.parse(t);
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${e.message}`);
  }
}

/**
 * Checks the `crm` object of a config against the routing config (every rep and pool
 * mapped, a default owner, id shapes); returns it with defaults filled in, or throws
 * listing every problem.
 */
export function checkCrm(crm, config) {
  if (crm === undefined || crm === null) return null;
  const problems = mappingProblems(config, crm);
  if (problems.length) {
    throw new Error(`config.crm is not ready for ${crm?.type ?? "a CRM"}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  }
  return { ...crm, owners: crm.owners, fields: crm.fields ?? {}, forward: crm.forward ?? DEFAULT_FORWARD };
}

/**
 * Settings from `env` (cached while the config text is unchanged). Throws with a clear
 * message when the config is missing or invalid.
 */
export function loadSettings(env) {
  const raw = env.LEADROUTE_CONFIG;
  const crmRaw = env.LEADROUTE_CRM;
  if (cached && cached.raw === raw && cached.crmRaw === crmRaw) return cached.settings;
  const config = parseJson(raw, "LEADROUTE_CONFIG");
  if (!config) throw new Error("LEADROUTE_CONFIG is not set: the worker needs its routing config");
  const crmOverride = parseJson(crmRaw, "LEADROUTE_CRM");
  if (crmOverride) config.crm = crmOverride;
  const crm = checkCrm(config.crm, config);
  // Compiles once to report config errors here rather than on the first lead.
  new Router(config).free();
  // The state name ignores the CRM mapping: editing an owner id must not reset caps.
  const { crm: _crm, ...routing } = config;
  const configText = JSON.stringify(routing);
  const crmUrl = text(env.CRM_URL) ?? crm?.url ?? (crm?.type === "hubspot" ? "https://api.hubapi.com" : undefined);
  if (crm && !crmUrl && crm.type !== "hubspot") {
    throw new Error(`the ${crm.type} CRM needs a URL: set CRM_URL or config.crm.url`);
  }
  const settings = {
    config,
    configText,
    crm,
    publicConfig: publicConfig(config),
    // MODE=per_team: classify in the Worker, assign in one object per team (per-team.js);
    // the single-object design stays the default for the side-by-side comparison.
    mode: ["stateless", "per_team"].includes(text(env.MODE)) ? text(env.MODE) : "durable",
    stateName: text(env.STATE_NAME),
    maxBodyBytes: int(env.MAX_BODY_BYTES, 16 * 1024, 256),
    crmUrl,
    notifyUrl: text(env.NOTIFY_URL),
    retry: {
      // 0: no cap on attempts, only the time budget.
      maxAttempts: int(env.CRM_MAX_ATTEMPTS, 0, 0),
      budgetMs: int(env.CRM_RETRY_BUDGET_HOURS, 48, 0) * 3_600_000,
      baseMs: int(env.CRM_RETRY_BASE_MS, 2000, 0),
      maxMs: int(env.CRM_RETRY_MAX_MS, 3_600_000, 0),
      // Longer waits are picked up by the cron tick (they survive the object's eviction).
      timerMaxMs: int(env.CRM_TIMER_MAX_MS, 60_000, 0),
      timeoutMs: int(env.CRM_TIMEOUT_MS, 10_000, 1),
      concurrency: int(env.CRM_CONCURRENCY, 6, 1),
    },
    idempotencyTtlMs: int(env.IDEMPOTENCY_TTL_HOURS, 7 * 24, 1) * 3_600_000,
    allowedOrigins: (text(env.ALLOWED_ORIGINS) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  };
  cached = { raw, crmRaw, settings };
  return settings;
}

/** Hex SHA-256 of a string. */
export async function sha256(s) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
