//! A generated month of leads for `examples/policy/config.json`: seeded, so every run
//! (the test, the example, the closing note) sees the same 8,000 leads.

pub const START: i64 = 1_793_534_400_000; // 2026-11-01 12:00 UTC
pub const LEADS: usize = 3_000;
/// 28 days, so every lead falls in November in every rep's zone.
const MONTH_MS: i64 = 28 * 86_400_000;

/// SplitMix64: a small seeded generator, stable across platforms.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
}

/// `(now, lead JSON)` in time order.
pub fn leads(seed: u64) -> Vec<(i64, String)> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(LEADS);
    for i in 0..LEADS {
        let at = START + (i as i64) * (MONTH_MS / LEADS as i64) + rng.below(60_000) as i64;
        let (country, region, language) = match rng.below(10) {
            0..=3 => ("US", rng.pick(&["CA", "NY", "TX", "FL", "WA", "OH"]), "en"),
            4 => ("CA", rng.pick(&["ON", "QC", "BC"]), rng.pick(&["en", "fr"])),
            5 => ("MX", "CDMX", "es"),
            6 => ("DE", "BY", "de"),
            7 => ("FR", "IDF", rng.pick(&["fr", "en"])),
            8 => ("GB", "ENG", "en"),
            _ => ("AT", "W", rng.pick(&["de", "it"])),
        };
        let domain = match rng.below(20) {
            0 => "gmail.com",
            1 => "rival.example",
            _ => "corp.example",
        };
        let sizes = [20, 20, 150, 150, 800, 800, 2500, 2500, 7000, 15000];
        let size = sizes.get(rng.below(10) as usize).copied().unwrap_or(20);
        let title = rng.pick(&[
            "VP Sales",
            "Head of Ops",
            "Director IT",
            "Manager",
            "Analyst",
            "Student",
            "Chief Revenue Officer",
        ]);
        let lead = serde_json::json!({
            "id": format!("M{i:05}"),
            "email": format!("lead{i}@{domain}"),
            "title": title,
            "company_size": size,
            "industry": rng.pick(&["software", "finance", "retail", "healthcare", "manufacturing"]),
            "country": country,
            "region": region,
            "postal_code": format!("{}{:04}", rng.below(9) + 1, rng.below(10_000)),
            "language": language,
            "product": rng.pick(&["platform", "analytics"]),
            "demo_requested": rng.below(3) == 0,
            "page_views": rng.below(12),
            "source": rng.pick(&["web", "referral", "event", "ads"]),
        });
        out.push((at, lead.to_string()));
    }
    out
}
