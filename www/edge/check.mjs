// `node www/edge/check.mjs [--config FILE] [--crm FILE] [--url URL]`: checks a CRM mapping
// before a deploy. Offline: every rep and pool mapped, a default owner, id shapes. With
// credentials in the environment (CRM_TOKEN, or CRM_CLIENT_ID + CRM_CLIENT_SECRET +
// CRM_REFRESH_TOKEN), also against the CRM: Salesforce Lead describe and User / Queue
// queries, HubSpot owners and contact properties. Exits 1 when anything is wrong.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { liveProblems, mappingProblems } from "./crm/check.js";
import { crmCaller } from "./delivery.js";
import { trimBase } from "./crm.js";

const here = dirname(fileURLToPath(import.meta.url));

/** Problems for `config` (with `crm` replacing its `crm` when given) as `{ path, message }`. */
export async function check({ config, crm, url, env = {}, now = Date.now() }) {
  const mapping = crm ?? config.crm;
  const problems = mappingProblems(config, mapping);
  if (problems.length || !(env.CRM_TOKEN || env.CRM_REFRESH_TOKEN) || mapping.type === "webhook") {
    return { problems, live: false };
  }
  const baseUrl = trimBase(url ?? mapping.url ?? (mapping.type === "hubspot" ? "https://api.hubapi.com" : ""));
  const settings = { crm: mapping, crmUrl: baseUrl, retry: { timeoutMs: 10_000 } };
  const call = crmCaller(settings, env, now, null);
  try {
    return { problems: await liveProblems(config, mapping, baseUrl, call), live: true };
  } catch (e) {
    return { problems: [{ path: "crm", message: e?.error ?? e?.message ?? String(e) }], live: true };
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const read = (f) => JSON.parse(readFileSync(f, "utf8"));
  const config = read(arg("--config") ?? join(here, "..", "..", "data", "default-config.json"));
  const crm = arg("--crm") ? read(arg("--crm")) : undefined;
  const { problems, live } = await check({ config, crm, url: arg("--url") ?? process.env.CRM_URL, env: process.env });
  for (const p of problems) console.log(`${p.path}: ${p.message}`);
  console.log(problems.length ? `${problems.length} problem(s)` : `mapping ok${live ? " (checked against the CRM)" : " (offline: set CRM_TOKEN to check against the CRM)"}`);
  process.exit(problems.length ? 1 : 0);
}
