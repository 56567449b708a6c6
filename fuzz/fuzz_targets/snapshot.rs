//! Fuzz target `snapshot`: see `leadroute_fuzz::snapshot` for what it feeds and checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadroute_fuzz::snapshot(data));
