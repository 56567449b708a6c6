# workerd config for running the edge worker locally and in tests (deploy with wrangler.toml).
#
#   workerd serve www/edge/config.capnp --directory-path do-storage=/tmp/leadroute-do \
#     [--socket-addr http=127.0.0.1:8787] [--control-fd=3]
#
# Everything deployment-specific comes from the environment (fromEnvironment below):
# LEADROUTE_CONFIG (full config JSON text), LEADROUTE_CRM (optional: replaces config.crm),
# LEADROUTE_CONFIG_B, SPLIT_SHARE_B, SPLIT_SEED (optional: an A/B split, see README),
# CRM_URL, CRM_TOKEN (or CRM_CLIENT_ID, CRM_CLIENT_SECRET, CRM_REFRESH_TOKEN), WEBHOOK_SECRET,
# NOTIFY_URL, NOTIFY_TOKEN, ADMIN_TOKEN, REP_TOKEN_SECRET, ALLOWED_ORIGINS, THANK_YOU_URL,
# STATE_NAME, STATE_HORIZON_HOURS, IDEMPOTENCY_TTL_HOURS and the retry knobs. Sockets default to port 0: read the
# chosen ports from --control-fd, or pin them with --socket-addr.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "leadroute", worker = .durableWorker),
    (name = "leadroute-stateless", worker = .statelessWorker),
    (name = "leadroute-teams", worker = .perTeamWorker),
    (name = "cron", worker = .cronTrigger),
    # Outbound fetches (CRM, notifications). Local and private addresses are allowed so
    # a stand-in CRM on 127.0.0.1 is reachable; production runs on Cloudflare, not this.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
    (name = "do-storage", disk = (path = "/tmp/leadroute-do-storage", writable = true)),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = (), service = "leadroute"),
    (name = "stateless", address = "127.0.0.1:0", http = (), service = "leadroute-stateless"),
    (name = "teams", address = "127.0.0.1:0", http = (), service = "leadroute-teams"),
    (name = "cron", address = "127.0.0.1:0", http = (), service = "cron"),
  ],
);

const modules :List(Workerd.Worker.Module) = [
  (name = "worker.js", esModule = embed "worker.js"),
  (name = "router-object.js", esModule = embed "router-object.js"),
  (name = "storage.js", esModule = embed "storage.js"),
  (name = "engine-state.js", esModule = embed "engine-state.js"),
  (name = "idempotency.js", esModule = embed "idempotency.js"),
  (name = "migration.js", esModule = embed "migration.js"),
  (name = "errors.js", esModule = embed "errors.js"),
  (name = "body.js", esModule = embed "body.js"),
  (name = "engine.js", esModule = embed "engine.js"),
  (name = "settings.js", esModule = embed "settings.js"),
  (name = "validate.js", esModule = embed "validate.js"),
  (name = "crm.js", esModule = embed "crm.js"),
  (name = "delivery.js", esModule = embed "delivery.js"),
  (name = "outbox.js", esModule = embed "outbox.js"),
  (name = "crm/outcome.js", esModule = embed "crm/outcome.js"),
  (name = "crm/salesforce.js", esModule = embed "crm/salesforce.js"),
  (name = "crm/hubspot.js", esModule = embed "crm/hubspot.js"),
  (name = "crm/webhook.js", esModule = embed "crm/webhook.js"),
  (name = "crm/check.js", esModule = embed "crm/check.js"),
  (name = "auth.js", esModule = embed "auth.js"),
  (name = "outcomes.js", esModule = embed "outcomes.js"),
  (name = "team-object.js", esModule = embed "team-object.js"),
  (name = "per-team.js", esModule = embed "per-team.js"),
  (name = "shares.js", esModule = embed "shares.js"),
  # The npm package's route module (web build), under the names `import "leadroute/route/web"` resolves to.
  (name = "leadroute/route/web", esModule = embed "../../pkg/route/web/leadroute_wasm.js"),
  (name = "leadroute/route/web/leadroute_wasm_bg.wasm", wasm = embed "../../pkg/route/web/leadroute_wasm_bg.wasm"),
  (name = "leadroute/package.json", json = embed "../../pkg/package.json"),
];

