//! placeholder: parser micro-benches, filled by its owner.
fn main() {}
