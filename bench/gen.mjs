// Deterministic generator of realistic leads and of the reference routing config
// (40 reps in 5 teams) the benchmarks use. Seeded PRNG with integer-only draws, no
// Math.random: the same seed gives the same leads in Node, in a browser and in the Rust
// port (benches/support/gen.rs mirrors this file draw for draw).
//
//   node bench/gen.mjs config            > bench/reference-config.json
//   node bench/gen.mjs leads 1000 [seed] > leads.jsonl
//   node bench/gen.mjs csv 1000 [seed]   > leads.csv

/** mulberry32: a tiny 32-bit PRNG; `next()` is a uint32. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n) => next() % n;
  return {
    next,
    int,
    /** true with probability pct/100 */
    chance: (pct) => int(100) < pct,
    pick: (list) => list[int(list.length)],
    /** list of [weight, value]: a value drawn by integer weight */
    weighted: (list) => {
      let total = 0;
      for (const [w] of list) total += w;
      let r = int(total);
      for (const [w, v] of list) {
        if (r < w) return v;
        r -= w;
      }
      return list[list.length - 1][1];
    },
  };
}

export const DEFAULT_SEED = 20261101;
/** 2026-01-01T00:00:00Z; leads spread over one year so monthly caps roll over. */
export const START_MS = Date.UTC(2026, 0, 1);
export const SPAN_S = 365 * 24 * 3600;

const COUNTRIES = [
  [35, "US"], [5, "CA"], [8, "GB"], [7, "DE"], [5, "FR"], [3, "ES"], [2, "IT"], [2, "NL"],
  [1, "SE"], [4, "AU"], [3, "JP"], [5, "IN"], [2, "SG"], [1, "NZ"], [5, "BR"], [4, "MX"],
  [4, "ZA"], [4, "AE"],
];
const REGIONS = {
  US: ["NY", "NJ", "CT", "MA", "PA", "DC", "VA", "CA", "WA", "OR", "NV", "AZ", "CO", "UT", "TX",
    "IL", "OH", "MI", "GA", "FL", "NC", "MN"],
  CA: ["ON", "QC", "BC", "AB"],
  AU: ["NSW", "VIC", "QLD"],
  IN: ["MH", "KA", "DL"],
};
const LANGUAGE = {
  US: "en", CA: "en", GB: "en", AU: "en", NZ: "en", SG: "en", IN: "en", ZA: "en", AE: "en",
  DE: "de", FR: "fr", ES: "es", MX: "es", IT: "it", NL: "nl", SE: "sv", JP: "ja", BR: "pt",
};
const SYLLABLES = ["nor", "vex", "tal", "bri", "quo", "zen", "mar", "lum", "cor", "dal", "pex",
  "ori", "sol", "kin", "tra", "vel"];
const SUFFIXES = ["Inc", "Ltd", "GmbH", "Labs", "Group", "Systems", "Partners", "Co"];
const FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Gita", "Hugo", "Ines", "Jun", "Kai",
  "Lena", "Milo", "Nora", "Omar", "Pia", "Quinn", "Ravi", "Sara", "Tomas"];
const LAST = ["Ruiz", "Okafor", "Martin", "Patel", "Yilmaz", "Adeyemi", "Rao", "Blanc", "Costa",
  "Tanaka", "Berg", "Novak", "Silva", "Haddad", "Kim", "Moreau", "Walsh", "Iyer", "Lund", "Duarte"];
const FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"];
const TITLES = [
  [6, "VP Sales"], [4, "VP of Engineering"], [5, "Head of Data"], [6, "Director of IT"],
  [2, "Chief Data Officer"], [12, "Data Analyst"], [10, "Software Engineer"], [10, "IT Manager"],
  [8, "Marketing Manager"], [6, "Operations Lead"], [6, "Consultant"], [5, "Founder"],
  [3, "Student"], [2, "Sales Intern"], [4, "Product Manager"],
];
const INDUSTRIES = ["Software", "Financial Services", "Healthcare", "Retail", "Manufacturing",
  "Media", "Education", "Logistics", "Energy", "Public Sector"];
