// Checks a CRM mapping against the routing config before it serves a lead: every rep and
// pool mapped, a default owner, id shapes per CRM; and, with credentials, against the CRM
// itself (Salesforce describe and User / Queue queries, HubSpot owners and properties).
import { SALESFORCE_FIELDS, HUBSPOT_FIELDS } from "../crm.js";
import { externalIdField } from "./salesforce.js";
import { leadIdProperty } from "./hubspot.js";

const CRM_TYPES = ["salesforce", "hubspot", "webhook"];
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** The 3-character case checksum Salesforce appends to a 15-character id. */
export function salesforceSuffix(id15) {
  let out = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    out += SUFFIX[bits];
  }
  return out;
}

/** Why `id` is not a Salesforce User (005) or, when `queueOk`, Queue (00G) id; null if it is. */
export function salesforceIdProblem(id, queueOk) {
  if (typeof id !== "string" || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id)) {
    return `${JSON.stringify(id)} is not a Salesforce id (15 or 18 letters and digits, found ${typeof id === "string" ? id.length : typeof id})`;
  }
  const prefix = id.slice(0, 3);
  if (prefix !== "005" && !(queueOk && prefix === "00G")) {
    return `"${id}" starts with ${prefix}: ${queueOk ? "an owner must be a User (005) or a Queue (00G)" : "a rep must be a User (005)"}`;
  }
  if (id.length === 18 && id.slice(15) !== salesforceSuffix(id.slice(0, 15))) {
    return `"${id}" has a wrong checksum: the last 3 characters should be ${salesforceSuffix(id.slice(0, 15))} (copy the id from Salesforce)`;
  }
  return null;
}

/**
 * Problems with `crm` for `config` as `{ path, message }`; empty when it can serve leads.
 * An owner key must be a rep id, a pool id, `nurture` or `default`.
 */
export function mappingProblems(config, crm) {
  const out = [];
  const add = (path, message) => out.push({ path, message });
  if (!crm || typeof crm !== "object" || Array.isArray(crm)) return [{ path: "crm", message: "must be an object" }];
  if (!CRM_TYPES.includes(crm.type)) {
    add("crm.type", `must be one of ${CRM_TYPES.map((t) => `"${t}"`).join(", ")}, found ${JSON.stringify(crm.type)}`);
    return out;
  }
  const owners = crm.owners;
  if (!owners || typeof owners !== "object" || Array.isArray(owners)) return [{ path: "crm.owners", message: "must map rep / pool ids to CRM owner ids" }];
  if (crm.forward !== undefined && !(Array.isArray(crm.forward) && crm.forward.every((f) => typeof f === "string"))) add("crm.forward", "must be a list of outcomes");
  const reps = (config?.reps ?? []).map((r) => r.id);
  const pools = (config?.pools ?? []).map((p) => p.id);
  const known = new Set([...reps, ...pools, "nurture", "default"]);
  for (const id of reps) if (owners[id] === undefined) add(`crm.owners.${id}`, `rep "${id}" has no CRM owner id: its leads would go to nobody`);
  for (const id of pools) if (owners[id] === undefined) add(`crm.owners.${id}`, `pool "${id}" has no CRM owner id (a queue or a user)`);
  if (owners.default === undefined) add("crm.owners.default", "a default owner is required (for leads whose rep or pool has no id)");
  for (const key of Object.keys(owners)) if (!known.has(key)) add(`crm.owners.${key}`, `"${key}" is not a rep or pool of the config (nor "nurture" / "default")`);
  for (const [key, id] of Object.entries(owners)) {
    if (!known.has(key)) continue;
    let problem = null;
    if (crm.type === "salesforce") problem = salesforceIdProblem(id, !reps.includes(key));
    else if (crm.type === "hubspot") problem = /^[0-9]+$/.test(String(id)) && (typeof id === "string" || Number.isSafeInteger(id)) ? null : `${JSON.stringify(id)} is not a HubSpot owner id (digits, from the owners API)`;
    else if (typeof id !== "string" || id.trim() === "") problem = "must be a non-empty string";
    if (problem) add(`crm.owners.${key}`, problem);
  }
  if (crm.type === "salesforce" && !/^[A-Za-z][A-Za-z0-9_]*__c$/.test(externalIdField(crm))) {
    add("crm.external_id_field", `${JSON.stringify(crm.external_id_field)} is not a custom field name (Name__c)`);
  }
  if (crm.fields !== undefined && (typeof crm.fields !== "object" || Array.isArray(crm.fields) || crm.fields === null)) add("crm.fields", "must map lead fields to CRM fields");
  return out;
}

function query(base, soql) {
  return `${base}/query?q=${encodeURIComponent(soql)}`;
}

