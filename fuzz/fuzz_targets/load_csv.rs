//! Fuzz target `load_csv`: see `qingdan_fuzz::load_csv` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::load_csv(data));
