//! The reorder window: items waiting for their turn in `(at, seq)` order. The heap holds
//! only the 24-byte keys; the items stay put in a slab, because moving the items
//! themselves through every sift cost a tenth of a simulation (perf, reference config).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub struct Window<T> {
    keys: BinaryHeap<Reverse<(i64, u64, u32)>>,
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Window<T> {
    pub fn new() -> Window<T> {
        Window {
            keys: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn push(&mut self, at: i64, seq: u64, item: T) {
        let slot = match self.free.pop() {
            Some(s) => {
                if let Some(x) = self.slots.get_mut(s as usize) {
                    *x = Some(item);
                }
                s
            }
            None => {
                self.slots.push(Some(item));
                // The window is bounded (MAX_REORDER_WINDOW), far below u32::MAX.
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.keys.push(Reverse((at, seq, slot)));
    }

    /// The earliest item: lowest `at`, then lowest `seq`.
    pub fn pop(&mut self) -> Option<T> {
        let Reverse((_, _, slot)) = self.keys.pop()?;
        self.free.push(slot);
        self.slots.get_mut(slot as usize).and_then(Option::take)
    }
}

#[cfg(test)]
mod tests {
    use super::Window;

    #[test]
    fn pops_in_time_then_arrival_order_and_reuses_slots() {
        let mut w = Window::new();
        for (at, seq, v) in [(5, 1, "e"), (1, 2, "a"), (5, 0, "d"), (3, 3, "c")] {
            w.push(at, seq, v);
        }
        assert_eq!(w.pop(), Some("a"));
        w.push(2, 4, "b");
        let rest: Vec<_> = std::iter::from_fn(|| w.pop()).collect();
        assert_eq!(rest, ["b", "c", "d", "e"]);
        assert_eq!(w.slots.len(), 4);
        assert_eq!(w.len(), 0);
    }
}