const PRODUCTS = ["Dashboards", "Embedded Analytics", "Forecasting", "Data Pipelines", "Alerts"];
const SOURCES = [[30, "web"], [20, "ads"], [10, "referral"], [8, "event"], [7, "partner"], [25, "organic"]];
/** [weight, min, max] company size bands */
const SIZES = [[5, 1, 4], [30, 5, 49], [25, 50, 199], [20, 200, 999], [12, 1000, 4999], [8, 5000, 50000]];
const SIZE_BANDS = SIZES.map((s) => [s[0], s]);

const pad = (n, w) => String(n).padStart(w, "0");
const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** Sometimes shouts or capitalises a value: the engines compare case-insensitively. */
function casing(r, s) {
  const k = r.int(20);
  if (k === 0) return s.toUpperCase();
  if (k === 1) return s.toLowerCase();
  return s;
}

function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function postal(r, country) {
  switch (country) {
    case "US": return pad(r.int(100000), 5);
    case "CA": return `${r.pick(["M5", "M4", "V6", "H2", "T2"])}${String.fromCharCode(65 + r.int(26))} ${r.int(10)}${String.fromCharCode(65 + r.int(26))}${r.int(10)}`;
    case "GB": return `${r.pick(["SW1", "EC2", "M1", "B3"])} ${r.int(10)}AA`;
    default: return pad(r.int(1000000), 6);
  }
}

/**
 * Lead `i` of `n` (0-based). Leads are in time order over one year from START_MS. Every
 * lead has id, created_at, company_size and annual_revenue; other fields are sometimes
 * missing (never empty strings), values sometimes differ in case.
 */
export function lead(r, i, n) {
  const step = Math.max(1, Math.floor(SPAN_S / n));
  const createdS = i * step + r.int(step);
  const country = r.weighted(COUNTRIES);
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  let company = upperFirst(r.pick(SYLLABLES) + r.pick(SYLLABLES));
  const testLead = r.chance(1);
  if (testLead) company = `Test ${company}`;
  company = `${company} ${r.pick(SUFFIXES)}`;
  const [, lo, hi] = r.weighted(SIZE_BANDS);
  const size = lo + r.int(hi - lo + 1);
  const o = {
    id: `L${pad(i + 1, 7)}`,
    created_at: isoSeconds(START_MS + createdS * 1000),
    first_name: first,
    last_name: last,
  };
  const mail = r.int(100);
  const domain = mail < 8 ? r.pick(FREE_MAIL) : `${company.split(" ")[testLead ? 1 : 0].toLowerCase()}.com`;
  if (mail >= 1) o.email = `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`;
  o.company = company;
  if (!r.chance(4)) o.title = r.weighted(TITLES);
  o.company_size = size;
  o.annual_revenue = size * (50000 + r.int(150000));
  if (!r.chance(3)) o.industry = casing(r, r.pick(INDUSTRIES));
  o.country = casing(r, country);
  const regions = REGIONS[country];
  if (regions && !r.chance(5)) o.region = r.pick(regions);
  o.postal_code = postal(r, country);
  if (!r.chance(3)) {
    const fallbackEn = (country === "CA" && r.chance(20)) ? "fr" : LANGUAGE[country];
    const english = (country === "NL" || country === "SE") && r.chance(35);
    o.language = casing(r, english ? "en" : fallbackEn);
  }
  if (!r.chance(10)) o.product_interest = r.pick(PRODUCTS);
  o.pages_viewed = r.int(25);
  o.demo_requested = r.chance(25);
  o.source = r.weighted(SOURCES);
  return o;
}

