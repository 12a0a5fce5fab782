//! The integration tests, one binary (../shared/STYLE.md; issue 16.13: fifteen binaries each
//! linked against the library took most of the test command's compile time). Each module runs
//! the built `qingdan` binary or the library on fixtures under tests/fixtures and tests/hostile.

mod atomic;
mod check;
mod cli;
mod determinism;
mod diff;
mod exceptions;
mod fix;
mod formats;
mod fuzz_regressions;
mod gen;
mod hostile;
mod laws;
mod load;
mod reports;
mod review;
mod rules;
mod shard;
mod signal_rules;
