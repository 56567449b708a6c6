//! Conditional caps: a cap that counts only the leads matching its condition, for the
//! reps it names (LeanData's capping rules: "at most 10 enterprise leads a day").

use crate::condition::Cond;

#[derive(Debug, Clone)]
pub struct CapRule {
    pub id: String,
    pub cond: Cond,
    /// Per rep index: whether this cap applies to the rep.
    pub applies: Vec<bool>,
    /// Day, week, month.
    pub caps: [Option<u32>; 3],
}

impl CapRule {
    pub fn applies_to(&self, rep: usize) -> bool {
        self.applies.get(rep).copied().unwrap_or(false)
    }
}
