//! The errors that stop a run (exit 2): unreadable input, invalid rules, bad arguments. Findings
//! are not errors; row-level problems are `Diagnostic`s in the load report.

use std::fmt;
use std::io;

/// Why a run could not be done. Every variant names the file and, where there is one, the line
/// and column.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    /// A rules file is invalid.
    #[error("{}", Located { file, line: *line, column: *column, key: key.as_deref(), message })]
    Rules {
        file: String,
        line: Option<u64>,
        column: Option<u64>,
        key: Option<String>,
        message: String,
    },
    /// An input dataset cannot be used at all (no items file, not a workbook, ...).
    #[error("{}", Located { file, line: *line, column: column.map(|c| c as u64), key: None, message })]
    Input { file: String, line: Option<u64>, column: Option<usize>, message: String },
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }

    /// A dataset-level input error without a position.
    pub fn input(file: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input { file: file.into(), line: None, column: None, message: message.into() }
    }
}

struct Located<'a> {
    file: &'a str,
    line: Option<u64>,
    column: Option<u64>,
    key: Option<&'a str>,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(key) = self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}
