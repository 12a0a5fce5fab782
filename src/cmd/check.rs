//! `qingdan check`: placeholder, filled by its owner.

use crate::error::{Error, Result};

/// Arguments of `qingdan check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `qingdan check`.
pub fn run(_args: &Args, _global: &super::Global) -> Result<i32> {
    Err(Error::Usage("qingdan check is not built yet".into()))
}
