//! `qingdan diff`: placeholder, filled by its owner.

use crate::error::{Error, Result};

/// Arguments of `qingdan diff`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `qingdan diff`.
pub fn run(_args: &Args, _global: &super::Global) -> Result<i32> {
    Err(Error::Usage("qingdan diff is not built yet".into()))
}
