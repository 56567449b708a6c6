//! Explicit size limits on every input, so hostile or accidental huge inputs get a
//! clear error instead of exhausting memory or time.

/// Limits applied while loading configs, leads and snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of config JSON (accounts maps make large configs legitimate).
    pub config_bytes: usize,
    pub reps: usize,
    pub teams: usize,
    pub rules: usize,
    pub accounts: usize,
    /// Nesting depth of one condition (`all` / `any` / `not`).
    pub condition_depth: usize,
    /// Items in one condition list (`in`, `domain_in`, ...).
    pub list_items: usize,
    /// Length in bytes of one regex pattern.
    pub regex_bytes: usize,
    /// Compiled size of one regex (regex-lite's own size limit).
    pub regex_compiled_bytes: usize,
    /// Keys in one lead (declared or not).
    pub lead_fields: usize,
    /// Bytes in one lead string value.
    pub lead_string_bytes: usize,
    /// Bytes of one snapshot JSON.
    pub snapshot_bytes: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        config_bytes: 64 * 1024 * 1024,
        reps: 20_000,
        teams: 2_000,
        rules: 20_000,
        accounts: 2_000_000,
        condition_depth: 32,
        list_items: 100_000,
        regex_bytes: 1_000,
        regex_compiled_bytes: 256 * 1024,
        lead_fields: 500,
        lead_string_bytes: 64 * 1024,
        snapshot_bytes: 256 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
