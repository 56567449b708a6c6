//! Fuzz target `condition`: see `leadroute_fuzz::condition` for what it feeds and checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadroute_fuzz::condition(data));