const durableWorker :Workerd.Worker = (
  modules = .modules,
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "ROUTER", durableObjectNamespace = "LeadRouter"),
    # Arm B of an A/B split (LEADROUTE_CONFIG_B): its own object, its own routing state.
    (name = "ROUTER_B", durableObjectNamespace = "LeadRouterB"),
    (name = "LEADROUTE_CONFIG", fromEnvironment = "LEADROUTE_CONFIG"),
    (name = "LEADROUTE_CONFIG_B", fromEnvironment = "LEADROUTE_CONFIG_B"),
    (name = "SPLIT_SHARE_B", fromEnvironment = "SPLIT_SHARE_B"),
    (name = "SPLIT_SEED", fromEnvironment = "SPLIT_SEED"),
    (name = "LEADROUTE_CRM", fromEnvironment = "LEADROUTE_CRM"),
    (name = "STATE_NAME", fromEnvironment = "STATE_NAME"),
    (name = "CRM_URL", fromEnvironment = "CRM_URL"),
    (name = "CRM_TOKEN", fromEnvironment = "CRM_TOKEN"),
    (name = "CRM_CLIENT_ID", fromEnvironment = "CRM_CLIENT_ID"),
    (name = "CRM_CLIENT_SECRET", fromEnvironment = "CRM_CLIENT_SECRET"),
    (name = "CRM_REFRESH_TOKEN", fromEnvironment = "CRM_REFRESH_TOKEN"),
    (name = "WEBHOOK_SECRET", fromEnvironment = "WEBHOOK_SECRET"),
    (name = "NOTIFY_URL", fromEnvironment = "NOTIFY_URL"),
    (name = "NOTIFY_TOKEN", fromEnvironment = "NOTIFY_TOKEN"),
    (name = "ADMIN_TOKEN", fromEnvironment = "ADMIN_TOKEN"),
    (name = "REP_TOKEN_SECRET", fromEnvironment = "REP_TOKEN_SECRET"),
    (name = "ALLOWED_ORIGINS", fromEnvironment = "ALLOWED_ORIGINS"),
    (name = "MAX_BODY_BYTES", fromEnvironment = "MAX_BODY_BYTES"),
    (name = "CRM_MAX_ATTEMPTS", fromEnvironment = "CRM_MAX_ATTEMPTS"),
    (name = "CRM_RETRY_BASE_MS", fromEnvironment = "CRM_RETRY_BASE_MS"),
    (name = "CRM_RETRY_MAX_MS", fromEnvironment = "CRM_RETRY_MAX_MS"),
    (name = "CRM_TIMEOUT_MS", fromEnvironment = "CRM_TIMEOUT_MS"),
    (name = "CRM_CONCURRENCY", fromEnvironment = "CRM_CONCURRENCY"),
    (name = "CRM_RETRY_BUDGET_HOURS", fromEnvironment = "CRM_RETRY_BUDGET_HOURS"),
    (name = "CRM_TIMER_MAX_MS", fromEnvironment = "CRM_TIMER_MAX_MS"),
    (name = "IDEMPOTENCY_TTL_HOURS", fromEnvironment = "IDEMPOTENCY_TTL_HOURS"),
    (name = "STATE_HORIZON_HOURS", fromEnvironment = "STATE_HORIZON_HOURS"),
    (name = "THANK_YOU_URL", fromEnvironment = "THANK_YOU_URL"),
  ],
  durableObjectNamespaces = [
    (className = "LeadRouter", uniqueKey = "leadroute-router"),
    (className = "LeadRouterB", uniqueKey = "leadroute-router-b"),
  ],
  durableObjectStorage = (localDisk = "do-storage"),
);

