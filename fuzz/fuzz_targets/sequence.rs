//! Fuzz target `sequence`: see `leadroute_fuzz::sequence` for what it feeds and checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadroute_fuzz::sequence(data));
