//! Fuzz target `code`: see `qingdan_fuzz::code` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::code(data));
