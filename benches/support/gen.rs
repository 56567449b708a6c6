//! Rust port of bench/gen.mjs for the native benches: the same seeded PRNG and the same
//! draws in the same order, so lead `i` of `n` is the same JSON line in both.

/// mulberry32, as in bench/gen.mjs (JS `Math.imul` is `wrapping_mul` on u32).
pub struct Rng(u32);

impl Rng {
    pub fn new(seed: u32) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t = t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61)) ^ t;
        t ^ (t >> 14)
    }
    pub fn int(&mut self, n: u32) -> u32 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, pct: u32) -> bool {
        self.int(100) < pct
    }
    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        let i = self.int(list.len() as u32) as usize;
        list.get(i).copied().unwrap_or("")
    }
    pub fn weighted<T: Copy>(&mut self, list: &[(u32, T)], default: T) -> T {
        let total: u32 = list.iter().map(|(w, _)| w).sum();
        let mut r = self.int(total);
        for (w, v) in list {
            if r < *w {
                return *v;
            }
            r -= w;
        }
        list.last().map_or(default, |(_, v)| *v)
    }
}

pub const DEFAULT_SEED: u32 = 20_261_101;
/// 2026-01-01T00:00:00Z in ms.
pub const START_MS: i64 = 1_767_225_600_000;
pub const SPAN_S: u64 = 365 * 24 * 3600;

const COUNTRIES: [(u32, &str); 18] = [
    (35, "US"),
    (5, "CA"),
    (8, "GB"),
    (7, "DE"),
    (5, "FR"),
    (3, "ES"),
    (2, "IT"),
    (2, "NL"),
    (1, "SE"),
    (4, "AU"),
    (3, "JP"),
    (5, "IN"),
    (2, "SG"),
    (1, "NZ"),
    (5, "BR"),
    (4, "MX"),
    (4, "ZA"),
    (4, "AE"),
];
fn regions(country: &str) -> Option<&'static [&'static str]> {
    match country {
        "US" => Some(&[
            "NY", "NJ", "CT", "MA", "PA", "DC", "VA", "CA", "WA", "OR", "NV", "AZ", "CO", "UT",
            "TX", "IL", "OH", "MI", "GA", "FL", "NC", "MN",
        ]),
        "CA" => Some(&["ON", "QC", "BC", "AB"]),
        "AU" => Some(&["NSW", "VIC", "QLD"]),
        "IN" => Some(&["MH", "KA", "DL"]),
        _ => None,
    }
}
fn language(country: &str) -> &'static str {
    match country {
        "DE" => "de",
        "FR" => "fr",
        "ES" | "MX" => "es",
        "IT" => "it",
        "NL" => "nl",
        "SE" => "sv",
        "JP" => "ja",
        "BR" => "pt",
        _ => "en",
    }
}
const SYLLABLES: [&str; 16] = [
    "nor", "vex", "tal", "bri", "quo", "zen", "mar", "lum", "cor", "dal", "pex", "ori", "sol",
    "kin", "tra", "vel",
];
const SUFFIXES: [&str; 8] = [
    "Inc", "Ltd", "GmbH", "Labs", "Group", "Systems", "Partners", "Co",
];
const FIRST: [&str; 20] = [
    "Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Gita", "Hugo", "Ines", "Jun", "Kai", "Lena",
    "Milo", "Nora", "Omar", "Pia", "Quinn", "Ravi", "Sara", "Tomas",
];
const LAST: [&str; 20] = [
    "Ruiz", "Okafor", "Martin", "Patel", "Yilmaz", "Adeyemi", "Rao", "Blanc", "Costa", "Tanaka",
    "Berg", "Novak", "Silva", "Haddad", "Kim", "Moreau", "Walsh", "Iyer", "Lund", "Duarte",
];
const FREE_MAIL: [&str; 4] = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"];
const TITLES: [(u32, &str); 15] = [
    (6, "VP Sales"),
    (4, "VP of Engineering"),
    (5, "Head of Data"),
    (6, "Director of IT"),
    (2, "Chief Data Officer"),
    (12, "Data Analyst"),
    (10, "Software Engineer"),
    (10, "IT Manager"),
    (8, "Marketing Manager"),
    (6, "Operations Lead"),
    (6, "Consultant"),
    (5, "Founder"),
    (3, "Student"),
    (2, "Sales Intern"),
    (4, "Product Manager"),
];
const INDUSTRIES: [&str; 10] = [
    "Software",
    "Financial Services",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Media",
    "Education",
    "Logistics",
    "Energy",
    "Public Sector",
];
const PRODUCTS: [&str; 5] = [
    "Dashboards",
    "Embedded Analytics",
    "Forecasting",
    "Data Pipelines",
    "Alerts",
];
const SOURCES: [(u32, &str); 6] = [
    (30, "web"),
    (20, "ads"),
    (10, "referral"),
    (8, "event"),
    (7, "partner"),
    (25, "organic"),
];
const SIZES: [(u32, (u32, u32)); 6] = [
    (5, (1, 4)),
    (30, (5, 49)),
    (25, (50, 199)),
    (20, (200, 999)),
    (12, (1000, 4999)),
    (8, (5000, 50000)),
];

