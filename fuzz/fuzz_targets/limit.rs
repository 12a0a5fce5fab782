//! Fuzz target `limit`: see `qingdan_fuzz::limit` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::limit(data));
