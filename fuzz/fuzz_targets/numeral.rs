//! Fuzz target `numeral`: see `qingdan_fuzz::numeral` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::numeral(data));