fn casing(r: &mut Rng, s: &str) -> String {
    match r.int(20) {
        0 => s.to_uppercase(),
        1 => s.to_lowercase(),
        _ => s.to_string(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn letter(r: &mut Rng) -> char {
    char::from(b'A' + r.int(26) as u8)
}

fn postal(r: &mut Rng, country: &str) -> String {
    match country {
        "US" => format!("{:05}", r.int(100_000)),
        "CA" => {
            let a = r.pick(&["M5", "M4", "V6", "H2", "T2"]);
            let b = letter(r);
            let c = r.int(10);
            let d = letter(r);
            let e = r.int(10);
            format!("{a}{b} {c}{d}{e}")
        }
        "GB" => {
            let a = r.pick(&["SW1", "EC2", "M1", "B3"]);
            format!("{a} {}AA", r.int(10))
        }
        _ => format!("{:06}", r.int(1_000_000)),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch (proleptic Gregorian, UTC).
pub fn iso_seconds(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = leadroute::time::civil_from_days(secs.div_euclid(86_400));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn push_str(out: &mut String, key: &str, v: &str) {
    out.push_str(&format!(",\"{key}\":"));
    out.push_str(&serde_json::Value::from(v).to_string());
}

/// Lead `i` of `n` as one JSON line (no newline), exactly as bench/gen.mjs writes it.
pub fn lead_json(r: &mut Rng, i: u64, n: u64) -> String {
    let step = (SPAN_S / n.max(1)).max(1);
    let created_s = i * step + u64::from(r.int(step as u32));
    let country = r.weighted(&COUNTRIES, "US");
    let first = r.pick(&FIRST);
    let last = r.pick(&LAST);
    let mut company = upper_first(&format!("{}{}", r.pick(&SYLLABLES), r.pick(&SYLLABLES)));
    let test_lead = r.chance(1);
    if test_lead {
        company = format!("Test {company}");
    }
    company = format!("{company} {}", r.pick(&SUFFIXES));
    let (lo, hi) = r.weighted(&SIZES, (1, 4));
    let size = u64::from(lo + r.int(hi - lo + 1));
    let mut o = format!("{{\"id\":\"L{:07}\"", i + 1);
    push_str(
        &mut o,
        "created_at",
        &iso_seconds(START_MS / 1000 + created_s as i64),
    );
    push_str(&mut o, "first_name", first);
    push_str(&mut o, "last_name", last);
    let mail = r.int(100);
    let domain = if mail < 8 {
        r.pick(&FREE_MAIL).to_string()
    } else {
        let word = company
            .split(' ')
            .nth(usize::from(test_lead))
            .unwrap_or("")
            .to_lowercase();
        format!("{word}.com")
    };
    if mail >= 1 {
        let email = format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase());
        push_str(&mut o, "email", &email);
    }
    push_str(&mut o, "company", &company);
    if !r.chance(4) {
        let title = r.weighted(&TITLES, "");
        push_str(&mut o, "title", title);
    }
    let revenue = size * u64::from(50_000 + r.int(150_000));
    o.push_str(&format!(
        ",\"company_size\":{size},\"annual_revenue\":{revenue}"
    ));
    if !r.chance(3) {
        let ind = r.pick(&INDUSTRIES);
        let ind = casing(r, ind);
        push_str(&mut o, "industry", &ind);
    }
    let cased = casing(r, country);
    push_str(&mut o, "country", &cased);
    if let Some(list) = regions(country) {
        if !r.chance(5) {
            let reg = r.pick(list);
            push_str(&mut o, "region", reg);
        }
    }
    let pc = postal(r, country);
    push_str(&mut o, "postal_code", &pc);
    if !r.chance(3) {
        let base = if country == "CA" && r.chance(20) {
            "fr"
        } else {
            language(country)
        };
        let english = (country == "NL" || country == "SE") && r.chance(35);
        let lang = casing(r, if english { "en" } else { base });
        push_str(&mut o, "language", &lang);
    }
    if !r.chance(10) {
        let p = r.pick(&PRODUCTS);
        push_str(&mut o, "product_interest", p);
    }
    let pages = r.int(25);
    let demo = r.chance(25);
    let source = r.weighted(&SOURCES, "web");
    o.push_str(&format!(
        ",\"pages_viewed\":{pages},\"demo_requested\":{demo}"
    ));
    push_str(&mut o, "source", source);
    o.push('}');
    o
}

/// `n` leads as JSONL text.
pub fn jsonl(n: u64, seed: u32) -> String {
    let mut r = Rng::new(seed);
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&lead_json(&mut r, i, n));
        s.push('\n');
    }
    s
}

/// The reference config (bench/reference-config.json, written by bench/gen.mjs).
pub const REFERENCE_CONFIG: &str = include_str!("../../bench/reference-config.json");
