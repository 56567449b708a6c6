// `node www/edge/deploy.mjs --config FILE [--crm FILE] [--config-b FILE] [--check] [wrangler deploy args]`:
// checks the user's config through the core, then writes it where deploy.js bundles it from
// and runs `wrangler deploy`. A config that does not compile never reaches Cloudflare.
//
// The path can also come from LEADROUTE_CONFIG (and LEADROUTE_CRM for a separate CRM
// mapping); wrangler.toml's [build] step runs this with `--prepare`, so a plain
// `LEADROUTE_CONFIG=rules.json npx wrangler deploy` is checked the same way.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mappingProblems } from "./crm/check.js";

const here = dirname(fileURLToPath(import.meta.url));
/** What deploy.js imports: written only after the config passed every check. */
export const BUNDLED_CONFIG = join(here, ".deploy", "config.json");
/** Arm B of an A/B split (`--config-b`, or LEADROUTE_CONFIG_B as a path); `null` without one. */
export const BUNDLED_CONFIG_B = join(here, ".deploy", "config-b.json");

/** The engine's Node build: the installed package, else this repository's pkg/ build. */
export async function nodeEngine() {
  try {
    return await import("leadroute");
  } catch {
    const local = join(here, "..", "..", "pkg", "node", "index.mjs");
    try {
      return await import(pathToFileURL(local).href);
    } catch {
      throw new Error("the leadroute package is not installed: `npm install leadroute` here, or run scripts/build.sh for ../../pkg");
    }
  }
}

function readJsonFile(path, what) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { problem: { path: what, message: `cannot read ${path}: ${e.code ?? e.message}` } };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: { path: what, message: `${path} is not valid JSON: ${e.message}` } };
  }
}

/**
 * Reads a config file (and a CRM mapping file replacing its `crm`) and checks it: the
 * core's `validate` (every problem at once, with paths) and the CRM mapping's offline
 * checks. Resolves `{ config, problems: [{ path, message, help? }], warnings }`.
 */
export async function readConfig(configPath, crmPath) {
  if (!configPath) {
    return { config: null, problems: [{ path: "config", message: "no config given: pass --config FILE or set LEADROUTE_CONFIG=FILE" }], warnings: [] };
  }
  const read = readJsonFile(configPath, "config");
  if (read.problem) return { config: null, problems: [read.problem], warnings: [] };
  const config = read.value;
  if (crmPath) {
    const crm = readJsonFile(crmPath, "crm");
    if (crm.problem) return { config, problems: [crm.problem], warnings: [] };
    if (config && typeof config === "object") config.crm = crm.value;
  }
  const { validate } = await nodeEngine();
  const checked = validate(config);
  const problems = checked.errors.map(({ path, message, help }) => ({ path, message, help }));
  // The routing part must compile before a mapping can be checked against its reps.
  if (checked.ok && config.crm !== undefined) problems.push(...mappingProblems(config, config.crm));
  return { config, problems, warnings: checked.warnings ?? [] };
}

/** One line per problem, as the user reads them. */
export function describe(p) {
  return `${p.path || "config"}: ${p.message}${p.help && !p.message.includes(p.help) ? ` (${p.help})` : ""}`;
}

function parseArgs(argv) {
  const opts = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--config" || a === "--crm") opts[a.slice(2)] = argv[++i];
    else if (a === "--config-b") opts.configB = argv[++i];
    else if (a === "--check" || a === "--prepare") opts[a.slice(2)] = true;
    else opts.rest.push(a);
  }
  return opts;
}

/**
 * The checked config for a command line (paths relative to the current directory), after
 * printing its warnings; on any problem prints them all, then `refused`, and exits 1.
 */
export async function configOrExit(configPath, crmPath, refused) {
  const { config, problems, warnings } = await readConfig(configPath && resolve(configPath), crmPath && resolve(crmPath));
  for (const w of warnings) console.warn(`warning: ${w.path ? `${w.path}: ` : ""}${w.message}`);
  if (!problems.length) return config;
  for (const p of problems) console.error(describe(p));
  console.error(`${problems.length} problem(s) in ${configPath ?? "the config"}: ${refused}`);
  process.exit(1);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const configPath = opts.config ?? process.env.LEADROUTE_CONFIG;
  const crmPath = opts.crm ?? process.env.LEADROUTE_CRM;
  const config = await configOrExit(configPath, crmPath, "nothing was deployed");
  // Arm B is checked like the first config (with the same CRM mapping) before anything is written.
  const configBPath = opts.configB ?? process.env.LEADROUTE_CONFIG_B;
  const configB = configBPath ? await configOrExit(configBPath, crmPath, "nothing was deployed") : null;
  const summary = `${config.reps?.length ?? 0} reps, ${config.teams?.length ?? 0} teams, ${config.pools?.length ?? 0} pools${config.crm ? `, ${config.crm.type} mapping` : ""}`;
  if (opts.check) {
    console.log(`config ok: ${summary}`);
    return;
  }
  mkdirSync(dirname(BUNDLED_CONFIG), { recursive: true });
  writeFileSync(BUNDLED_CONFIG, JSON.stringify(config));
  writeFileSync(BUNDLED_CONFIG_B, JSON.stringify(configB));
  console.log(`config ok: ${summary} (written to ${BUNDLED_CONFIG})${configB ? `; arm B of the split written to ${BUNDLED_CONFIG_B}` : ""}`);
  if (opts.prepare) return;
  // The [build] step checks again with the same file: an absolute path, since it runs in www/edge.
  const env = { ...process.env, LEADROUTE_CONFIG: resolve(configPath), ...(crmPath ? { LEADROUTE_CRM: resolve(crmPath) } : {}), ...(configBPath ? { LEADROUTE_CONFIG_B: resolve(configBPath) } : {}) };
  const [cmd, ...cmdArgs] = (process.env.WRANGLER ?? "npx wrangler").split(" ").filter(Boolean);
  const r = spawnSync(cmd, [...cmdArgs, "deploy", ...opts.rest], { cwd: here, env, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e) => {
    console.error(e?.message ?? e);
    process.exit(1);
  });
}
