//! `qingdan rules`: placeholder, filled by its owner.

use crate::error::{Error, Result};

/// Arguments of `qingdan rules`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `qingdan rules`.
pub fn run(_args: &Args, _global: &super::Global) -> Result<i32> {
    Err(Error::Usage("qingdan rules is not built yet".into()))
}
