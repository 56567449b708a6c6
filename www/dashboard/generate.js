// Synthetic past leads for a load test: the sample leads as templates, with new ids and
// times spread over a year, produced as JSONL text in chunks so memory stays flat.

/** A small deterministic generator (mulberry32) so every run makes the same leads. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Yields JSONL chunks of `per` leads, `count` in all, from `templates` (lead objects).
 * Leads are in `created_at` order, one year from 2026-01-01 UTC.
 */
export function* generate(templates, count, per = 20000) {
  const start = Date.UTC(2026, 0, 1);
  const span = 365 * 24 * 3600 * 1000;
  const random = rng(20261101);
  for (let i = 0; i < count; ) {
    const n = Math.min(per, count - i);
    const lines = new Array(n);
    for (let k = 0; k < n; k++, i++) {
      const t = templates[Math.floor(random() * templates.length)];
      const lead = { ...t, id: `G${i + 1}`, created_at: new Date(start + Math.floor((i * span) / count)).toISOString() };
      if (typeof t.pages_viewed === "number") lead.pages_viewed = Math.floor(random() * 20);
      lines[k] = JSON.stringify(lead);
    }
    yield lines.join("\n") + "\n";
  }
}
