//! Fuzz target `config`: see `leadroute_fuzz::config` for what it feeds and checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadroute_fuzz::config(data));