/** `n` leads as objects. */
export function leads(n, seed = DEFAULT_SEED) {
  const r = rng(seed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = lead(r, i, n);
  return out;
}

/** Leads `from..to` of `n` as JSONL text (for chunked generation of big sets). */
export function jsonlChunk(r, from, to, n) {
  let s = "";
  for (let i = from; i < to; i++) s += JSON.stringify(lead(r, i, n)) + "\n";
  return s;
}

export const CSV_COLUMNS = ["id", "created_at", "first_name", "last_name", "email", "company",
  "title", "company_size", "annual_revenue", "industry", "country", "region", "postal_code",
  "language", "product_interest", "pages_viewed", "demo_requested", "source"];

/** Leads as CSV (header first; missing fields are empty cells). */
export function csv(list) {
  const cell = (v) => {
    if (v === undefined || v === null) return "";
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  let s = CSV_COLUMNS.join(",") + "\n";
  for (const l of list) s += CSV_COLUMNS.map((c) => cell(l[c])).join(",") + "\n";
  return s;
}

// ---- the reference config -------------------------------------------------------------

const TEAMS = [
  { id: "na-enterprise", name: "North America Enterprise",
    strategy: { type: "territory", then: "round_robin" } },
  { id: "emea", name: "EMEA",
    strategy: { type: "demographic", required: [{ attribute: "languages", field: "language" }],
      preferred: [{ attribute: "products", field: "product_interest" }], then: "round_robin" } },
  { id: "apac", name: "APAC", strategy: { type: "territory", then: "round_robin" } },
  { id: "mid-market", name: "Mid-Market",
    strategy: { type: "demographic", preferred: [{ attribute: "industries", field: "industry" },
      { attribute: "products", field: "product_interest" }], then: "round_robin" } },
  { id: "smb", name: "SMB", strategy: { type: "round_robin", skipped: "keeps_place" } },
];
const NA_TERRITORIES = [
  [{ country: "US", regions: ["NY", "NJ", "CT", "MA", "PA"] }],
  [{ country: "US", regions: ["NY", "NJ", "CT", "MA", "PA", "DC", "VA"] }],
  [{ country: "US", regions: ["CA", "WA", "OR", "NV"] }],
  [{ country: "US", regions: ["CA", "AZ", "CO", "UT", "WA"] }],
  [{ country: "US", regions: ["TX", "IL", "OH", "MI", "GA", "FL", "NC"] }],
  [{ country: "US" }],
  [{ country: "CA", regions: ["ON", "QC"] }, { country: "CA", postal_prefixes: ["M5", "H2"] }],
  [{ country: "CA" }, { country: "US", regions: ["TX", "FL", "MN"] }],
];
const EMEA_LANGUAGES = [["en", "de"], ["en", "fr"], ["en", "es", "it"], ["en", "nl", "de"],
  ["en", "sv"], ["en"], ["de"], ["fr", "en"]];
const APAC_TERRITORIES = [["AU", "NZ"], ["AU"], ["JP"], ["JP", "SG"], ["IN"], ["IN", "SG"],
  ["SG", "AU", "NZ"], ["IN"]];

/** The reference config: screening, scoring, 5 teams of 8, monthly caps. */
export function referenceConfig(seed = DEFAULT_SEED) {
  const r = rng(seed ^ 0x5eed);
  const reps = [];
  for (let i = 0; i < 40; i++) {
    const team = Math.floor(i / 8);
    const k = i % 8;
    const id = `r${pad(i + 1, 2)}`;
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const rep = {
      id,
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
      calendar_url: `https://cal.example.com/${id}`,
    };
    if (team === 0) rep.territories = NA_TERRITORIES[k];
    if (team === 1) rep.languages = EMEA_LANGUAGES[k];
    if (team === 2) rep.territories = APAC_TERRITORIES[k].map((country) => ({ country }));
    if (team === 1 || team === 3) {
      const a = r.int(PRODUCTS.length);
      rep.products = [PRODUCTS[a], PRODUCTS[(a + 1 + r.int(PRODUCTS.length - 1)) % PRODUCTS.length]];
    }
    if (team === 3) {
      const a = r.int(INDUSTRIES.length);
      rep.industries = [INDUSTRIES[a], INDUSTRIES[(a + 1 + r.int(INDUSTRIES.length - 1)) % INDUSTRIES.length]];
    }
    rep.performance = (50 + r.int(50)) / 100;
    rep.caps = { month: 60 + 15 * r.int(9) };
    reps.push(rep);
  }
  const free = FREE_MAIL.map((d) => `email ends_with "@${d}"`).join(" or ");
  return {
    fields: {
      email: "string", company: "string", title: "string", company_size: "number",
      annual_revenue: "number", industry: "string", country: "string", region: "string",
      postal_code: "string", language: "string", product_interest: "string",
      pages_viewed: "number", demo_requested: "boolean", source: "string",
    },
    timezone: "UTC",
    reps,
    teams: TEAMS.map((t, ti) => ({
      ...t,
      members: reps.slice(ti * 8, ti * 8 + 8).map((x) => x.id),
    })),
    screening: {
      required: ["email"],
      rules: [
        { id: "test-lead", when: 'company contains "test"', reason: "test submission" },
        { id: "student", when: 'title contains_any ["student", "intern"]', reason: "student or intern" },
        { id: "free-mail", when: free, reason: "free email domain" },
        { id: "tiny-company", when: "company_size < 5", reason: "company too small" },
      ],
    },
    scoring: {
      groups: [
        { id: "firmographic", max: 60, rules: [
          { id: "senior-title", when: 'title contains_any ["vp", "head", "director", "chief"]', points: 30 },
          { id: "mid-size", when: "company_size >= 200", points: 15 },
          { id: "large", when: "company_size >= 1000", points: 15 },
          { id: "revenue", when: "annual_revenue >= 50000000", points: 10 },
          { id: "target-industry", when: 'industry in ["Software", "Financial Services", "Healthcare"]', points: 10 },
        ] },
        { id: "behaviour", max: 50, rules: [
          { id: "demo", when: "demo_requested == true", points: 30 },
          { id: "engaged", when: "pages_viewed >= 8", points: 15 },
          { id: "browsing", when: "pages_viewed >= 3", points: 5 },
          { id: "warm-source", when: 'source in ["referral", "event", "partner"]', points: 10 },
        ] },
      ],
      grades: [{ grade: "A", min: 75 }, { grade: "B", min: 50 }, { grade: "C", min: 30 }, { grade: "D", min: 0 }],
      mql: 30,
    },
    rules: [
      { id: "strategic", when: "score >= 90 and company_size >= 5000", rep: "r01" },
      { id: "na-enterprise", when: 'country in ["US", "CA"] and company_size >= 1000', team: "na-enterprise" },
      { id: "emea", when: 'country in ["GB", "DE", "FR", "ES", "IT", "NL", "SE"]', team: "emea" },
      { id: "apac", when: 'country in ["AU", "NZ", "JP", "SG", "IN"]', team: "apac" },
      { id: "mid-market", when: "company_size >= 200", team: "mid-market" },
      { id: "everyone", team: "smb" },
    ],
    // The benchmarks route the same generated leads again and again: measure routing,
    // not the replay of a remembered id.
    lead_ids: { remember_days: 0 },
    fallback: "r33",
  };
}

// ---- CLI ------------------------------------------------------------------------------
const isMain = typeof process !== "undefined" && process.argv?.[1]
  && import.meta.url === (await import("node:url")).pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [cmd, nArg, seedArg] = process.argv.slice(2);
  const n = Number(nArg ?? 1000);
  const seed = Number(seedArg ?? DEFAULT_SEED);
  if (cmd === "config") {
    process.stdout.write(JSON.stringify(referenceConfig(), null, 2) + "\n");
  } else if (cmd === "leads") {
    process.stdout.write(jsonlChunk(rng(seed), 0, n, n));
  } else if (cmd === "csv") {
    process.stdout.write(csv(leads(n, seed)));
  } else {
    process.stderr.write("usage: node bench/gen.mjs config | leads N [seed] | csv N [seed]\n");
    process.exit(2);
  }
}
