//! Fuzz target `name`: see `qingdan_fuzz::name` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::name(data));
