//! `qingdan review`: placeholder, filled by its owner.

use crate::error::{Error, Result};

/// Arguments of `qingdan review`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `qingdan review`.
pub fn run(_args: &Args, _global: &super::Global) -> Result<i32> {
    Err(Error::Usage("qingdan review is not built yet".into()))
}
