//! Where rule configuration comes from: the defaults embedded in the binary (so `qingdan` works
//! from any folder), or a `--rules DIR` that overrides them file by file.

use std::borrow::Cow;
use std::path::Path;

use crate::error::{Error, Result};

/// One rules file's text and the name to use for it in error messages.
#[derive(Debug, Clone)]
pub struct RulesText {
    /// `rules/check.toml` (embedded) or the path given.
    pub label: String,
    pub text: Cow<'static, str>,
}

/// Reads `name` from `dir` when given and present, else the embedded default.
pub fn rules_file(dir: Option<&Path>, name: &str, embedded: &'static str) -> Result<RulesText> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            return Ok(RulesText { label: path.display().to_string(), text: Cow::Owned(text) });
        }
    }
    Ok(RulesText { label: format!("rules/{name} (built in)"), text: Cow::Borrowed(embedded) })
}

/// Parses a TOML rules file into `T`, turning a bad file into an error naming file, key, line
/// and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(rules: &RulesText) -> Result<T> {
    toml::from_str(&rules.text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => line_col(&rules.text, span.start),
            None => (None, None),
        };
        Error::Rules {
            file: rules.label.clone(),
            line,
            column,
            key: None,
            message: e.message().to_string(),
        }
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (Option<u64>, Option<u64>) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u64 + 1;
    (Some(line), Some(col))
}
