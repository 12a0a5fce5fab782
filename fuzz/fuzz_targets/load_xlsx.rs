//! Fuzz target `load_xlsx`: see `qingdan_fuzz::load_xlsx` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qingdan_fuzz::load_xlsx(data));
