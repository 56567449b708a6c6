// CSV column mapping: a file's first rows (read by the core's CSV reader), which config
// field each header most likely feeds (names, synonyms, then similarity), and the fields
// no column feeds. The engine applies the mapping; the page never splits CSV itself.
import { csvHead as coreCsvHead, csvHeader as coreCsvHeader } from "../../pkg/web/leadroute_wasm.js";

/** Names the engine reads besides the config's fields. */
export const BUILT_IN = ["id", "created_at", "converted", "deal_value"];

/** Common CRM export names for the fields of a lead config (normalised: lower case,
 * words split at anything not a letter or digit). */
const SYNONYMS = {
  id: ["lead id", "record id", "leadid", "lead number", "key"],
  created_at: ["created", "created date", "create date", "date created", "created on", "timestamp", "submitted", "submitted at", "date"],
  first_name: ["first name", "firstname", "given name", "first"],
  last_name: ["last name", "lastname", "surname", "family name", "last"],
  email: ["email address", "e mail", "mail", "work email", "business email"],
  company: ["company name", "account", "account name", "organization", "organisation", "org"],
  title: ["job title", "position", "role"],
  company_size: ["employees", "employee count", "number of employees", "headcount", "size", "company employees", "no of employees"],
  annual_revenue: ["revenue", "annual revenue", "arr", "company revenue"],
  industry: ["vertical", "sector"],
  country: ["country code", "nation"],
  region: ["state", "province", "state province", "state region", "county"],
  postal_code: ["zip", "zip code", "postcode", "postal", "zip postal code"],
  language: ["lang", "locale", "preferred language"],
  product_interest: ["product", "interest", "product interested", "products", "interested in"],
  pages_viewed: ["page views", "pageviews", "pages", "views", "pages visited"],
  demo_requested: ["wants demo", "demo", "demo request", "requested demo", "demo requested"],
  source: ["lead source", "channel", "origin", "utm source"],
  message: ["comments", "comment", "notes", "description"],
  phone: ["phone number", "telephone", "mobile", "tel"],
  converted: ["won", "closed won", "is won", "converted", "customer"],
  deal_value: ["amount", "deal amount", "opportunity amount", "value", "deal size", "closed amount"],
};

/** The first `rows` records of a CSV text or bytes, header first, split by the core. */
export function csvHead(input, rows = 6) {
  return coreCsvHead(typeof input === "string" ? new TextEncoder().encode(input) : input, rows);
}

/** The header fields of a CSV text's first record, read by the core's CSV reader. */
export function csvHeader(text) {
  return coreCsvHeader(new TextEncoder().encode(text));
}

const norm = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
const stem = (w) => w.replace(/s$/, "");
function bigrams(s) {
  const t = ` ${s.replaceAll(" ", "")} `;
  const out = [];
  for (let i = 0; i < t.length - 1; i++) out.push(t.slice(i, i + 2));
  return out;
}
/** Dice coefficient of letter pairs: "pageviews" and "pages viewed" score high. */
function dice(a, b) {
  const x = bigrams(a);
  const y = bigrams(b);
  const pool = [...y];
  let hits = 0;
  for (const g of x) {
    const i = pool.indexOf(g);
    if (i >= 0) {
      hits++;
      pool.splice(i, 1);
    }
  }
  return (2 * hits) / Math.max(1, x.length + y.length);
}

/** How well `header` names `field`, from 0 to 1. */
export function likeness(header, field) {
  const h = norm(header);
  const f = norm(field);
  if (h === f) return 1;
  const names = SYNONYMS[field] ?? [];
  if (names.includes(h)) return 0.95;
  const words = h.split(" ").map(stem);
  // "State/Province" -> region: every word of a synonym is a word of the header.
  for (const n of names) if (n.split(" ").map(stem).every((w) => words.includes(w))) return 0.85;
  const fw = f.split(" ").map(stem);
  if (fw.every((w) => words.includes(w))) return 0.8;
  let best = dice(h, f);
  for (const n of names) best = Math.max(best, dice(h, n) * 0.9);
  return best;
}

/**
 * The field each header feeds ("" when none fits): the best pairs first, each field fed
 * by one header at most. Headers that already are field names keep their own name.
 */
export function suggestAll(headers, fields, threshold = 0.6) {
  const out = Object.fromEntries(headers.map((h) => [h, ""]));
  const taken = new Set();
  for (const h of headers) {
    if (fields.includes(h)) {
      out[h] = h;
      taken.add(h);
    }
  }
  const pairs = [];
  for (const h of headers) {
    if (out[h]) continue;
    for (const f of fields) if (!taken.has(f)) pairs.push([likeness(h, f), h, f]);
  }
  pairs.sort((a, b) => b[0] - a[0]);
  for (const [score, h, f] of pairs) {
    if (score < threshold) break;
    if (out[h] || taken.has(f)) continue;
    out[h] = f;
    taken.add(f);
  }
  return out;
}

/** The single best field for one header (kept for callers that map one at a time). */
export function suggest(header, fields) {
  return suggestAll([header], fields)[header];
}

/** Config fields (and built-in names) that no column feeds under `mapping`. */
export function unfed(fields, mapping) {
  const fed = new Set(Object.values(mapping).filter(Boolean));
  return fields.filter((f) => !fed.has(f));
}
