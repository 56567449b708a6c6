// `node www/edge/dev.mjs --config FILE [--crm FILE] [--port 8787] [--state DIR] [--stateless]`:
// runs the worker locally in workerd with the user's config (checked through the core
// first), on 127.0.0.1 only, and prints its URL and the tokens to call it with.
//
// The workerd config is config.capnp's own pieces (its modules, its worker's bindings, the
// cron stand-in) with the config file embedded in place of the LEADROUTE_CONFIG variable, so
// a config of any size works and everything else still comes from this process's env.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { configOrExit } from "./deploy.mjs";
import { signRepToken } from "./auth.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..", "..");
const SHOWN_REP_TOKENS = 5;

/** The body of `const <name> :Workerd.Worker = ( ... );` in config.capnp, for Edge.<name>'s bindings. */
export function workerBody(capnp, name) {
  const start = capnp.indexOf(`const ${name} :Workerd.Worker = (`);
  const end = start < 0 ? -1 : capnp.indexOf("\n);", start);
  if (end < 0) throw new Error(`config.capnp has no ${name} worker: dev.mjs cannot build its workerd config`);
  const body = capnp.slice(capnp.indexOf("(", start) + 1, end);
  const binding = '(name = "LEADROUTE_CONFIG", fromEnvironment = "LEADROUTE_CONFIG")';
  if (!body.includes(binding)) throw new Error(`config.capnp's ${name} no longer reads LEADROUTE_CONFIG from the environment`);
  return body.replace("modules = .modules", "modules = Edge.modules").replace(binding, '(name = "LEADROUTE_CONFIG", text = embed "config.json")');
}

/** A workerd config for `configText`, written into `dir` (which then holds config.json and dev.capnp). */
export function writeWorkerdConfig(dir, { configText, port, stateDir, stateless }) {
  const capnp = readFileSync(join(here, "config.capnp"), "utf8");
  writeFileSync(join(dir, "config.json"), configText);
  const storage = stateless ? "" : `\n    (name = "do-storage", disk = (path = ${JSON.stringify(stateDir)}, writable = true)),`;
  writeFileSync(
    join(dir, "dev.capnp"),
    `# Written by www/edge/dev.mjs; the modules and bindings are www/edge/config.capnp's.
using Workerd = import "/workerd/workerd.capnp";
using Edge = import "/www/edge/config.capnp";

const config :Workerd.Config = (
  services = [
    (name = "leadroute", worker = .worker),
    (name = "cron", worker = Edge.cronTrigger),
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),${storage}
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:${port}", http = (), service = "leadroute"),
    (name = "cron", address = "127.0.0.1:0", http = (), service = "cron"),
  ],
);

const worker :Workerd.Worker = (${workerBody(capnp, stateless ? "statelessWorker" : "durableWorker")}
);
`,
  );
  return join(dir, "dev.capnp");
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (["--config", "--crm", "--port", "--state"].includes(a)) opts[a.slice(2)] = argv[++i];
    else if (a === "--stateless") opts.stateless = true;
    else throw new Error(`unknown argument ${JSON.stringify(a)}: use --config FILE [--crm FILE] [--port 8787] [--state DIR] [--stateless]`);
  }
  return opts;
}

async function workerdBinary() {
  try {
    const m = await import("workerd");
    return m.default?.default ?? m.default;
  } catch {
    throw new Error("workerd is not installed: `npm install workerd`");
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const port = opts.port === undefined ? 8787 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, found ${JSON.stringify(opts.port)}`);
  const configPath = opts.config ?? process.env.LEADROUTE_CONFIG;
  const crmPath = opts.crm ?? process.env.LEADROUTE_CRM;
  const config = await configOrExit(configPath, crmPath, "the worker was not started");

  const dir = mkdtempSync(join(tmpdir(), "leadroute-dev-"));
  const stateDir = opts.state ? resolve(opts.state) : join(dir, "state");
  const capnp = writeWorkerdConfig(dir, { configText: JSON.stringify(config), port, stateDir, stateless: !!opts.stateless });
  // Secrets the user did not set are made up for this run and printed: they guard a local worker only.
  const adminToken = process.env.ADMIN_TOKEN || randomBytes(18).toString("base64url");
  const repSecret = process.env.REP_TOKEN_SECRET || randomBytes(24).toString("base64url");
  const { LEADROUTE_CONFIG: _c, LEADROUTE_CRM: _m, ...env } = process.env;
  const args = ["serve", "-I", ROOT, capnp, "--control-fd=3", ...(opts.stateless ? [] : ["--directory-path", `do-storage=${stateDir}`])];
  if (!opts.stateless) mkdirSync(stateDir, { recursive: true });
  const proc = spawn(await workerdBinary(), args, { env: { ...env, ADMIN_TOKEN: adminToken, REP_TOKEN_SECRET: repSecret }, stdio: ["ignore", "inherit", "inherit", "pipe"] });

  let stopping = false;
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    proc.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  proc.on("exit", (code, signal) => {
    cleanup();
    process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
  });

  const ports = {};
  let shown = false;
  for await (const line of createInterface({ input: proc.stdio[3] })) {
    let ev;
    try {
      ev = JSON.parse(line);
    } catch {
      continue;
    }
    if (ev.event === "listen") ports[ev.socket] = ev.port;
    if (ports.http && ports.cron && !shown) {
      shown = true;
      await announce({ url: `http://127.0.0.1:${ports.http}`, cronUrl: `http://127.0.0.1:${ports.cron}`, config, configPath, stateDir: opts.state ? stateDir : null, stateless: !!opts.stateless, adminToken, repSecret });
    }
  }
}

async function announce({ url, cronUrl, config, configPath, stateDir, stateless, adminToken, repSecret }) {
  const reps = (config.reps ?? []).map((r) => r.id);
  const lines = [
    `leadroute edge worker (${stateless ? "stateless" : "durable object"}) at ${url}`,
    `  config            ${configPath} (${reps.length} reps, ${config.teams?.length ?? 0} teams, ${config.pools?.length ?? 0} pools)`,
    `  state             ${stateless ? "none (stateless)" : (stateDir ?? "a temporary directory, removed on exit (--state DIR keeps it)")}`,
    `  admin token       ${adminToken}`,
    `  REP_TOKEN_SECRET  ${repSecret}`,
  ];
  if (reps.length) lines.push("  rep tokens (Authorization: Bearer <token>)");
  for (const rep of reps.slice(0, SHOWN_REP_TOKENS)) lines.push(`    ${rep}  ${await signRepToken(repSecret, rep)}`);
  if (reps.length > SHOWN_REP_TOKENS) lines.push(`    others: REP_TOKEN_SECRET=<above> node www/edge/token.mjs --rep <id>`);
  lines.push(`  a lead            curl -X POST ${url}/leads -H 'content-type: application/json' -d @lead.json`);
  if (!stateless) lines.push(`  cron tick         curl -X POST ${cronUrl}/`);
  lines.push("Ctrl-C stops it.");
  console.log(lines.join("\n"));
}

main().catch((e) => {
  console.error(e?.message ?? e);
  process.exit(1);
});
