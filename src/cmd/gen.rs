//! `qingdan gen`: placeholder, filled by its owner.

use crate::error::{Error, Result};

/// Arguments of `qingdan gen`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `qingdan gen`.
pub fn run(_args: &Args, _global: &super::Global) -> Result<i32> {
    Err(Error::Usage("qingdan gen is not built yet".into()))
}
