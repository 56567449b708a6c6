// Shared parts for the edge suites (not a test file): starts real workerd with
// www/edge/config.capnp on 127.0.0.1, builds test configs, signs rep tokens.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import workerd from "workerd";
import { signRepToken } from "../../www/edge/auth.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const EDGE = join(ROOT, "www", "edge");
export const WORKERD = workerd.default ?? workerd;
export const ADMIN_TOKEN = "admin-test-token";
export const REP_SECRET = "rep-secret-for-tests";
export const CRM_TOKEN = "crm-secret-token";
export const NOTIFY_TOKEN = "notify-secret-token";

export function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

export function defaultConfig() {
  return readJson(join(ROOT, "data", "default-config.json"));
}

export function crmMapping(type) {
  return readJson(join(EDGE, "crm", `${type}.json`));
}

/**
 * The default config without working hours or out-of-office dates, so what the tests see
 * does not depend on the time of day they run at (caps and statuses still apply).
 */
export function testConfig() {
  const c = defaultConfig();
  for (const r of c.reps) {
    delete r.hours;
    delete r.out_of_office;
  }
  return c;
}

export function sampleLeads() {
  return readFileSync(join(ROOT, "data", "sample-leads.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

/** A sample lead as a form would send it (no outcome columns, no created_at). */
export function formLead(lead, id) {
  const { converted: _c, deal_value: _d, created_at: _t, ...rest } = lead;
  return { ...rest, id: id ?? rest.id };
}

export function repToken(rep) {
  return signRepToken(REP_SECRET, rep);
}

export function requirePkg() {
  for (const f of ["leadroute_wasm.js", "leadroute_wasm_bg.wasm"]) {
    if (!existsSync(join(ROOT, "pkg", "route", "web", f))) throw new Error(`pkg/route/web/${f} is missing: run scripts/build.sh first`);
  }
}

/**
 * Starts workerd. `env` adds to the worker environment (LEADROUTE_CONFIG etc.).
 * Resolves with `{ url, statelessUrl, teamsUrl, cronUrl, readyMs, storageDir, logs, stop }`
 * (`teamsUrl`: the per-team design, MODE=per_team).
 */
export async function startWorkerd({ config, crm, env = {}, storageDir } = {}) {
  requirePkg();
  const dir = storageDir ?? mkdtempSync(join(tmpdir(), "leadroute-do-"));
  const ownsDir = !storageDir;
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LEADROUTE_CONFIG: JSON.stringify(config ?? testConfig()),
    ADMIN_TOKEN,
    REP_TOKEN_SECRET: REP_SECRET,
    CRM_TOKEN,
    NOTIFY_TOKEN,
    ALLOWED_ORIGINS: "*",
    CRM_MAX_ATTEMPTS: "4",
    CRM_RETRY_BASE_MS: "20",
    CRM_RETRY_MAX_MS: "200",
    CRM_TIMEOUT_MS: "3000",
    ...(crm ? { LEADROUTE_CRM: JSON.stringify(crm) } : {}),
    ...env,
  };
  const t0 = performance.now();
  const proc = spawn(WORKERD, ["serve", join(EDGE, "config.capnp"), "--directory-path", `do-storage=${dir}`, "--control-fd=3"], {
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const logs = [];
  proc.stdout.on("data", (d) => logs.push(d.toString()));
  proc.stderr.on("data", (d) => logs.push(d.toString()));
  const ports = {};
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`workerd did not start in 20 s:\n${logs.join("")}`)), 20_000);
    proc.stdio[3].on("data", (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const ev = JSON.parse(line);
          if (ev.event === "listen") ports[ev.socket] = ev.port;
        } catch {
          // Not a control message.
        }
        if (ports.http && ports.stateless && ports.cron && ports.teams) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${code}) before listening:\n${logs.join("")}`));
    });
  });
  const readyMs = performance.now() - t0;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${ports.http}`,
    statelessUrl: `http://127.0.0.1:${ports.stateless}`,
    teamsUrl: `http://127.0.0.1:${ports.teams}`,
    cronUrl: `http://127.0.0.1:${ports.cron}`,
    pid: proc.pid,
    readyMs,
    storageDir: dir,
    logs,
    async stop({ keepStorage = false } = {}) {
      if (!stopped) {
        stopped = true;
        proc.kill("SIGTERM");
        const killer = setTimeout(() => proc.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(killer);
      }
      if (ownsDir && !keepStorage) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST a lead; resolves `{ status, body, ms }`. */
export async function postLead(base, lead, headers = {}) {
  const t0 = performance.now();
  const res = await fetch(`${base}/leads`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof lead === "string" ? lead : JSON.stringify(lead),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, ms };
}

/** A request with a JSON answer. */
export async function call(base, method, path, { token, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

export function admin(base, method, path, body) {
  return call(base, method, path, { token: ADMIN_TOKEN, body });
}

/** Waits until `fn()` is truthy (polling), or fails after `ms`. */
export async function until(fn, ms = 15_000, what = "condition") {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the worker's outbox is empty (everything delivered or dead-lettered). */
export function outboxDrained(base, ms = 30_000) {
  return until(
    async () => {
      const r = await admin(base, "GET", "/admin/outbox");
      return r.body.pending === 0 && r.body.in_flight === 0 ? r.body : null;
    },
    ms,
    "the outbox to drain",
  );
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/**
 * A static site on 127.0.0.1 as a marketing site would host the form: www/form/ at `/`,
 * the engine's route module, web build (pkg/route/web/) at `/engine/`. Resolves `{ url, close }`.
 */
export async function startStatic() {
  requirePkg();
  const roots = [
    ["/engine/", join(ROOT, "pkg", "route", "web")],
    ["/", join(ROOT, "www", "form")],
  ];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    const [prefix, dir] = roots.find(([p]) => path.startsWith(p));
    const file = normalize(join(dir, path.slice(prefix.length) || "index.html"));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A rep's count in the newest period of a kind (`day`, `week`, `month`): snapshots keep [period key, count] pairs. */
export function newestCount(snap, rep, period) {
  return (snap.reps[rep]?.[period] ?? []).reduce((m, p) => (p[0] > m[0] ? p : m), [-Infinity, 0])[1];
}
