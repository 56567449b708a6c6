// Reads the worker's settings from its environment once per isolate: the full routing
// config (private, never sent to a browser), its CRM mapping, limits and retry policy.
import { Router, armOf, publicConfig } from "./engine.js";
import { mappingProblems } from "./crm/check.js";

const DEFAULT_FORWARD = ["assigned", "pooled", "nurture"];

// One entry per config text: with an A/B split, arm A's and arm B's settings both stay.
const cache = new Map();

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
  // The small split settings as one key; arm B's config text is compared as it is.
  const splitKey = [env.SPLIT_SHARE_B, env.SPLIT_SEED, env.MODE].join("|");
  const bRaw = env.LEADROUTE_CONFIG_B;
  // Per arm too: the two arms may run the same config text.
  const arm = env.LEADROUTE_ARM === "b" ? "b" : "a";
  const hit = cache.get(raw)?.[arm];
  if (hit && hit.crmRaw === crmRaw && hit.splitKey === splitKey && hit.bRaw === bRaw) return hit.settings;
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
  Object.assign(settings, splitOf(env, settings.mode));
  if (!cache.has(raw) && cache.size >= 4) cache.clear();
  cache.set(raw, { ...cache.get(raw), [arm]: { crmRaw, splitKey, bRaw, settings } });
  return settings;
}

/**
 * The A/B split: with LEADROUTE_CONFIG_B set (the config under test, given like
 * LEADROUTE_CONFIG), SPLIT_SHARE_B of the leads (0 to 1, default 0.5) go to arm B by the
 * core's stable hash of the lead id (`armOf`, seed SPLIT_SEED). `arm` is the arm these
 * settings route ("a", "b", or null without a split); `split` is set on arm A's settings,
 * the ones the Worker reads.
 */
function splitOf(env, mode) {
  if (env.LEADROUTE_ARM === "b") return { arm: "b", split: null };
  if (parseJson(env.LEADROUTE_CONFIG_B, "LEADROUTE_CONFIG_B") === undefined) return { arm: null, split: null };
  if (mode !== "durable") throw new Error(`the A/B split (LEADROUTE_CONFIG_B) needs the Durable Object design; MODE is ${mode}`);
  const share = text(env.SPLIT_SHARE_B) === undefined && typeof env.SPLIT_SHARE_B !== "number" ? 0.5 : Number(env.SPLIT_SHARE_B);
  const split = { share_b: share, seed: int(env.SPLIT_SEED, 0, 0) };
  try {
    // The core checks the share (a number from 0 to 1) and the seed.
    armOf("", split);
  } catch (e) {
    throw new Error(`SPLIT_SHARE_B / SPLIT_SEED: ${e.message}`);
  }
  try {
    // Arm B's config is compiled and checked now too: a bad one fails every call here, not
    // only the leads that hash to B.
    loadSettings(armBEnv(env));
  } catch (e) {
    throw new Error(`LEADROUTE_CONFIG_B: ${e.message}`);
  }
  return { arm: "a", split };
}

/** The environment arm B's Durable Object and checks run with: its config in LEADROUTE_CONFIG. */
export function armBEnv(env) {
  return { ...env, LEADROUTE_CONFIG: env.LEADROUTE_CONFIG_B, LEADROUTE_ARM: "b" };
}

/** Hex SHA-256 of a string. */
export async function sha256(s) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
