// CSV column mapping: a file's header row (read by the core), and which config field each
// header that is not a field name feeds (the engine applies the mapping).
import { csvHeader as coreCsvHeader } from "../../pkg/web/leadroute_wasm.js";

/** Names the engine reads besides the config's fields. */
export const BUILT_IN = ["id", "created_at", "converted", "deal_value"];

/** Common CRM export names for the fields of a lead config. */
const SYNONYMS = {
  company_size: ["employees", "employee count", "number of employees", "headcount", "size"],
  annual_revenue: ["revenue", "annual revenue", "arr"],
  email: ["email address", "e-mail", "mail"],
  company: ["company name", "account", "account name", "organization", "organisation"],
  created_at: ["created", "created date", "create date", "date created", "timestamp"],
  postal_code: ["zip", "zip code", "postcode", "postal"],
  region: ["state", "province"],
  phone: ["phone number", "telephone", "mobile"],
  first_name: ["first name", "firstname", "given name"],
  last_name: ["last name", "lastname", "surname", "family name"],
  id: ["lead id", "record id"],
};

/** The header fields of a CSV text's first record, read by the core's CSV reader (the
 * simulation's own): the page never splits CSV itself. */
export function csvHeader(text) {
  return coreCsvHeader(new TextEncoder().encode(text));
}

const norm = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();

/** The field a header most likely feeds, or "" (kept as it is). */
export function suggest(header, fields) {
  if (fields.includes(header)) return header;
  const n = norm(header);
  for (const f of fields) if (norm(f) === n) return f;
  for (const [field, names] of Object.entries(SYNONYMS)) {
    if (fields.includes(field) && names.includes(n)) return field;
  }
  // "Email Address" -> email: a field name that is a whole word of the header.
  const words = n.split(" ");
  for (const f of fields) if (!f.includes("_") && words.includes(norm(f))) return f;
  return "";
}
