//! Fuzz target `basis`: see `qingdan_fuzz::basis` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::basis(data));
