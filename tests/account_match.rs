//! Lead-to-account matching quality on 1,000 generated accounts with name variants:
//! each tier's precision and recall (the 1,000,000-account run with timings is
//! `cargo run --release --example account_match`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../examples/accounts/gen.rs"]
mod gen;

#[test]
fn tiers_find_the_right_account() {
    let g = gen::accounts(1_000, 7);
    let leads = gen::leads(&g, 2_000, 11);
    let router = gen::router(g.accounts.clone(), true).unwrap();
    let stats = gen::evaluate(&router, &leads);
    let s = |t: &str| stats.get(t).copied().unwrap_or_default();
    for (tier, st) in &stats {
        eprintln!(
            "{tier}: generated {} precision {:.3} recall {:.3}",
            st.generated,
            st.precision(),
            st.recall()
        );
    }
    // Exact tiers: every variant the normaliser undoes is found, and nothing else.
    assert_eq!(s("domain").recall(), 1.0);
    assert_eq!(s("domain").precision(), 1.0);
    assert_eq!(s("name").recall(), 1.0);
    assert_eq!(s("name").precision(), 1.0);
    // One typo: most are found, and a reported fuzzy match is almost always right.
    assert!(s("fuzzy").recall() >= 0.8, "{:?}", s("fuzzy"));
    assert!(s("fuzzy").precision() >= 0.95, "{:?}", s("fuzzy"));
    // Companies that are not accounts are rarely taken for one.
    assert!(s("none").recall() >= 0.9, "{:?}", s("none"));
    assert!(s("domain").generated > 500 && s("fuzzy").generated > 200);
}