# The per-team design (MODE=per_team): the Worker classifies, one TeamRouter object per team
# assigns, KeyDirectory shards bind idempotency keys to objects (per-team.js, team-object.js).
const perTeamWorker :Workerd.Worker = (
  modules = .modules,
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "MODE", text = "per_team"),
    (name = "TEAMS", durableObjectNamespace = "TeamRouter"),
    (name = "KEYS", durableObjectNamespace = "KeyDirectory"),
    (name = "TICK_INTERVAL_MS", fromEnvironment = "TICK_INTERVAL_MS"),
    (name = "LEADROUTE_CONFIG", fromEnvironment = "LEADROUTE_CONFIG"),
    (name = "LEADROUTE_CRM", fromEnvironment = "LEADROUTE_CRM"),
    (name = "STATE_NAME", fromEnvironment = "STATE_NAME"),
    (name = "CRM_URL", fromEnvironment = "CRM_URL"),
    (name = "CRM_TOKEN", fromEnvironment = "CRM_TOKEN"),
    (name = "CRM_CLIENT_ID", fromEnvironment = "CRM_CLIENT_ID"),
    (name = "CRM_CLIENT_SECRET", fromEnvironment = "CRM_CLIENT_SECRET"),
    (name = "CRM_REFRESH_TOKEN", fromEnvironment = "CRM_REFRESH_TOKEN"),
    (name = "WEBHOOK_SECRET", fromEnvironment = "WEBHOOK_SECRET"),
    (name = "NOTIFY_URL", fromEnvironment = "NOTIFY_URL"),
    (name = "NOTIFY_TOKEN", fromEnvironment = "NOTIFY_TOKEN"),
    (name = "ADMIN_TOKEN", fromEnvironment = "ADMIN_TOKEN"),
    (name = "REP_TOKEN_SECRET", fromEnvironment = "REP_TOKEN_SECRET"),
    (name = "ALLOWED_ORIGINS", fromEnvironment = "ALLOWED_ORIGINS"),
    (name = "MAX_BODY_BYTES", fromEnvironment = "MAX_BODY_BYTES"),
    (name = "CRM_MAX_ATTEMPTS", fromEnvironment = "CRM_MAX_ATTEMPTS"),
    (name = "CRM_RETRY_BASE_MS", fromEnvironment = "CRM_RETRY_BASE_MS"),
    (name = "CRM_RETRY_MAX_MS", fromEnvironment = "CRM_RETRY_MAX_MS"),
    (name = "CRM_TIMEOUT_MS", fromEnvironment = "CRM_TIMEOUT_MS"),
    (name = "CRM_CONCURRENCY", fromEnvironment = "CRM_CONCURRENCY"),
    (name = "CRM_RETRY_BUDGET_HOURS", fromEnvironment = "CRM_RETRY_BUDGET_HOURS"),
    (name = "CRM_TIMER_MAX_MS", fromEnvironment = "CRM_TIMER_MAX_MS"),
    (name = "IDEMPOTENCY_TTL_HOURS", fromEnvironment = "IDEMPOTENCY_TTL_HOURS"),
    (name = "STATE_HORIZON_HOURS", fromEnvironment = "STATE_HORIZON_HOURS"),
    (name = "THANK_YOU_URL", fromEnvironment = "THANK_YOU_URL"),
  ],
  durableObjectNamespaces = [
    (className = "TeamRouter", uniqueKey = "leadroute-team-router"),
    (className = "KeyDirectory", uniqueKey = "leadroute-key-directory"),
  ],
  durableObjectStorage = (localDisk = "do-storage"),
);

# The same module without a Durable Object: MODE=stateless (rendezvous hashing per lead id).
const statelessWorker :Workerd.Worker = (
  modules = .modules,
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "MODE", text = "stateless"),
    (name = "LEADROUTE_CONFIG", fromEnvironment = "LEADROUTE_CONFIG"),
    (name = "LEADROUTE_CRM", fromEnvironment = "LEADROUTE_CRM"),
    (name = "CRM_URL", fromEnvironment = "CRM_URL"),
    (name = "CRM_TOKEN", fromEnvironment = "CRM_TOKEN"),
    (name = "CRM_CLIENT_ID", fromEnvironment = "CRM_CLIENT_ID"),
    (name = "CRM_CLIENT_SECRET", fromEnvironment = "CRM_CLIENT_SECRET"),
    (name = "CRM_REFRESH_TOKEN", fromEnvironment = "CRM_REFRESH_TOKEN"),
    (name = "WEBHOOK_SECRET", fromEnvironment = "WEBHOOK_SECRET"),
    (name = "NOTIFY_URL", fromEnvironment = "NOTIFY_URL"),
    (name = "ALLOWED_ORIGINS", fromEnvironment = "ALLOWED_ORIGINS"),
    (name = "CRM_MAX_ATTEMPTS", fromEnvironment = "CRM_MAX_ATTEMPTS"),
    (name = "CRM_RETRY_BASE_MS", fromEnvironment = "CRM_RETRY_BASE_MS"),
    (name = "MAX_BODY_BYTES", fromEnvironment = "MAX_BODY_BYTES"),
    (name = "THANK_YOU_URL", fromEnvironment = "THANK_YOU_URL"),
  ],
);

# Local stand-in for Cloudflare's cron trigger: POST /?time=<ms> runs the worker's
# `scheduled` handler with that scheduledTime (default: now).
const cronTrigger :Workerd.Worker = (
  modules = [(name = "cron.js", esModule = embed "cron.js")],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "TARGET", service = "leadroute")],
);
