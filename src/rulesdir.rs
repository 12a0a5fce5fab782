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

impl RulesText {
    /// An error about `key` of this file, placed at byte offset `at` where the file writes it
    /// (no line and column when it does not).
    pub fn error_at(&self, key: &str, at: Option<usize>, message: String) -> Error {
        let (line, column) = at.map(|o| line_col(&self.text, o)).unwrap_or((None, None));
        Error::Rules { file: self.label.clone(), line, column, key: Some(key.to_string()), message }
    }
}

/// Reads `name` from `dir` when given and present, else the embedded default.
pub fn rules_file(dir: Option<&Path>, name: &str, embedded: &'static str) -> Result<RulesText> {
    if let Some(dir) = dir {
        // A typo in a nightly job's --rules must not silently run the built-in rules.
        if !dir.is_dir() {
            let why = if dir.exists() { "is not a folder" } else { "does not exist" };
            return Err(Error::Usage(format!("--rules {}: the rules folder {why}", dir.display())));
        }
        let path = dir.join(name);
        if path.exists() {
            // A named pipe nobody writes to would block the run for ever.
            if !path.is_file() {
                return Err(Error::Usage(format!(
                    "{}: a rules file must be a file",
                    path.display()
                )));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    // Regression (hostile suite): a missing --rules folder fell back to the defaults.
    #[test]
    fn missing_or_non_folder_rules_dir_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nope");
        let err = rules_file(Some(&missing), "check.toml", "").unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("does not exist"), "{err}");
        let file = tmp.path().join("f.toml");
        std::fs::write(&file, "").unwrap();
        assert!(rules_file(Some(&file), "check.toml", "").is_err());
        let ok = rules_file(Some(tmp.path()), "check.toml", "x = 1").unwrap();
        assert_eq!(ok.text, "x = 1");
    }

    #[test]
    fn bad_toml_names_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Cfg {
            a: u32,
        }
        let rules = RulesText { label: "r.toml".into(), text: "a = 1\nb = 2\n".into() };
        let err = parse_toml::<Cfg>(&rules).unwrap_err().to_string();
        assert!(err.starts_with("r.toml:2:1"), "{err}");
    }
}
