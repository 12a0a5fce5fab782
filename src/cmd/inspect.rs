//! `qingdan inspect`: placeholder, filled by its owner.

use crate::error::{Error, Result};

/// Arguments of `qingdan inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `qingdan inspect`.
pub fn run(_args: &Args, _global: &super::Global) -> Result<i32> {
    Err(Error::Usage("qingdan inspect is not built yet".into()))
}
