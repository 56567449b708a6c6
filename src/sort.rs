//! Sorting and map building that keep the .wasm small. `sort_by` and
//! `collect::<BTreeMap<_, _>>()` each compile another copy of the standard library's
//! stable sort (several KB) for every element type and comparator; going through here
//! there is one small merge sort instead.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Like `collect::<BTreeMap<_, _>>()` (a later pair with the same key replaces the
/// earlier one) but inserting one pair at a time: `collect` sorts a `Vec` of the pairs
/// first and bulk-builds the tree, code the binary would carry for every `(K, V)`.
pub(crate) fn btree_map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// Sorts `v` stably by `cmp`, like `v.sort_by(cmp)`.
pub(crate) fn sort_by<T>(v: &mut Vec<T>, cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = order_by(v, cmp);
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(
        order
            .iter()
            .filter_map(|i| slots.get_mut(*i).and_then(Option::take)),
    );
}

/// Sorts a slice of `Copy` items stably by `cmp`, like `v.sort_by(cmp)`, through the
/// same one merge sort.
pub(crate) fn sort_copy_by<T: Copy>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = order_by(v, cmp);
    let sorted: Vec<T> = order.iter().filter_map(|i| v.get(*i).copied()).collect();
    v.copy_from_slice(&sorted);
}

/// The indexes of `items` in their stable order by `cmp`.
fn order_by<T>(items: &[T], mut cmp: impl FnMut(&T, &T) -> Ordering) -> Vec<usize> {
    stable_order(
        items.len(),
        &mut |a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        },
    )
}

/// The indexes `0..n` in the order that sorts the items stably by `cmp` (which compares
/// items by index). A plain bottom-up merge sort: not generic, so compiled once, and a
/// fraction of the size of the standard library's sort.
fn stable_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = vec![0; n];
    let mut width = 1;
    while width < n {
        for (runs, out) in order.chunks(2 * width).zip(merged.chunks_mut(2 * width)) {
            let (mut left, mut right) = runs.split_at(width.min(runs.len()));
            for slot in out {
                // The right run goes first only when strictly less: equal items keep
                // their order.
                let from_right = match (left.first(), right.first()) {
                    (Some(l), Some(r)) => cmp(*r, *l) == Ordering::Less,
                    (l, _) => l.is_none(),
                };
                let run = if from_right { &mut right } else { &mut left };
                if let Some((first, rest)) = run.split_first() {
                    *slot = *first;
                    *run = rest;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_by_is_stable() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, Ord::cmp);
        assert!(empty.is_empty());
    }

    #[test]
    fn sort_by_matches_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in 0..70 {
            let v: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 33) % 5, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = v;
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std);
        }
    }

    #[test]
    fn sort_copy_by_matches_the_standard_stable_sort() {
        let v = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        let mut ours = v;
        sort_copy_by(&mut ours, |a, b| b.0.cmp(&a.0));
        let mut std = v;
        std.sort_by_key(|b| std::cmp::Reverse(b.0));
        assert_eq!(ours, std);
    }

    #[test]
    fn btree_map_keeps_the_last_duplicate() {
        let m = btree_map([("b", 1), ("a", 2), ("b", 3)]);
        let collected: BTreeMap<_, _> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(m, collected);
        assert_eq!(m.into_iter().collect::<Vec<_>>(), [("a", 2), ("b", 3)]);
    }
}