/**
 * Checks the mapping against the CRM with `call(req) -> { status, body }` (authenticated).
 * Resolves to problems as `{ path, message }`.
 */
export async function liveProblems(config, crm, baseUrl, call) {
  const out = [];
  const add = (path, message) => out.push({ path, message });
  const entries = Object.entries(crm.owners ?? {});
  if (crm.type === "salesforce") {
    const base = `${baseUrl}/services/data/${crm.api_version ?? "v60.0"}`;
    const d = await call({ method: "GET", url: `${base}/sobjects/Lead/describe` });
    if (d.status !== 200) return [{ path: "crm", message: `GET /sobjects/Lead/describe answered ${d.status}: ${JSON.stringify(d.body).slice(0, 200)}` }];
    const fields = new Map((d.body.fields ?? []).map((f) => [f.name, f]));
    const ext = externalIdField(crm);
    const f = fields.get(ext);
    if (!f) add("crm.external_id_field", `Lead has no field ${ext}: create it (Text, External ID, Unique)`);
    else if (!f.externalId || !f.unique) add("crm.external_id_field", `${ext} must be marked External ID and Unique (a repeated create must be refused)`);
    for (const target of Object.values({ ...SALESFORCE_FIELDS, ...(crm.fields ?? {}) })) {
      if (target && !fields.has(target)) add(`crm.fields`, `Lead has no field ${target}`);
      else if (target && fields.get(target).createable === false) add("crm.fields", `Lead field ${target} is not createable for this user`);
    }
    const users = entries.filter(([, id]) => String(id).startsWith("005")).map(([, id]) => String(id));
    const queues = entries.filter(([, id]) => String(id).startsWith("00G")).map(([, id]) => String(id));
    const list = (ids) => ids.map((i) => `'${i.replace(/[^a-zA-Z0-9]/g, "")}'`).join(", ");
    const found = new Map();
    if (users.length) {
      const r = await call({ method: "GET", url: query(base, `SELECT Id, IsActive FROM User WHERE Id IN (${list(users)})`) });
      if (r.status !== 200) add("crm.owners", `the User query answered ${r.status}`);
      for (const rec of r.body?.records ?? []) found.set(rec.Id.slice(0, 15), rec.IsActive === false ? "inactive" : "ok");
    }
    if (queues.length) {
      const r = await call({ method: "GET", url: query(base, `SELECT QueueId FROM QueueSobject WHERE SobjectType = 'Lead' AND QueueId IN (${list(queues)})`) });
      if (r.status !== 200) add("crm.owners", `the QueueSobject query answered ${r.status}`);
      for (const rec of r.body?.records ?? []) found.set(rec.QueueId.slice(0, 15), "ok");
    }
    for (const [key, id] of entries) {
      const s = found.get(String(id).slice(0, 15));
      if (!s) add(`crm.owners.${key}`, String(id).startsWith("00G") ? `${id} is not a Lead queue in this org` : `${id} is not a User in this org`);
      else if (s === "inactive") add(`crm.owners.${key}`, `${id} is an inactive user`);
    }
    return out;
  }
  if (crm.type === "hubspot") {
    const owners = new Set();
    let after = null;
    for (let page = 0; page < 100; page++) {
      const r = await call({ method: "GET", url: `${baseUrl}/crm/v3/owners?limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}` });
      if (r.status !== 200) return [{ path: "crm", message: `GET /crm/v3/owners answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}` }];
      for (const o of r.body.results ?? []) if (!o.archived) owners.add(String(o.id));
      after = r.body.paging?.next?.after ?? null;
      if (!after) break;
    }
    for (const [key, id] of entries) if (!owners.has(String(id))) add(`crm.owners.${key}`, `${id} is not an active owner in this HubSpot account`);
    const prop = leadIdProperty(crm);
    const p = await call({ method: "GET", url: `${baseUrl}/crm/v3/properties/contacts/${encodeURIComponent(prop)}` });
    if (p.status === 404) add("crm.lead_id_property", `contacts have no property ${prop}: create it (single-line text, unique values)`);
    else if (p.status !== 200) add("crm.lead_id_property", `GET /crm/v3/properties/contacts/${prop} answered ${p.status}`);
    else if (!p.body.hasUniqueValue) add("crm.lead_id_property", `${prop} must require unique values`);
    const all = await call({ method: "GET", url: `${baseUrl}/crm/v3/properties/contacts` });
    if (all.status === 200) {
      const names = new Set((all.body.results ?? []).map((x) => x.name));
      for (const target of Object.values({ ...HUBSPOT_FIELDS, ...(crm.fields ?? {}) })) if (target && !names.has(target)) add("crm.fields", `contacts have no property ${target}`);
    }
    return out;
  }
  void config;
  return out;
}
