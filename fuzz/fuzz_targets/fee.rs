//! Fuzz target `fee`: see `qingdan_fuzz::fee` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::fee(data));
