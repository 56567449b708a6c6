//! Fuzz target `lead`: see `leadroute_fuzz::lead` for what it feeds and checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadroute_fuzz::lead(data));
